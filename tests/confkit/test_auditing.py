"""The audit log records every change the services make: who, when, what, before and after."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.orm import Session as DbSession

from confkit import ValidationError, clock, services
from confkit.auditing import CLI, SECRET, SYSTEM, Actor, acting_as, actor_of
from confkit.db import Store
from confkit.models import (
    Affiliation,
    AuditAction,
    AuditEntry,
    Event,
    Organisation,
    Person,
    ProgrammeSession,
    RegistrationChange,
    Room,
    Track,
    User,
)
from confkit.services.accounts import authenticate, create_user, grant_role
from confkit.services.registration_settings import (
    add_invitation_code,
    add_question,
    configure_registration,
)
from tests.factories import BASE_URL, FIXED_NOW, baku

ALICE = Actor("user:alice@example.org")
PASSWORD = "a long enough passphrase"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)
    return FIXED_NOW


# The highest entry id before the test: set by earlier_entries for every test.
baseline = {"id": 0}


@pytest.fixture(autouse=True)
def earlier_entries(db: DbSession) -> None:
    """Entries other tests committed for real (the concurrency tests on PostgreSQL do) are not
    this test's: only the entries written after this point are looked at."""
    baseline["id"] = db.scalar(select(func.max(AuditEntry.id))) or 0


def entries(db: DbSession, entity_type: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.id > baseline["id"]).order_by(AuditEntry.id)
    if entity_type is not None:
        query = query.where(AuditEntry.entity_type == entity_type)
    return list(db.scalars(query))


def last(db: DbSession, entity_type: str) -> AuditEntry:
    return entries(db, entity_type)[-1]


def as_text(db: DbSession) -> str:
    return json.dumps([[e.label, e.changes] for e in entries(db)], ensure_ascii=False)


# Who


def test_a_change_made_without_an_actor_is_recorded_as_the_systems(db: DbSession) -> None:
    assert actor_of(db) == SYSTEM

    person = services.create_person(db, given_name="Burcu", family_name="San")

    (entry,) = entries(db)
    assert (entry.actor, entry.user_id) == ("system", None)
    assert (entry.entity_type, entry.entity_id, entry.action) == (
        "person",
        person.id,
        AuditAction.CREATED,
    )
    assert entry.at == FIXED_NOW


def test_the_actor_is_the_one_the_changes_were_made_as(db: DbSession) -> None:
    user = create_user(db, "alice@example.org", PASSWORD, role="admin")

    with acting_as(db, Actor("user:alice@example.org", user_id=user.id)):
        person = services.create_person(db, given_name="Burcu", family_name="San")
    services.update_person(db, person, honorific="Dr")

    created, updated = entries(db, "person")
    assert (created.actor, created.user_id) == ("user:alice@example.org", user.id)
    assert (updated.actor, updated.user_id) == ("system", None)


def test_an_actor_can_be_named_when_a_change_is_first_recorded(db: DbSession) -> None:
    asked: list[str] = []

    def whoever() -> Actor:
        asked.append("asked")
        return ALICE

    with acting_as(db, whoever):
        services.list_events(db)
        assert asked == []
        services.create_person(db, given_name="Burcu", family_name="San")

    assert asked == ["asked"]
    assert last(db, "person").actor == "user:alice@example.org"


def test_an_actor_not_recorded_leaves_no_entry(db: DbSession) -> None:
    with acting_as(db, Actor("visitor", recorded=False)):
        services.create_person(db, given_name="Burcu", family_name="San")

    assert entries(db) == []


def test_a_store_transaction_can_name_its_actor(store: Store) -> None:
    with store.transaction(actor=CLI) as db:
        services.create_person(db, given_name="Burcu", family_name="San")
    with store.transaction() as db:
        services.create_person(db, given_name="Elchin", family_name="Abdullayev")
        assert [e.actor for e in entries(db)] == ["cli", "system"]


def test_a_change_rolled_back_leaves_no_entry(store: Store) -> None:
    with store.session() as db:
        with acting_as(db, ALICE):
            services.create_person(db, given_name="Burcu", family_name="San")
        assert len(entries(db)) == 1

        db.rollback()

        assert entries(db) == []
        assert db.scalars(select(Person)).all() == []


