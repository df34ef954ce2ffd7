"""The file formats an event's programme can be exported to and imported from, by name."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session as DbSession

from confkit.feeds import programme_feed
from confkit.imports.ics import import_ics
from confkit.models import Event

Exporter = Callable[[DbSession, Event, str], bytes]
Importer = Callable[..., Any]


def _export_ics(db: DbSession, event: Event, base_url: str) -> bytes:
    return programme_feed(db, event, base_url=base_url)


EXPORTERS: dict[str, Exporter] = {"ics": _export_ics}
IMPORTERS: dict[str, Importer] = {"ics": import_ics}


def export_event(db: DbSession, event: Event, file_format: str, *, base_url: str) -> bytes:
    """The event's public programme in ``file_format`` (one of ``EXPORTERS``)."""
    return EXPORTERS[file_format](db, event, base_url)


def import_into_event(
    db: DbSession, event: Event, file_format: str, data: bytes, *, now: datetime | None = None
) -> Any:
    """Import ``data`` in ``file_format`` (one of ``IMPORTERS``); returns the importer's report.

    Raises ValidationError naming the line or element of every problem; nothing is imported then.
    """
    return IMPORTERS[file_format](db, event, data, now=now)
