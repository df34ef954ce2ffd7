"""Who may open what: every route of the app, asked by every kind of visitor, against the answer
written down for it here.

A route added to the app without its row here fails :func:`test_every_route_has_a_row`, so no
page goes live without someone deciding who may see it. POSTs are sent without a CSRF token:
a visitor who may use the route gets the form's 400 (the door was open, the token missing), one
who may not gets the login redirect, a 403 or a 404 before any form is read.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session as DbSession
from werkzeug.routing import Rule

from confkit import clock
from confkit.models import (
    Affiliation,
    Delegation,
    Event,
    Organisation,
    Person,
    ProgrammeSession,
    Registration,
    RegistrationQuestion,
    Room,
    SessionRole,
    Track,
)
from confkit.services import (
    add_affiliation,
    add_question,
    assign_role,
    create_delegation,
    create_organisation,
    create_venue,
)
from tests.factories import FIXED_NOW
from tests.webapp.test_admin_auth import account, log_in

IDENTITIES: Final = (
    "anonymous",
    "attendee",
    "checkin",
    "other_organiser",
    "organiser",
    "admin",
)


@dataclass(frozen=True)
class Expect:
    """The status each identity gets. The attendee holds the registration's token; everyone
    else asks with a token that is nobody's (a token is the key, whoever holds it)."""

    anonymous: int
    attendee: int
    checkin: int
    other_organiser: int
    organiser: int
    admin: int

    def of(self, identity: str) -> int:
        status: int = getattr(self, identity)
        return status


def same(status: int) -> Expect:
    return Expect(status, status, status, status, status, status)


PUBLIC = same(200)
# The form's answer to a POST without its CSRF token, for anyone who may send it.
PUBLIC_FORM_POST = same(400)
# Back-office pages of one event: its organisers and the admins.
ORGANISERS = Expect(302, 302, 403, 403, 200, 200)
ORGANISERS_POST = Expect(302, 302, 403, 403, 400, 400)
# Admins only (creating an event).
ADMINS = Expect(302, 302, 403, 403, 403, 200)
ADMINS_POST = Expect(302, 302, 403, 403, 403, 400)
# The people and organisations every event shares: organisers of any event, and the admins.
DIRECTORY = Expect(302, 302, 403, 200, 200, 200)
DIRECTORY_POST = Expect(302, 302, 403, 400, 400, 400)
# Pages every account may open, and no visitor.
ACCOUNTS = Expect(302, 302, 200, 200, 200, 200)
# The token is the key: only its holder gets in.
TOKEN_HOLDER = Expect(404, 200, 404, 404, 404, 404)
TOKEN_HOLDER_POST = Expect(404, 400, 404, 404, 404, 404)

