"""Input checks shared by the services; each records a problem so all are reported at once."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import cache
from importlib import resources
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from confkit.errors import Problem, ValidationError

T = TypeVar("T")

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Problems:
    """Collects problems found in one piece of input; raises them together."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, field: str, message: str) -> None:
        self.items.append(Problem(field, message))

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
        if value is None or not value.strip():
            if required:
                self.add(field, "is required")
            return
        if len(value) > max_length:
            self.add(field, f"is longer than {max_length} characters")

    def slug(self, field: str, value: str) -> None:
        if not SLUG_PATTERN.match(value or "") or len(value) > 100:
            self.add(
                field,
                "must be lowercase letters, digits and single hyphens, at most 100 characters",
            )

    def timezone(self, field: str, value: str) -> None:
        if not is_iana_zone(value):
            self.add(field, f"{value!r} is not an IANA time zone name such as 'Asia/Baku'")

    def aware(self, field: str, value: datetime | None, *, required: bool = True) -> bool:
        """True when the value is a usable timezone-aware instant."""
        if value is None:
            if required:
                self.add(field, "is required")
            return False
        if not isinstance(value, datetime):
            self.add(field, "must be a date and time")
            return False
        if value.tzinfo is None or value.utcoffset() is None:
            self.add(field, "must be timezone-aware (a naive date and time is ambiguous)")
            return False
        return True

    def country(self, field: str, value: str | None) -> None:
        if value is not None and value not in iso_country_codes():
            self.add(field, f"{value!r} is not an ISO 3166-1 alpha-2 country code such as 'AZ'")

    def not_negative(self, field: str, value: int | None) -> None:
        if value is not None and value < 0:
            self.add(field, "cannot be negative")


def is_iana_zone(name: str) -> bool:
    """True for a real IANA zone name (from tzdata), never for an empty or made-up one."""
    if not name or not isinstance(name, str) or name != name.strip():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@cache
def iso_country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, read from the table tzdata ships."""
    table = resources.files("tzdata").joinpath("zoneinfo", "iso3166.tab").read_text("utf-8")
    return frozenset(
        line.split("\t", 1)[0] for line in table.splitlines() if line and not line.startswith("#")
    )
