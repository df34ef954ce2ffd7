"""``confkit import sessions-csv|attendees-csv``: a progress bar, errors by line, exit 1 and
nothing saved, and ``--dry-run``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from confkit.models import Event, ProgrammeSession, Registration, Room
from webapp.transfer_commands import import_command

SESSIONS = "title,date,start,end,room\n"


def count(db: DbSession, model: type[object]) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_sessions_csv_imports_with_a_progress_bar(
    runner: FlaskCliRunner,
    db: DbSession,
    make_event: Callable[..., Event],
    make_room: Callable[..., Room],
    tmp_path: Path,
) -> None:
    event = make_event(slug="forum")
    make_room(event, name="Hall A")
    rows = "".join(f"Talk {n},2024-11-26,{8 + n}:00,{8 + n}:30,Hall A\n" for n in range(1, 13))
    source = tmp_path / "sessions.csv"
    source.write_text(SESSIONS + rows + "Unused,2024-11-26,07:00,07:30,\n")

    result = runner.invoke(import_command, ["sessions-csv", "forum", str(source)])

    assert result.exit_code == 0, result.output
    assert "Importing sessions-csv" in result.stderr
    assert result.stdout.strip().endswith("13 row(s); 13 sessions created")
    assert count(db, ProgrammeSession) == 13


def test_a_bad_row_names_its_line_exits_1_and_saves_nothing(
    runner: FlaskCliRunner,
    db: DbSession,
    make_event: Callable[..., Event],
    make_room: Callable[..., Room],
    tmp_path: Path,
) -> None:
    event = make_event(slug="forum")
    make_room(event, name="Hall A")
    source = tmp_path / "sessions.csv"
    source.write_text(
        SESSIONS
        + "".join(f"Talk {n},2024-11-26,{8 + n}:00,{8 + n}:30,Hall A\n" for n in range(1, 6))
        + "Lost,2024-11-26,15:00,16:00,Hall Z\n"
    )

    result = runner.invoke(import_command, ["sessions-csv", "forum", str(source)])

    assert result.exit_code == 1
    assert '- line 7: room "Hall Z" does not exist' in result.stderr
    assert "1 problem(s) in" in result.stderr
    assert "nothing was imported" in result.stderr
    assert "Traceback" not in result.output
    assert count(db, ProgrammeSession) == 0


def test_dry_run_checks_and_saves_nothing(
    runner: FlaskCliRunner,
    db: DbSession,
    open_event_for_registration: Callable[..., Event],
    tmp_path: Path,
) -> None:
    open_event_for_registration(capacity=1, slug="forum")
    source = tmp_path / "people.csv"
    source.write_bytes(
        "\ufeffGiven name;Family name;Email;Badge colour\r\n"
        "Aysel;Məmmədova;aysel@example.org;red\r\n"
        "Ann;Lee;ann@example.org;blue\r\n".encode()
    )

    checked = runner.invoke(import_command, ["attendees-csv", "forum", str(source), "--dry-run"])

    assert checked.exit_code == 0, checked.output
    assert "Ignored columns: Badge colour" in checked.stderr
    assert "- line 3: goes to the waiting list: all 1 seats are taken" in checked.stdout
    assert "nothing saved: 2 row(s); 2 persons created, 2 registrations created" in checked.stdout
    assert count(db, Registration) == 0

    imported = runner.invoke(import_command, ["attendees-csv", "forum", str(source)])

    assert imported.exit_code == 0, imported.output
    assert count(db, Registration) == 2
    again = runner.invoke(import_command, ["attendees-csv", "forum", str(source), "--dry-run"])
    assert again.exit_code == 1
    assert "- line 2: aysel@example.org is already registered for this event" in again.stderr
    assert "nothing would be imported" in again.stderr


def test_dry_run_of_an_ics_file_saves_nothing(
    runner: FlaskCliRunner, db: DbSession, make_event: Callable[..., Event], tmp_path: Path
) -> None:
    make_event(slug="forum")
    source = tmp_path / "talks.ics"
    source.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:one@x\r\n"
        b"DTSTART:20241126T060000Z\r\nDTEND:20241126T070000Z\r\nSUMMARY:One\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )

    result = runner.invoke(import_command, ["ics", "forum", str(source), "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "nothing saved: sessions: 1 created" in result.stdout
    assert count(db, ProgrammeSession) == 0


def test_a_file_that_is_not_utf8_is_one_clear_error(
    runner: FlaskCliRunner, make_event: Callable[..., Event], tmp_path: Path
) -> None:
    make_event(slug="forum")
    source = tmp_path / "people.csv"
    source.write_bytes("email,family name\nzoë@example.org,Zoë\n".encode("latin-1"))

    result = runner.invoke(import_command, ["attendees-csv", "forum", str(source)])

    assert result.exit_code == 1
    assert '- line 2: is not UTF-8 text: save the file as "CSV UTF-8"' in result.stderr
