"""Name badges as a PDF: the event, the attendee's name, position and organisation, the category
on a colour band, and the ticket's QR code, which the check-in desk scans as it scans a ticket.

A pure renderer: a ``BadgeSheet`` (see ``confkit.services.badges``) and the key that signs
tickets in, PDF bytes out. Two layouts: ``a4`` puts eight 90 x 60 mm cards on a page (a common
badge-holder size) with crop marks and cut lines; ``a6`` prints one portrait card per page.

The text is set in Noto Sans, installed from PyPI by the ``fontpkg-noto-sans`` package and
embedded (as a subset) in the PDF, so Azerbaijani, Turkish and Cyrillic names print on any
machine. A name with a character the font lacks is refused before anything is drawn: a badge
with an empty box in the name is worse than none. The QR code is drawn as vector rectangles from
segno's module matrix, from the very call that draws the ticket on the attendee's page.
"""

from __future__ import annotations

import enum
import functools
import io
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import fontpkg
import segno
from reportlab.lib.colors import Color, HexColor, black, white
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from confkit.errors import Problem, ValidationError
from confkit.formats.attendees_csv import attendee_affiliation
from confkit.i18n import N_
from confkit.models import Event, Registration, RegistrationCategory
from confkit.tickets import ticket_payload

FONT_FAMILY: Final = "Noto Sans"
FONT_NAME: Final = "NotoSans"


class BadgeLayout(enum.StrEnum):
    A4 = "a4"
    A6 = "a6"


@dataclass(frozen=True)
class CategoryBand:
    label: str
    colour: Color
    text_colour: Color


# Their greys (printed without colour) are about 13, 28, 45, 59 and 82 % light, far enough apart
# to tell on a grey print; the printed label says the category in any case.
CATEGORY_BANDS: Final[dict[RegistrationCategory, CategoryBand]] = {
    RegistrationCategory.STAFF: CategoryBand("STAFF", HexColor("#222222"), white),
    RegistrationCategory.DELEGATE: CategoryBand("DELEGATE", HexColor("#1d4f91"), white),
    RegistrationCategory.SPEAKER: CategoryBand("SPEAKER", HexColor("#e64a19"), white),
    RegistrationCategory.OBSERVER: CategoryBand("OBSERVER", HexColor("#7cb342"), black),
    RegistrationCategory.PRESS: CategoryBand("PRESS", HexColor("#fdd835"), black),
}

CARD_WIDTH: Final = 90 * mm
CARD_HEIGHT: Final = 60 * mm
A4_COLUMNS: Final = 2
A4_ROWS: Final = 4
CUT_LINE_GREY: Final = Color(0.75, 0.75, 0.75)
# Crop marks start this far from the cards, so a slightly skewed cut leaves no mark on a card.
CROP_MARK_GAP: Final = 2 * mm
CROP_MARK_LENGTH: Final = 6 * mm
# QR codes need four light modules around them to be found.
QR_QUIET_ZONE: Final = 4
# Below this no printer keeps letters legible; a longer text is cut with an ellipsis instead.
SMALLEST_TEXT_SIZE: Final = 4.0
LEADING: Final = 1.18


@dataclass(frozen=True)
class BadgeSheet:
    """The badges to print, all read beforehand so rendering needs no database.

    ``registrations`` have a ticket (they are confirmed) and come with their person (and the
    person's affiliations) and affiliation loaded, in the order to print; ``left_out`` are the
    chosen registrations without a ticket; ``organisation_names`` holds each organisation's name
    with its parents ("Department, Ministry") by id.
    """

    event: Event
    registrations: Sequence[Registration]
    left_out: Sequence[Registration]
    organisation_names: Mapping[int, str]


@dataclass(frozen=True)
class Box:
    """A rectangle on the card, from its bottom left corner, in points."""

    x: float
    y: float
    width: float
    height: float

    @property
    def top(self) -> float:
        return self.y + self.height


@dataclass(frozen=True)
class FittedText:
    """Lines of text at one size that fit a box."""

    lines: list[str]
    size: float

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING


