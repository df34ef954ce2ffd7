"""confkit's own message catalogue: every marked message translated into every language, the
compiled catalogues the same as their sources, and the translator that reads them."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from confkit.i18n import CATALOGUES, DOMAIN, LOCALES, N_, Translator, language_of

TRANSLATED = tuple(locale for locale in LOCALES if locale != "en")
# As confkit-babel.cfg has pybabel extract them: Babel's default keywords (N_, _, gettext, ...).
METHODS = [("confkit/**.py", "python")]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def extracted_messages() -> dict[str, str | tuple[str, ...]]:
    """msgid -> msgid (or the singular and plural) of every message marked in confkit."""
    found: dict[str, str | tuple[str, ...]] = {}
    root = CATALOGUES.parents[1]
    for _filename, _line, message, _comments, _context in extract_from_dir(
        root, METHODS, keywords=DEFAULT_KEYWORDS, comment_tags=()
    ):
        key = message[0] if isinstance(message, tuple) else message
        if key:
            found[key] = message
    return found


def catalogue(language: str) -> Catalog:
    with open(CATALOGUES / language / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as file:
        return read_po(file, locale=language)


def entries(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def key_of(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def forms_of(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_the_sources_have_messages_to_translate() -> None:
    # The extraction itself works: a broken keyword list would find nothing and pass.
    messages = extracted_messages()

    assert "Dear %(name)s," in messages
    assert "Your page" in messages
    assert len(messages) > 30


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language: str) -> None:
    translated = {key_of(m) for m in entries(catalogue(language))}

    missing = sorted(set(extracted_messages()) - translated)

    assert missing == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_translation_is_fuzzy_empty_or_stale(language: str) -> None:
    catalog = catalogue(language)
    extracted = extracted_messages()

    fuzzy = [m.id for m in entries(catalog) if m.fuzzy]
    empty = [m.id for m in entries(catalog) if not all(forms_of(m))]
    stale = [m.id for m in entries(catalog) if key_of(m) not in extracted]

    assert (fuzzy, empty, stale) == ([], [], [])
    assert catalog.num_plurals == {"az": 2, "ru": 3}[language]


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders(language: str) -> None:
    wrong = []
    for message in entries(catalogue(language)):
        if isinstance(message.id, tuple):
            singular, plural = message.id
            needed = placeholders(plural) - {"num"}
            allowed = placeholders(singular) | placeholders(plural)
        else:
            needed = allowed = placeholders(message.id)
        for form in forms_of(message):
            if not needed <= placeholders(form) <= allowed:
                wrong.append((message.id, form))

    assert wrong == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_is_the_source_catalogue(language: str) -> None:
    def comparable(message: Message) -> tuple[object, ...]:
        frozen = [
            tuple(v) if isinstance(v, list | tuple) else v for v in (message.id, message.string)
        ]
        return (message.context, *frozen)

    with open(CATALOGUES / language / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as file:
        compiled = {comparable(m) for m in read_mo(file) if m.id}
    source = {comparable(m) for m in entries(catalogue(language))}

    assert compiled == source


@pytest.mark.parametrize(
    ("locale", "language"),
    [("az", "az"), ("ru_RU", "ru"), ("ru-RU", "ru"), ("AZ-Latn", "az"), ("fr", "en"), ("", "en")],
)
def test_a_locale_is_read_as_the_language_confkit_writes_in(locale: str, language: str) -> None:
    assert language_of(locale) == language


def test_a_message_is_translated_then_filled() -> None:
    words = Translator("ru")

    assert words.gettext("Dear %(name)s,", name="Nigar") == "Здравствуйте, Nigar!"
    assert Translator("en").gettext("Dear %(name)s,", name="Nigar") == "Dear Nigar,"
    # Without parameters a message is left as it is, a percent sign included.
    assert Translator("az").gettext("100% unknown") == "100% unknown"


def test_a_marked_message_is_itself() -> None:
    assert N_("is required") == "is required"


@pytest.mark.parametrize(
    ("locale", "first", "last", "expected"),
    [
        ("en", date(2024, 11, 26), date(2024, 11, 26), "26 November 2024"),
        ("en", date(2024, 11, 25), date(2024, 11, 26), "25–26 November 2024"),
        ("en", date(2024, 11, 30), date(2024, 12, 2), "30 November – 2 December 2024"),
        ("en", date(2024, 12, 31), date(2025, 1, 1), "31 December 2024 – 1 January 2025"),
        ("az", date(2024, 11, 25), date(2024, 11, 26), "25–26 noyabr 2024"),
        ("ru", date(2024, 11, 30), date(2024, 12, 2), "30 ноября – 2 декабря 2024\u202fг."),
    ],
)
def test_date_ranges_read_in_the_language(
    locale: str, first: date, last: date, expected: str
) -> None:
    assert Translator(locale).date_range(first, last) == expected


def test_times_are_written_in_the_instants_own_zone() -> None:
    moment = datetime(2024, 11, 26, 5, 30, tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo("Asia/Baku"))

    assert Translator("en").short_datetime(moment) == "26 Nov 09:30"
    assert Translator("ru").short_datetime(moment) == "26 нояб. 09:30"
    assert Translator("az").clock_time(moment) == "09:30"
