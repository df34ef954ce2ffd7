"""Choosing whose badges to print: the registrations an organiser ticked or filtered, split into
those with a ticket (a badge each) and those left out, with what the badges show read at once.

Read-only: nothing here changes the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import contains_eager, joinedload

from confkit.errors import ValidationError
from confkit.formats.badges import BadgeSheet
from confkit.i18n import N_
from confkit.models import Event, Person, Registration, RegistrationStatus
from confkit.organisation_names import organisation_full_names

# Only a confirmed registration has a ticket: the attendee's page shows its QR code only then,
# and the check-in desk admits no other.
HAS_TICKET = RegistrationStatus.CONFIRMED


def chosen_registrations(
    db: DbSession, event: Event, registration_ids: Iterable[int]
) -> list[Registration]:
    """The event's registrations with these ids, by family then given name. Raises
    ValidationError naming the ids that are no registration of the event."""
    wanted = set(registration_ids)
    if not wanted:
        raise ValidationError.single("registration_ids", N_("choose at least one registration"))
    found = (
        db.scalars(
            select(Registration)
            .join(Registration.person)
            .options(contains_eager(Registration.person))
            .where(Registration.event_id == event.id, Registration.id.in_(wanted))
            .order_by(Person.family_name, Person.given_name, Registration.id)
        )
        .unique()
        .all()
    )
    unknown = sorted(wanted - {registration.id for registration in found})
    if unknown:
        listed = ", ".join(str(number) for number in unknown)
        raise ValidationError.single(
            "registration_ids", N_("no registration %(ids)s at this event"), ids=listed
        )
    return list(found)


def badge_sheet(db: DbSession, event: Event, registrations: Sequence[Registration]) -> BadgeSheet:
    """The badges for ``registrations`` (in their order): those with a ticket get one, the
    others are listed as left out. Reads what the badges show in three queries."""
    ids = [registration.id for registration in registrations]
    # One query loads every person, position and organisation the badges name, instead of one
    # per badge when each is drawn.
    loaded = {
        registration.id: registration
        for registration in db.scalars(
            select(Registration)
            .where(Registration.id.in_(ids))
            .options(
                joinedload(Registration.person).selectinload(Person.affiliations),
                joinedload(Registration.affiliation),
            )
        ).unique()
    }
    in_order = [loaded[registration_id] for registration_id in ids]
    printed = [r for r in in_order if r.status is HAS_TICKET]
    organisation_ids = {
        affiliation.organisation_id
        for r in printed
        for affiliation in (r.affiliation, *r.person.affiliations)
        if affiliation is not None
    }
    return BadgeSheet(
        event=event,
        registrations=printed,
        left_out=[r for r in in_order if r.status is not HAS_TICKET],
        organisation_names=organisation_full_names(db, organisation_ids),
    )