def render_badges(
    sheet: BadgeSheet,
    *,
    secret_key: str | bytes,
    layout: BadgeLayout | str = BadgeLayout.A4,
    on_badge: Callable[[Registration], None] | None = None,
) -> bytes:
    """One badge for every registration of ``sheet.registrations``, as a PDF; ``on_badge`` is
    called after each one is drawn. Raises ValidationError for an unknown layout, an empty
    sheet, or a text with a character the font cannot print (naming every such registration)."""
    try:
        layout = BadgeLayout(layout)
    except ValueError:
        choices = ", ".join(choice.value for choice in BadgeLayout)
        raise ValidationError.single(
            "layout", N_("must be one of %(choices)s"), choices=choices
        ) from None
    if not sheet.registrations:
        raise ValidationError.single("registrations", N_("no registration with a ticket to print"))
    badges = [_badge_text(sheet, registration) for registration in sheet.registrations]
    _check_printable(badges)

    buffer = io.BytesIO()
    page_size = A4 if layout is BadgeLayout.A4 else A6
    canvas = Canvas(buffer, pagesize=page_size, pageCompression=1, invariant=1)
    canvas.setTitle(f"Badges: {sheet.event.name}")
    canvas.setCreator("confkit")
    per_page = A4_COLUMNS * A4_ROWS if layout is BadgeLayout.A4 else 1
    for start in range(0, len(badges), per_page):
        if start:
            canvas.showPage()
        for place, badge in enumerate(badges[start : start + per_page]):
            canvas.saveState()
            if layout is BadgeLayout.A4:
                card = _a4_card(place)
                canvas.translate(card.x, card.y)
                _draw_card(canvas, badge, card.width, card.height, secret_key)
            else:
                _draw_card(canvas, badge, page_size[0], page_size[1], secret_key)
            canvas.restoreState()
            if on_badge is not None:
                on_badge(badge.registration)
        if layout is BadgeLayout.A4:
            _draw_cut_guides(canvas)
    canvas.save()
    return buffer.getvalue()


def unprintable_characters(text: str) -> set[str]:
    """The characters of ``text`` the badge font has no glyph for (spaces are always fine)."""
    glyphs = _font().face.charToGlyph
    return {c for c in _normalised(text) if not c.isspace() and ord(c) not in glyphs}


def fit_text(
    text: str, *, width: float, height: float, largest: float, smallest: float, max_lines: int
) -> FittedText:
    """``text`` wrapped at word boundaries at the largest size from ``largest`` down (in steps
    of half a point) at which it takes at most ``max_lines`` lines, each no wider than
    ``width``, and no more than ``height`` in all. If even ``SMALLEST_TEXT_SIZE`` is too large
    the last line ends with an ellipsis: the text never leaves its box."""
    words = _normalised(text).split()
    if not words:
        return FittedText([], largest)
    size = largest
    floor = min(smallest, SMALLEST_TEXT_SIZE)
    while size >= floor:
        lines = _wrap(words, size, width)
        fits = lines is not None and len(lines) <= max_lines
        if lines is not None and fits and len(lines) * size * LEADING <= height:
            return FittedText(lines, size)
        size -= 0.5
    return _cut_to_fit(words, floor, width, height, max_lines)


def text_width(text: str, size: float) -> float:
    """How wide ``text`` is in the badge font at ``size`` points."""
    return float(pdfmetrics.stringWidth(text, _font().fontName, size))


@dataclass(frozen=True)
class _BadgeText:
    registration: Registration
    event_name: str
    honorific: str
    name: str
    details: str
    category: RegistrationCategory


def _badge_text(sheet: BadgeSheet, registration: Registration) -> _BadgeText:
    person = registration.person
    affiliation = attendee_affiliation(registration, sheet.event.starts_on)
    details = []
    if affiliation is not None:
        if affiliation.position_title:
            details.append(affiliation.position_title)
        details.append(sheet.organisation_names.get(affiliation.organisation_id, ""))
    return _BadgeText(
        registration=registration,
        event_name=sheet.event.name,
        honorific=person.honorific,
        name=person.name,
        details=", ".join(part for part in details if part),
        category=registration.category,
    )


def _check_printable(badges: Sequence[_BadgeText]) -> None:
    problems = []
    for badge in badges:
        texts = (badge.event_name, badge.honorific, badge.name, badge.details)
        missing = set().union(*(unprintable_characters(text) for text in texts))
        if missing:
            shown = " ".join(sorted(f"{c} (U+{ord(c):04X})" for c in missing))
            problems.append(
                Problem(
                    f"registration {badge.registration.id}",
                    N_("%(name)s: the badge font cannot print %(characters)s"),
                    {"name": badge.name, "characters": shown},
                )
            )
    if problems:
        raise ValidationError(problems)


def _a4_card(place: int) -> Box:
    """Where the ``place``-th card of a page goes: left to right, top to bottom."""
    left, bottom = _a4_grid_origin()
    row, column = divmod(place, A4_COLUMNS)
    return Box(
        left + column * CARD_WIDTH,
        bottom + (A4_ROWS - 1 - row) * CARD_HEIGHT,
        CARD_WIDTH,
        CARD_HEIGHT,
    )


