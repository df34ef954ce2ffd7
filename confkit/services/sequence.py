"""Marking sessions as changed in a way calendars must see."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session as DbSession

from confkit.models import ProgrammeSession


def touch_sessions(db: DbSession, sessions: Iterable[ProgrammeSession], stamp: datetime) -> None:
    """Raise each session's SEQUENCE and modification stamp, and its event's change stamp.

    Calendar clients replace an event they already hold only when SEQUENCE grows, so every
    change they must show goes through here.
    """
    for programme_session in sessions:
        programme_session.sequence += 1
        programme_session.modified_at = stamp
        programme_session.event.programme_changed_at = stamp
