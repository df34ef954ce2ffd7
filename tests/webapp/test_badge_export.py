"""``confkit export badges``: the demo's badges as a PDF file, with progress, the registrations
left out named, and one-line errors."""

from __future__ import annotations

import io
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pypdf
import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from confkit.demo import load_pfp30
from confkit.models import Event, Registration, RegistrationCategory, RegistrationStatus
from confkit.tickets import ticket_payload
from tests.confkit.test_badges import scanned
from webapp.transfer_commands import export_command

LOADED = datetime(2025, 3, 1, 8, 30, tzinfo=UTC)


@pytest.fixture
def demo(db: DbSession) -> Event:
    return load_pfp30(db, now=LOADED)


def registrations(db: DbSession, event: Event, **where: object) -> list[Registration]:
    query = select(Registration).filter_by(event_id=event.id, **where)
    return list(db.scalars(query))


def pdf_words(path: Path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_export_the_demos_badges_to_a_file(
    runner: FlaskCliRunner, db: DbSession, demo: Event, tmp_path: Path
) -> None:
    target = tmp_path / "badges.pdf"
    confirmed = registrations(db, demo, status=RegistrationStatus.CONFIRMED)
    cancelled = registrations(db, demo, status=RegistrationStatus.CANCELLED)

    result = runner.invoke(export_command, ["badges", "pfp30-baku", "-o", str(target)])

    assert result.exit_code == 0, result.output
    assert "Drawing badges" in result.stderr
    assert f"Wrote {len(confirmed)} badge(s)" in result.stderr
    for registration in cancelled:
        assert f"Left out (no ticket, cancelled): {registration.person.display_name}" in (
            result.stderr
        )
    reader = pypdf.PdfReader(io.BytesIO(target.read_bytes()))
    assert len(reader.pages) == -(-len(confirmed) // 8)
    shown = pdf_words(target)
    for registration in confirmed:
        assert registration.person.family_name in shown
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_choose_the_layout_status_and_category(
    runner: FlaskCliRunner, app, db: DbSession, demo: Event, tmp_path: Path
) -> None:
    target = tmp_path / "speakers.pdf"
    speakers = registrations(
        db, demo, status=RegistrationStatus.CONFIRMED, category=RegistrationCategory.SPEAKER
    )
    assert speakers

    result = runner.invoke(
        export_command,
        ["badges", "pfp30-baku", "--layout", "a6", "--status", "confirmed"]
        + ["--category", "speaker", "-o", str(target)],
    )

    assert result.exit_code == 0, result.output
    pages = scanned(target.read_bytes())
    key = app.config["SECRET_KEY"]
    assert sorted(page.pop() for page in pages) == sorted(ticket_payload(r, key) for r in speakers)


def test_a_choice_without_a_ticket_writes_nothing(
    runner: FlaskCliRunner, demo: Event, tmp_path: Path
) -> None:
    target = tmp_path / "none.pdf"

    result = runner.invoke(
        export_command, ["badges", "pfp30-baku", "--status", "cancelled", "-o", str(target)]
    )

    assert result.exit_code == 1
    assert "Error: no chosen registration has a ticket: no badge to print" in result.stderr
    assert not target.exists()


def test_a_name_the_font_cannot_print_is_named_and_nothing_written(
    runner: FlaskCliRunner, db: DbSession, demo: Event, tmp_path: Path
) -> None:
    target = tmp_path / "badges.pdf"
    registration = registrations(db, demo, status=RegistrationStatus.CONFIRMED)[0]
    registration.person.given_name = "王"
    db.flush()

    result = runner.invoke(export_command, ["badges", "pfp30-baku", "-o", str(target)])

    assert result.exit_code == 1
    assert f"- registration {registration.id}: 王" in result.stderr
    assert "Error: 1 badge(s) cannot be printed; nothing was written" in result.stderr
    assert "Traceback" not in result.output
    assert not target.exists()


def test_bad_arguments_get_one_line(runner: FlaskCliRunner, demo: Event) -> None:
    unknown = runner.invoke(export_command, ["badges", "nowhere", "-o", "x.pdf"])
    assert unknown.exit_code == 1
    assert unknown.stderr.strip() == "Error: no event with the slug 'nowhere'"

    layout = runner.invoke(export_command, ["badges", "pfp30-baku", "--layout", "letter"])
    assert layout.exit_code == 2
    assert "Invalid value for '--layout'" in layout.stderr

    elsewhere = runner.invoke(export_command, ["ics", "pfp30-baku", "--layout", "a6"])
    assert elsewhere.exit_code == 2
    assert "--layout, --status and --category apply to badges only" in elsewhere.stderr


def test_the_help_names_the_badges(runner: FlaskCliRunner) -> None:
    result = runner.invoke(export_command, ["--help"])

    assert "  badges " in result.output
    assert "--layout [a4|a6]" in result.output
