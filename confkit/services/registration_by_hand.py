"""Registrations the organisers add themselves: a guest of honour, a speaker, staff, someone who
registered by telephone.

Unlike the public form there is no confirmation link, no window and no mode: the organiser
vouches for the person. The seats are still the seat services' to give, under the event's lock,
so an addition never overbooks: a full event puts the person on its waiting list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.i18n import DEFAULT_LOCALE, LOCALES, N_
from confkit.imports.people import person_by_email
from confkit.models import (
    Affiliation,
    Event,
    Organisation,
    Person,
    Registration,
    RegistrationCategory,
    RegistrationStatus,
)
from confkit.services.checks import Problems
from confkit.services.common import as_enum, resolve, savepoint
from confkit.services.people import add_affiliation, create_organisation, create_person
from confkit.services.registrations import add_registration
from confkit.services.seats import place_registration
from confkit.services.signup import NewOrganisation, normalise_email


@dataclass(frozen=True)
class RegistrationByHand:
    """What an organiser enters for a person they register. A person already known by address
    is reused as stored (their names are not overwritten); an address is optional."""

    given_name: str
    family_name: str
    email: str | None = None
    honorific: str = ""
    category: RegistrationCategory | str = RegistrationCategory.DELEGATE
    organisation_id: int | None = None
    new_organisation: NewOrganisation | None = None
    position: str = ""
    delegation_id: int | None = None
    notify_attendee: bool = True
    # The language of the person's mails (confkit.i18n.LOCALES).
    locale: str = DEFAULT_LOCALE


def register_by_hand(
    db: DbSession,
    event: Event,
    details: RegistrationByHand,
    *,
    actor: str,
    base_url: str,
    now: datetime | None = None,
) -> Registration:
    """Register the person for ``event`` with a seat if one is free, else on the waiting list,
    and mail them their link unless told not to. All or nothing: a refusal leaves no person,
    organisation or registration behind. Raises ValidationError naming every problem (an
    address already registered included) and CapacityError when the event is full and keeps no
    waiting list."""
    stamp = now or clock.now()
    problems = Problems()
    given_email = (details.email or "").strip()
    email = problems.collect(lambda: normalise_email(given_email)) if given_email else None
    category = problems.collect(
        lambda: as_enum(RegistrationCategory, details.category, field="category")
    )
    if details.locale not in LOCALES:
        problems.add("locale", N_("must be one of: %(choices)s"), choices=", ".join(LOCALES))
    organisation: Organisation | None = None
    if details.organisation_id is not None and details.new_organisation is not None:
        problems.add("organisation", N_("choose an organisation or name a new one, not both"))
    elif details.organisation_id is not None:
        organisation = problems.collect(
            lambda: resolve(db, Organisation, details.organisation_id or 0, field="organisation")
        )
    person = person_by_email(db, email) if email else None
    if person is not None and _registered(db, event, person):
        problems.add("email", N_("%(email)s is already registered for this event"), email=email)
    problems.raise_if_any()

    with savepoint(db):
        if person is None:
            person = create_person(
                db,
                given_name=details.given_name,
                family_name=details.family_name,
                honorific=details.honorific,
                email=email,
                now=stamp,
            )
        if details.new_organisation is not None:
            organisation = create_organisation(
                db,
                name=details.new_organisation.name,
                kind=details.new_organisation.kind,
                country=details.new_organisation.country,
            )
        affiliation = (
            _affiliation(db, person, organisation, details.position)
            if organisation is not None
            else None
        )
        registration = add_registration(
            db,
            event,
            person,
            category=category or RegistrationCategory.DELEGATE,
            status=RegistrationStatus.UNCONFIRMED,
            delegation=details.delegation_id,
            actor=actor,
            now=stamp,
        )
        registration.affiliation = affiliation
        registration.locale = details.locale
        place_registration(
            db,
            registration,
            actor=actor,
            base_url=base_url,
            notify_attendee=details.notify_attendee,
            now=stamp,
        )
    return registration


def _registered(db: DbSession, event: Event, person: Person) -> bool:
    query = select(Registration.id).where(
        Registration.event_id == event.id, Registration.person_id == person.id
    )
    return db.scalar(query) is not None


def _affiliation(
    db: DbSession, person: Person, organisation: Organisation, position: str
) -> Affiliation:
    """The person's position at the organisation as stored, or a new one."""
    for held in person.affiliations:
        if held.organisation_id == organisation.id and held.position_title == position.strip():
            return held
    return add_affiliation(db, person, organisation, position_title=position.strip())
