"""The file formats an event's programme can be exported to and imported from, by name, and the
organisers' attendee list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session as DbSession

from confkit.feeds import programme_feed
from confkit.formats.attendees_csv import render_attendees_csv
from confkit.formats.frab import render_frab_json, render_frab_xml
from confkit.imports.attendees_csv import import_attendees_csv, preview_attendees_csv
from confkit.imports.csv_table import MAX_ROWS, CsvSource
from confkit.imports.frab_xml import import_frab_xml
from confkit.imports.ics import import_ics
from confkit.imports.plan import ImportPlan, Progress
from confkit.imports.report import ImportReport
from confkit.imports.sessions_csv import import_sessions_csv, preview_sessions_csv
from confkit.models import Event
from confkit.schedule import build_schedule
from confkit.services.attendee_data import attendee_sheet

Exporter = Callable[[DbSession, Event, str], bytes]
Importer = Callable[[DbSession, Event, bytes, datetime | None], ImportReport]


def _export_ics(db: DbSession, event: Event, base_url: str) -> bytes:
    return programme_feed(db, event, base_url=base_url)


def _export_frab_xml(db: DbSession, event: Event, base_url: str) -> bytes:
    return render_frab_xml(build_schedule(db, event), base_url=base_url)


def _export_frab_json(db: DbSession, event: Event, base_url: str) -> bytes:
    return render_frab_json(build_schedule(db, event), base_url=base_url)


def _export_attendees_csv(db: DbSession, event: Event, base_url: str) -> bytes:
    # The list carries no links, so it has no use for the base URL.
    return render_attendees_csv(attendee_sheet(db, event))


def _import_ics(db: DbSession, event: Event, data: bytes, now: datetime | None) -> ImportReport:
    return import_ics(db, event, data, now=now)


def _import_frab_xml(
    db: DbSession, event: Event, data: bytes, now: datetime | None
) -> ImportReport:
    return import_frab_xml(db, event, data, now=now)


EXPORTERS: dict[str, Exporter] = {
    "ics": _export_ics,
    "frab-xml": _export_frab_xml,
    "frab-json": _export_frab_json,
    "attendees-csv": _export_attendees_csv,
}
# Exports that hold personal data: for the organisers only, never a public feed. None of them
# carries links, so none needs the base URL.
PERSONAL_EXPORTS = frozenset({"attendees-csv"})
IMPORTERS: dict[str, Importer] = {"ics": _import_ics, "frab-xml": _import_frab_xml}
# Spreadsheet imports: previewed row by row before anything is saved.
CSV_IMPORTS = ("sessions-csv", "attendees-csv")


def export_event(db: DbSession, event: Event, file_format: str, *, base_url: str) -> bytes:
    """The event in ``file_format`` (one of ``EXPORTERS``): its public programme, or for one of
    ``PERSONAL_EXPORTS`` its attendees' personal data."""
    return EXPORTERS[file_format](db, event, base_url)


def import_into_event(
    db: DbSession, event: Event, file_format: str, data: bytes, *, now: datetime | None = None
) -> ImportReport:
    """Import ``data`` in ``file_format`` (one of ``IMPORTERS``) into the event.

    Raises ValidationError naming the line or element of every problem; nothing is imported then.
    """
    return IMPORTERS[file_format](db, event, data, now)


def plan_csv_import(
    db: DbSession,
    event: Event,
    file_format: str,
    data: CsvSource,
    *,
    save: bool,
    actor: str = "organiser",
    progress: Progress | None = None,
    max_rows: int = MAX_ROWS,
) -> ImportPlan:
    """Check ``data`` in ``file_format`` (one of ``CSV_IMPORTS``) row by row against the event,
    and save it too if ``save``; ``actor`` names who added attendees in their history.

    Raises ValidationError when the file cannot be read, and when ``save`` and any row is bad
    (naming every bad line; nothing is saved then).
    """
    if file_format == "sessions-csv":
        run_sessions = import_sessions_csv if save else preview_sessions_csv
        return run_sessions(db, event, data, progress=progress, max_rows=max_rows)
    if file_format == "attendees-csv":
        run_attendees = import_attendees_csv if save else preview_attendees_csv
        return run_attendees(db, event, data, actor=actor, progress=progress, max_rows=max_rows)
    raise ValueError(f"{file_format!r} is not one of {CSV_IMPORTS}")
