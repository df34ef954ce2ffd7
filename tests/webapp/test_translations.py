"""The message catalogues: every message of the web app translated into every language, and
pages that read in them."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask.testing import FlaskClient
from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.models import Event
from tests.factories import FIXED_NOW

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "webapp" / "translations"
LANGUAGES = ("az", "ru")
# The marker functions of the web app, as `pybabel extract -k` names them (see babel.cfg).
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_pgettext": ((1, "c"), 2),
}
METHODS = [("webapp/**.py", "python"), ("webapp/templates/**.html", "jinja2")]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def extracted_messages() -> dict[tuple[str | None, str], str | tuple[str, ...]]:
    """(context, msgid) -> msgid (or the singular and plural) of every marked message."""
    found: dict[tuple[str | None, str], str | tuple[str, ...]] = {}
    for _filename, _line, message, _comments, context in extract_from_dir(
        ROOT, METHODS, keywords=KEYWORDS, comment_tags=()
    ):
        key = message[0] if isinstance(message, tuple) else message
        if key:
            found[(context, key)] = message
    return found


def catalogue(language: str) -> Catalog:
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as file:
        return read_po(file, locale=language)


def entries(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def comparable(message: Message) -> tuple[object, ...]:
    """A message's context, id and translation, with plural forms as tuples."""

    def frozen(value: object) -> object:
        return tuple(value) if isinstance(value, list | tuple) else value

    return (message.context, frozen(message.id), frozen(message.string))


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_the_sources_have_messages_to_translate() -> None:
    # The extraction itself works: a broken keyword list would find nothing and pass.
    messages = extracted_messages()
    assert (None, "Register for %(event)s") in messages
    assert ("session kind", "Workshop") in messages
    assert len(messages) > 200


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    catalog = catalogue(language)
    translated = {
        (m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in entries(catalog)
    }

    missing = sorted(set(extracted_messages()) - translated, key=str)

    assert missing == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_is_fuzzy_empty_or_stale(language: str) -> None:
    catalog = catalogue(language)
    extracted = extracted_messages()

    fuzzy = [m.id for m in entries(catalog) if m.fuzzy]
    empty = [
        m.id
        for m in entries(catalog)
        if not all(m.string if isinstance(m.string, tuple) else (m.string,))
    ]
    stale = [
        m.id
        for m in entries(catalog)
        if (m.context, m.id[0] if isinstance(m.id, tuple) else m.id) not in extracted
    ]

    assert (fuzzy, empty, stale) == ([], [], [])
    assert catalog.num_plurals == {"az": 2, "ru": 3}[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language: str) -> None:
    wrong = []
    for message in entries(catalogue(language)):
        if isinstance(message.id, tuple):
            singular, plural = message.id
            # A singular form may say "the only seat" instead of the number; every form keeps
            # the other placeholders and uses no new one.
            needed = placeholders(plural) - {"num"}
            allowed = placeholders(singular) | placeholders(plural)
            forms = list(message.string)
        else:
            needed = allowed = placeholders(message.id)
            forms = [message.string]
        for form in forms:
            if not needed <= placeholders(form) <= allowed:
                wrong.append((message.id, form))
        if message.id and ("<" in str(message.id)) != any("<" in form for form in forms):
            wrong.append((message.id, "markup"))

    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_the_source_catalogue(language: str) -> None:
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo", "rb") as file:
        compiled = {comparable(m) for m in read_mo(file) if m.id}
    source = {comparable(m) for m in entries(catalogue(language))}

    assert compiled == source


@pytest.fixture
def event(
    monkeypatch: pytest.MonkeyPatch, open_event_for_registration: Callable[..., Event]
) -> Event:
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)
    return open_event_for_registration(
        capacity=30, slug="workshop", name="Energy security workshop"
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("az", ["Qeydiyyat: Energy security workshop", "Ad (məcburi)", "Qeydiyyatdan keç"]),
        (
            "ru",
            ["Регистрация: Energy security workshop", "Имя (обязательно)", "Зарегистрироваться"],
        ),
        ("en", ["Register for Energy security workshop", "Given name (required)"]),
    ],
)
def test_the_registration_form_reads_in_the_chosen_language(
    client: FlaskClient, event: Event, language: str, expected: list[str]
) -> None:
    response = client.get(f"/events/workshop/register?lang={language}")

    words = " ".join(re.sub(r"<[^>]*>", " ", response.get_data(as_text=True)).split())
    assert response.status_code == 200
    for phrase in expected:
        assert phrase in words
    assert f'<html lang="{language}">' in response.get_data(as_text=True)


def test_a_form_error_reads_in_the_chosen_language(
    client: FlaskClient, db: DbSession, event: Event
) -> None:
    client.get("/events/workshop/register?lang=ru")

    response = client.post("/events/workshop/register", data={})

    assert response.status_code == 400
    assert "Пожалуйста, проверьте форму" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/events/workshop/register", "/events/workshop/schedule"])
def test_a_russian_date_closing_a_sentence_keeps_one_full_stop(
    client: FlaskClient, event: Event, path: str
) -> None:
    words = re.sub(r"<[^>]*>", " ", client.get(f"{path}?lang=ru").get_data(as_text=True))

    assert re.search(r"\d\sг\.", words)  # Babel writes "2024 г." with a no-break space
    assert "г.." not in words
