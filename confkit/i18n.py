"""confkit's own words in the reader's language: mails, and the problems services report.

confkit has a message catalogue of its own, beside the web app's, in the gettext domain
``confkit``: ``confkit/locale/<language>/LC_MESSAGES/confkit.po``, compiled to ``confkit.mo``
next to it (both ship with the package). English is the language of the sources, so it needs
no catalogue. The commands are in ``confkit-babel.cfg``'s header:

    pybabel extract -F confkit-babel.cfg -k Counted:1,2 -o /tmp/confkit-$$.pot .
    pybabel update -D confkit -i /tmp/confkit-$$.pot -d confkit/locale --no-fuzzy-matching
    pybabel compile -D confkit -d confkit/locale

A message is marked where it is written: ``_("...")`` or ``ngettext(...)`` on a
:class:`Translator` when the language is known there (a mail), :func:`N_` (or
:class:`Counted` for a number of things) when the text is translated later, where it is shown
(a :class:`confkit.errors.Problem`). Placeholders are ``%(name)s``, filled after translation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import cache
from gettext import NullTranslations
from pathlib import Path
from typing import Final, Protocol, runtime_checkable

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.support import Translations

DOMAIN: Final = "confkit"
DEFAULT_LOCALE: Final = "en"
# The languages confkit writes in, English (the sources) first.
LOCALES: Final = ("en", "az", "ru")
CATALOGUES: Final = Path(__file__).resolve().parent / "locale"
# Babel's locale for each language's dates: English dates read the British way.
_DATE_LOCALES: Final = {"en": "en_GB", "az": "az", "ru": "ru"}


def N_(message: str) -> str:  # noqa: N802  (gettext's own name for a marker)
    """Mark ``message`` for the catalogue; it is translated where it is shown."""
    return message


@runtime_checkable
class Readable(Protocol):
    """Something confkit reports that reads in any of its languages: a problem, a clash."""

    def in_language(self, locale: str) -> str:
        """The sentence in ``locale``."""
        ...


class Phrase:
    """A marked message, alone (a remark on a row of a file) or inside another (a status word,
    a clause): translated where it is shown. A parameter that is itself readable is put in the
    same language; ``str()`` is the phrase in English."""

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params

    def in_language(self, locale: str) -> str:
        """The phrase in ``locale``, its placeholders filled."""
        return Translator(locale).gettext(self.template, **in_language(self.params, locale))

    def __str__(self) -> str:
        return self.in_language(DEFAULT_LOCALE)

    def __repr__(self) -> str:
        return f"Phrase({str(self)!r})"


def in_language(params: Mapping[str, object], locale: str) -> dict[str, object]:
    """``params`` with every readable value put in ``locale``."""
    return {
        name: value.in_language(locale) if isinstance(value, Readable) else value
        for name, value in params.items()
    }


class Written:
    """Words written out once in each of confkit's languages, to be kept (in a file, between
    requests) and shown later in the reader's; ``str()`` is the English."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self.texts = dict(texts)

    @classmethod
    def of(cls, words: object) -> Written:
        """``words`` (readable, or plain text that reads the same everywhere) in every language."""
        if isinstance(words, Readable):
            return cls({locale: words.in_language(locale) for locale in LOCALES})
        return cls({DEFAULT_LOCALE: str(words)})

    def in_language(self, locale: str) -> str:
        """The words in ``locale``; English where they were not written in it."""
        return self.texts.get(language_of(locale), self.texts.get(DEFAULT_LOCALE, ""))

    def __str__(self) -> str:
        return self.in_language(DEFAULT_LOCALE)


class Listed:
    """Several words one after another, separated by commas, each in the same language."""

    def __init__(self, parts: Iterable[object]) -> None:
        self.parts = list(parts)

    def in_language(self, locale: str) -> str:
        """Every part in ``locale``."""
        return ", ".join(
            part.in_language(locale) if isinstance(part, Readable) else str(part)
            for part in self.parts
        )

    def __str__(self) -> str:
        return self.in_language(DEFAULT_LOCALE)


