"""The demo events: a real conference of 2024 with an illustrative timetable, and a fictional
follow-up workshop that is always open for registration.

``load_demo`` only goes through the confkit services, so the demo obeys every rule an organiser
does, and it is idempotent: an event already loaded is left exactly as it is.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.demo.builder import DEMO_NAMESPACE, demo_session_uuid
from confkit.demo.pfp30 import load_pfp30
from confkit.demo.workshop import WORKSHOP_QUESTIONS, load_workshop
from confkit.models import Event

__all__ = [
    "DEMO_NAMESPACE",
    "WORKSHOP_QUESTIONS",
    "demo_session_uuid",
    "load_demo",
    "load_pfp30",
    "load_workshop",
]


def load_demo(db: DbSession, *, today: date, now: datetime | None = None) -> list[Event]:
    """Load both demo events (flushes, never commits) and return them.

    The workshop is dated from ``today`` and opens for registration at ``now``, which must lie
    before it. Events already there are returned untouched. Raises ValidationError or
    ConflictError only if the demo data breaks a rule (a bug in the specs).
    """
    stamp = now or clock.now()
    return [load_pfp30(db, now=stamp), load_workshop(db, today=today, now=stamp)]
