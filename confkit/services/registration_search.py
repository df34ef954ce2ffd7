"""The organisers' view of an event's registrations: filtered, with the counts by status.

Read-only: nothing here changes the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar, TypeVarTuple

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import aliased, contains_eager, joinedload

from confkit.models import (
    Affiliation,
    Delegation,
    Event,
    Organisation,
    OrganisationKind,
    Person,
    Registration,
    RegistrationCategory,
    RegistrationStatus,
)
from confkit.services.checks import Problems
from confkit.services.common import as_enum

Columns = TypeVarTuple("Columns")
ChoiceT = TypeVar("ChoiceT", RegistrationStatus, RegistrationCategory, OrganisationKind)

# Longer than any name, address or organisation anyone types into a search box.
TEXT_MAX_LENGTH = 200


@dataclass(frozen=True)
class RegistrationSearch:
    """The registrations that match, by family then given name, and ``counts``: how many
    registrations of each status match every filter except the status one, so the counts
    still say what choosing another status would show."""

    registrations: Sequence[Registration]
    counts: Mapping[RegistrationStatus, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def filter_registrations(
    db: DbSession,
    event: Event,
    *,
    status: RegistrationStatus | str | None = None,
    category: RegistrationCategory | str | None = None,
    organisation_kind: OrganisationKind | str | None = None,
    country: str | None = None,
    delegation_id: int | None = None,
    text: str | None = None,
) -> RegistrationSearch:
    """The event's registrations matching every filter given (None or "": no filter).

    ``organisation_kind`` and ``country`` (ISO 3166 alpha-2, any case) concern the organisation
    named when registering; ``text`` matches, word by word, the given and family names, the
    email address and the organisation's name or short name, ignoring case. Raises
    ValidationError naming every filter that is not a valid choice.
    """
    problems = Problems()
    wanted_status = _choice(problems, RegistrationStatus, status, "status")
    wanted_category = _choice(problems, RegistrationCategory, category, "category")
    wanted_kind = _choice(problems, OrganisationKind, organisation_kind, "organisation_kind")
    wanted_country = (country or "").strip().upper() or None
    if wanted_country is not None and not (len(wanted_country) == 2 and wanted_country.isalpha()):
        problems.add("country", "must be a two-letter country code such as AZ")
    if delegation_id is not None and (
        isinstance(delegation_id, bool)
        or not isinstance(delegation_id, int)
        or db.scalar(
            select(Delegation.id).where(
                Delegation.id == delegation_id, Delegation.event_id == event.id
            )
        )
        is None
    ):
        problems.add("delegation", f"no delegation with id {delegation_id!r} at this event")
    words = (text or "").split()
    if text:
        problems.text("text", text, max_length=TEXT_MAX_LENGTH, required=False)
    problems.raise_if_any()

    organisation = aliased(Organisation)
    conditions: list[ColumnElement[bool]] = [Registration.event_id == event.id]
    if wanted_category is not None:
        conditions.append(Registration.category == wanted_category)
    if wanted_kind is not None:
        conditions.append(organisation.kind == wanted_kind)
    if wanted_country is not None:
        conditions.append(organisation.country == wanted_country)
    if delegation_id is not None:
        conditions.append(Registration.delegation_id == delegation_id)
    for word in words:
        conditions.append(
            or_(
                *(
                    column.icontains(word, autoescape=True)
                    for column in (
                        Person.given_name,
                        Person.family_name,
                        Person.email,
                        organisation.name,
                        organisation.short_name,
                    )
                )
            )
        )

    def joined(query: Select[*Columns]) -> Select[*Columns]:
        return (
            query.join(Registration.person)
            .outerjoin(Affiliation, Registration.affiliation_id == Affiliation.id)
            .outerjoin(organisation, Affiliation.organisation_id == organisation.id)
            .where(*conditions)
        )

    counted = db.execute(
        joined(select(Registration.status, func.count())).group_by(Registration.status)
    )
    counts = {found: 0 for found in RegistrationStatus}
    counts.update({found: number for found, number in counted})
    listed = joined(select(Registration)).options(
        contains_eager(Registration.person),
        joinedload(Registration.affiliation).joinedload(Affiliation.organisation),
        joinedload(Registration.delegation),
    )
    if wanted_status is not None:
        listed = listed.where(Registration.status == wanted_status)
    registrations = (
        db.scalars(listed.order_by(Person.family_name, Person.given_name, Registration.id))
        .unique()
        .all()
    )
    return RegistrationSearch(registrations=registrations, counts=counts)


def _choice(
    problems: Problems, choices: type[ChoiceT], value: ChoiceT | str | None, field: str
) -> ChoiceT | None:
    if value is None or value == "":
        return None
    return problems.collect(lambda: as_enum(choices, value, field=field))
