"""The languages of the web app: which one a request gets, the switcher, and dates in it.

The locale of a request is, in this order: the one just chosen with ``?lang=<code>`` (the
language switcher's links; the choice is kept in a cookie), the one kept in that cookie, the
best match of the browser's ``Accept-Language``, English.

Every HTML page therefore depends on ``Accept-Language`` and the cookie, and says so in
``Vary``. Feeds (iCal, frab) are built by confkit in the programme's own words whatever the
locale, so they neither vary nor set the cookie.

Dates and times are formatted with Babel in the locale, in the zone of the datetime given
(the event's: callers convert first, as everywhere in confkit). English uses the British
patterns ("26 November 2024, 09:30"), the way confkit's English labels read.

What confkit itself says (its problems, clashes and refusals) comes from confkit's own
catalogue (confkit.i18n); :func:`confkit_text` and :func:`confkit_line` show it in the
request's language. Commands stay in English.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Final, Protocol, TypeVar
from urllib.parse import urlencode

from babel import Locale
from babel.dates import format_date, format_time, get_timezone_location
from flask import Flask, Response, g, request
from flask_babel import Babel, get_locale, gettext
from markupsafe import Markup

from confkit.errors import Problem
from confkit.i18n import Readable, Translator
from confkit.models import Event
from confkit.schedule import event_zone, zone_offsets
from confkit.translations import Translatable, translated
from webapp.labels import label

DEFAULT_LOCALE: Final = "en"
# The language of each locale in its own words, in the switcher's order.
LANGUAGES: Final = {"en": "English", "az": "Azərbaycanca", "ru": "Русский"}
LOCALE_COOKIE: Final = "confkit_lang"
LOCALE_PARAMETER: Final = "lang"
COOKIE_MAX_AGE: Final = 365 * 24 * 3600
# A day heading: the weekday where the locale puts it; English as confkit has always written it.
_DAY_PATTERNS: Final = {"en": "EEEE d MMMM y"}
_DOTTED_I_LOCALES: Final = frozenset({"az", "tr"})
# The letters of a locale's alphabet in their order, where code point order differs from it.
_ALPHABETS: Final = {"az": "abcçdeəfgğhxıijkqlmnoöprsştuüvyz"}
_CHOSEN_LOCALE: Final = "confkit_chosen_locale"
# The blueprints whose answers do not depend on the locale.
_LOCALE_FREE_BLUEPRINTS: Final = frozenset({"feeds"})


@dataclass(frozen=True)
class LanguageLink:
    """One entry of the language switcher."""

    code: str
    name: str
    href: str
    current: bool


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with confkit's locale choice, the template helpers and ``Vary``."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    Babel(app, locale_selector=select_locale)
    app.add_template_global(language_links)
    app.add_template_global(current_locale)
    for template_filter in (
        date_label,
        day_label,
        date_range_label,
        datetime_label,
        time_label,
        language_name,
        country_name,
        by_country_name,
        zone_label,
        localised,
        label,
        confkit_text,
    ):
        app.add_template_filter(template_filter)
    app.after_request(_remember_and_vary)


def select_locale() -> str:
    """The request's locale: the switcher's choice, the cookie, Accept-Language, English."""
    chosen = request.args.get(LOCALE_PARAMETER)
    if chosen in LANGUAGES and not _locale_free():
        setattr(g, _CHOSEN_LOCALE, chosen)
        return chosen
    kept = request.cookies.get(LOCALE_COOKIE)
    if kept in LANGUAGES:
        return kept
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT_LOCALE)


def current_locale() -> str:
    """The request's locale as a language tag, for ``<html lang>``."""
    locale = get_locale()
    return str(locale) if locale is not None else DEFAULT_LOCALE


def language_links() -> list[LanguageLink]:
    """The switcher: this page in each language, with the query kept and the current marked."""
    current = current_locale()
    arguments = {key: value for key, value in request.args.items() if key != LOCALE_PARAMETER}
    return [
        LanguageLink(
            code=code,
            name=name,
            href=f"{request.script_root}{request.path}?"
            + urlencode({**arguments, LOCALE_PARAMETER: code}),
            current=code == current,
        )
        for code, name in LANGUAGES.items()
    ]


def confkit_text(message: object) -> str:
    """What confkit reports (a problem, a clash, a refusal) in the request's language, from
    confkit's own catalogue: the one way the web app shows confkit's words. Anything else is
    shown as it says itself."""
    if isinstance(message, Readable):
        return message.in_language(current_locale())
    return str(message)


def confkit_line(problem: Problem) -> str:
    """A problem shown apart from its field, "field: sentence", in the request's language."""
    return problem.with_field_in(current_locale())


def localised(obj: Translatable, field: str) -> str:
    """``field`` of an event or session in the request's locale, else in the original."""
    return translated(obj, field, current_locale())


