"""Check-in at the door: opened with the organisers' code, a ticket lets its holder in once,
and every ticket that must not is refused with the reason and a look of its own."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from werkzeug.test import TestResponse

from confkit import clock
from confkit.db import Store
from confkit.models import Event, LoginAttempt, Organisation, Registration, RegistrationStatus
from confkit.services.accounts import ATTEMPT_WINDOW, DOOR_CODE_ATTEMPT, MAX_FAILURES_PER_ADDRESS
from confkit.services.attendee_links import renew_token
from confkit.services.seats import cancel_registration, confirm_registration
from confkit.services.signup import NewOrganisation, SignupDetails, register
from confkit.tickets import ticket_payload
from tests.webapp.test_registration_pages import PRIVATE_CACHE, csrf_token, text, words
from webapp import create_app

NOW = datetime(2024, 11, 26, 5, 30, tzinfo=UTC)  # 09:30 in Baku
CODE = "door-code-2024"
SECRET_KEY = "testing"
BASE_URL = "http://localhost/"
DESK = "/events/workshop/check-in"


@dataclass
class Clock:
    now: datetime


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    # Registrations are made well before the event; the door opens on its day.
    fixed = Clock(datetime(2024, 11, 1, 12, 0, tzinfo=UTC))
    monkeypatch.setattr(clock, "now", lambda: fixed.now)
    return fixed


@pytest.fixture
def app(store: Store) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET_KEY,
            "CONFKIT_STORE": store,
            "CONFKIT_CHECKIN_TOKEN": CODE,
        }
    )


@pytest.fixture
def event(make_event: Callable[..., Event]) -> Event:
    return make_event(slug="workshop", name="Energy security workshop")


def attendee(
    db: DbSession, event: Event, name: str = "Elçin", *, confirm: bool = True
) -> Registration:
    registration = register(
        db,
        event,
        SignupDetails(
            given_name=name,
            family_name="Abdullayev",
            email=f"{name.encode().hex()}@example.org",
            category="press",
            new_organisation=NewOrganisation("Baku Energy Review", "media", "AZ"),
            position="Editor",
        ),
        base_url=BASE_URL,
        now=clock.now(),
    ).registration
    if confirm:
        confirm_registration(db, registration, base_url=BASE_URL, now=clock.now())
    db.flush()
    return registration


def unlocked(client: FlaskClient) -> None:
    response = client.post(
        f"{DESK}/unlock", data={"csrf_token": csrf_token(client, DESK), "code": CODE}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == DESK


def scan(client: FlaskClient, payload: str) -> TestResponse:
    return client.post(DESK, data={"csrf_token": csrf_token(client, DESK), "payload": payload})


def verdict(response: TestResponse) -> str:
    found = re.search(r'<p class="verdict">(.*?)</p>', text(response))
    assert found is not None, text(response)
    return found.group(1)


def look(response: TestResponse) -> str:
    found = re.search(r'<section class="check-in-result ([a-z-]+)"', text(response))
    assert found is not None
    return found.group(1)


@pytest.fixture
def desk(client: FlaskClient, fixed_clock: Clock, event: Event) -> FlaskClient:
    unlocked(client)
    fixed_clock.now = NOW
    return client


# Opening the page


def test_without_a_configured_code_there_is_no_check_in(store: Store, event: Event) -> None:
    client = create_app({"SECRET_KEY": SECRET_KEY, "CONFKIT_STORE": store}).test_client()

    for response in (client.get(DESK), client.post(DESK), client.post(f"{DESK}/unlock")):
        assert response.status_code == 404
        assert "Check-in is not set up" in words(response)


def test_the_page_asks_for_the_code_once_per_device(
    client: FlaskClient, db: DbSession, event: Event
) -> None:
    locked = client.get(DESK)
    assert locked.status_code == 200
    assert 'name="code"' in text(locked)
    assert 'name="payload"' not in text(locked)
    assert locked.headers["Cache-Control"] == PRIVATE_CACHE
    # A scan before the code is entered records nothing.
    registration = attendee(db, event)
    refused = client.post(
        DESK,
        data={
            "csrf_token": csrf_token(client, DESK),
            "payload": ticket_payload(registration, SECRET_KEY),
        },
    )
    assert refused.status_code == 403
    wrong = client.post(
        f"{DESK}/unlock", data={"csrf_token": csrf_token(client, DESK), "code": "guess"}
    )
    assert wrong.status_code == 403
    assert "That is not the check-in code." in words(wrong)

    unlocked(client)

    page = client.get(DESK)
    assert re.search(r'<input autocapitalize="off" autocomplete="off" autofocus', text(page))
    assert 'name="payload"' in text(page)
    # The session keeps a fingerprint, never the code itself.
    with client.session_transaction() as session:
        assert CODE not in str(dict(session))
    db.refresh(registration)
    assert registration.checked_in_at is None


def test_closing_the_page_asks_for_the_code_again(client: FlaskClient, event: Event) -> None:
    unlocked(client)

    closed = client.post(f"{DESK}/lock", data={"csrf_token": csrf_token(client, DESK)})

    assert closed.status_code == 303
    assert 'name="code"' in text(client.get(DESK))


def test_a_changed_code_locks_every_device_out(
    client: FlaskClient, app: Flask, event: Event
) -> None:
    unlocked(client)

    app.config["CONFKIT_CHECKIN_TOKEN"] = "a-new-code"

    assert 'name="code"' in text(client.get(DESK))


def test_guessing_the_code_is_stopped_after_too_many_wrong_tries(
    client: FlaskClient, db: DbSession, event: Event
) -> None:
    wrong = [
        client.post(
            f"{DESK}/unlock",
            data={"csrf_token": csrf_token(client, DESK), "code": f"guess-{n}"},
        ).status_code
        for n in range(MAX_FAILURES_PER_ADDRESS)
    ]
    # Even the right code is refused now, from this client: nothing says whether it was right.
    refused = client.post(
        f"{DESK}/unlock", data={"csrf_token": csrf_token(client, DESK), "code": CODE}
    )
    elsewhere = app_client_from(client, "198.51.100.7")
    opened = elsewhere.post(
        f"{DESK}/unlock", data={"csrf_token": csrf_token(elsewhere, DESK), "code": CODE}
    )

    # Each wrong try counted although its answer, a 403, keeps nothing of its request.
    assert wrong == [403] * MAX_FAILURES_PER_ADDRESS
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= ATTEMPT_WINDOW.total_seconds()
    assert "Too many wrong codes from this device." in words(refused)
    assert 'name="payload"' not in text(client.get(DESK))
    assert opened.status_code == 303
    tries = db.scalars(select(LoginAttempt).where(LoginAttempt.email == DOOR_CODE_ATTEMPT)).all()
    assert [t.succeeded for t in tries] == [False] * MAX_FAILURES_PER_ADDRESS + [True]


def app_client_from(client: FlaskClient, address: str) -> FlaskClient:
    """Another browser, at ``address``, on the same app."""
    other = client.application.test_client()
    other.environ_base["REMOTE_ADDR"] = address
    return other


def test_an_unlock_without_a_csrf_token_is_refused(client: FlaskClient, event: Event) -> None:
    client.get(DESK)

    response = client.post(f"{DESK}/unlock", data={"code": CODE})

    assert response.status_code == 400
    assert 'name="payload"' not in text(client.get(DESK))


# Scanning


def test_a_valid_ticket_lets_its_holder_in_once(
    desk: FlaskClient, db: DbSession, event: Event, fixed_clock: Clock
) -> None:
    registration = attendee(db, event)
    payload = ticket_payload(registration, SECRET_KEY)

    first = scan(desk, payload)

    assert first.status_code == 200
    assert verdict(first) == "Welcome: checked in at 09:30"
    assert look(first) == "check-in-ok"
    page = words(first)
    assert "Elçin Abdullayev" in page
    assert "Editor, Baku Energy Review" in page
    assert "Press" in page
    db.refresh(registration)
    assert registration.checked_in_at == NOW
    # The field is empty and ready for the next ticket.
    assert re.search(r'<input [^>]*name="payload"[^>]* value="">', text(first))

    fixed_clock.now = NOW + timedelta(minutes=47)
    second = scan(desk, f"  {payload}\n")

    assert second.status_code == 200
    assert verdict(second) == "Already checked in at 09:30"
    assert look(second) == "check-in-again"
    assert "26 November 2024, 09:30" in words(second)
    db.refresh(registration)
    assert registration.checked_in_at == NOW


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ("hello", "Not a confkit ticket."),
        ("CK1.1.2.1.AAAAAAAAAAAAAAAAAAAAAA", "The ticket's signature is wrong"),
        ("CK1.1.1.1.é", "This is not a confkit ticket."),
        ("CK1.\x00", "This is not a confkit ticket."),
        ("", "This is not a confkit ticket."),
        ("x" * 10_000, "This is not a confkit ticket."),
    ],
)
def test_what_is_no_ticket_is_refused_as_unprocessable(
    desk: FlaskClient, event: Event, payload: str, reason: str
) -> None:
    response = scan(desk, payload)

    assert response.status_code == 422
    assert look(response) == "check-in-refused"
    assert verdict(response) == "Refused: do not let in"
    assert reason in words(response)


def test_a_forged_ticket_is_refused(desk: FlaskClient, db: DbSession, event: Event) -> None:
    registration = attendee(db, event)
    forged = ticket_payload(registration, "another-key")

    response = scan(desk, forged)

    assert response.status_code == 422
    assert "altered or forged" in words(response)
    db.refresh(registration)
    assert registration.checked_in_at is None


def test_a_ticket_for_another_event_is_refused(
    desk: FlaskClient, db: DbSession, make_event: Callable[..., Event]
) -> None:
    other = make_event(slug="other-event", name="Another event")
    registration = attendee(db, other)

    response = scan(desk, ticket_payload(registration, SECRET_KEY))

    assert response.status_code == 422
    assert "This ticket is for another event." in words(response)
    db.refresh(registration)
    assert registration.checked_in_at is None


def test_a_cancelled_registration_is_refused(
    desk: FlaskClient, db: DbSession, event: Event
) -> None:
    registration = attendee(db, event, "Cancelled")
    payload = ticket_payload(registration, SECRET_KEY)
    cancel_registration(db, registration, base_url=BASE_URL)
    db.flush()

    response = scan(desk, payload)

    assert response.status_code == 409
    assert look(response) == "check-in-refused"
    assert "The registration was cancelled." in words(response)
    assert "Cancelled Abdullayev" in words(response)
    db.refresh(registration)
    assert registration.checked_in_at is None


def test_a_ticket_replaced_by_a_new_link_is_refused(
    desk: FlaskClient, db: DbSession, event: Event
) -> None:
    registration = attendee(db, event)
    old = ticket_payload(registration, SECRET_KEY)
    renew_token(db, registration, base_url=BASE_URL)
    db.flush()

    refused = scan(desk, old)
    admitted = scan(desk, ticket_payload(registration, SECRET_KEY))

    assert refused.status_code == 409
    assert "replaced by a newer one" in words(refused)
    assert admitted.status_code == 200


def test_a_ticket_without_a_seat_is_refused(desk: FlaskClient, db: DbSession, event: Event) -> None:
    registration = attendee(db, event, "Unconfirmed", confirm=False)

    response = scan(desk, ticket_payload(registration, SECRET_KEY))

    assert response.status_code == 409
    assert "The registration was never confirmed." in words(response)
    assert registration.status is RegistrationStatus.UNCONFIRMED


def test_a_scan_without_a_csrf_token_records_nothing(
    desk: FlaskClient, db: DbSession, event: Event
) -> None:
    registration = attendee(db, event)

    response = desk.post(DESK, data={"payload": ticket_payload(registration, SECRET_KEY)})

    assert response.status_code == 400
    assert "nothing was checked" in words(response)
    db.refresh(registration)
    assert registration.checked_in_at is None


def test_html_in_a_name_is_escaped_at_the_door(
    desk: FlaskClient, db: DbSession, event: Event
) -> None:
    registration = attendee(db, event, "<script>alert(1)</script>")
    organisation = db.get(Organisation, registration.affiliation.organisation_id)  # type: ignore[union-attr]
    assert organisation is not None
    organisation.name = "<b>Bold</b> Media"
    db.flush()

    response = scan(desk, ticket_payload(registration, SECRET_KEY))

    assert response.status_code == 200
    assert "<script>" not in text(response)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Abdullayev" in text(response)
    assert "&lt;b&gt;Bold&lt;/b&gt; Media" in text(response)


def test_the_camera_scanner_is_offered_where_the_browser_has_one(
    desk: FlaskClient, event: Event
) -> None:
    page = text(desk.get(DESK))

    assert '<script src="/static/checkin.js" defer></script>' in page
    assert '<button type="button" id="camera-scan" hidden>' in page
    with desk.get("/static/checkin.js") as script:
        assert script.status_code == 200


def test_an_unknown_event_has_no_check_in(client: FlaskClient) -> None:
    assert client.get("/events/no-such-event/check-in").status_code == 404
