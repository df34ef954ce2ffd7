"""Content in several languages: an event's name and description, a session's title and abstract.

A translatable object keeps its original words in its own columns and the translations in a
JSON column ``translations``: ``{"az": {"title": "..."}, "ru": {"title": "...", "abstract": ...}}``.
Feeds and exports always use the original; pages ask :func:`translated` for their locale.
"""

from __future__ import annotations

from typing import Final, Protocol

# The fields each kind of object may have translated, by table.
TRANSLATABLE_FIELDS: Final = {
    "events": ("name", "description"),
    "sessions": ("title", "abstract"),
}


class Translatable(Protocol):
    """An object with original text in its attributes and a ``translations`` mapping."""

    @property
    def translations(self) -> dict[str, dict[str, str]]:
        """Language code -> field -> text."""


def translated(obj: Translatable, field: str, locale: object) -> str:
    """``field`` of ``obj`` in ``locale`` ("ru", "ru_RU", "az-Latn"), else the original text."""
    language = str(locale).replace("-", "_").split("_", 1)[0].lower()
    text = (obj.translations or {}).get(language, {}).get(field)
    if text:
        return text
    original: str = getattr(obj, field)
    return original