def test_a_refused_change_inside_a_savepoint_leaves_no_entry(
    db: DbSession, make_event: Callable[..., Event], make_room: Callable[..., Room]
) -> None:
    event = make_event()
    make_room(event, slug="hall")
    before = len(entries(db))

    with pytest.raises(ValidationError):
        services.add_room(db, event, slug="hall", name="Another hall")

    assert len(entries(db)) == before


# What: events, places and the programme


def test_an_event_is_recorded_with_its_fields_and_its_updates_with_before_and_after(
    db: DbSession, make_event: Callable[..., Event]
) -> None:
    event = make_event(slug="forum", name="Baku energy forum")

    created = last(db, "event")
    assert (created.event_id, created.entity_id, created.label) == (event.id, event.id, event.name)
    assert created.changes["slug"] == [None, "forum"]
    assert created.changes["starts_on"] == [None, "2024-11-25"]
    assert created.changes["timezone"] == [None, "Asia/Baku"]
    # Stamps that move with every change are bookkeeping, not a change of their own.
    assert {"created_at", "updated_at", "programme_changed_at"}.isdisjoint(created.changes)

    services.update_event(db, event, name="Baku energy security forum", capacity=120)

    updated = last(db, "event")
    assert updated.action is AuditAction.UPDATED
    assert updated.changes == {
        "name": ["Baku energy forum", "Baku energy security forum"],
        "capacity": [None, 120],
    }


def test_registration_settings_are_recorded_on_the_event(
    db: DbSession, make_event: Callable[..., Event]
) -> None:
    event = make_event()

    configure_registration(
        db,
        event,
        opens_at=datetime(2024, 10, 1, 8, tzinfo=UTC),
        closes_at=baku(20, 18),
        mode="approval",
        waitlist_enabled=False,
        categories=["delegate", "press"],
    )

    changes = last(db, "event").changes
    assert changes["registration_opens_at"] == [None, "2024-10-01T08:00:00+00:00"]
    # Instants are written in UTC whatever zone they were given in.
    assert changes["registration_closes_at"] == [None, "2024-11-20T14:00:00+00:00"]
    assert changes["registration_mode"] == ["open", "approval"]
    assert changes["waitlist_enabled"] == [True, False]
    assert changes["registration_categories"] == [[], ["delegate", "press"]]


def test_venues_rooms_and_tracks(db: DbSession, make_event: Callable[..., Event]) -> None:
    event = make_event()
    venue = services.create_venue(db, name="Hyatt Regency", city="Baku", country="AZ")
    room = services.add_room(db, event, slug="hall", name="Main hall", capacity=200)
    track = services.add_track(db, event, slug="energy", name="Energy security")
    services.update_venue(db, venue, name="Hyatt Regency Baku")
    services.update_room(db, room, capacity=180)
    services.update_track(db, track, colour="#336699")

    venue_created, venue_updated = entries(db, "venue")
    assert venue_created.changes["country"] == [None, "AZ"]
    assert venue_created.event_id is None
    assert venue_updated.changes == {"name": ["Hyatt Regency", "Hyatt Regency Baku"]}
    room_created, room_updated = entries(db, "room")
    assert room_created.event_id == event.id
    assert room_created.changes["event_id"] == [None, f"{event.name} (#{event.id})"]
    assert room_updated.changes == {"capacity": [200, 180]}
    assert room_updated.label == "Main hall"
    track_created, track_updated = entries(db, "track")
    assert track_created.changes["name"] == [None, "Energy security"]
    assert track_updated.changes == {"colour": [None, "#336699"]}
    assert track_updated.event_id == event.id


