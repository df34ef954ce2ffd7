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

from confkit.errors import CapacityError, Problem
from confkit.i18n import (
    CATALOGUES,
    DOMAIN,
    LOCALES,
    N_,
    Counted,
    EnglishOnly,
    Phrase,
    Translator,
    language_of,
)

TRANSLATED = tuple(locale for locale in LOCALES if locale != "en")
# As confkit-babel.cfg has pybabel extract them: Babel's default keywords (N_, _, gettext, ...)
# and Counted for a number of things.
KEYWORDS = {**DEFAULT_KEYWORDS, "Counted": (1, 2)}
METHODS = [("confkit/**.py", "python")]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def extracted_messages() -> dict[str, str | tuple[str, ...]]:
    """msgid -> msgid (or the singular and plural) of every message marked in confkit."""
    found: dict[str, str | tuple[str, ...]] = {}
    root = CATALOGUES.parents[1]
    for _filename, _line, message, _comments, _context in extract_from_dir(
        root, METHODS, keywords=KEYWORDS, comment_tags=()
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
    assert "is required" in messages
    assert ("%(num)s person", "%(num)s people") in messages.values()
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


# Problems and refusals


def test_a_problem_reads_in_english_by_default_and_in_the_language_asked() -> None:
    problem = Problem("title", N_("is longer than %(limit)s characters"), {"limit": 500})

    assert problem.message == "is longer than 500 characters"
    assert str(problem) == "title: is longer than 500 characters"
    assert problem.in_language("ru") == "длиннее 500 символов"
    assert problem.in_language("az") == "500 simvoldan uzundur"
    assert problem.in_language("fr") == "is longer than 500 characters"


def test_a_problem_is_equal_to_one_saying_the_same_of_the_same_field() -> None:
    templated = Problem("title", N_("is longer than %(limit)s characters"), {"limit": 500})

    assert templated == Problem("title", "is longer than 500 characters")
    assert templated != Problem("abstract", "is longer than 500 characters")
    assert len({templated, Problem("title", "is longer than 500 characters")}) == 1


def test_a_line_of_a_file_is_named_in_the_language() -> None:
    problem = Problem("line 12", N_("is empty"))

    assert problem.with_field_in("ru") == "строка 12: пусто"
    assert problem.with_field_in("en") == "line 12: is empty"
    assert Problem("email", N_("is required")).with_field_in("az") == "email: məcburidir"


@pytest.mark.parametrize(
    ("number", "russian", "azerbaijani"),
    [(1, "1 человек", "1 nəfər"), (3, "3 человека", "3 nəfər"), (11, "11 человек", "11 nəfər")],
)
def test_a_number_of_people_takes_the_form_its_number_needs(
    number: int, russian: str, azerbaijani: str
) -> None:
    people = Counted("%(num)s person", "%(num)s people", number)
    problem = Problem("kind", N_("cannot change: %(people)s answered as it is"), {"people": people})

    assert people.in_language("ru") == russian
    assert people.in_language("az") == azerbaijani
    noun = "person" if number == 1 else "people"
    assert problem.message == f"cannot change: {number} {noun} answered as it is"
    assert russian in problem.in_language("ru")


def test_words_from_elsewhere_stay_english_in_english_only() -> None:
    reason = EnglishOnly("An email address must have an @-sign.", "is not a valid email address")

    assert reason.in_language("en") == "An email address must have an @-sign."
    assert reason.in_language("ru") == "это не действительный адрес электронной почты"


def test_a_full_session_says_so_in_the_language() -> None:
    refusal = CapacityError(N_("all %(capacity)s places in this session are taken"), capacity=12)

    assert str(refusal) == "all 12 places in this session are taken"
    assert refusal.in_language("az") == "bu sessiyada bütün 12 yer tutulub"
    assert CapacityError().in_language("ru") == ""


def test_a_status_inside_a_sentence_is_translated_with_it() -> None:
    problem = Problem(
        "registration",
        N_("is %(status)s and cannot be approved"),
        {"status": Phrase(N_("awaiting_approval"))},
    )

    assert problem.message == "is awaiting_approval and cannot be approved"
    assert problem.in_language("ru") == "в статусе «ожидает одобрения» и не может быть одобрена"
