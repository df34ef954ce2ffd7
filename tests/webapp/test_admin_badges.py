"""The organisers' badge pages: who may print, the badges of the filtered or ticked
registrations as a PDF whose QR codes are the attendees' tickets, who is left out, and every
bad parameter refused with its reason."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pypdf
import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session as DbSession
from werkzeug.test import TestResponse

from confkit.models import Event, Registration, RegistrationCategory, RegistrationStatus
from confkit.tickets import ticket_payload
from tests.confkit.test_badges import scanned
from tests.webapp.test_admin_auth import account, log_in
from tests.webapp.test_registration_pages import csrf_token, text, words

ORGANISER = "aysel@example.org"
# The app fixture's key: the one the attendee's page and the check-in desk use.
SECRET_KEY = "testing"


@pytest.fixture
def forum(open_event_for_registration: Callable[..., Event]) -> Event:
    return open_event_for_registration(capacity=None, slug="forum", name="Baku energy forum")


@pytest.fixture
def attendees(
    db: DbSession, forum: Event, make_registration: Callable[..., Registration]
) -> dict[str, Registration]:
    fuad = make_registration(forum, given_name="Fuad", family_name="Məmmədov")
    ilqar = make_registration(forum, given_name="İlqar", family_name="Ağayev", category="press")
    elena = make_registration(forum, given_name="Елена", family_name="Кузнецова")
    waiting = make_registration(forum, given_name="Zaur", family_name="Unconfirmed", confirm=False)
    fuad.person.honorific = "H.E."
    db.flush()
    return {"fuad": fuad, "ilqar": ilqar, "elena": elena, "waiting": waiting}


@pytest.fixture
def organiser(client: FlaskClient, db: DbSession, forum: Event) -> FlaskClient:
    account(db, ORGANISER, "organiser", forum)
    assert log_in(client, ORGANISER).status_code == 303
    return client


PAGE = "/admin/events/forum/badges"
PDF = "/admin/events/forum/badges.pdf"


def pdf_words(response: TestResponse) -> str:
    reader = pypdf.PdfReader(io.BytesIO(response.get_data()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def post_selection(
    client: FlaskClient, path: str, *registrations: Registration, **fields: str
) -> TestResponse:
    token = csrf_token(client, "/admin/events/forum/registrations")
    data = {"csrf_token": token, "registration_ids": [str(r.id) for r in registrations]}
    return client.post(path, data={**data, **fields})


def assert_pdf_download(response: TestResponse, layout: str = "a4") -> None:
    assert response.status_code == 200, text(response)
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="forum-badges-{layout}.pdf"'
    )
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.get_data().startswith(b"%PDF-")


# Who may print


def test_anonymous_visitors_are_sent_to_the_login_page(client: FlaskClient, forum: Event) -> None:
    for path in (PAGE, PDF):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith(f"/admin/login?next={path}")
        assert client.post(path).status_code == 302


@pytest.mark.parametrize(
    ("role", "of_forum", "status"),
    [
        ("checkin", True, 403),
        ("organiser", False, 403),
        ("organiser", True, 200),
        ("admin", False, 200),
    ],
)
def test_only_the_events_organisers_and_admins_may_print(
    client: FlaskClient,
    db: DbSession,
    forum: Event,
    make_event: Callable[..., Event],
    attendees: dict[str, Registration],
    role: str,
    of_forum: bool,
    status: int,
) -> None:
    other = make_event(slug="other-event")
    event = None if role == "admin" else (forum if of_forum else other)
    account(db, "staff@example.org", role, event)
    log_in(client, "staff@example.org")

    assert client.get(PAGE).status_code == status
    response = client.get(PDF)
    assert response.status_code == status
    if status == 200:
        assert_pdf_download(response)
    # Refused before anything is read from the form, CSRF token included.
    posted = client.post(PDF, data={"registration_ids": [str(attendees["fuad"].id)]})
    assert posted.status_code == (403 if status == 403 else 400)


# The filters


def test_the_filtered_badges_carry_every_name_and_the_attendees_tickets(
    organiser: FlaskClient, attendees: dict[str, Registration]
) -> None:
    response = organiser.get(PDF)

    assert_pdf_download(response)
    shown = pdf_words(response)
    assert "H.E. Fuad Məmmədov" in shown
    assert "İlqar Ağayev" in shown
    assert "Елена Кузнецова" in shown
    assert "Unconfirmed" not in shown
    confirmed = [attendees[name] for name in ("fuad", "ilqar", "elena")]
    assert scanned(response.get_data()) == [{ticket_payload(r, SECRET_KEY) for r in confirmed}]


def test_the_filters_and_the_a6_layout_choose_the_badges(
    organiser: FlaskClient, attendees: dict[str, Registration]
) -> None:
    response = organiser.get(f"{PDF}?category=press&layout=a6")

    assert_pdf_download(response, "a6")
    reader = pypdf.PdfReader(io.BytesIO(response.get_data()))
    assert len(reader.pages) == 1
    assert "İlqar Ağayev" in pdf_words(response)
    assert "PRESS" in pdf_words(response)


def test_the_page_says_who_gets_a_badge_and_who_is_left_out(
    organiser: FlaskClient, attendees: dict[str, Registration]
) -> None:
    response = organiser.get(PAGE)

    assert response.status_code == 200
    shown = words(response)
    assert "3 badges to print." in shown
    assert "H.E. Fuad Məmmədov (Delegate)" in shown
    assert "Left out, without a ticket: Zaur Unconfirmed: Unconfirmed" in shown
    assert 'formaction="/admin/events/forum/badges.pdf"' in text(response)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?status=lost", "status"),
        ("?category=minister", "category"),
        ("?country=Azerbaijan", "country: must be a two-letter country code"),
        ("?delegation=many", "Delegation: Not a valid integer value."),
        ("?layout=letter", "Layout: Not a valid choice."),
    ],
)
def test_bad_parameters_are_refused_with_their_reason(
    organiser: FlaskClient, attendees: dict[str, Registration], query: str, message: str
) -> None:
    for path in (PAGE, PDF):
        response = organiser.get(path + query)
        assert response.status_code == 400
        assert response.mimetype == "text/html"
        assert "These badges cannot be printed" in words(response)
        assert message in words(response)


def test_filters_that_choose_no_confirmed_registration_print_nothing(
    organiser: FlaskClient, attendees: dict[str, Registration]
) -> None:
    response = organiser.get(f"{PDF}?status=unconfirmed")

    assert response.status_code == 400
    assert "no registration with a ticket to print" in words(response)
    assert "Zaur Unconfirmed: Unconfirmed" in words(response)


def test_a_name_the_font_cannot_print_is_named(
    organiser: FlaskClient, db: DbSession, attendees: dict[str, Registration]
) -> None:
    attendees["elena"].person.family_name = "王"
    db.flush()

    response = organiser.get(PDF)

    assert response.status_code == 400
    assert f"registration {attendees['elena'].id}: Елена 王" in words(response)


# The ticked registrations


def test_the_list_has_a_print_button_for_the_ticked_registrations(
    organiser: FlaskClient, attendees: dict[str, Registration]
) -> None:
    page = text(organiser.get("/admin/events/forum/registrations"))

    assert 'formaction="/admin/events/forum/badges"' in page
    assert 'href="/admin/events/forum/badges"' in page


def test_the_ticked_registrations_are_previewed_then_printed(
    organiser: FlaskClient, attendees: dict[str, Registration]
) -> None:
    chosen = (attendees["elena"], attendees["waiting"], attendees["fuad"])

    preview = post_selection(organiser, PAGE, *chosen, action="approve")

    assert preview.status_code == 200
    shown = words(preview)
    assert "2 badges to print." in shown
    assert "Left out, without a ticket: Zaur Unconfirmed: Unconfirmed" in shown
    hidden = re.findall(r'name="registration_ids" value="(\d+)"', text(preview))
    assert sorted(hidden) == sorted([str(attendees["fuad"].id), str(attendees["elena"].id)])
    assert attendees["waiting"].status is RegistrationStatus.UNCONFIRMED

    response = post_selection(organiser, PDF, attendees["fuad"], attendees["elena"], layout="a6")
    assert_pdf_download(response, "a6")
    assert scanned(response.get_data()) == [
        {ticket_payload(attendees[name], SECRET_KEY)} for name in ("fuad", "elena")
    ]


@pytest.mark.parametrize("path", [PAGE, PDF])
def test_a_bad_selection_is_refused_with_its_reason(
    organiser: FlaskClient,
    attendees: dict[str, Registration],
    open_event_for_registration: Callable[..., Event],
    make_registration: Callable[..., Registration],
    path: str,
) -> None:
    elsewhere = make_registration(open_event_for_registration(capacity=None))

    nothing = post_selection(organiser, path)
    assert nothing.status_code == 400
    assert "Choose at least one registration." in words(nothing)

    other_event = post_selection(organiser, path, attendees["fuad"], elsewhere)
    assert other_event.status_code == 400
    assert f"no registration {elsewhere.id} at this event" in words(other_event)

    not_a_number = organiser.post(
        path,
        data={
            "csrf_token": csrf_token(organiser, "/admin/events/forum/registrations"),
            "registration_ids": ["twelve"],
        },
    )
    assert not_a_number.status_code == 400
    assert "could not be coerced" in words(not_a_number)

    bad_layout = post_selection(organiser, path, attendees["fuad"], layout="letter")
    assert bad_layout.status_code == 400
    assert "Not a valid choice." in words(bad_layout)


@pytest.mark.parametrize("path", [PAGE, PDF])
def test_a_selection_without_a_csrf_token_is_refused(
    organiser: FlaskClient, attendees: dict[str, Registration], path: str
) -> None:
    response = organiser.post(path, data={"registration_ids": [str(attendees["fuad"].id)]})

    assert response.status_code == 400
    assert "did not come from this site" in words(response)
    assert response.mimetype == "text/html"


def test_speakers_get_their_own_band(
    organiser: FlaskClient, db: DbSession, attendees: dict[str, Registration]
) -> None:
    attendees["elena"].category = RegistrationCategory.SPEAKER
    db.flush()

    response = organiser.get(f"{PDF}?category=speaker")

    assert_pdf_download(response)
    assert "SPEAKER" in pdf_words(response)
    assert "Fuad" not in pdf_words(response)
