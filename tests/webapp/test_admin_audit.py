"""The audit pages: who may read them, what they show, paging and bad parameters; and the actor
the log names for a logged-in user's request, a visitor's and a CLI command's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from confkit import clock, services
from confkit.models import AuditEntry, Event, Person, Registration, RegistrationChange, User
from confkit.services.accounts import find_user
from tests.factories import FIXED_NOW
from tests.webapp.setup_pages import submit
from tests.webapp.test_admin_auth import account, log_in
from tests.webapp.test_admin_registrations import act
from tests.webapp.test_registration_pages import register_through_form, text, words
from webapp.cli import cli
from webapp.database import get_db

ORGANISER = "aysel@example.org"
ADMIN = "admin@example.org"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture
def forum(open_event_for_registration: Callable[..., Event]) -> Event:
    return open_event_for_registration(
        capacity=10, mode="approval", slug="forum", name="Baku energy forum"
    )


@pytest.fixture
def other_event(make_event: Callable[..., Event]) -> Event:
    return make_event(slug="seminar", name="Caspian security seminar")


def audit_path(event: Event, query: str = "") -> str:
    return f"/admin/events/{event.slug}/audit{query}"


# The highest entry id before the test: set by earlier_entries for every test.
baseline = {"id": 0}


@pytest.fixture(autouse=True)
def earlier_entries(db: DbSession) -> None:
    """Entries other tests committed for real (the concurrency tests on PostgreSQL do) are not
    this test's: only the entries written after this point are looked at."""
    baseline["id"] = db.scalar(select(func.max(AuditEntry.id))) or 0


def entries(db: DbSession) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.id > baseline["id"])
    return list(db.scalars(query.order_by(AuditEntry.id)))


# Who may read the log


def test_anonymous_visitors_are_sent_to_the_login_page(client: FlaskClient, forum: Event) -> None:
    for path in (audit_path(forum), "/admin/audit"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/admin/login?next=/admin/")


@pytest.mark.parametrize(
    ("role", "of_forum", "event_page", "everything"),
    [
        ("checkin", True, 403, 403),
        ("organiser", False, 403, 403),
        ("organiser", True, 200, 403),
        ("admin", False, 200, 200),
    ],
)
def test_the_event_page_is_for_its_organisers_and_everything_for_the_admins(
    client: FlaskClient,
    db: DbSession,
    forum: Event,
    other_event: Event,
    role: str,
    of_forum: bool,
    event_page: int,
    everything: int,
) -> None:
    event = None if role == "admin" else forum if of_forum else other_event
    account(db, "someone@example.org", role, event)
    assert log_in(client, "someone@example.org").status_code == 303

    assert client.get(audit_path(forum)).status_code == event_page
    assert client.get("/admin/audit").status_code == everything


def test_an_unknown_event_is_not_found(client: FlaskClient, db: DbSession) -> None:
    account(db, ADMIN, "admin")
    log_in(client, ADMIN)

    assert client.get("/admin/events/nowhere/audit").status_code == 404


# What the page shows


def test_each_change_shows_who_when_in_the_events_zone_what_and_before_and_after(
    client: FlaskClient, db: DbSession, forum: Event, other_event: Event
) -> None:
    account(db, ORGANISER, "organiser", forum)
    services.add_room(db, other_event, slug="elsewhere", name="Elsewhere")
    services.update_event(db, forum, capacity=25)
    log_in(client, ORGANISER)

    response = client.get(audit_path(forum))

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    page = words(response)
    assert "Audit log: Baku energy forum" in page
    assert "Times are in Asia/Baku" in page
    # 12:00 UTC is 16:00 in Baku.
    assert "1 November 2024, 16:00 system Event #" in page
    assert "capacity 10 → 25" in page
    assert "User role #" in page
    assert "aysel@example.org: organiser" in page
    assert "Elsewhere" not in page


def test_the_event_page_merges_the_registrations_history(
    client: FlaskClient, db: DbSession, forum: Event
) -> None:
    account(db, ORGANISER, "organiser", forum)
    register_through_form(client, forum, given_name="Aynur", family_name="Məmmədova")
    registration_id = db.scalars(select(RegistrationChange.registration_id)).first()
    log_in(client, ORGANISER)
    registration = db.get_one(Registration, registration_id)
    assert act(client, forum, "cancel", registration).status_code == 200

    page = words(client.get(audit_path(forum, "?type=registration")))

    assert f"Registration #{registration_id}: Aynur Məmmədova cancel" in page
    assert "organiser:aysel@example.org" in page
    assert "status Unconfirmed → Cancelled" in page
    assert "register status – → Unconfirmed" in page
    assert "Event #" not in page


def test_filtering_by_who(client: FlaskClient, db: DbSession, forum: Event) -> None:
    account(db, ADMIN, "admin")
    log_in(client, ADMIN)

    page = words(client.get(audit_path(forum, "?actor=nobody-at-all")))

    assert "0 changes; page 1 of 1" in page
    assert "No change matches" in page


def test_everything_shows_people_and_deleted_events(
    client: FlaskClient, db: DbSession, forum: Event, make_event: Callable[..., Event]
) -> None:
    account(db, ADMIN, "admin")
    services.create_person(db, given_name="Burcu", family_name="San")
    gone = make_event(slug="gone", name="Cancelled seminar")
    gone_id = gone.id
    db.delete(gone)
    db.flush()
    log_in(client, ADMIN)

    response = client.get("/admin/audit")

    page = words(response)
    assert "Times are in UTC" in page
    assert "Person #" in page
    assert "Burcu San created" in page
    assert f"deleted event #{gone_id}" in page
    assert f'href="/admin/events/{forum.slug}/audit"' in text(response)


def test_the_front_page_links_to_the_logs(client: FlaskClient, db: DbSession, forum: Event) -> None:
    account(db, ADMIN, "admin")
    log_in(client, ADMIN)

    page = text(client.get("/admin/"))

    assert f'href="/admin/events/{forum.slug}/audit"' in page
    assert 'href="/admin/audit"' in page


# Paging and bad parameters


def test_a_hundred_changes_a_page_newest_first(
    client: FlaskClient, db: DbSession, forum: Event
) -> None:
    account(db, ADMIN, "admin")
    for n in range(101):
        services.add_track(db, forum, slug=f"track-{n}", name=f"Track {n:03}")
    log_in(client, ADMIN)

    first = words(client.get(audit_path(forum, "?type=track")))
    second_response = client.get(audit_path(forum, "?type=track&page=2"))
    second = words(second_response)

    assert "101 changes; page 1 of 2" in first
    assert "Track 100" in first
    assert "Track 001" in first
    assert "Track 000" not in first
    assert 'rel="next"' in text(client.get(audit_path(forum, "?type=track")))
    assert second_response.status_code == 200
    assert "page 2 of 2" in second
    assert "Track 000" in second
    assert "Track 001" not in second
    assert 'href="/admin/events/forum/audit?type=track&amp;page=1"' in text(second_response)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?page=abc", "Page: Not a valid integer value."),
        ("?page=0", "Page: Number must be at least 1."),
        ("?page=7", "page: there is no page 7: pages go from 1 to 1"),
        ("?type=everything", "type: 'everything' is not one of:"),
        ("?actor=" + "x" * 300, "actor: is longer than 200 characters"),
    ],
)
def test_a_bad_parameter_is_refused_with_its_reason(
    client: FlaskClient, db: DbSession, forum: Event, query: str, message: str
) -> None:
    account(db, ADMIN, "admin")
    log_in(client, ADMIN)

    for path in (audit_path(forum, query), "/admin/audit" + query):
        response = client.get(path)
        assert response.status_code == 400
        assert message in words(response)