def _a4_grid_origin() -> tuple[float, float]:
    page_width, page_height = A4
    return (
        (page_width - A4_COLUMNS * CARD_WIDTH) / 2,
        (page_height - A4_ROWS * CARD_HEIGHT) / 2,
    )


def _draw_cut_guides(canvas: Canvas) -> None:
    """Dashed cut lines along the cards' edges, and crop marks in the margins where each cut
    starts and ends, so a guillotine can be lined up even after the lines are trimmed away."""
    left, bottom = _a4_grid_origin()
    right = left + A4_COLUMNS * CARD_WIDTH
    top = bottom + A4_ROWS * CARD_HEIGHT
    xs = [left + column * CARD_WIDTH for column in range(A4_COLUMNS + 1)]
    ys = [bottom + row * CARD_HEIGHT for row in range(A4_ROWS + 1)]
    canvas.saveState()
    canvas.setLineWidth(0.3)
    canvas.setStrokeColor(CUT_LINE_GREY)
    canvas.setDash(2, 2)
    for x in xs:
        canvas.line(x, bottom, x, top)
    for y in ys:
        canvas.line(left, y, right, y)
    canvas.setDash()
    canvas.setStrokeColor(black)
    gap, length = CROP_MARK_GAP, CROP_MARK_GAP + CROP_MARK_LENGTH
    for x in xs:
        canvas.line(x, top + gap, x, top + length)
        canvas.line(x, bottom - gap, x, bottom - length)
    for y in ys:
        canvas.line(left - gap, y, left - length, y)
        canvas.line(right + gap, y, right + length, y)
    canvas.restoreState()


def _draw_card(
    canvas: Canvas, badge: _BadgeText, width: float, height: float, secret_key: str | bytes
) -> None:
    """One badge, its bottom left corner at the origin."""
    # Sizes grow with the card: an A6 card is 1.75 times as wide as an A4 page's cards.
    scale = min(width, height) / CARD_HEIGHT
    pad = 3 * mm * scale
    header = Box(pad, height - 8 * mm * scale, width - 2 * pad, 8 * mm * scale - pad / 2)
    band = Box(0, 0, width, min(10 * mm * scale, 16 * mm))
    if width > height:
        qr_side = min(header.y - band.top - pad / 2, 0.38 * width)
        qr = Box(width - qr_side, band.top + (header.y - band.top - qr_side) / 2, qr_side, qr_side)
        text = Box(pad, band.top + pad, qr.x - pad, header.y - band.top - pad)
    else:
        qr_side = 0.5 * width
        qr = Box((width - qr_side) / 2, band.top + pad, qr_side, qr_side)
        text = Box(pad, qr.top, width - 2 * pad, header.y - qr.top)

    _draw_event_name(canvas, badge.event_name, header, scale)
    _draw_person(canvas, badge, text, scale)
    _draw_band(canvas, badge.category, band, scale)
    _draw_qr(canvas, ticket_payload(badge.registration, secret_key), qr)


def _draw_event_name(canvas: Canvas, name: str, box: Box, scale: float) -> None:
    fitted = fit_text(
        name, width=box.width, height=box.height, largest=8 * scale, smallest=5, max_lines=1
    )
    _draw_lines(canvas, fitted, box, colour=Color(0.3, 0.3, 0.3), centred=True)


def _draw_person(canvas: Canvas, badge: _BadgeText, box: Box, scale: float) -> None:
    top = box.top
    if badge.honorific:
        honorific = fit_text(
            badge.honorific,
            width=box.width,
            height=box.height * 0.15,
            largest=9 * scale,
            smallest=5,
            max_lines=1,
        )
        _draw_lines(canvas, honorific, Box(box.x, box.y, box.width, top - box.y), colour=black)
        top -= honorific.height
    name = fit_text(
        badge.name,
        width=box.width,
        height=(top - box.y) * 0.6,
        largest=18 * scale,
        smallest=7,
        max_lines=3,
    )
    name_box = Box(box.x, box.y, box.width, top - box.y)
    _draw_lines(canvas, name, name_box, colour=black, bold=True)
    top -= name.height + 1.5 * mm * scale
    if badge.details and top > box.y:
        details = fit_text(
            badge.details,
            width=box.width,
            height=top - box.y,
            largest=8 * scale,
            smallest=5,
            max_lines=5,
        )
        details_box = Box(box.x, box.y, box.width, top - box.y)
        _draw_lines(canvas, details, details_box, colour=Color(0.15, 0.15, 0.15))


