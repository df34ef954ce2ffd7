"""Small text helpers shared across confkit."""

from __future__ import annotations

import re
import unicodedata

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Letters that Unicode does not decompose into a base letter plus a mark.
_TRANSLITERATION = str.maketrans({"ə": "e", "Ə": "e", "ı": "i", "ß": "ss", "ø": "o", "đ": "d"})


def slugify(text: str, *, fallback: str = "item", max_length: int = 100) -> str:
    """A URL slug for ``text``: "Plenary Hall" -> "plenary-hall", "Şəki zalı" -> "seki-zali"."""
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_TRANSLITERATION))
        .encode("ascii", "ignore")
        .decode("ascii")
    )
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:max_length].strip("-")
    return slug or fallback
