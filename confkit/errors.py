"""The errors confkit services raise. Each one carries every problem found, not just the first."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from confkit.i18n import DEFAULT_LOCALE, N_, Translator, in_language

# A problem in a file names its line: "line 12", "line 12: schedule/day".
_LINE = re.compile(r"^line (\d+)\b")


class ConfkitError(Exception):
    """Base class of every error raised by confkit on purpose."""


@dataclass(frozen=True, eq=False)
class Problem:
    """One thing wrong with the input: the field it concerns and a sentence for a person.

    ``template`` is the sentence in English, marked for confkit's catalogue, with ``%(name)s``
    placeholders that ``params`` fill; :attr:`message` is it filled in English, and
    :meth:`in_language` translated first. Two problems are equal when they say the same of
    the same field.
    """

    field: str
    template: str
    params: Mapping[str, object] = dataclasses.field(default_factory=dict)

    @property
    def message(self) -> str:
        """The sentence in English."""
        return self.in_language(DEFAULT_LOCALE)

    def in_language(self, locale: str) -> str:
        """The sentence in ``locale`` (English where confkit has no catalogue for it); a
        parameter that is itself readable, such as a clash, is put in ``locale`` too."""
        return Translator(locale).gettext(self.template, **in_language(self.params, locale))

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"

    def with_field_in(self, locale: str) -> str:
        """The problem as "field: sentence" in ``locale``, for one shown apart from its field;
        a line of a file is named in ``locale`` too."""
        words = Translator(locale)
        place = self.field
        line = _LINE.match(place)
        if line is not None:
            place = words.gettext("line %(number)s", number=line.group(1)) + place[line.end() :]
        return f"{place}: {self.in_language(locale)}"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return (self.field, self.message) == (other.field, other.message)

    def __hash__(self) -> int:
        return hash((self.field, self.message))


class ValidationError(ConfkitError):
    """The input breaks one or more rules; ``problems`` lists them all, each naming its field."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, field: str, template: str, **params: object) -> ValidationError:
        """The error of one problem; ``template`` and ``params`` as :class:`Problem` takes
        them."""
        return cls([Problem(field, template, params)])

    @property
    def fields(self) -> set[str]:
        return {p.field for p in self.problems}


class ConflictError(ConfkitError):
    """The change would make the programme clash; ``clashes`` lists every clash it causes
    (confkit's own are :class:`Readable` in its languages)."""

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
    """No seat is left; the reason, when one is given, reads in confkit's languages
    (``template`` and ``params`` as :class:`Problem` takes them)."""

    def __init__(self, template: str = "", **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(self.in_language(DEFAULT_LOCALE))

    def in_language(self, locale: str) -> str:
        """The reason in ``locale``; empty when none was given."""
        if not self.template:
            return ""
        return Translator(locale).gettext(self.template, **self.params)


def clash_problem(clash: object, field: str) -> Problem:
    """A clash as a problem of ``field``: "Clash: room ...", in every language."""
    return Problem(field, N_("Clash: %(clash)s"), {"clash": clash})
