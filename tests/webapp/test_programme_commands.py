"""``confkit conflicts EVENT`` on the suite's database."""

from __future__ import annotations

from flask.testing import FlaskCliRunner

from tests.factories import baku
from webapp.programme_commands import conflicts_command


def test_a_clean_programme_reports_no_clashes(
    runner: FlaskCliRunner, make_event, make_session
) -> None:
    event = make_event(slug="clean")
    make_session(event)
    result = runner.invoke(conflicts_command, ["clean"])
    assert result.exit_code == 0, result.output
    assert "No clashes in clean." in result.output


def test_clashes_are_listed_and_fail_the_command(
    runner: FlaskCliRunner, db, make_event, make_room, make_session
) -> None:
    event = make_event(slug="busy")
    hall = make_room(event, name="Hall")
    make_session(event, title="Opening", room=hall)
    late = make_session(
        event, title="Late start", room=hall, starts_at=baku(26, 12), ends_at=baku(26, 13)
    )
    # A direct edit that bypasses the services' checks, as a bulk import might.
    late.starts_at = baku(26, 10, 30)
    db.flush()
    result = runner.invoke(conflicts_command, ["busy"])
    assert result.exit_code == 1
    assert '- room "Hall": "Opening" (26 Nov 10:00–11:00) overlaps "Late start"' in result.output
    assert "1 clash(es) in busy" in result.output


def test_an_unknown_event_is_named(runner: FlaskCliRunner) -> None:
    result = runner.invoke(conflicts_command, ["no-such-event"])
    assert result.exit_code == 1
    assert "no event with the slug 'no-such-event'" in result.output
    assert "Traceback" not in result.output