MATRIX: Final[dict[tuple[str, str], Expect]] = {
    ("static", "GET"): PUBLIC,
    # Public site and feeds
    ("public.index", "GET"): PUBLIC,
    ("public.event_page", "GET"): PUBLIC,
    ("public.schedule_page", "GET"): PUBLIC,
    ("public.session_page", "GET"): PUBLIC,
    ("public.speakers_page", "GET"): PUBLIC,
    ("public.participants_page", "GET"): PUBLIC,
    ("feeds.programme", "GET"): PUBLIC,
    ("feeds.session", "GET"): PUBLIC,
    ("feeds.room", "GET"): PUBLIC,
    ("feeds.track", "GET"): PUBLIC,
    ("feeds.person", "GET"): PUBLIC,
    ("feeds.frab_xml", "GET"): PUBLIC,
    ("feeds.frab_json", "GET"): PUBLIC,
    # Registration
    ("registration.registration", "GET"): PUBLIC,
    ("registration.registration", "POST"): PUBLIC_FORM_POST,
    ("registration.registration_sent", "GET"): PUBLIC,
    ("registration.data_erased", "GET"): PUBLIC,
    ("registration.attendee_page", "GET"): TOKEN_HOLDER,
    ("registration.agenda_feed", "GET"): TOKEN_HOLDER,
    ("registration.data_download", "GET"): TOKEN_HOLDER,
    ("registration.confirm_page", "GET"): TOKEN_HOLDER,
    ("registration.confirm", "POST"): TOKEN_HOLDER_POST,
    ("registration.cancel", "POST"): TOKEN_HOLDER_POST,
    ("registration.new_link", "POST"): TOKEN_HOLDER_POST,
    ("registration.erase", "POST"): TOKEN_HOLDER_POST,
    ("registration.add_session", "POST"): TOKEN_HOLDER_POST,
    ("registration.remove_session", "POST"): TOKEN_HOLDER_POST,
    # The check-in desk: its staff, the event's organisers and the admins. No door code is
    # configured here, so there is no door for anyone else (404); another event's organiser is
    # a known account without the role (403). Locking only forgets a door code: open to all.
    ("registration.check_in_desk", "GET"): Expect(404, 404, 200, 403, 200, 200),
    ("registration.check_in_desk", "POST"): Expect(404, 404, 400, 403, 400, 400),
    ("registration.unlock_check_in", "POST"): same(404),
    ("registration.lock_check_in", "POST"): same(303),
    # Back-office
    ("admin.login", "GET"): Expect(200, 200, 303, 303, 303, 303),
    ("admin.login", "POST"): PUBLIC_FORM_POST,
    ("admin.logout", "POST"): PUBLIC_FORM_POST,
    ("admin.index", "GET"): ACCOUNTS,
    ("admin.dashboard", "GET"): ORGANISERS,
    ("admin.registrations", "GET"): ORGANISERS,
    ("admin.registrations_csv", "GET"): ORGANISERS,
    ("admin.registration_detail", "GET"): ORGANISERS,
    ("admin.registration_actions", "POST"): ORGANISERS_POST,
    ("admin.add_registration_by_hand", "GET"): ORGANISERS,
    ("admin.add_registration_by_hand", "POST"): ORGANISERS_POST,
    ("admin.announcements", "GET"): ORGANISERS,
    ("admin.announcements", "POST"): ORGANISERS_POST,
    ("admin.badges", "GET"): ORGANISERS,
    ("admin.badges_pdf", "GET"): ORGANISERS,
    ("admin.delegations", "GET"): ORGANISERS,
    ("admin.edit_delegation", "GET"): ORGANISERS,
    ("admin.new_delegation", "GET"): ORGANISERS,
    ("admin.event_edit", "GET"): ORGANISERS,
    ("admin.programme_grid_page", "GET"): ORGANISERS,
    ("admin.invitation_codes", "GET"): ORGANISERS,
    ("admin.questions", "GET"): ORGANISERS,
    ("admin.question_edit", "GET"): ORGANISERS,
    ("admin.registration_settings", "GET"): ORGANISERS,
    ("admin.rooms", "GET"): ORGANISERS,
    ("admin.room_edit", "GET"): ORGANISERS,
    ("admin.sessions", "GET"): ORGANISERS,
    ("admin.edit_session", "GET"): ORGANISERS,
    ("admin.new_session", "GET"): ORGANISERS,
    ("admin.tracks", "GET"): ORGANISERS,
    ("admin.track_edit", "GET"): ORGANISERS,
    ("admin.venue_edit", "GET"): ORGANISERS,
    ("admin.badges_for_selection", "POST"): ORGANISERS_POST,
    ("admin.badges_pdf_for_selection", "POST"): ORGANISERS_POST,
    ("admin.edit_delegation", "POST"): ORGANISERS_POST,
    ("admin.new_delegation", "POST"): ORGANISERS_POST,
    ("admin.event_edit", "POST"): ORGANISERS_POST,
    ("admin.move_in_grid", "POST"): ORGANISERS_POST,
    ("admin.invitation_codes", "POST"): ORGANISERS_POST,
    ("admin.questions", "POST"): ORGANISERS_POST,
    ("admin.question_edit", "POST"): ORGANISERS_POST,
    ("admin.question_move", "POST"): ORGANISERS_POST,
    ("admin.question_remove", "POST"): ORGANISERS_POST,
    ("admin.registration_settings", "POST"): ORGANISERS_POST,
    ("admin.rooms", "POST"): ORGANISERS_POST,
    ("admin.room_edit", "POST"): ORGANISERS_POST,
    ("admin.room_move", "POST"): ORGANISERS_POST,
    ("admin.room_remove", "POST"): ORGANISERS_POST,
    ("admin.edit_session", "POST"): ORGANISERS_POST,
    ("admin.cancel", "POST"): ORGANISERS_POST,
    ("admin.add_person_to_session", "POST"): ORGANISERS_POST,
    ("admin.remove_person_from_session", "POST"): ORGANISERS_POST,
    ("admin.reorder_people", "POST"): ORGANISERS_POST,
    ("admin.uncancel", "POST"): ORGANISERS_POST,
    ("admin.new_session", "POST"): ORGANISERS_POST,
    ("admin.tracks", "POST"): ORGANISERS_POST,
    ("admin.track_edit", "POST"): ORGANISERS_POST,
    ("admin.track_move", "POST"): ORGANISERS_POST,
    ("admin.track_remove", "POST"): ORGANISERS_POST,
    ("admin.venue_edit", "POST"): ORGANISERS_POST,
    ("admin.import_upload", "GET"): ORGANISERS,
    ("admin.import_preview", "POST"): ORGANISERS_POST,
    ("admin.import_confirm", "POST"): ORGANISERS_POST,
    # A job is its starter's session's alone: for everyone else with the role, no such job.
    ("admin.import_job", "GET"): Expect(302, 302, 403, 403, 404, 404),
    ("admin.event_audit", "GET"): ORGANISERS,
    ("admin.audit_log", "GET"): ADMINS,
    ("admin.event_new", "GET"): ADMINS,
    ("admin.event_new", "POST"): ADMINS_POST,
    ("admin.organisations", "GET"): DIRECTORY,
    ("admin.edit_organisation", "GET"): DIRECTORY,
    ("admin.new_organisation", "GET"): DIRECTORY,
    ("admin.people", "GET"): DIRECTORY,
    ("admin.edit_person", "GET"): DIRECTORY,
    ("admin.edit_affiliation", "GET"): DIRECTORY,
    ("admin.new_person", "GET"): DIRECTORY,
    ("admin.edit_organisation", "POST"): DIRECTORY_POST,
    ("admin.new_organisation", "POST"): DIRECTORY_POST,
    ("admin.edit_person", "POST"): DIRECTORY_POST,
    ("admin.new_affiliation", "POST"): DIRECTORY_POST,
    ("admin.edit_affiliation", "POST"): DIRECTORY_POST,
    ("admin.new_person", "POST"): DIRECTORY_POST,
}


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    # The world's event takes registrations at FIXED_NOW.
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)