class TimeSpan:
    """When something happens on one day, in the instants' own zone: "Tue 26 Nov 09:00–10:00"."""

    def __init__(self, start: datetime, end: datetime) -> None:
        self.start = start
        self.end = end

    def in_language(self, locale: str) -> str:
        """The span as ``locale`` writes days and times."""
        words = Translator(locale)
        return f"{words.day_and_time(self.start)}–{words.clock_time(self.end)}"

    def __str__(self) -> str:
        return self.in_language(DEFAULT_LOCALE)


class EnglishOnly:
    """Words confkit takes from elsewhere in English only (another library's explanation):
    shown as they are in English, and as the marked ``instead`` in other languages."""

    def __init__(self, text: str, instead: str) -> None:
        self.text = text
        self.instead = instead

    def in_language(self, locale: str) -> str:
        """``text`` in English, ``instead`` translated elsewhere."""
        words = Translator(locale)
        return self.text if words.locale == DEFAULT_LOCALE else words.gettext(self.instead)


class Counted:
    """A number of things, said in the form its number takes in each language ("1 person",
    "2 people"): a parameter of a problem. Marked for the catalogue as ``Counted:1,2``."""

    def __init__(self, singular: str, plural: str, num: int) -> None:
        self.singular = singular
        self.plural = plural
        self.num = num

    def in_language(self, locale: str) -> str:
        """The phrase in ``locale``, ``%(num)s`` filled."""
        return Translator(locale).ngettext(self.singular, self.plural, self.num)

    def __str__(self) -> str:
        return self.in_language(DEFAULT_LOCALE)


def language_of(locale: object) -> str:
    """The language confkit writes in for ``locale`` ("ru", "ru_RU", "az-Latn"); English for
    one it has no catalogue for."""
    language = str(locale or "").replace("-", "_").split("_", 1)[0].lower()
    return language if language in LOCALES else DEFAULT_LOCALE


class Translator:
    """confkit's messages in one language (English for a language confkit does not write in),
    with their placeholders filled, and dates as that language writes them."""

    def __init__(self, locale: object) -> None:
        self.locale = language_of(locale)
        self._catalogue = _catalogue(self.locale)

    def gettext(self, message: str, **params: object) -> str:
        """``message`` translated, then filled with ``params`` (when there are any)."""
        translated = self._catalogue.gettext(message)
        return translated % params if params else translated

    def ngettext(self, singular: str, plural: str, num: int, **params: object) -> str:
        """The form for ``num`` of a message that has plural forms; ``num`` fills
        ``%(num)s``."""
        return self._catalogue.ngettext(singular, plural, num) % {"num": num, **params}

    def long_date(self, day: date) -> str:
        """A date as this language writes it: "26 November 2024", "26 noyabr 2024"."""
        return format_date(day, "long", locale=self.date_locale())

    def date_range(self, first: date, last: date) -> str:
        """Two dates with what they share said once: "25–26 November 2024"."""
        if first == last:
            return self.long_date(first)
        if (first.year, first.month) == (last.year, last.month):
            return f"{first.day}–{self.long_date(last)}"
        if first.year == last.year:
            day_and_month = format_date(first, "d MMMM", locale=self.date_locale())
            return f"{day_and_month} – {self.long_date(last)}"
        return f"{self.long_date(first)} – {self.long_date(last)}"

    def short_datetime(self, moment: datetime) -> str:
        """Day, abbreviated month and time, in the instant's own zone: "26 Nov 09:30"."""
        return format_datetime(moment, "dd MMM HH:mm", locale=self.locale)

    def day_and_time(self, moment: datetime) -> str:
        """Weekday, day, abbreviated month and time, in the instant's own zone:
        "Tue 26 Nov 09:30"."""
        return format_datetime(moment, "EEE dd MMM HH:mm", locale=self.locale)

    def clock_time(self, moment: datetime) -> str:
        """The time of day on the 24-hour clock, in the instant's own zone: "09:30"."""
        return format_datetime(moment, "HH:mm", locale=self.locale)

    def date_locale(self) -> Locale:
        """Babel's locale for this language's dates (English dates read the British way)."""
        return Locale.parse(_DATE_LOCALES[self.locale])


@cache
def _catalogue(language: str) -> NullTranslations:
    if language == DEFAULT_LOCALE:
        return NullTranslations()
    # A missing compiled catalogue must not pass for English: it is a broken install.
    path = CATALOGUES / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with path.open("rb") as file:
        return Translations(file, domain=DOMAIN)
