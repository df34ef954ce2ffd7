"""Organiser services for content in other languages: an event's name and description, a
session's title and abstract (see :mod:`confkit.translations`).

A translation is not something a calendar sees (feeds keep the original words), so setting one
moves neither a session's sequence nor the event's programme stamp.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final

from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.i18n import LOCALES, N_
from confkit.models import Event, ProgrammeSession
from confkit.services.checks import Problems

# Languages every event may be translated into, besides the ones it declares.
INTERFACE_LANGUAGES: Final = frozenset(LOCALES)
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


def translation_languages(event: Event) -> list[str]:
    """The languages the event's content may be translated into, the event's own first."""
    own = [code.lower() for code in event.languages]
    return list(dict.fromkeys([*own, *sorted(INTERFACE_LANGUAGES)]))


def set_event_translation(
    db: DbSession,
    event: Event,
    language: str,
    *,
    name: str = "",
    description: str = "",
    now: datetime | None = None,
) -> None:
    """Set the event's name and description in ``language``; empty text removes a field.

    Raises ValidationError for a language the event does not offer or text over the limits.
    """
    problems = Problems()
    _check_language(problems, event, language)
    problems.text("name", name, max_length=300, required=False)
    problems.text("description", description, max_length=50_000, required=False)
    problems.raise_if_any()
    event.translations = _with(event.translations, language, name=name, description=description)
    event.updated_at = now or clock.now()
    db.flush()


def set_session_translation(
    db: DbSession,
    programme_session: ProgrammeSession,
    language: str,
    *,
    title: str = "",
    abstract: str = "",
) -> None:
    """Set the session's title and abstract in ``language``; empty text removes a field.

    Raises ValidationError for a language the event does not offer or text over the limits.
    """
    problems = Problems()
    _check_language(problems, programme_session.event, language)
    problems.text("title", title, max_length=500, required=False)
    problems.text("abstract", abstract, max_length=20_000, required=False)
    problems.raise_if_any()
    programme_session.translations = _with(
        programme_session.translations, language, title=title, abstract=abstract
    )
    db.flush()


def _check_language(problems: Problems, event: Event, language: str) -> None:
    if not isinstance(language, str) or not _LANGUAGE_CODE.match(language):
        problems.add("language", N_("must be a language code such as 'az'"))
    elif language not in translation_languages(event):
        offered = ", ".join(translation_languages(event))
        problems.add(
            "language",
            N_("%(language)s is not one of the event's languages (%(offered)s)"),
            language=repr(language),
            offered=offered,
        )


def _with(
    translations: dict[str, dict[str, str]] | None, language: str, **fields: str
) -> dict[str, dict[str, str]]:
    """A new mapping (so the ORM sees the change) with ``language``'s fields replaced."""
    updated = {code: dict(texts) for code, texts in (translations or {}).items()}
    texts = {name: value.strip() for name, value in fields.items() if value and value.strip()}
    if texts:
        updated[language] = texts
    else:
        updated.pop(language, None)
    return updated
