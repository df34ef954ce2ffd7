"""The back-office login: CSRF-protected, limited, with safe cookies, and roles held per event."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session as DbSession
from werkzeug.test import TestResponse

from confkit.db import Store
from confkit.models import Event, User
from confkit.services.accounts import MAX_FAILURES_PER_EMAIL, create_user
from tests.webapp.test_registration_pages import csrf_token, words
from webapp import create_app
from webapp.admin.auth import safe_next

PASSWORD = "a long enough passphrase"
LOGIN = "/admin/login"


@pytest.fixture
def event_a(make_event: Callable[..., Event]) -> Event:
    return make_event(slug="event-a", name="Baku energy forum")


@pytest.fixture
def event_b(make_event: Callable[..., Event]) -> Event:
    return make_event(slug="event-b", name="Caspian security seminar")


def account(db: DbSession, email: str, role: str, event: Event | None = None) -> User:
    user = create_user(db, email, PASSWORD, role=role, event=event)
    db.flush()
    return user


def log_in(
    client: FlaskClient, email: str, password: str = PASSWORD, *, next_path: str = ""
) -> TestResponse:
    token = csrf_token(client, LOGIN)
    return client.post(
        LOGIN, data={"csrf_token": token, "email": email, "password": password, "next": next_path}
    )


def session_cookie_header(response: TestResponse) -> str:
    cookies = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert len(cookies) == 1, response.headers
    return cookies[0]


# Logging in and out


def test_anonymous_visitors_are_sent_to_the_login_page(client: FlaskClient) -> None:
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/login?next=/admin/"


def test_login_opens_the_back_office_and_logout_closes_it(
    client: FlaskClient, db: DbSession, event_a: Event
) -> None:
    account(db, "aysel@example.org", "organiser", event_a)

    response = log_in(client, "Aysel@Example.org")
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/"
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "Logged in as aysel@example.org" in words(page)
    assert page.headers["Cache-Control"] == "private, no-store"

    response = client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    assert response.status_code == 303
    assert response.headers["Location"] == LOGIN
    assert client.get("/admin/").status_code == 302


def test_a_login_without_the_csrf_token_is_refused(
    client: FlaskClient, db: DbSession, event_a: Event
) -> None:
    account(db, "aysel@example.org", "organiser", event_a)

    response = client.post(LOGIN, data={"email": "aysel@example.org", "password": PASSWORD})

    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_logout_needs_the_csrf_token(client: FlaskClient, db: DbSession, event_a: Event) -> None:
    account(db, "aysel@example.org", "organiser", event_a)
    log_in(client, "aysel@example.org")

    assert client.post("/admin/logout").status_code == 400
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(
    ("email", "password"),
    [("aysel@example.org", "a wrong passphrase!"), ("nobody@example.org", PASSWORD)],
)
def test_a_failed_login_says_the_same_whatever_was_wrong(
    client: FlaskClient, db: DbSession, event_a: Event, email: str, password: str
) -> None:
    account(db, "aysel@example.org", "organiser", event_a)

    response = log_in(client, email, password)

    assert response.status_code == 200
    assert "Wrong email address or password." in words(response)
    assert client.get("/admin/").status_code == 302


def test_repeated_failures_are_refused_with_429(
    client: FlaskClient, db: DbSession, event_a: Event
) -> None:
    account(db, "aysel@example.org", "organiser", event_a)
    for _ in range(MAX_FAILURES_PER_EMAIL):
        assert log_in(client, "aysel@example.org", "a wrong passphrase!").status_code == 200

    response = log_in(client, "aysel@example.org")

    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert "Too many failed logins" in words(response)
    assert client.get("/admin/").status_code == 302


def test_login_goes_on_to_the_page_asked_for(
    client: FlaskClient, db: DbSession, event_a: Event
) -> None:
    account(db, "door@example.org", "checkin", event_a)
    desk = "/events/event-a/check-in"

    response = log_in(client, "door@example.org", next_path=desk)

    assert response.headers["Location"] == desk


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "admin/",
        "/admin/\r\nLocation: https://evil.example/",
    ],
)
def test_login_never_sends_anyone_to_another_site(
    client: FlaskClient, db: DbSession, event_a: Event, target: str
) -> None:
    account(db, "aysel@example.org", "organiser", event_a)

    assert safe_next(target) is None
    response = log_in(client, "aysel@example.org", next_path=target)
    assert response.headers["Location"] == "/admin/"
    form = client.get(LOGIN, query_string={"next": target})
    assert "evil" not in form.get_data(as_text=True)


def test_the_session_is_renewed_at_login(
    client: FlaskClient, db: DbSession, event_a: Event
) -> None:
    account(db, "aysel@example.org", "organiser", event_a)
    with client.session_transaction() as planted:
        planted["planted"] = "by someone else"

    log_in(client, "aysel@example.org")

    with client.session_transaction() as session:
        assert "planted" not in session


# The session cookie


def test_the_session_cookie_is_http_only_and_same_site(
    client: FlaskClient, db: DbSession, event_a: Event
) -> None:
    account(db, "aysel@example.org", "organiser", event_a)

    cookie = session_cookie_header(log_in(client, "aysel@example.org"))

    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_the_session_cookie_is_secure_when_served_over_https(
    store: Store, db: DbSession, event_a: Event
) -> None:
    app = create_app(
        {
            "SECRET_KEY": "testing",
            "CONFKIT_STORE": store,
            "CONFKIT_BASE_URL": "https://conference.example.org",
        }
    )
    account(db, "aysel@example.org", "organiser", event_a)
    client = app.test_client()

    response = log_in(client, "aysel@example.org")
    assert response.status_code == 303

    cookie = session_cookie_header(response)
    assert "Secure" in cookie
    assert "HttpOnly" in cookie


# Roles per event


def test_an_organiser_sees_only_their_own_events(
    client: FlaskClient, db: DbSession, event_a: Event, event_b: Event
) -> None:
    account(db, "aysel@example.org", "organiser", event_a)
    log_in(client, "aysel@example.org")

    page = words(client.get("/admin/"))

    assert "Baku energy forum" in page
    assert "Caspian security seminar" not in page
    assert "Organiser" in page


def test_an_admin_sees_every_event(
    client: FlaskClient, db: DbSession, event_a: Event, event_b: Event
) -> None:
    account(db, "admin@example.org", "admin")
    log_in(client, "admin@example.org")

    page = words(client.get("/admin/"))

    assert "Baku energy forum" in page
    assert "Caspian security seminar" in page


def test_check_in_staff_see_the_desks_of_their_events_only(
    client: FlaskClient, db: DbSession, event_a: Event, event_b: Event
) -> None:
    account(db, "door@example.org", "checkin", event_a)
    log_in(client, "door@example.org")

    page = client.get("/admin/").get_data(as_text=True)
    assert 'href="/events/event-a/check-in"' in page
    assert "event-b" not in page
    assert 'href="/events/event-a/schedule"' not in page

    desk = client.get("/events/event-a/check-in")
    assert desk.status_code == 200
    assert 'name="payload"' in desk.get_data(as_text=True)
    refused = client.get("/events/event-b/check-in")
    assert refused.status_code == 403
    assert "Not allowed" in words(refused)


def test_an_organiser_can_check_in_at_their_event_without_the_door_code(
    client: FlaskClient, db: DbSession, event_a: Event, event_b: Event
) -> None:
    account(db, "aysel@example.org", "organiser", event_a)
    log_in(client, "aysel@example.org")

    assert client.get("/events/event-a/check-in").status_code == 200
    assert client.get("/events/event-b/check-in").status_code == 403


def test_anonymous_visitors_still_need_the_door_code(
    app: Flask, client: FlaskClient, event_a: Event
) -> None:
    # Without a code configured the desk does not exist for them.
    assert client.get("/events/event-a/check-in").status_code == 404
    app.config["CONFKIT_CHECKIN_TOKEN"] = "door-code"
    assert 'name="code"' in client.get("/events/event-a/check-in").get_data(as_text=True)
