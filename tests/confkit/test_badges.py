"""Badges as PDF: names in any script come out as text in an embedded font, the QR code scans to
the attendee's ticket, only registrations with a ticket get a badge, and no text leaves its box."""

from __future__ import annotations

import io
from collections.abc import Callable

import pypdf
import pypdfium2
import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf.generic import ContentStream, DictionaryObject
from sqlalchemy.orm import Session as DbSession

from confkit import services
from confkit.errors import ValidationError
from confkit.formats.badges import (
    CATEGORY_BANDS,
    BadgeLayout,
    fit_text,
    render_badges,
    text_width,
    unprintable_characters,
)
from confkit.models import Event, Registration, RegistrationCategory, RegistrationStatus
from confkit.services.badges import badge_sheet, chosen_registrations
from confkit.tickets import read_ticket, ticket_payload

KEY = "badge-test-key"


@pytest.fixture
def forum(open_event_for_registration: Callable[..., Event]) -> Event:
    return open_event_for_registration(capacity=None, name="Baku energy forum")


@pytest.fixture
def attendees(
    db: DbSession, forum: Event, make_registration: Callable[..., Registration]
) -> list[Registration]:
    """Fuad Məmmədov (H.E., of a department inside a ministry), İlqar Ağayev (press) and
    Елена Кузнецова (Dr, speaker), all confirmed."""
    ministry = services.create_organisation(
        db, name="Ministry of Foreign Affairs", kind="government", country="AZ"
    )
    department = services.create_organisation(
        db, name="Military-Political Affairs Department", kind="government", parent=ministry
    )
    fuad = make_registration(
        forum,
        given_name="Fuad",
        family_name="Məmmədov",
        organisation_id=department.id,
        position="Acting Head",
    )
    ilqar = make_registration(forum, given_name="İlqar", family_name="Ağayev", category="press")
    elena = make_registration(forum, given_name="Елена", family_name="Кузнецова")
    # The public form offers no speaker category: the organisers set it.
    elena.category = RegistrationCategory.SPEAKER
    fuad.person.honorific = "H.E."
    elena.person.honorific = "Dr"
    db.flush()
    return [fuad, ilqar, elena]


