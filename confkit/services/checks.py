"""Input checks shared by the services; each records a problem so all are reported at once."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from importlib import resources
from typing import TypeVar
from zoneinfo import ZoneInfo

from confkit.errors import Problem, ValidationError
from confkit.i18n import N_

T = TypeVar("T")

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Said of a time zone name wherever one is read: services, imports.
NOT_A_ZONE = N_("%(value)s is not an IANA time zone name such as 'Asia/Baku'")


class Problems:
    """Collects problems found in one piece of input; raises them together."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, field: str, template: str, **params: object) -> None:
        """Record a problem: ``template`` is its English sentence marked with ``N_``, with
        ``%(name)s`` placeholders that ``params`` fill."""
        self.items.append(Problem(field, template, params))

    def __contains__(self, field: str) -> bool:
        return any(p.field == field for p in self.items)

    def collect(self, lookup: Callable[[], T]) -> T | None:
        """Run a lookup; if it raises ValidationError, keep its problems and return None."""
        try:
            return lookup()
        except ValidationError as error:
            self.items.extend(error.problems)
            return None

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationError(self.items)

    def text(
        self, field: str, value: str | None, *, max_length: int, required: bool = True
    ) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(field, N_("is required"))
            return
        if not isinstance(value, str):
            self.add(field, N_("must be text"))
        elif len(value) > max_length:
            self.add(field, N_("is longer than %(limit)s characters"), limit=max_length)
        elif CONTROL_CHARACTERS.search(value):
            # PostgreSQL refuses NUL outright, and control characters corrupt feeds and CSV.
            self.add(field, N_("contains a control character"))

    def slug(self, field: str, value: str) -> None:
        if not is_slug(value):
            self.add(
                field,
                N_("must be lowercase letters, digits and single hyphens, at most 100 characters"),
            )

    def timezone(self, field: str, value: str) -> None:
        if not is_iana_zone(value):
            self.add(field, NOT_A_ZONE, value=repr(value))

    def aware(self, field: str, value: datetime | None, *, required: bool = True) -> bool:
        """True when the value is a usable timezone-aware instant."""
        if value is None:
            if required:
                self.add(field, N_("is required"))
            return False
        if not isinstance(value, datetime):
            self.add(field, N_("must be a date and time"))
            return False
        if value.tzinfo is None or value.utcoffset() is None:
            self.add(field, N_("must be timezone-aware (a naive date and time is ambiguous)"))
            return False
        return True

    def country(self, field: str, value: str | None) -> None:
        if value is not None and value not in iso_country_codes():
            self.add(
                field,
                N_("%(value)s is not an ISO 3166-1 alpha-2 country code such as 'AZ'"),
                value=repr(value),
            )

    def not_negative(self, field: str, value: int | None) -> None:
        if value is None:
            return
        if not isinstance(value, int) or isinstance(value, bool):
            self.add(field, N_("must be a whole number"))
        elif value < 0:
            self.add(field, N_("cannot be negative"))


def is_iana_zone(name: str) -> bool:
    """True for a real IANA zone name such as "Asia/Baku", never for "localtime" or "right/UTC"."""
    return isinstance(name, str) and name in iana_zone_names()


@cache
def iana_zone_names() -> frozenset[str]:
    """The zone names tzdata ships, without "Factory" (a placeholder, not a place)."""
    names = resources.files("tzdata").joinpath("zones").read_text("utf-8").split()
    return frozenset(names) - {"Factory"}


def is_slug(value: object) -> bool:
    """True for a well-formed slug: lowercase letters, digits and single hyphens."""
    return isinstance(value, str) and len(value) <= 100 and bool(SLUG_PATTERN.match(value))


def day_bounds(zone_name: str, first_day: date, last_day: date) -> tuple[datetime, datetime]:
    """Midnight starting ``first_day`` and midnight ending ``last_day`` in the zone, in UTC."""
    zone = ZoneInfo(zone_name)
    first = datetime.combine(first_day, time(0), zone)
    after_last = datetime.combine(last_day + timedelta(days=1), time(0), zone)
    return first.astimezone(UTC), after_last.astimezone(UTC)


def as_utc(value: datetime) -> datetime:
    """The same instant in UTC: comparing or adding in UTC is exact across clock changes, which
    wall-clock arithmetic on two times sharing one zone object is not."""
    return value.astimezone(UTC)


@cache
def iso_country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, read from the table tzdata ships."""
    table = resources.files("tzdata").joinpath("zoneinfo", "iso3166.tab").read_text("utf-8")
    return frozenset(
        line.split("\t", 1)[0] for line in table.splitlines() if line and not line.startswith("#")
    )
