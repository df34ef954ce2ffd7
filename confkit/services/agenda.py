"""An attendee's personal agenda: the sessions they chose, and seats in those that have a
sign-up capacity.

A seat in a session is taken under the session's row lock with the entries counted in the
database, in the same transaction, so a session is never over-booked however many people choose
it at once. Every function takes the caller's database session, flushes, and never commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.errors import CapacityError, NotFound, ValidationError
from confkit.i18n import N_
from confkit.models import (
    AgendaEntry,
    ProgrammeSession,
    Registration,
    RegistrationStatus,
    SessionStatus,
    Visibility,
)
from confkit.services.common import savepoint


def find_public_session(
    db: DbSession, registration: Registration, session_uuid: uuid.UUID | str
) -> ProgrammeSession:
    """A public session of the registration's event by UUID. Raises NotFound."""
    try:
        key = session_uuid if isinstance(session_uuid, uuid.UUID) else uuid.UUID(session_uuid)
    except ValueError:
        raise NotFound("session", session_uuid) from None
    found = db.scalar(
        select(ProgrammeSession).where(
            ProgrammeSession.event_id == registration.event_id,
            ProgrammeSession.uuid == key,
            ProgrammeSession.visibility == Visibility.PUBLIC,
            ProgrammeSession.status.in_([SessionStatus.SCHEDULED, SessionStatus.CANCELLED]),
        )
    )
    if found is None:
        raise NotFound("session", session_uuid)
    return found


def add_to_agenda(
    db: DbSession,
    registration: Registration,
    programme_session: ProgrammeSession,
    *,
    now: datetime | None = None,
) -> AgendaEntry:
    """Put a session on a confirmed attendee's agenda; choosing it again changes nothing.

    Raises ValidationError unless the registration is confirmed and the session is a scheduled
    public session of the same event, and CapacityError when its sign-up seats are all taken.
    """
    if registration.status is not RegistrationStatus.CONFIRMED:
        raise ValidationError.single(
            "registration", N_("only a confirmed registration can choose sessions")
        )
    if (
        programme_session.event_id != registration.event_id
        or programme_session.visibility is not Visibility.PUBLIC
        or programme_session.status is not SessionStatus.SCHEDULED
    ):
        raise ValidationError.single("session", N_("is not open for choosing"))
    existing = _entry(db, registration, programme_session)
    if existing is not None:
        return existing
    stamp = now or clock.now()
    if programme_session.signup_capacity is not None:
        db.flush()
        db.execute(
            select(ProgrammeSession.id)
            .where(ProgrammeSession.id == programme_session.id)
            .with_for_update()
        )
        if places_taken(db, programme_session) >= programme_session.signup_capacity:
            raise CapacityError(
                N_("all %(capacity)s places in this session are taken"),
                capacity=programme_session.signup_capacity,
            )
    with savepoint(db, {"uq_agenda_entries_registration_id_session_id": "session"}):
        entry = AgendaEntry(registration=registration, session=programme_session, created_at=stamp)
        db.add(entry)
    registration.updated_at = stamp
    db.flush()
    return entry


def remove_from_agenda(
    db: DbSession,
    registration: Registration,
    programme_session: ProgrammeSession,
    *,
    now: datetime | None = None,
) -> bool:
    """Take a session off the agenda, freeing its seat; False if it was not on it."""
    existing = _entry(db, registration, programme_session)
    if existing is None:
        return False
    registration.agenda.remove(existing)
    registration.updated_at = now or clock.now()
    db.flush()
    return True


def agenda_sessions(db: DbSession, registration: Registration) -> Sequence[ProgrammeSession]:
    """The sessions on the agenda, in start order."""
    return db.scalars(
        select(ProgrammeSession)
        .join(AgendaEntry, AgendaEntry.session_id == ProgrammeSession.id)
        .where(AgendaEntry.registration_id == registration.id)
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
    ).all()


def places_taken(db: DbSession, programme_session: ProgrammeSession) -> int:
    """How many attendees have the session on their agenda."""
    count = db.scalar(select(func.count()).where(AgendaEntry.session_id == programme_session.id))
    return int(count or 0)


def places_taken_by_session(db: DbSession, event_id: int) -> dict[int, int]:
    """Agenda entries per session of the event, in one query (sessions with none are absent)."""
    rows = db.execute(
        select(AgendaEntry.session_id, func.count())
        .join(ProgrammeSession, AgendaEntry.session_id == ProgrammeSession.id)
        .where(ProgrammeSession.event_id == event_id)
        .group_by(AgendaEntry.session_id)
    )
    return {session_id: count for session_id, count in rows}


def _entry(
    db: DbSession, registration: Registration, programme_session: ProgrammeSession
) -> AgendaEntry | None:
    return db.scalar(
        select(AgendaEntry).where(
            AgendaEntry.registration_id == registration.id,
            AgendaEntry.session_id == programme_session.id,
        )
    )
