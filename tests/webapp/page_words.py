"""What a page says to its reader, to check it reads in the chosen language.

A page rendered in Russian should show no English of its own: every Latin word left in its
visible text (or in the attributes a reader meets: placeholders, titles, labels for
screen readers, alternative texts, button values) is either the data the test put there or an
untranslated message. (Azerbaijani is written in Latin letters, so Russian is the language that
shows a message nobody marked for translation; the catalogue tests cover Azerbaijani.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

# Attributes whose values are read (or heard) by a person.
_READ_ATTRIBUTES = frozenset({"placeholder", "title", "aria-label", "alt"})
_HIDDEN_ELEMENTS = frozenset({"script", "style", "template"})
_VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
# Latin words of three letters or more: shorter ones are units, codes and initials.
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{2,}")
# Words every language writes the same way.
UNIVERSAL_WORDS = frozenset({"CSV", "PDF", "QR", "iCal", "UTC", "GMT", "JSON", "XML", "URL", "SVG"})


class _ReadText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._hidden_depth = 0
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in _HIDDEN_ELEMENTS:
            self._hidden_depth += 1
        if tag not in _VOID_ELEMENTS:
            self._open.append(tag)
        if self._hidden_depth:
            return
        for name, value in values.items():
            if value and name in _READ_ATTRIBUTES:
                self.pieces.append(value)
        if tag == "input" and values.get("type") in {"submit", "button", "reset"}:
            self.pieces.append(values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_ELEMENTS:
            return
        if tag in _HIDDEN_ELEMENTS and self._hidden_depth:
            self._hidden_depth -= 1
        while self._open:
            if self._open.pop() == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth and data.strip():
            self.pieces.append(data)


def read_text(html: str) -> list[str]:
    """The pieces of text a reader of the page meets, in page order."""
    parser = _ReadText()
    parser.feed(html)
    parser.close()
    return [" ".join(piece.split()) for piece in parser.pieces if piece.strip()]


def english_left(html: str, content: Iterable[str] = ()) -> list[str]:
    """The pieces of the page's text that still hold a Latin word once the test's own data
    (``content``: names, titles, addresses it stored) and the universal words are taken out."""
    known = sorted({c for c in content if c}, key=len, reverse=True)
    left = []
    for piece in read_text(html):
        rest = piece
        for value in known:
            rest = rest.replace(value, " ")
        words = [w for w in _LATIN_WORD.findall(rest) if w not in UNIVERSAL_WORDS]
        if words:
            left.append(piece)
    return left