def pdf_text(data: bytes) -> list[str]:
    """Each page's text, its runs of white space made single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def scanned(data: bytes) -> list[set[str]]:
    """What a QR scanner reads on each page, rendered at 200 dpi."""
    pages = []
    document = pypdfium2.PdfDocument(data)
    for page in document:
        image = page.render(scale=200 / 72).to_pil()
        found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        pages.append({barcode.text for barcode in found})
    document.close()
    return pages


def render(db: DbSession, event: Event, registrations: list[Registration], **options: str) -> bytes:
    return render_badges(badge_sheet(db, event, registrations), secret_key=KEY, **options)


@pytest.mark.parametrize("layout", ["a4", "a6"])
def test_names_in_every_script_come_out_as_text(
    db: DbSession, forum: Event, attendees: list[Registration], layout: str
) -> None:
    text = " ".join(pdf_text(render(db, forum, attendees, layout=layout)))

    assert "H.E. Fuad Məmmədov" in text
    assert "İlqar Ağayev" in text
    assert "Dr Елена Кузнецова" in text
    # The position, then the department with its ministry.
    assert "Acting Head, Military-Political Affairs Department, Ministry of Foreign Affairs" in text
    assert text.count("Baku energy forum") == 3
    for label in ("DELEGATE", "PRESS", "SPEAKER"):
        assert label in text


def test_every_text_is_shown_in_an_embedded_font(
    db: DbSession, forum: Event, attendees: list[Registration]
) -> None:
    reader = pypdf.PdfReader(io.BytesIO(render(db, forum, attendees)))
    page = reader.pages[0]
    fonts = page["/Resources"]["/Font"]
    used = set()
    current = None
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"Tf":
            current = operands[0]
        elif operator in (b"Tj", b"TJ", b"'", b'"'):
            used.add(current)

    assert used
    for name in used:
        font = fonts[name].get_object()
        descriptors = [font] + [f.get_object() for f in font.get("/DescendantFonts", [])]
        embedded = [
            d["/FontDescriptor"].get_object()
            for d in descriptors
            if isinstance(d, DictionaryObject) and "/FontDescriptor" in d
        ]
        assert "NotoSans" in str(font["/BaseFont"])
        assert any("/FontFile2" in descriptor for descriptor in embedded)


@pytest.mark.parametrize(("layout", "per_page"), [("a4", 8), ("a6", 1)])
def test_the_qr_code_on_each_badge_scans_to_the_attendees_ticket(
    db: DbSession,
    forum: Event,
    make_registration: Callable[..., Registration],
    layout: str,
    per_page: int,
) -> None:
    registrations = [make_registration(forum) for _ in range(per_page + 1)]
    ordered = chosen_registrations(db, forum, [r.id for r in registrations])

    pages = scanned(render(db, forum, ordered, layout=layout))

    expected = [ticket_payload(r, KEY) for r in ordered]
    assert pages == [set(expected[:per_page]), set(expected[per_page:])]
    # What the desk reads back names the registration.
    claim = read_ticket(expected[0], KEY)
    assert (claim.event_id, claim.registration_id) == (forum.id, ordered[0].id)


def test_a4_pages_hold_eight_badges_with_crop_marks_and_a6_pages_one(
    db: DbSession, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    registrations = [make_registration(forum) for _ in range(9)]

    a4 = pypdf.PdfReader(io.BytesIO(render(db, forum, registrations, layout="a4")))
    a6 = pypdf.PdfReader(io.BytesIO(render(db, forum, registrations, layout="a6")))

    assert len(a4.pages) == 2
    assert [round(float(v)) for v in a4.pages[0].mediabox[2:]] == [595, 842]
    assert [page.extract_text().count("Baku energy forum") for page in a4.pages] == [8, 1]
    assert len(a6.pages) == 9
    assert [round(float(v)) for v in a6.pages[0].mediabox[2:]] == [298, 420]
    # Crop marks are short black strokes in the margin of an A4 page, none on an A6 card.
    assert b" l" in a4.pages[0].get_contents().get_data()
    assert b" l" not in a6.pages[0].get_contents().get_data()


def test_only_registrations_with_a_ticket_get_a_badge(
    db: DbSession, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    confirmed = make_registration(forum, given_name="Fuad", family_name="Məmmədov")
    unconfirmed = make_registration(forum, family_name="Unconfirmed", confirm=False)
    cancelled = make_registration(forum, family_name="Cancelled")
    cancelled.status = RegistrationStatus.CANCELLED
    db.flush()

    sheet = badge_sheet(db, forum, [unconfirmed, confirmed, cancelled])

    assert sheet.registrations == [confirmed]
    assert sheet.left_out == [unconfirmed, cancelled]
    text = pdf_text(render_badges(sheet, secret_key=KEY))[0]
    assert "Fuad Məmmədov" in text
    assert "Unconfirmed" not in text
    assert "Cancelled" not in text


def test_a_sheet_without_a_ticket_is_refused(
    db: DbSession, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    waiting = make_registration(forum, confirm=False)

    with pytest.raises(ValidationError) as refused:
        render(db, forum, [waiting])
    assert refused.value.fields == {"registrations"}


def test_an_unknown_layout_is_refused(
    db: DbSession, forum: Event, attendees: list[Registration]
) -> None:
    with pytest.raises(ValidationError) as refused:
        render(db, forum, attendees, layout="letter")
    assert refused.value.fields == {"layout"}
    assert [layout.value for layout in BadgeLayout] == ["a4", "a6"]


def test_a_name_the_font_cannot_print_is_refused_naming_the_registration(
    db: DbSession, forum: Event, attendees: list[Registration]
) -> None:
    attendees[1].person.family_name = "王"
    db.flush()

    with pytest.raises(ValidationError) as refused:
        render(db, forum, attendees)

    assert refused.value.fields == {f"registration {attendees[1].id}"}
    assert "U+738B" in str(refused.value)
    assert unprintable_characters("Məmmədov Ağayev İlqar Елена Кузнецова şçöüğı") == set()


def test_a_name_typed_with_combining_marks_prints_as_one_letter(
    db: DbSession, forum: Event, attendees: list[Registration]
) -> None:
    attendees[1].person.family_name = "Bas\u0327aran"
    db.flush()

    assert "İlqar Başaran" in pdf_text(render(db, forum, attendees))[0]


def test_chosen_registrations_are_sorted_and_must_belong_to_the_event(
    db: DbSession,
    forum: Event,
    attendees: list[Registration],
    open_event_for_registration: Callable[..., Event],
    make_registration: Callable[..., Registration],
) -> None:
    elsewhere = make_registration(open_event_for_registration(capacity=None))
    fuad, ilqar, elena = attendees

    assert chosen_registrations(db, forum, [fuad.id, elena.id, ilqar.id]) == [ilqar, fuad, elena]
    with pytest.raises(ValidationError) as refused:
        chosen_registrations(db, forum, [fuad.id, elsewhere.id, 999_999])
    assert str(refused.value) == (
        f"registration_ids: no registration {elsewhere.id}, 999999 at this event"
    )
    with pytest.raises(ValidationError):
        chosen_registrations(db, forum, [])


def test_category_bands_differ_in_grey_and_say_their_category() -> None:
    greys = sorted(
        0.299 * band.colour.red + 0.587 * band.colour.green + 0.114 * band.colour.blue
        for band in CATEGORY_BANDS.values()
    )

    assert set(CATEGORY_BANDS) == set(RegistrationCategory)
    assert all(b - a >= 0.1 for a, b in zip(greys, greys[1:], strict=False))
    assert {band.label for band in CATEGORY_BANDS.values()} == {
        category.value.upper() for category in RegistrationCategory
    }


names = st.lists(
    st.text(alphabet="aəğıİöşçüЕлнКзцв-W ", min_size=1, max_size=40), min_size=1, max_size=6
).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(text=names, width=st.floats(20, 300), height=st.floats(5, 120))
def test_fitted_text_never_leaves_its_box(text: str, width: float, height: float) -> None:
    fitted = fit_text(text, width=width, height=height, largest=18, smallest=7, max_lines=3)

    assert len(fitted.lines) <= 3
    assert all(text_width(line, fitted.size) <= width + 1e-6 for line in fitted.lines)
    if fitted.size > 4:
        # Above the smallest size everything fits: nothing was cut.
        assert "".join("".join(fitted.lines).split()) == "".join(text.split())
        assert fitted.height <= height


def test_a_long_name_is_shrunk_and_broken_after_a_hyphen() -> None:
    name = "Елена Кузнецова-Прокопенко-Сальтыкова"

    fitted = fit_text(name, width=150, height=60, largest=18, smallest=7, max_lines=3)

    assert fitted.size < 18
    assert len(fitted.lines) > 1
    assert "".join(fitted.lines).replace(" ", "") == name.replace(" ", "")