@dataclass(frozen=True)
class World:
    """The event everyone asks about, with one of everything a URL can name."""

    event: Event
    room: Room
    track: Track
    session: ProgrammeSession
    speaker: Person
    registration: Registration
    role: SessionRole
    affiliation: Affiliation
    organisation: Organisation
    delegation: Delegation
    question: RegistrationQuestion


@pytest.fixture
def world(
    db: DbSession,
    open_event_for_registration: Callable[..., Event],
    make_event: Callable[..., Event],
    make_room: Callable[..., Room],
    make_track: Callable[..., Track],
    make_session: Callable[..., ProgrammeSession],
    make_person: Callable[..., Person],
    make_registration: Callable[..., Registration],
) -> World:
    venue = create_venue(db, name="Baku Congress Centre", city="Baku", country="AZ")
    event = open_event_for_registration(capacity=10, slug="forum", venue=venue)
    other = make_event(slug="other-event")
    room = make_room(event)
    track = make_track(event)
    session = make_session(event, room=room, track=track, signup_capacity=5)
    speaker = make_person()
    organisation = create_organisation(db, name="Ministry of Defence", kind="government")
    affiliation = add_affiliation(db, speaker, organisation, position_title="Adviser")
    role = assign_role(db, session, speaker, "speaker", now=FIXED_NOW)
    delegation = create_delegation(db, event, name="NATO delegation", head=speaker)
    question = add_question(db, event, key="diet", label="Diet", kind="short_text")
    registration = make_registration(event)
    account(db, "door@example.org", "checkin", event)
    account(db, "elsewhere@example.org", "organiser", other)
    account(db, "organiser@example.org", "organiser", event)
    account(db, "admin@example.org", "admin")
    db.flush()
    return World(
        event,
        room,
        track,
        session,
        speaker,
        registration,
        role,
        affiliation,
        organisation,
        delegation,
        question,
    )


