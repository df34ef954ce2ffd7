"""The announcement page: who may open it, the preview that names the recipients, the send that
writes the outbox, and the filters shared with the registrations list."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from werkzeug.test import TestResponse

from confkit import clock
from confkit.models import Event, OutboxMessage, Registration
from tests.factories import FIXED_NOW
from tests.webapp.test_admin_auth import account, log_in
from tests.webapp.test_registration_pages import csrf_token, text, words

ORGANISER = "aysel@example.org"
PATH = "/admin/events/forum/announcements"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture
def forum(open_event_for_registration: Callable[..., Event]) -> Event:
    return open_event_for_registration(capacity=2, slug="forum", name="Baku energy forum")


@pytest.fixture
def organiser(client: FlaskClient, db: DbSession, forum: Event) -> FlaskClient:
    account(db, ORGANISER, "organiser", forum)
    assert log_in(client, ORGANISER).status_code == 303
    return client


def announcements(db: DbSession) -> list[OutboxMessage]:
    db.expire_all()
    return list(
        db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "announcement")
            .order_by(OutboxMessage.recipient)
        )
    )


def post(client: FlaskClient, *, send: bool = False, **fields: str) -> TestResponse:
    data = {
        "csrf_token": csrf_token(client, PATH),
        "status": "confirmed",
        "subject": "Room change",
        "body": "The opening is in Hall A.",
    }
    data.update(fields)
    if send:
        data["send"] = "yes"
    return client.post(PATH, data=data)


# Who may open the page


def test_anonymous_visitors_are_sent_to_the_login_page(client: FlaskClient, forum: Event) -> None:
    response = client.get(PATH)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/admin/login?next={PATH}")
    assert client.post(PATH, data={"subject": "x", "body": "y", "send": "yes"}).status_code == 302


@pytest.mark.parametrize(
    ("role", "of_forum", "status"),
    [
        ("checkin", True, 403),
        ("organiser", False, 403),
        ("organiser", True, 200),
        ("admin", False, 200),
    ],
)
def test_only_the_events_organisers_and_admins_may_open_the_page(
    client: FlaskClient,
    db: DbSession,
    forum: Event,
    make_event: Callable[..., Event],
    make_registration: Callable[..., Registration],
    role: str,
    of_forum: bool,
    status: int,
) -> None:
    make_registration(forum)
    other = make_event(slug="other-event")
    account(
        db, "staff@example.org", role, None if role == "admin" else (forum if of_forum else other)
    )
    log_in(client, "staff@example.org")

    assert client.get(PATH).status_code == status
    posted = client.post(PATH, data={"subject": "x", "body": "y", "send": "yes"})
    # Refused before anything is read from the form, CSRF token included.
    assert posted.status_code == (403 if status == 403 else 400)
    assert announcements(db) == []


def test_the_front_page_and_the_list_link_the_page(organiser: FlaskClient) -> None:
    assert f'href="{PATH}"' in text(organiser.get("/admin/"))
    assert f'href="{PATH}"' in text(organiser.get("/admin/events/forum/registrations"))


# Preview, then send


def test_the_form_chooses_confirmed_attendees_by_default(organiser: FlaskClient) -> None:
    page = text(organiser.get(PATH))
    assert '<option selected value="confirmed">' in page


def test_the_preview_names_the_recipients_and_writes_nothing(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_registration: Callable[..., Registration],
) -> None:
    make_registration(forum, given_name="Leyla", family_name="Aliyeva")
    make_registration(forum, given_name="Murad", family_name="Huseynov")
    make_registration(forum, given_name="Nigar", family_name="Waiting")  # third: waitlisted

    response = post(organiser, body="<b>Hall A</b>")

    assert response.status_code == 200
    shown = words(response)
    assert "2 people will get this message: Leyla Aliyeva Murad Huseynov" in shown
    assert "Nigar" not in shown
    assert "&lt;b&gt;Hall A&lt;/b&gt;" in text(response)
    assert announcements(db) == []


def test_the_preview_sends_exactly_what_it_showed(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_registration: Callable[..., Registration],
) -> None:
    make_registration(forum, given_name="Leyla", family_name="Aliyeva")
    make_registration(forum, given_name="Murad", family_name="Huseynov")
    body = 'Hall A & B.\n\n<Bring> your "badge".'
    preview = text(post(organiser, text="aliyeva", body=body))
    carried = {
        html.unescape(name): html.unescape(value)
        for name, value in re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)">', preview
        )
    }
    carried.update(re.findall(r'name="(csrf_token)" type="hidden" value="([^"]+)"', preview))

    response = organiser.post(PATH, data={**carried, "send": "yes"})

    assert "1 message queued" in words(response)
    (mail,) = announcements(db)
    assert mail.subject == "Room change"
    assert mail.text_body.startswith(body + "\n\n")


def test_sending_queues_one_mail_per_recipient(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_registration: Callable[..., Registration],
) -> None:
    first, second = make_registration(forum), make_registration(forum)

    response = post(organiser, send=True, body="Hall A.\r\n\r\nBring your badge.")

    assert response.status_code == 200
    assert "2 messages queued; they are sent by confkit mail send" in words(response)
    mails = announcements(db)
    assert sorted(m.recipient for m in mails) == sorted(
        [first.person.email or "", second.person.email or ""]
    )
    assert mails[0].text_body.startswith("Hall A.\n\nBring your badge.\n\n")
    assert first.changes[-1].actor == f"organiser:{ORGANISER}"
    assert first.changes[-1].note == "Room change"


def test_a_send_without_the_csrf_token_is_refused(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_registration: Callable[..., Registration],
) -> None:
    make_registration(forum)

    response = organiser.post(
        PATH, data={"status": "confirmed", "subject": "x", "body": "y", "send": "yes"}
    )

    assert response.status_code == 400
    assert "did not come from this site" in words(response)
    assert announcements(db) == []


def test_a_missing_subject_or_a_bad_filter_is_named(
    organiser: FlaskClient, db: DbSession, forum: Event
) -> None:
    response = post(organiser, send=True, subject="", country="Azerbaijan")

    assert response.status_code == 400
    shown = words(response)
    assert "subject: is required" in shown
    assert announcements(db) == []
    bad_filter = words(post(organiser, send=True, country="Azerbaijan"))
    assert "country: must be a two-letter country code" in bad_filter


def test_the_filters_choose_the_recipients(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_registration: Callable[..., Registration],
) -> None:
    make_registration(forum, given_name="Leyla", family_name="Aliyeva")
    make_registration(forum, given_name="Murad", family_name="Huseynov")
    waiting = make_registration(forum, given_name="Nigar", family_name="Mammadova")

    assert "1 person will get this message: Murad Huseynov" in words(
        post(organiser, text="huseynov")
    )
    response = post(organiser, send=True, status="waitlisted")

    assert "1 message queued" in words(response)
    assert [m.recipient for m in announcements(db)] == [waiting.person.email]


def test_change_goes_back_to_the_filled_form(organiser: FlaskClient, db: DbSession) -> None:
    response = post(organiser, edit="yes", subject="Room change")

    assert response.status_code == 200
    assert 'value="Room change"' in text(response)
    assert "Preview" in words(response)
    assert announcements(db) == []