# Who the log names


def test_a_logged_in_users_request_is_recorded_as_theirs(
    client: FlaskClient, db: DbSession, forum: Event
) -> None:
    user = account(db, ORGANISER, "organiser", forum)
    log_in(client, ORGANISER)

    added = submit(client, "/admin/events/forum/rooms", slug="hall", name="Plenary Hall")

    assert added.status_code == 303
    (entry,) = [e for e in entries(db) if e.entity_type == "room"]
    assert entry.action == "created"
    assert entry.changes["name"] == [None, "Plenary Hall"]
    assert (entry.actor, entry.user_id, entry.event_id) == (f"user:{ORGANISER}", user.id, forum.id)
    assert "Plenary Hall" in words(client.get(audit_path(forum)))


def test_a_visitors_registration_adds_nothing_to_the_log(
    client: FlaskClient, db: DbSession, forum: Event
) -> None:
    before = entries(db)

    response = register_through_form(
        client, forum, organisation="new", organisation_name="Caspian Energy Institute",
        organisation_kind="think_tank", organisation_country="AZ",
    )  # fmt: skip

    assert response.status_code == 303
    assert db.scalars(select(Person).where(Person.email == "aynur@example.org")).one()
    assert entries(db) == before
    assert [c.actor for c in db.scalars(select(RegistrationChange))] == ["attendee"]


def test_a_cli_command_is_recorded_as_the_clis(
    runner: FlaskCliRunner, db: DbSession, forum: Event
) -> None:
    password = "a long enough passphrase"

    result = runner.invoke(
        cli,
        ["create-user", "cli-made@example.org", "--role", "organiser", "--event", "forum",
         "--password-stdin"],
        input=f"{password}\n",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    user = find_user(db, "cli-made@example.org")
    assert isinstance(user, User)
    made = [e for e in entries(db) if e.entity_type in {"user", "user_role"}]
    assert [(e.entity_type, e.actor, e.user_id) for e in made] == [
        ("user", "cli", None),
        ("user_role", "cli", None),
    ]
    assert password not in str([e.changes for e in made])
    assert user.password_hash not in str([e.changes for e in made])


def test_a_change_outside_a_request_is_the_systems(app: Flask, db: DbSession) -> None:
    with app.app_context():
        services.create_person(get_db(), given_name="Burcu", family_name="San")
        # As in ``confkit shell``: outside a request, the work is committed by hand.
        get_db().commit()

    assert [(e.entity_type, e.actor) for e in entries(db)] == [("person", "system")]