def test_a_session_is_recorded_with_its_room_and_track_by_name(
    db: DbSession,
    make_event: Callable[..., Event],
    make_room: Callable[..., Room],
    make_track: Callable[..., Track],
) -> None:
    event = make_event()
    hall, annex = make_room(event, name="Main hall"), make_room(event, name="Annex")
    track = make_track(event, name="Energy security")

    opening = services.add_session(
        db,
        event,
        title="Opening",
        kind="plenary",
        starts_at=baku(26, 9),
        ends_at=baku(26, 10),
        room=hall,
        track=track,
    ).session

    created = last(db, "session")
    assert (created.event_id, created.entity_id, created.label) == (event.id, opening.id, "Opening")
    assert created.changes["uuid"] == [None, str(opening.uuid)]
    assert created.changes["kind"] == [None, "plenary"]
    assert created.changes["starts_at"] == [None, "2024-11-26T05:00:00+00:00"]
    assert created.changes["room_id"] == [None, f"Main hall (#{hall.id})"]
    assert created.changes["track_id"] == [None, f"Energy security (#{track.id})"]
    assert {"sequence", "modified_at", "created_at"}.isdisjoint(created.changes)

    services.move_session(db, opening, starts_at=baku(26, 11), room=annex)
    services.cancel_session(db, opening)

    moved, cancelled = entries(db, "session")[1:]
    assert moved.changes == {
        "starts_at": ["2024-11-26T05:00:00+00:00", "2024-11-26T07:00:00+00:00"],
        "ends_at": ["2024-11-26T06:00:00+00:00", "2024-11-26T08:00:00+00:00"],
        "room_id": [f"Main hall (#{hall.id})", f"Annex (#{annex.id})"],
    }
    assert cancelled.changes == {"status": ["scheduled", "cancelled"]}


def test_roles_in_a_session_are_recorded_against_its_event(
    db: DbSession,
    make_event: Callable[..., Event],
    make_session: Callable[..., ProgrammeSession],
    make_person: Callable[..., Person],
) -> None:
    event = make_event()
    panel = make_session(event, title="Energy panel", status="scheduled")
    chair = make_person(honorific="Dr", given_name="Burcu", family_name="San")
    speaker = make_person(given_name="Elchin", family_name="Abdullayev")
    sessions_before = len(entries(db, "session"))

    first = services.assign_role(db, panel, chair, "chair")
    second = services.assign_role(db, panel, speaker, "speaker")
    services.reorder_roles(db, panel, [second, first])
    services.remove_role(db, first)

    added, _, *reordered, removed = entries(db, "session_role")
    assert added.action is AuditAction.CREATED
    assert added.label == "chair: Dr Burcu San in Energy panel"
    assert added.event_id == event.id
    assert added.changes["person_id"] == [None, f"Dr Burcu San (#{chair.id})"]
    assert added.changes["role"] == [None, "chair"]
    assert {(e.entity_id, e.action, json.dumps(e.changes)) for e in reordered} == {
        (second.id, AuditAction.UPDATED, json.dumps({"position": [1, 0]})),
        (first.id, AuditAction.UPDATED, json.dumps({"position": [0, 1]})),
    }
    assert removed.action is AuditAction.DELETED
    assert removed.entity_id == first.id
    assert removed.event_id == event.id
    assert removed.changes["role"] == ["chair", None]
    # The session's sequence moved with each change; that alone is no entry of its own.
    assert len(entries(db, "session")) == sessions_before


# What: people


def test_people_organisations_and_affiliations(db: DbSession) -> None:
    ministry = services.create_organisation(
        db, name="Ministry of Foreign Affairs", kind="government", country="AZ"
    )
    person = services.create_person(
        db, given_name="Elchin", family_name="Abdullayev", email="e.a@example.org"
    )
    affiliation = services.add_affiliation(db, person, ministry, position_title="Acting Head")
    services.update_organisation(db, ministry, short_name="MFA")
    services.update_person(db, person, honorific="Colonel", email="elchin@example.org")
    services.update_affiliation(db, affiliation, starts_on=date(2023, 1, 1))

    org_created, org_updated = entries(db, "organisation")
    assert org_created.changes["kind"] == [None, "government"]
    assert org_updated.changes == {"short_name": [None, "MFA"]}
    person_created, person_updated = entries(db, "person")
    assert person_created.changes["email"] == [None, "e.a@example.org"]
    assert person_updated.label == "Colonel Elchin Abdullayev"
    assert person_updated.changes == {
        "honorific": ["", "Colonel"],
        "email": ["e.a@example.org", "elchin@example.org"],
    }
    aff_created, aff_updated = entries(db, "affiliation")
    assert aff_created.label == "Elchin Abdullayev, Acting Head, Ministry of Foreign Affairs"
    assert aff_created.changes["organisation_id"] == [
        None,
        f"Ministry of Foreign Affairs (#{ministry.id})",
    ]
    assert aff_updated.changes == {"starts_on": [None, "2023-01-01"]}
    assert all(e.event_id is None for e in entries(db))


