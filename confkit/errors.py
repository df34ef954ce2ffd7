"""The errors confkit services raise. Each one carries every problem found, not just the first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class ConfkitError(Exception):
    """Base class of every error raised by confkit on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: the field it concerns and a sentence for a person."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ValidationError(ConfkitError):
    """The input breaks one or more rules; ``problems`` lists them all, each naming its field."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, field: str, message: str) -> ValidationError:
        return cls([Problem(field, message)])

    @property
    def fields(self) -> set[str]:
        return {p.field for p in self.problems}


class ConflictError(ConfkitError):
    """The change would make the programme clash; ``clashes`` lists every clash it causes."""

    def __init__(self, clashes: Iterable[object]) -> None:
        self.clashes = list(clashes)
        super().__init__("; ".join(str(c) for c in self.clashes))


class NotFound(ConfkitError):
    """A referenced object does not exist."""

    def __init__(self, kind: str, key: object, *, field: str | None = None) -> None:
        self.kind = kind
        self.key = key
        self.field = field
        super().__init__(f"no {kind} {key!r}" + (f" (field {field})" if field else ""))


class CapacityError(ConfkitError):
    """No seat is left."""
