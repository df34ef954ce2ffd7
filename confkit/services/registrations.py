"""Organiser services for registrations: recording that a person attends an event.

Every function takes the caller's database session, flushes, and never commits.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import contains_eager

from confkit import clock
from confkit.i18n import N_
from confkit.models import (
    Delegation,
    Event,
    Person,
    Registration,
    RegistrationCategory,
    RegistrationStatus,
)
from confkit.services.checks import Problems
from confkit.services.common import as_enum, resolve, savepoint
from confkit.services.history import record_change

# 32 random bytes: 256 bits, 43 characters of URL-safe base64.
TOKEN_BYTES = 32


def add_registration(
    db: DbSession,
    event: Event,
    person: Person | int,
    *,
    category: RegistrationCategory | str = RegistrationCategory.DELEGATE,
    status: RegistrationStatus | str = RegistrationStatus.CONFIRMED,
    delegation: Delegation | int | None = None,
    actor: str = "organiser",
    now: datetime | None = None,
) -> Registration:
    """Record that a person attends an event, as an organiser does, with a new secret token.

    The person may attend at most once; a delegation, if given, must be one of this event's.
    Capacity, the waiting list, the registration window and the registration mode are not
    applied here: these are the organisers' own additions, and the registration flow applies
    them to everyone else. Raises ValidationError naming every problem at once.
    """
    problems = Problems()
    resolved_person = problems.collect(lambda: resolve(db, Person, person, field="person"))
    resolved_category = problems.collect(
        lambda: as_enum(RegistrationCategory, category, field="category")
    )
    resolved_status = problems.collect(lambda: as_enum(RegistrationStatus, status, field="status"))
    resolved_delegation = None
    if delegation is not None:
        resolved_delegation = problems.collect(
            lambda: resolve(db, Delegation, delegation, field="delegation")
        )
        if resolved_delegation is not None and resolved_delegation.event is not event:
            problems.add("delegation", N_("belongs to another event"))
    if resolved_person is not None and _is_registered(db, event, resolved_person):
        problems.add("person", N_("is already registered for this event"))
    problems.raise_if_any()
    stamp = now or clock.now()
    unique_fields = {
        "uq_registrations_event_id_person_id": "person",
        "uq_registrations_token": "token",
    }
    with savepoint(db, unique_fields):
        registration = Registration(
            event=event,
            person=resolved_person,
            delegation=resolved_delegation,
            category=resolved_category,
            status=resolved_status,
            token=secrets.token_urlsafe(TOKEN_BYTES),
            answers={},
            consent_given_at=None,
            confirmed_at=stamp if resolved_status is RegistrationStatus.CONFIRMED else None,
            waitlisted_at=stamp if resolved_status is RegistrationStatus.WAITLISTED else None,
            cancelled_at=stamp if resolved_status is RegistrationStatus.CANCELLED else None,
            created_at=stamp,
            updated_at=stamp,
        )
        db.add(registration)
    record_change(db, registration, actor=actor, action="add", at=stamp, from_status=None)
    db.flush()
    return registration


def _is_registered(db: DbSession, event: Event, person: Person) -> bool:
    if event.id is None or person.id is None:
        return False
    query = select(Registration.id).where(
        Registration.event_id == event.id, Registration.person_id == person.id
    )
    with db.no_autoflush:
        return db.scalar(query) is not None


def list_registrations(db: DbSession, event: Event) -> Sequence[Registration]:
    """The event's registrations, whatever their status, by family name then given name."""
    query = (
        select(Registration)
        .join(Registration.person)
        .options(contains_eager(Registration.person))
        .where(Registration.event_id == event.id)
        .order_by(Person.family_name, Person.given_name, Registration.id)
    )
    return db.scalars(query).all()
