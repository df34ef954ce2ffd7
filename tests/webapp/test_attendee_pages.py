"""The attendee's own pages behind /r/<token>: confirming, status and waiting list, ticket,
personal agenda and feed, cancelling, a new link, their data and its erasure."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.models import (
    Event,
    ProgrammeSession,
    Registration,
    RegistrationChange,
    RegistrationStatus,
)
from confkit.services.registration_settings import configure_registration
from confkit.services.seats import confirm_registration
from confkit.services.signup import SignupDetails, register
from confkit.tickets import ticket_payload
from tests.factories import baku
from tests.webapp.test_registration_pages import (
    PRIVATE_CACHE,
    confirm_through_page,
    csrf_token,
    link_in,
    mails_to,
    post_button,
    register_through_form,
    registration_of,
    text,
    words,
)

NOW = datetime(2024, 11, 1, 12, 0, tzinfo=UTC)
BASE_URL = "http://localhost/"
SECRET_KEY = "testing"


@dataclass
class Clock:
    now: datetime


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fixed = Clock(NOW)
    monkeypatch.setattr(clock, "now", lambda: fixed.now)
    return fixed


@dataclass
class Programme:
    event: Event
    plenary: ProgrammeSession
    hands_on: ProgrammeSession
    cancelled: ProgrammeSession


@pytest.fixture
def programme(
    db: DbSession,
    make_event: Callable[..., Event],
    make_room: Callable[..., object],
    make_session: Callable[..., ProgrammeSession],
) -> Programme:
    """An event with two seats and a waiting list, a session with one sign-up place, a
    cancelled session, and sessions nobody may choose (a draft, a closed meeting)."""
    event = make_event(slug="workshop", name="Energy security workshop", capacity=2)
    hall, lab = make_room(event, name="Hall"), make_room(event, name="Lab")
    plenary = make_session(
        event, title="Opening plenary", kind="plenary", room=hall,
        starts_at=baku(26, 9), ends_at=baku(26, 10),
    )  # fmt: skip
    hands_on = make_session(
        event, title="Grid exercise", kind="workshop", room=lab, signup_capacity=1,
        starts_at=baku(26, 10, 30), ends_at=baku(26, 12),
    )  # fmt: skip
    cancelled = make_session(
        event, title="Dropped panel", kind="panel", room=hall, status="cancelled",
        starts_at=baku(26, 14), ends_at=baku(26, 15),
    )  # fmt: skip
    make_session(event, title="Draft talk", status="draft", starts_at=baku(26, 16),
                 ends_at=baku(26, 17))  # fmt: skip
    make_session(event, title="Bilateral meeting", visibility="closed", starts_at=baku(26, 16),
                 ends_at=baku(26, 17))  # fmt: skip
    db.flush()
    return Programme(event, plenary, hands_on, cancelled)


def signed_up(db: DbSession, event: Event, name: str) -> Registration:
    """An unconfirmed registration made through the library, as the form would."""
    outcome = register(
        db,
        event,
        SignupDetails(given_name=name, family_name="Tester", email=f"{name.lower()}@example.org"),
        base_url=BASE_URL,
        now=clock.now(),
    )
    db.flush()
    return outcome.registration


def confirmed(db: DbSession, event: Event, name: str) -> Registration:
    registration = signed_up(db, event, name)
    confirm_registration(db, registration, base_url=BASE_URL, now=clock.now())
    db.flush()
    assert registration.status is RegistrationStatus.CONFIRMED
    return registration


def page_of(client: FlaskClient, registration: Registration, status: int = 200) -> str:
    response = client.get(f"/r/{registration.token}")
    assert response.status_code == status, text(response)
    return " ".join(words(response).split())


def status_of(db: DbSession, registration: Registration) -> RegistrationStatus:
    db.refresh(registration)
    return registration.status


# From the form to the ticket


def test_register_confirm_and_get_the_ticket(
    client: FlaskClient, db: DbSession, programme: Programme
) -> None:
    assert register_through_form(client, programme.event).status_code == 303
    [mail] = mails_to(db, "aynur@example.org")
    confirm_path = link_in(mail, "/confirm")

    # A mail scanner fetching the link confirms nothing.
    page = client.get(confirm_path)
    registration = registration_of(db, "aynur@example.org")
    assert page.status_code == 200
    assert registration.status is RegistrationStatus.UNCONFIRMED
    assert f'<form method="post" action="{confirm_path}">' in text(page)
    assert page.headers["Cache-Control"] == PRIVATE_CACHE
    assert page.headers["Referrer-Policy"] == "no-referrer"

    button_token = csrf_token(client, confirm_path)
    pressed = client.post(confirm_path, data={"csrf_token": button_token})

    assert pressed.status_code == 303
    assert pressed.headers["Location"] == f"/r/{registration.token}"
    assert status_of(db, registration) is RegistrationStatus.CONFIRMED
    attendee = client.get(pressed.headers["Location"])
    assert attendee.status_code == 200
    assert "Your registration is confirmed" in words(attendee)
    payload = ticket_payload(registration, SECRET_KEY)
    assert f'<code class="ticket-payload">{payload}</code>' in text(attendee)
    assert re.search(r'<svg [^>]*class="segno"', text(attendee))
    assert attendee.headers["Cache-Control"] == PRIVATE_CACHE
    assert attendee.headers["Referrer-Policy"] == "no-referrer"
    assert [m.kind for m in mails_to(db, "aynur@example.org")] == ["confirm_request", "confirmed"]
    # Confirming again (a second click) changes nothing and lands on the same page.
    again = client.post(confirm_path, data={"csrf_token": button_token})
    assert again.status_code == 303
    assert "nothing left to confirm" in words(client.get(confirm_path))
    assert len(mails_to(db, "aynur@example.org")) == 2


def test_a_full_event_puts_people_on_the_waiting_list_and_a_cancellation_promotes_the_first(
    client: FlaskClient, db: DbSession, programme: Programme
) -> None:
    event = programme.event
    first, second = confirmed(db, event, "First"), confirmed(db, event, "Second")
    third, fourth = signed_up(db, event, "Third"), signed_up(db, event, "Fourth")

    for registration in (third, fourth):
        assert confirm_through_page(client, f"/r/{registration.token}").status_code == 303

    assert status_of(db, third) is RegistrationStatus.WAITLISTED
    assert "You are on the waiting list, at position 1." in page_of(client, third)
    assert "You are on the waiting list, at position 2." in page_of(client, fourth)
    assert "ticket-payload" not in page_of(client, third)
    assert "waiting list" not in page_of(client, first).lower()

    cancelled = post_button(client, f"/r/{first.token}", f"/r/{first.token}/cancel")

    assert cancelled.status_code == 303
    assert cancelled.headers["Location"] == f"/r/{first.token}"
    assert status_of(db, first) is RegistrationStatus.CANCELLED
    assert "Your registration is cancelled." in page_of(client, first)
    assert status_of(db, third) is RegistrationStatus.CONFIRMED
    assert "Your registration is confirmed" in page_of(client, third)
    assert "You are on the waiting list, at position 1." in page_of(client, fourth)
    assert status_of(db, second) is RegistrationStatus.CONFIRMED
    assert [m.kind for m in mails_to(db, "third@example.org")][-1] == "promoted"
    assert [m.kind for m in mails_to(db, "first@example.org")][-1] == "cancelled"
    # Nothing left to cancel: the button is gone.
    assert f"/r/{first.token}/cancel" not in text(client.get(f"/r/{first.token}"))


def test_a_full_event_without_a_waiting_list_refuses_to_confirm(
    client: FlaskClient, db: DbSession, programme: Programme
) -> None:
    event = programme.event
    configure_registration(db, event, waitlist_enabled=False, now=NOW)
    confirmed(db, event, "First"), confirmed(db, event, "Second")
    late = signed_up(db, event, "Late")

    response = confirm_through_page(client, f"/r/{late.token}")

    assert response.status_code == 409
    assert "All 2 seats are taken." in words(response)
    assert status_of(db, late) is RegistrationStatus.UNCONFIRMED


def test_an_expired_confirmation_link_says_so(
    client: FlaskClient, db: DbSession, programme: Programme, fixed_clock: Clock
) -> None:
    late = signed_up(db, programme.event, "Late")
    token = csrf_token(client, f"/r/{late.token}/confirm")
    fixed_clock.now = NOW + timedelta(hours=49)

    response = client.post(f"/r/{late.token}/confirm", data={"csrf_token": token})

    assert response.status_code == 400
    assert "The confirmation link has expired: please register again." in words(response)
    assert 'href="/events/workshop/register"' in text(response)
    assert status_of(db, late) is RegistrationStatus.UNCONFIRMED


def test_a_confirmation_after_registration_closed_is_refused(
    client: FlaskClient, db: DbSession, programme: Programme
) -> None:
    late = signed_up(db, programme.event, "Late")
    token = csrf_token(client, f"/r/{late.token}/confirm")
    configure_registration(db, programme.event, closes_at=NOW - timedelta(minutes=1), now=NOW)
    db.flush()

    response = client.post(f"/r/{late.token}/confirm", data={"csrf_token": token})

    assert response.status_code == 400
    assert "Registration for this event is closed." in words(response)
    assert "register again" not in words(response)
    assert status_of(db, late) is RegistrationStatus.UNCONFIRMED


def test_in_approval_mode_a_confirmed_address_awaits_the_organisers(
    client: FlaskClient, db: DbSession, programme: Programme
) -> None:
    configure_registration(db, programme.event, mode="approval", now=NOW)
    registration = signed_up(db, programme.event, "Patient")

    assert confirm_through_page(client, f"/r/{registration.token}").status_code == 303

    assert "Your registration awaits the organisers’ approval." in page_of(client, registration)
    assert "ticket-payload" not in page_of(client, registration)


def test_an_unconfirmed_registration_has_a_confirm_button_and_no_ticket(
    client: FlaskClient, db: DbSession, programme: Programme
) -> None:
    registration = signed_up(db, programme.event, "New")

    page = text(client.get(f"/r/{registration.token}"))

    assert f'action="/r/{registration.token}/confirm"' in page
    assert "ticket-payload" not in page
    assert "Add to my agenda" not in page


# Unknown links and privacy


@pytest.mark.parametrize(
    "path",
    [
        "/r/" + "A" * 43,
        "/r/short",
        "/r/" + "A" * 65,
        "/r/%00" + "A" * 42,
        "/r/" + "A" * 43 + "/confirm",
        "/r/" + "A" * 43 + "/agenda.ics",
        "/r/" + "A" * 43 + "/data.json",
    ],
)
def test_an_unknown_or_malformed_link_is_a_clear_404(client: FlaskClient, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 404
    assert "This link does not work" in words(response)
    assert response.headers["Cache-Control"] == PRIVATE_CACHE
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("action", ["confirm", "cancel", "new-link", "erase"])
def test_a_button_on_an_unknown_link_is_a_404(client: FlaskClient, action: str) -> None:
    assert client.post(f"/r/{'A' * 43}/{action}").status_code == 404


@pytest.mark.parametrize("action", ["cancel", "new-link", "erase", "confirm"])
def test_a_button_without_a_csrf_token_changes_nothing(
    client: FlaskClient, db: DbSession, programme: Programme, action: str
) -> None:
    registration = signed_up(db, programme.event, "Careful")
    token, generation = registration.token, registration.ticket_generation
    client.get(f"/r/{token}")

    response = client.post(f"/r/{token}/{action}", data={"csrf_token": "forged"})

    assert response.status_code == 400
    assert "This form could not be accepted" in words(response)
    db.refresh(registration)
    assert (registration.status, registration.token, registration.ticket_generation) == (
        RegistrationStatus.UNCONFIRMED,
        token,
        generation,
    )


def test_html_in_a_name_is_escaped_on_the_attendee_page(
    client: FlaskClient, db: DbSession, programme: Programme
) -> None:
    register_through_form(
        client,
        programme.event,
        given_name="<script>alert(1)</script>",
        family_name="<img src=x onerror=alert(2)>",
    )
    registration = registration_of(db, "aynur@example.org")
    assert registration.person.given_name == "<script>alert(1)</script>"

    for path in (f"/r/{registration.token}", f"/r/{registration.token}/confirm"):
        page = text(client.get(path))
        assert "<script>alert" not in page
        assert "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt;" in page


# The personal agenda and its feed


def test_choosing_sessions_takes_and_frees_places(
    client: FlaskClient, db: DbSession, programme: Programme
) -> None:
    event = programme.event
    first, second = confirmed(db, event, "First"), confirmed(db, event, "Second")
    home = f"/r/{first.token}"
    page = text(client.get(home))
    assert "Draft talk" not in page
    assert "Bilateral meeting" not in page
    assert "1 of 1 place left" in words(client.get(home))
    # A cancelled session is shown, struck through, with no button.
    assert f"/agenda/{programme.cancelled.uuid}/add" not in page

    added = post_button(client, home, f"{home}/agenda/{programme.hands_on.uuid}/add")
    post_button(client, home, f"{home}/agenda/{programme.plenary.uuid}/add")

    assert added.status_code == 303
    assert added.headers["Location"] == f"{home}#agenda"
    page = text(client.get(home))
    assert page.count("On your agenda.") == 2
    assert "0 of 1 place left" in words(client.get(home))
    # The second person finds the place taken.
    other = f"/r/{second.token}"
    full = post_button(client, other, f"{other}/agenda/{programme.hands_on.uuid}/add")
    assert full.status_code == 409
    assert "All 1 places in this session are taken." in words(full)
    assert "Your registration is confirmed" in words(full)

    removed = post_button(client, home, f"{home}/agenda/{programme.hands_on.uuid}/remove")

    assert removed.status_code == 303
    assert "1 of 1 place left" in words(client.get(home))
    assert (
        post_button(client, other, f"{other}/agenda/{programme.hands_on.uuid}/add").status_code
        == 303
    )
    assert "0 of 1 place left" in words(client.get(other))


def test_sessions_that_cannot_be_chosen_are_refused(
    client: FlaskClient, db: DbSession, programme: Programme
) -> None:
    attendee = confirmed(db, programme.event, "Attendee")
    waiting = signed_up(db, programme.event, "Waiting")
    home = f"/r/{attendee.token}"

    cancelled = post_button(client, home, f"{home}/agenda/{programme.cancelled.uuid}/add")
    unknown = post_button(client, home, f"{home}/agenda/8a1d4a3e-0000-4000-8000-000000000000/add")
    malformed = post_button(client, home, f"{home}/agenda/not-a-uuid/add")
    unconfirmed = post_button(
        client, f"/r/{waiting.token}", f"/r/{waiting.token}/agenda/{programme.plenary.uuid}/add"
    )

    assert cancelled.status_code == 400
    assert "Is not open for choosing." in words(cancelled)
    assert unknown.status_code == malformed.status_code == 404
    assert unconfirmed.status_code == 400
    assert "Only a confirmed registration can choose sessions." in words(unconfirmed)
    assert attendee.agenda == []
    assert waiting.agenda == []


def test_the_personal_feed_is_private_and_answers_304_until_the_agenda_changes(
    client: FlaskClient, db: DbSession, programme: Programme, fixed_clock: Clock
) -> None:
    attendee = confirmed(db, programme.event, "Attendee")
    home = f"/r/{attendee.token}"
    post_button(client, home, f"{home}/agenda/{programme.plenary.uuid}/add")

    feed = client.get(f"{home}/agenda.ics")

    assert feed.status_code == 200
    assert feed.mimetype == "text/calendar"
    assert "SUMMARY:Opening plenary" in text(feed)
    assert "Grid exercise" not in text(feed)
    assert f"UID:{programme.plenary.uuid}" in text(feed).replace("\r\n ", "")
    assert feed.cache_control.private is True
    assert feed.cache_control.public is False
    assert feed.cache_control.no_store is False
    assert feed.headers["Referrer-Policy"] == "no-referrer"
    assert "Access-Control-Allow-Origin" not in feed.headers
    etag = feed.headers["ETag"]
    unchanged = client.get(f"{home}/agenda.ics", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.cache_control.private is True

    fixed_clock.now = NOW + timedelta(minutes=5)
    post_button(client, home, f"{home}/agenda/{programme.hands_on.uuid}/add")

    changed = client.get(f"{home}/agenda.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "SUMMARY:Grid exercise" in text(changed)
    # The base URL is in the feed's bytes (its links), so it is in the entity tag too.
    client.application.config["CONFKIT_BASE_URL"] = "https://conference.example"
    moved = client.get(f"{home}/agenda.ics", headers={"If-None-Match": changed.headers["ETag"]})
    assert moved.status_code == 200
    assert "https://conference.example/" in text(moved)


def test_the_page_offers_the_feed_three_ways(
    client: FlaskClient, db: DbSession, programme: Programme
) -> None:
    attendee = confirmed(db, programme.event, "Attendee")

    page = text(client.get(f"/r/{attendee.token}"))

    feed = f"localhost/r/{attendee.token}/agenda.ics"
    assert f'href="webcal://{feed}"' in page
    assert f'href="http://{feed}" download' in page
    assert "https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Flocalhost%2Fr%2F" in page


# A new link, the data, erasure


def test_a_new_link_replaces_the_old_one_and_the_ticket(
    client: FlaskClient, db: DbSession, programme: Programme
) -> None:
    attendee = confirmed(db, programme.event, "Attendee")
    old_token, old_ticket = attendee.token, ticket_payload(attendee, SECRET_KEY)

    response = post_button(client, f"/r/{old_token}", f"/r/{old_token}/new-link")

    db.refresh(attendee)
    assert attendee.token != old_token
    assert attendee.ticket_generation == 2
    assert response.status_code == 303
    assert response.headers["Location"] == f"/r/{attendee.token}"
    new_page = client.get(response.headers["Location"])
    assert "This is your new link" in words(new_page)
    assert ticket_payload(attendee, SECRET_KEY) in text(new_page)
    assert old_ticket not in text(new_page)
    assert client.get(f"/r/{old_token}").status_code == 404
    assert client.get(f"/r/{old_token}/agenda.ics").status_code == 404
    mail = mails_to(db, "attendee@example.org")[-1]
    assert mail.kind == "new_link"
    assert link_in(mail) == f"/r/{attendee.token}"
    change = db.scalars(
        select(RegistrationChange)
        .where(RegistrationChange.registration_id == attendee.id)
        .order_by(RegistrationChange.id.desc())
    ).first()
    assert change is not None
    assert (change.actor, change.action) == ("attendee", "new link")


def test_the_data_download_holds_what_is_stored(
    client: FlaskClient, db: DbSession, programme: Programme
) -> None:
    attendee = confirmed(db, programme.event, "Attendee")

    response = client.get(f"/r/{attendee.token}/data.json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="workshop-my-data.json"'
    )
    assert response.headers["Cache-Control"] == PRIVATE_CACHE
    data = json.loads(text(response))
    assert "attendee@example.org" in json.dumps(data)


def test_erasing_removes_the_data_and_kills_the_link(
    client: FlaskClient, db: DbSession, programme: Programme
) -> None:
    attendee = confirmed(db, programme.event, "Attendee")
    token = attendee.token

    response = post_button(client, f"/r/{token}", f"/r/{token}/erase")

    assert response.status_code == 303
    assert response.headers["Location"] == "/events/workshop/data-erased"
    assert "Your data is erased" in words(client.get(response.headers["Location"]))
    assert client.get(f"/r/{token}").status_code == 404
    db.refresh(attendee)
    db.refresh(attendee.person)
    assert attendee.status is RegistrationStatus.CANCELLED
    assert attendee.person.email is None
    assert "Attendee" not in attendee.person.name
