"""Finding people and organisations for the back-office, and who may edit them.

People and organisations are shared by every event, so they are not any one event's to guard:
an admin, or an organiser of any event, may add and change them. Delegations belong to an event
and stay with its organisers.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Final

from sqlalchemy import or_, select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import selectinload

from confkit.models import (
    AccountRole,
    Affiliation,
    Delegation,
    Event,
    Organisation,
    Person,
    User,
)
from confkit.services.checks import Problems

SEARCH_MAX_LENGTH: Final = 200
# A search that matches more than this shows the first ones and says so.
SEARCH_LIMIT: Final = 200


def may_edit_directory(user: User | None) -> bool:
    """Whether ``user`` may add or change people and organisations: an admin, or an organiser of
    at least one event."""
    if user is None or not user.is_active:
        return False
    return any(role.role in (AccountRole.ADMIN, AccountRole.ORGANISER) for role in user.roles)


def search_people(db: DbSession, text: str = "", *, limit: int = SEARCH_LIMIT) -> list[Person]:
    """People whose names or email contain every word of ``text``, by family name; everyone
    when ``text`` is blank. Raises ValidationError for an unusable search text."""
    problems = Problems()
    problems.text("text", text, max_length=SEARCH_MAX_LENGTH, required=False)
    problems.raise_if_any()
    query = select(Person).options(
        selectinload(Person.affiliations).selectinload(Affiliation.organisation)
    )
    for word in text.split():
        query = query.where(
            or_(
                *(
                    column.icontains(word, autoescape=True)
                    for column in (
                        Person.given_name,
                        Person.family_name,
                        Person.honorific,
                        Person.email,
                    )
                )
            )
        )
    order = (Person.family_name, Person.given_name, Person.id)
    return list(db.scalars(query.order_by(*order).limit(limit)))


def people_by_name(db: DbSession) -> Sequence[Person]:
    """Every person, by family name, for a list to choose from."""
    return db.scalars(
        select(Person).order_by(Person.family_name, Person.given_name, Person.id)
    ).all()


def get_person(db: DbSession, person_id: int) -> Person | None:
    """The person with that id, or None."""
    return db.get(Person, person_id)


def get_organisation(db: DbSession, organisation_id: int) -> Organisation | None:
    """The organisation with that id, or None."""
    return db.get(Organisation, organisation_id)


def get_affiliation(db: DbSession, person: Person, affiliation_id: int) -> Affiliation | None:
    """The person's affiliation with that id, or None (also when it is someone else's)."""
    affiliation = db.get(Affiliation, affiliation_id)
    return affiliation if affiliation is not None and affiliation.person_id == person.id else None


@cache
def country_names() -> dict[str, str]:
    """ISO 3166-1 alpha-2 codes and their usual English names, sorted by name."""
    table = resources.files("tzdata").joinpath("zoneinfo", "iso3166.tab").read_text("utf-8")
    rows = (line.split("\t", 1) for line in table.splitlines() if line and not line.startswith("#"))
    return dict(sorted(((code, name.strip()) for code, name in rows), key=lambda row: row[1]))


def get_delegation(db: DbSession, event: Event, delegation_id: int) -> Delegation | None:
    """The event's delegation with that id, or None (also when it is another event's)."""
    delegation = db.get(Delegation, delegation_id)
    return delegation if delegation is not None and delegation.event_id == event.id else None
