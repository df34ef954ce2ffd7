"""The organisers' view of an event's registrations: filtered, with the counts by status.

Read-only: nothing here changes the database.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, TypeVarTuple

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, case, func, or_, select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import aliased, contains_eager, joinedload

from confkit.i18n import N_
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
# Far beyond any event's pages; it keeps an absurd OFFSET away from the database.
MAX_PAGE = 1_000_000
MAX_PER_PAGE = 1_000


class RegistrationOrder(enum.StrEnum):
    """What the list is sorted by; each is followed by the name, so the order is always total."""

    NAME = "name"
    REGISTERED = "registered"
    STATUS = "status"
    CATEGORY = "category"
    ORGANISATION = "organisation"


@dataclass(frozen=True)
class RegistrationSearch:
    """The registrations that match (one page of them when paged) and ``counts``: how many
    registrations of each status match every filter except the status one, so the counts
    still say what choosing another status would show. ``matching`` is how many match every
    filter, over all pages."""

    registrations: Sequence[Registration]
    counts: Mapping[RegistrationStatus, int]
    matching: int
    page: int = 1
    per_page: int | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def pages(self) -> int:
        """How many pages the matching registrations fill (at least one, even when none)."""
        if self.per_page is None:
            return 1
        return max(1, -(-self.matching // self.per_page))


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
    order: RegistrationOrder | str = RegistrationOrder.NAME,
    descending: bool = False,
    page: int = 1,
    per_page: int | None = None,
) -> RegistrationSearch:
    """The event's registrations matching every filter given (None or "": no filter).

    ``organisation_kind`` and ``country`` (ISO 3166 alpha-2, any case) concern the organisation
    named when registering; ``text`` matches, word by word, the given and family names, the
    email address and the organisation's name or short name, ignoring case. With ``per_page``
    only that many are read, from the ``page``-th page (from 1) in the ``order`` asked for; a page
    past the last one is empty. Raises ValidationError naming every filter, order or page that
    is not a valid choice.
    """
    problems = Problems()
    wanted_status = _choice(problems, RegistrationStatus, status, "status")
    wanted_category = _choice(problems, RegistrationCategory, category, "category")
    wanted_kind = _choice(problems, OrganisationKind, organisation_kind, "organisation_kind")
    wanted_country = (country or "").strip().upper() or None
    if wanted_country is not None and not (len(wanted_country) == 2 and wanted_country.isalpha()):
        problems.add("country", N_("must be a two-letter country code such as AZ"))
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
        problems.add(
            "delegation",
            N_("no delegation with id %(id)s at this event"),
            id=repr(delegation_id),
        )
    words = (text or "").split()
    if text:
        problems.text("text", text, max_length=TEXT_MAX_LENGTH, required=False)
    wanted_order = problems.collect(lambda: as_enum(RegistrationOrder, order, field="order"))
    if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= MAX_PAGE:
        problems.add("page", N_("must be a whole number from 1 to %(limit)s"), limit=MAX_PAGE)
    if per_page is not None and (
        isinstance(per_page, bool)
        or not isinstance(per_page, int)
        or not 1 <= per_page <= MAX_PER_PAGE
    ):
        problems.add(
            "per_page", N_("must be a whole number from 1 to %(limit)s"), limit=MAX_PER_PAGE
        )
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
    first: SQLColumnExpression[Any] | None = {
        RegistrationOrder.REGISTERED: Registration.created_at,
        # Enums in their declared order (a registration's life, the form's order), not by spelling.
        RegistrationOrder.STATUS: _declared_order(Registration.status, RegistrationStatus),
        RegistrationOrder.CATEGORY: _declared_order(Registration.category, RegistrationCategory),
        RegistrationOrder.ORGANISATION: organisation.name,
        RegistrationOrder.NAME: None,
        None: None,
    }[wanted_order]
    by_name: list[SQLColumnExpression[Any]] = [
        Person.family_name,
        Person.given_name,
        Registration.id,
    ]
    # The direction is the chosen column's; ties are always broken by name from A.
    if first is not None:
        ordering = [first.desc() if descending else first.asc(), *(c.asc() for c in by_name)]
    else:
        ordering = [c.desc() if descending else c.asc() for c in by_name]
    listed = listed.order_by(*(c.nulls_last() for c in ordering))
    if per_page is not None:
        listed = listed.limit(per_page).offset((page - 1) * per_page)
    registrations = db.scalars(listed).unique().all()
    matching = counts[wanted_status] if wanted_status is not None else sum(counts.values())
    return RegistrationSearch(
        registrations=registrations,
        counts=counts,
        matching=matching,
        page=page,
        per_page=per_page,
    )


def _declared_order(
    column: SQLColumnExpression[Any], choices: type[enum.StrEnum]
) -> SQLColumnExpression[Any]:
    return case({choice: position for position, choice in enumerate(choices)}, value=column)


def _choice(
    problems: Problems, choices: type[ChoiceT], value: ChoiceT | str | None, field: str
) -> ChoiceT | None:
    if value is None or value == "":
        return None
    return problems.collect(lambda: as_enum(choices, value, field=field))