def _draw_band(canvas: Canvas, category: RegistrationCategory, box: Box, scale: float) -> None:
    band = CATEGORY_BANDS[category]
    canvas.setFillColor(band.colour)
    canvas.rect(box.x, box.y, box.width, box.height, stroke=0, fill=1)
    fitted = fit_text(
        band.label,
        width=box.width - 6 * mm,
        height=box.height,
        largest=min(13 * scale, box.height / LEADING * 0.8),
        smallest=6,
        max_lines=1,
    )
    inner = Box(box.x, box.y + (box.height - fitted.height) / 2, box.width, fitted.height)
    _draw_lines(canvas, fitted, inner, colour=band.text_colour, centred=True, bold=True)


def _draw_qr(canvas: Canvas, payload: str, box: Box) -> None:
    """The ticket's QR code, dark modules as filled rectangles (one per run of a row), its
    quiet zone inside ``box``."""
    # The same call as the ticket on the attendee's page, so both show the same symbol.
    symbol = segno.make(payload, error="m")
    rows = [list(row) for row in symbol.matrix]
    module = box.width / (len(rows) + 2 * QR_QUIET_ZONE)
    left = box.x + QR_QUIET_ZONE * module
    top = box.top - QR_QUIET_ZONE * module
    path = canvas.beginPath()
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            run_start = c
            while c < len(row) and row[c]:
                c += 1
            width = (c - run_start) * module
            path.rect(left + run_start * module, top - (r + 1) * module, width, module)
    canvas.setFillColor(black)
    canvas.drawPath(path, stroke=0, fill=1)


def _draw_lines(
    canvas: Canvas,
    fitted: FittedText,
    box: Box,
    *,
    colour: Color,
    centred: bool = False,
    bold: bool = False,
) -> None:
    """The lines from the top of ``box`` down."""
    # The text render mode belongs to the graphics state and would outlast the text object.
    canvas.saveState()
    canvas.setFillColor(colour)
    text = canvas.beginText()
    text.setFont(_font().fontName, fitted.size, fitted.size * LEADING)
    if bold:
        # The embedded face is the regular weight; outlining the letters in their own colour
        # makes them heavier and keeps them text that can be searched and copied.
        text.setTextRenderMode(2)
        canvas.setLineWidth(fitted.size * 0.05)
        canvas.setStrokeColor(colour)
    baseline = box.top - fitted.size * 0.95
    for line in fitted.lines:
        x = box.x + (box.width - text_width(line, fitted.size)) / 2 if centred else box.x
        text.setTextOrigin(x, baseline)
        text.textOut(line)
        baseline -= fitted.size * LEADING
    canvas.drawText(text)
    canvas.restoreState()


def _wrap(words: Sequence[str], size: float, width: float) -> list[str] | None:
    """Words in greedy lines no wider than ``width``, a hyphenated word broken after a hyphen
    if need be; None if one part alone is wider."""
    lines: list[str] = []
    for word in words:
        # "Кузнецова-Прокопенко" may end a line after its hyphen, as a typesetter would break it.
        parts = re.findall(r"[^-]+-*|-+", word)
        for index, part in enumerate(parts):
            if text_width(part, size) > width:
                return None
            joined = f"{lines[-1]}{part}" if index else f"{lines[-1]} {part}" if lines else part
            if lines and text_width(joined, size) <= width:
                lines[-1] = joined
            else:
                lines.append(part)
    return lines


def _cut_to_fit(
    words: Sequence[str], size: float, width: float, height: float, max_lines: int
) -> FittedText:
    """As many characters as fit in the lines the box holds at ``size``, then an ellipsis."""
    line_count = max(1, min(max_lines, int(height // (size * LEADING))))
    text = " ".join(words)
    lines: list[str] = []
    while text and len(lines) < line_count:
        end = len(text)
        while end > 1 and text_width(text[:end], size) > width:
            end -= 1
        lines.append(text[:end].rstrip())
        text = text[end:].lstrip()
    if text:
        last = lines[-1]
        while last and text_width(f"{last}…", size) > width:
            last = last[:-1]
        lines[-1] = f"{last.rstrip()}…"
    return FittedText(lines, size)


def _normalised(text: str) -> str:
    # Precomposed letters: a name typed as "s" plus a combining cedilla prints as "ş".
    return unicodedata.normalize("NFC", text)


@functools.cache
def _font() -> TTFont:
    """The badge font, registered with ReportLab once per process."""
    path = Path(str(fontpkg.path(FONT_FAMILY)))
    font = TTFont(FONT_NAME, str(path))
    pdfmetrics.registerFont(font)
    return font