ACCOUNT_OF: Final = {
    "checkin": "door@example.org",
    "other_organiser": "elsewhere@example.org",
    "organiser": "organiser@example.org",
    "admin": "admin@example.org",
}
NOBODYS_TOKEN: Final = "nobodys-token-" + "x" * 40


def url_values(rule: Rule, world: World, identity: str) -> dict[str, object]:
    """A value for each of the rule's variables, naming the world's things."""
    known: dict[str, object] = {
        "slug": world.event.slug,
        "registration_id": world.registration.id,
        "session_uuid": world.session.uuid,
        "room_slug": world.room.slug,
        "track_slug": world.track.slug,
        "person_id": world.speaker.id,
        "filename": "confkit.css",
        "room_id": world.room.id,
        "track_id": world.track.id,
        "question_id": world.question.id,
        "delegation_id": world.delegation.id,
        "organisation_id": world.organisation.id,
        "affiliation_id": world.affiliation.id,
        "role_id": world.role.id,
        "job_id": "A" * 32,
        "token": world.registration.token if identity == "attendee" else NOBODYS_TOKEN,
    }
    missing = sorted(set(rule.arguments) - known.keys())
    assert not missing, f"{rule.rule}: give the matrix a value for {', '.join(missing)}"
    return {name: known[name] for name in rule.arguments}


def routes(app: Flask) -> Iterator[tuple[Rule, str]]:
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method


def client_for(app: Flask, identity: str) -> FlaskClient:
    client = app.test_client()
    if identity in ACCOUNT_OF:
        assert log_in(client, ACCOUNT_OF[identity]).status_code == 303
    return client


def rows_missing(app: Flask) -> list[tuple[str, str]]:
    return sorted({(rule.endpoint, method) for rule, method in routes(app)} - MATRIX.keys())


def test_every_route_has_a_row(app: Flask) -> None:
    present = {(rule.endpoint, method) for rule, method in routes(app)}

    assert sorted(present - MATRIX.keys()) == [], "routes without a row in the matrix"
    assert sorted(MATRIX.keys() - present) == [], "rows for routes that no longer exist"


def test_a_route_added_without_a_row_is_caught(app: Flask) -> None:
    app.add_url_rule("/admin/forgotten", "admin.forgotten", lambda: "secret", methods=["GET"])

    assert rows_missing(app) == [("admin.forgotten", "GET")]


@pytest.mark.parametrize("identity", IDENTITIES)
def test_every_route_answers_each_identity_as_written(
    app: Flask, world: World, identity: str
) -> None:
    client = client_for(app, identity)
    wrong: list[str] = []
    with app.test_request_context():
        for rule, method in sorted(routes(app), key=lambda pair: (pair[0].rule, pair[1])):
            expected = MATRIX.get((rule.endpoint, method))
            if expected is None:
                continue  # reported by test_every_route_has_a_row
            path = app.url_map.bind("localhost").build(
                rule.endpoint, url_values(rule, world, identity), method=method
            )
            response = client.open(path, method=method)
            response.close()  # a static file's response holds the file open
            if response.status_code != expected.of(identity):
                wrong.append(
                    f"{method} {path} ({rule.endpoint}): "
                    f"{response.status_code}, expected {expected.of(identity)}"
                )
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/admin/login?next="), path
    assert not wrong, "\n".join(wrong)


def test_a_session_uuid_that_is_no_session_is_not_found(app: Flask, world: World) -> None:
    client = client_for(app, "admin")

    assert client.get(f"/events/forum/sessions/{uuid.uuid4()}").status_code == 404