def _remember_and_vary(response: Response) -> Response:
    if _locale_free():
        return response
    response.vary.update(("Accept-Language", "Cookie"))
    chosen = g.get(_CHOSEN_LOCALE)
    if chosen is not None and request.cookies.get(LOCALE_COOKIE) != chosen:
        response.set_cookie(
            LOCALE_COOKIE,
            chosen,
            max_age=COOKIE_MAX_AGE,
            path=request.script_root or "/",
            samesite="Lax",
            secure=request.is_secure,
            httponly=True,
        )
    return response


def _locale_free() -> bool:
    return request.blueprint in _LOCALE_FREE_BLUEPRINTS


def _date_locale() -> Locale:
    return Translator(current_locale()).date_locale()


def date_label(day: date) -> str:
    """A date in the request's locale: "26 November 2024", "26 noyabr 2024"."""
    return Translator(current_locale()).long_date(day)


def day_label(day: date) -> str:
    """A day heading with its weekday: "Tuesday 26 November 2024"."""
    pattern = _DAY_PATTERNS.get(current_locale(), "full")
    return format_date(day, pattern, locale=_date_locale())


def date_range_label(first: date, last: date) -> str:
    """Two dates with what they share said once: "25–26 November 2024"."""
    return Translator(current_locale()).date_range(first, last)


def time_label(moment: datetime | time) -> str:
    """A time of day on the 24-hour clock, as written in the locale: "09:30"."""
    return format_time(moment, "HH:mm", locale=_date_locale())


def datetime_label(moment: datetime) -> str:
    """A date and time in the instant's own zone: "20 November 2024, 09:00"."""
    return gettext("%(date)s, %(time)s", date=date_label(moment.date()), time=time_label(moment))


def time_range_label(starts_at: datetime, ends_at: datetime) -> Markup:
    """Start and end as two ``<time>`` elements with ISO ``datetime`` attributes."""
    return Markup('<time datetime="{}">{}</time>–<time datetime="{}">{}</time>').format(
        starts_at.isoformat(), time_label(starts_at), ends_at.isoformat(), time_label(ends_at)
    )


def language_name(code: str) -> str:
    """A language code's name in the request's locale, or the code if Babel does not know it."""
    locale = current_locale()
    name = Locale.parse(locale).languages.get(code.lower())
    if not name:
        return code
    return _upper_initial(name[:1], locale) + name[1:]


def _upper_initial(letter: str, locale: str) -> str:
    # Azerbaijani (like Turkish) has a dotted capital İ for i; Python's upper() gives I.
    if letter == "i" and locale in _DOTTED_I_LOCALES:
        return "İ"
    return letter.upper()


class _OfACountry(Protocol):
    @property
    def country(self) -> str | None: ...


_Grouped = TypeVar("_Grouped", bound=_OfACountry)


def country_name(code: str) -> str:
    """An ISO 3166-1 code's country name in the request's locale ("AZ": "Azərbaycan" in
    Azerbaijani), or the code if Babel does not know it."""
    return str(Locale.parse(current_locale()).territories.get(code.upper(), code))


def by_country_name(groups: Iterable[_Grouped]) -> list[_Grouped]:
    """Groups in the alphabetical order of their countries' names in the request's locale,
    those without a country first."""
    locale = current_locale()
    return sorted(
        groups,
        key=lambda group: (
            group.country is not None,
            alphabetical_key(country_name(group.country), locale) if group.country else (),
        ),
    )


def alphabetical_key(name: str, locale: str) -> tuple[int, ...]:
    """A sort key for ``name`` in the locale's alphabet (Babel has no collation): its letters'
    own order where confkit knows it, else the letters with Latin accents set aside ("Å" with
    "A"; Cyrillic letters such as "Й" are letters of their own)."""
    alphabet = _ALPHABETS.get(locale)
    if alphabet is None:
        return tuple(ord(char) for char in _without_latin_accents(name.casefold()))
    if locale in _DOTTED_I_LOCALES:
        name = name.replace("I", "ı").replace("İ", "i")
    return tuple(_rank(char, alphabet) for char in name.lower())


def _rank(char: str, alphabet: str) -> int:
    # Spaces and punctuation first, then the alphabet, then any letter foreign to it.
    if char in alphabet:
        return alphabet.index(char) + 1
    return len(alphabet) + ord(char) if char.isalpha() else 0


def _without_latin_accents(text: str) -> str:
    kept: list[str] = []
    latin_base = False
    for char in unicodedata.normalize("NFKD", text):
        if not unicodedata.combining(char):
            latin_base = char.isascii()
        elif latin_base:
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def zone_label(event: Event) -> str:
    """The event's zone: "Baku time (Asia/Baku, UTC+04:00)", with every offset of its days."""
    offsets = ", ".join(zone_offsets(event))
    if "/" not in event.timezone:  # "UTC", "CET": the name already says what it is
        return f"{event.timezone} ({offsets})"
    city = get_timezone_location(event_zone(event), locale=_date_locale(), return_city=True)
    return gettext(
        "%(city)s time (%(zone)s, %(offsets)s)", city=city, zone=event.timezone, offsets=offsets
    )
