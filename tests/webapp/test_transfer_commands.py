"""``confkit export`` and ``confkit import`` on the suite's database."""

from __future__ import annotations

import csv
import io
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

from flask.testing import FlaskCliRunner
from icalendar import Calendar
from sqlalchemy import func, select

from confkit.demo import load_pfp30
from confkit.models import ProgrammeSession
from confkit.transfer import EXPORTERS
from webapp.transfer_commands import export_command, import_command


def test_export_ics_to_a_file_and_to_standard_output(
    runner: FlaskCliRunner, app, make_event, make_session, tmp_path: Path
) -> None:
    app.config["CONFKIT_BASE_URL"] = "https://conf.example.org"
    event = make_event(slug="exported")
    talk = make_session(event, title="Exported talk")
    target = tmp_path / "programme.ics"
    result = runner.invoke(export_command, ["ics", "exported", "-o", str(target)])
    assert result.exit_code == 0, result.output
    (vevent,) = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert str(vevent["UID"]) == f"{talk.uuid}@conf.example.org"
    printed = runner.invoke(export_command, ["ics", "exported"])
    assert printed.exit_code == 0
    assert printed.stdout_bytes == target.read_bytes()


def test_export_without_a_base_url_warns(runner: FlaskCliRunner, make_event) -> None:
    make_event(slug="plain")
    result = runner.invoke(export_command, ["ics", "plain"])
    assert result.exit_code == 0
    assert "CONFKIT_BASE_URL is not set" in result.stderr
    assert result.stdout.startswith("BEGIN:VCALENDAR")


def test_unknown_event_or_format_is_named(runner: FlaskCliRunner) -> None:
    result = runner.invoke(export_command, ["ics", "nowhere"])
    assert result.exit_code == 1
    assert "no event with the slug 'nowhere'" in result.output
    result = runner.invoke(export_command, ["pdf", "nowhere"])
    assert result.exit_code == 2
    assert "Invalid value for 'FORMAT'" in result.output


def test_import_ics_commits_and_reports(
    runner: FlaskCliRunner, db, make_event, tmp_path: Path
) -> None:
    make_event(slug="imported")
    source = tmp_path / "talks.ics"
    source.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:one@x\r\n"
        b"DTSTART:20241126T060000Z\r\nDTEND:20241126T070000Z\r\nSUMMARY:One\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    result = runner.invoke(import_command, ["ics", "imported", str(source)])
    assert result.exit_code == 0, result.output
    assert "sessions: 1 created, 0 updated, 0 unchanged" in result.output
    again = runner.invoke(import_command, ["ics", "imported", str(source)])
    assert "sessions: 0 created, 0 updated, 1 unchanged" in again.output


def test_a_bad_file_imports_nothing_and_names_the_line(
    runner: FlaskCliRunner, db, make_event, tmp_path: Path
) -> None:
    make_event(slug="imported")
    source = tmp_path / "bad.ics"
    source.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:one@x\r\n"
        b"DTSTART:20241126T060000Z\r\nDTEND:20241126T070000Z\r\nSUMMARY:One\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:two@x\r\nDTSTART:20241126T080000Z\r\nSUMMARY:Two\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    result = runner.invoke(import_command, ["ics", "imported", str(source)])
    assert result.exit_code == 1
    assert "- line 10: DTEND is missing" in result.output
    assert "nothing was imported" in result.output
    assert "Traceback" not in result.output
    assert db.scalar(select(func.count()).select_from(ProgrammeSession)) == 0


def test_export_frab_formats_and_import_frab_xml_back(
    runner: FlaskCliRunner, app, db, make_event, make_session, tmp_path: Path
) -> None:
    event = make_event(slug="frab-source")
    talk = make_session(event, title="Frab talk")
    xml_file, json_file = tmp_path / "schedule.xml", tmp_path / "schedule.json"
    assert (
        runner.invoke(export_command, ["frab-xml", "frab-source", "-o", str(xml_file)]).exit_code
        == 0
    )
    assert (
        runner.invoke(export_command, ["frab-json", "frab-source", "-o", str(json_file)]).exit_code
        == 0
    )
    assert f'guid="{talk.uuid}"' in xml_file.read_text()
    assert str(talk.uuid) in json_file.read_text()
    result = runner.invoke(import_command, ["frab-xml", "frab-source", str(xml_file)])
    assert result.exit_code == 0, result.output
    assert "sessions: 0 created, 0 updated, 1 unchanged" in result.output
    broken = tmp_path / "broken.xml"
    broken.write_text("<schedule><conference>\n<title>x</title>\n</schedule>")
    result = runner.invoke(import_command, ["frab-xml", "frab-source", str(broken)])
    assert result.exit_code == 1
    assert "line 3" in result.output
    assert "nothing was imported" in result.output


def test_export_attendees_csv_of_the_demo_to_a_file_and_to_standard_output(
    runner: FlaskCliRunner, db, tmp_path: Path
) -> None:
    load_pfp30(db, now=datetime(2025, 3, 1, 8, 30, tzinfo=UTC))
    target = tmp_path / "attendees.csv"
    result = runner.invoke(export_command, ["attendees-csv", "pfp30-baku", "-o", str(target)])
    assert result.exit_code == 0, result.output
    # The list carries no links: no warning about the base URL, but a word on personal data.
    assert "CONFKIT_BASE_URL" not in result.stderr
    assert "personal data" in result.stderr
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header, *rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    assert header[:2] == ["Given name", "Family name"]
    assert len(rows) == 42
    assert "Burcu" in {row[0] for row in rows}
    # Attendees the organisers added without a position show the one they hold.
    assert any("Ministry of Defence" in row[4] for row in rows)
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    printed = runner.invoke(export_command, ["attendees-csv", "pfp30-baku"])
    assert printed.exit_code == 0
    assert printed.stdout_bytes == data


def test_an_existing_file_is_made_private_before_personal_data_goes_in(
    runner: FlaskCliRunner, make_event, tmp_path: Path
) -> None:
    make_event(slug="private")
    target = tmp_path / "attendees.csv"
    target.write_text("old")
    target.chmod(0o644)
    result = runner.invoke(export_command, ["attendees-csv", "private", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"\xef\xbb\xbfGiven name,")
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_the_help_names_every_export_format(runner: FlaskCliRunner) -> None:
    result = runner.invoke(export_command, ["--help"])
    assert result.exit_code == 0
    for file_format in EXPORTERS:
        assert f"  {file_format} " in result.output
    assert "personal data" in result.output