def test_a_delegation_and_its_members(
    db: DbSession, make_event: Callable[..., Event], make_person: Callable[..., Person]
) -> None:
    event = make_event()
    head = make_person(given_name="Burcu", family_name="San")
    member = make_person(given_name="Anar", family_name="Mammadov")
    newcomer = make_person(given_name="Leyla", family_name="Aliyeva")

    delegation = services.create_delegation(
        db, event, name="NATO delegation", head=head, members=[member]
    )
    services.update_delegation(db, delegation, members=[head, newcomer])

    created, updated = entries(db, "delegation")
    assert created.event_id == event.id
    assert created.changes["head_id"] == [None, f"Burcu San (#{head.id})"]
    assert created.changes["members"] == [
        None,
        [f"Anar Mammadov (#{member.id})", f"Burcu San (#{head.id})"],
    ]
    assert updated.changes == {
        "members": [
            [f"Anar Mammadov (#{member.id})", f"Burcu San (#{head.id})"],
            [f"Burcu San (#{head.id})", f"Leyla Aliyeva (#{newcomer.id})"],
        ]
    }


# What: registration settings and accounts, without their secrets


def test_questions_and_invitation_codes_without_the_code(
    db: DbSession, make_event: Callable[..., Event]
) -> None:
    event = make_event()

    add_question(db, event, key="diet", label="Dietary needs", kind="short_text")
    code = add_invitation_code(db, event, code="NATO-PFP-30", max_uses=5, category="press")
    services.update_event(db, event, name="Renamed")

    question = last(db, "registration_question")
    assert (question.event_id, question.label) == (event.id, "Dietary needs")
    assert question.changes["kind"] == [None, "short_text"]
    invitation = last(db, "invitation_code")
    assert (invitation.event_id, invitation.entity_id) == (event.id, code.id)
    assert invitation.changes["code"] == [None, SECRET]
    assert invitation.changes["max_uses"] == [None, 5]
    assert "NATO-PFP-30" not in as_text(db)


def test_using_an_invitation_code_is_no_change_of_the_code(
    db: DbSession, open_event_for_registration: Callable[..., Event], make_registration: Callable
) -> None:
    event = open_event_for_registration(capacity=10, mode="invitation")
    add_invitation_code(db, event, code="PFP-30", max_uses=5)
    before = len(entries(db, "invitation_code"))

    make_registration(event, invitation_code="PFP-30")

    assert len(entries(db, "invitation_code")) == before


def test_accounts_and_roles_never_show_a_password_hash(
    db: DbSession, make_event: Callable[..., Event]
) -> None:
    event = make_event()

    user = create_user(db, "aysel@example.org", PASSWORD, role="organiser", event=event)
    grant_role(db, user, "checkin", event)
    old_hash = user.password_hash
    user.password_hash = "scrypt$another$hash"
    user.is_active = False
    db.flush()

    created, updated = entries(db, "user")
    assert created.label == "aysel@example.org"
    assert created.changes["email"] == [None, "aysel@example.org"]
    assert created.changes["password_hash"] == [None, SECRET]
    assert updated.changes == {
        "password_hash": [SECRET, SECRET],
        "is_active": [True, False],
    }
    organiser, checkin = entries(db, "user_role")
    assert (organiser.event_id, organiser.label) == (event.id, "aysel@example.org: organiser")
    assert checkin.changes["role"] == [None, "checkin"]
    text = as_text(db)
    assert old_hash not in text
    assert "scrypt$another$hash" not in text
    assert PASSWORD not in text


