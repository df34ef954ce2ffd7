"""The figures of an event's dashboard: registrations by status, by category, organisation kind
and country, over time, the seats and the check-in progress.

Read-only, and three queries whatever the number of registrations.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from confkit.models import (
    Affiliation,
    Event,
    Organisation,
    OrganisationKind,
    Registration,
    RegistrationCategory,
    RegistrationStatus,
)

#: The statuses of people who hold a seat or are waiting for one: the breakdowns count these.
ACTIVE_STATUSES: Final = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.AWAITING_APPROVAL,
    RegistrationStatus.WAITLISTED,
)

T = TypeVar("T")

#: Beyond this many countries the rest are summed up as one "other" row.
COUNTRIES_SHOWN: Final = 12


@dataclass(frozen=True)
class DailyCount:
    """How many things happened on ``day`` (in the event's zone) and how many up to its end."""

    day: date
    count: int
    running_total: int


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard shows, already counted."""

    by_status: Mapping[RegistrationStatus, int]
    by_category: Sequence[tuple[RegistrationCategory, int]]
    by_organisation_kind: Sequence[tuple[OrganisationKind | None, int]]
    #: Country codes, most frequent first; None is "not given", "*" the sum of the rest.
    by_country: Sequence[tuple[str | None, int]]
    registered_per_day: Sequence[DailyCount]
    confirmed_per_day: Sequence[DailyCount]
    capacity: int | None
    checked_in: int

    @property
    def confirmed(self) -> int:
        return self.by_status.get(RegistrationStatus.CONFIRMED, 0)

    @property
    def waitlisted(self) -> int:
        return self.by_status.get(RegistrationStatus.WAITLISTED, 0)

    @property
    def free_seats(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def event_dashboard(db: DbSession, event: Event) -> Dashboard:
    """The event's dashboard figures as stored now."""
    zone = ZoneInfo(event.timezone)
    by_status: dict[RegistrationStatus, int] = dict.fromkeys(RegistrationStatus, 0)
    checked_in = 0
    for status, is_checked_in, number in db.execute(
        select(
            Registration.status,
            Registration.checked_in_at.is_not(None),
            func.count(),
        )
        .where(Registration.event_id == event.id)
        .group_by(Registration.status, Registration.checked_in_at.is_not(None))
    ):
        by_status[status] += number
        if is_checked_in and status == RegistrationStatus.CONFIRMED:
            checked_in += number

    categories: Counter[RegistrationCategory] = Counter()
    kinds: Counter[OrganisationKind | None] = Counter()
    countries: Counter[str | None] = Counter()
    for category, kind, country, number in db.execute(
        select(Registration.category, Organisation.kind, Organisation.country, func.count())
        .outerjoin(Affiliation, Affiliation.id == Registration.affiliation_id)
        .outerjoin(Organisation, Organisation.id == Affiliation.organisation_id)
        .where(Registration.event_id == event.id, Registration.status.in_(ACTIVE_STATUSES))
        .group_by(Registration.category, Organisation.kind, Organisation.country)
    ):
        categories[category] += number
        kinds[kind] += number
        countries[country] += number

    registered: list[datetime] = []
    confirmed: list[datetime] = []
    for created_at, confirmed_at in db.execute(
        select(Registration.created_at, Registration.confirmed_at).where(
            Registration.event_id == event.id
        )
    ):
        registered.append(created_at)
        if confirmed_at is not None:
            confirmed.append(confirmed_at)

    return Dashboard(
        by_status=by_status,
        by_category=_in_order(categories, list(RegistrationCategory)),
        by_organisation_kind=_in_order(kinds, [*OrganisationKind, None]),
        by_country=_top_countries(countries),
        registered_per_day=per_day(registered, zone),
        confirmed_per_day=per_day(confirmed, zone),
        capacity=event.capacity,
        checked_in=checked_in,
    )


def per_day(instants: Iterable[datetime], zone: ZoneInfo) -> list[DailyCount]:
    """Counts per calendar day in ``zone`` with running totals, from the first day to the last,
    days without any included (a timeline must not skip quiet days)."""
    days = Counter(instant.astimezone(zone).date() for instant in instants)
    if not days:
        return []
    first, last = min(days), max(days)
    result: list[DailyCount] = []
    running_total = 0
    for offset in range((last - first).days + 1):
        day = date.fromordinal(first.toordinal() + offset)
        running_total += days[day]
        result.append(DailyCount(day=day, count=days[day], running_total=running_total))
    return result


def _in_order(counts: Counter[T], order: Sequence[T]) -> list[tuple[T, int]]:
    return [(key, counts[key]) for key in order if counts[key]]


def _top_countries(counts: Counter[str | None]) -> list[tuple[str | None, int]]:
    named = sorted(
        ((country, number) for country, number in counts.items() if country is not None),
        key=lambda item: (-item[1], item[0]),
    )
    shown: list[tuple[str | None, int]] = list(named[:COUNTRIES_SHOWN])
    rest = sum(number for _, number in named[COUNTRIES_SHOWN:])
    if rest:
        shown.append(("*", rest))
    if counts[None]:
        shown.append((None, counts[None]))
    return shown