def test_a_login_is_no_change_of_the_account(db: DbSession) -> None:
    create_user(db, "aysel@example.org", PASSWORD, role="admin")
    before = len(entries(db))

    authenticate(db, "aysel@example.org", PASSWORD, remote_address="192.0.2.1")

    assert len(entries(db)) == before


# Deleting


def test_a_deleted_object_is_recorded_with_what_it_held(
    db: DbSession, make_event: Callable[..., Event]
) -> None:
    venue = services.create_venue(db, name="Hyatt Regency", city="Baku")

    db.delete(venue)
    db.flush()

    deleted = last(db, "venue")
    assert deleted.action is AuditAction.DELETED
    assert deleted.changes == {
        "name": ["Hyatt Regency", None],
        "address": ["", None],
        "city": ["Baku", None],
    }


def test_the_trail_of_a_deleted_event_stays(
    db: DbSession, make_event: Callable[..., Event], make_room: Callable[..., Room]
) -> None:
    event = make_event(name="Short-lived forum")
    make_room(event, name="Main hall")
    event_id = event.id
    # As in a shell: the event read afresh, its rooms left to the database's cascade.
    db.expire_all()

    db.delete(event)
    db.flush()

    trail = db.scalars(
        select(AuditEntry).where(AuditEntry.event_id == event_id).order_by(AuditEntry.id)
    ).all()
    assert [(e.entity_type, e.action) for e in trail] == [
        ("event", AuditAction.CREATED),
        ("room", AuditAction.CREATED),
        ("event", AuditAction.DELETED),
    ]
    assert trail[-1].label == "Short-lived forum"
    assert trail[-1].changes["name"] == ["Short-lived forum", None]


def test_an_entry_outlives_the_account_that_made_it(db: DbSession) -> None:
    user = create_user(db, "aysel@example.org", PASSWORD, role="admin")
    with acting_as(db, Actor("user:aysel@example.org", user_id=user.id)):
        person = services.create_person(db, given_name="Burcu", family_name="San")
    db.execute(delete(User).where(User.id == user.id))
    db.expire_all()

    entry = last(db, "person")
    assert (entry.entity_id, entry.actor, entry.user_id) == (
        person.id,
        "user:aysel@example.org",
        None,
    )


# What is not in the log


def test_registrations_keep_their_own_history_instead(
    db: DbSession, open_event_for_registration: Callable[..., Event], make_registration: Callable
) -> None:
    event = open_event_for_registration(capacity=10)
    before = {e.id for e in entries(db)}

    with acting_as(db, Actor("visitor", recorded=False)):
        registration = make_registration(event)

    assert {e.id for e in entries(db)} == before
    history = db.scalars(
        select(RegistrationChange).where(RegistrationChange.registration_id == registration.id)
    ).all()
    assert [change.action for change in history] == ["register", "confirm"]
    assert BASE_URL not in as_text(db)


def test_loading_the_same_values_again_writes_nothing(
    db: DbSession, make_event: Callable[..., Event]
) -> None:
    event = make_event(name="Forum")
    before = len(entries(db))

    services.update_event(db, event, name="Forum")

    assert len(entries(db)) == before


def test_recording_a_flush_loads_no_second_copy_of_what_it_inserted(db: DbSession) -> None:
    # A second copy loaded while the flush runs would be replaced by the flushed object with a
    # warning, or linger in the identity map and clash with a later row given the same id.
    loads: list[object] = []

    def count(target: object, _context: object) -> None:
        loads.append(target)

    sqlalchemy_event.listen(Organisation, "load", count)
    try:
        person = services.create_person(db, given_name="Burcu", family_name="San")
        nato = Organisation(name="NATO", kind="international_organisation")
        db.add(nato)
        db.add(Affiliation(person=person, organisation=nato, position_title="Adviser"))
        db.flush()
    finally:
        sqlalchemy_event.remove(Organisation, "load", count)

    assert loads == []
    (entry,) = entries(db, "affiliation")
    assert entry.changes["organisation_id"] == [None, f"NATO (#{nato.id})"]
