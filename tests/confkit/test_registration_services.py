"""Registrations an organiser records: one per person and event, each with its own secret token."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from confkit import ValidationError, clock, services
from confkit.models import (
    Event,
    Person,
    Registration,
    RegistrationCategory,
    RegistrationStatus,
)
from confkit.services import registrations as registration_services
from tests.factories import FIXED_NOW

URL_SAFE = re.compile(r"^[A-Za-z0-9_-]+$")


def registration_count(db: DbSession) -> int:
    return db.scalar(select(func.count()).select_from(Registration)) or 0


def test_an_organiser_registers_a_person_in_a_delegation(
    db: DbSession, make_event: Callable[..., Event], make_person: Callable[..., Person]
) -> None:
    event = make_event()
    san = make_person(given_name="Burcu", family_name="San")
    delegation = services.create_delegation(db, event, name="NATO delegation", head=san)

    registration = services.add_registration(
        db, event, san, category="speaker", delegation=delegation, now=FIXED_NOW
    )

    db.flush()
    db.expire_all()
    assert registration.event is event
    assert registration.person is san
    assert registration.delegation is delegation
    assert registration.category is RegistrationCategory.SPEAKER
    assert registration.status is RegistrationStatus.CONFIRMED
    assert registration.created_at == registration.updated_at == FIXED_NOW
    assert registration.consent_given_at is None
    assert registration.checked_in_at is None
    assert registration.answers == {}
    assert event.registrations == [registration]


def test_defaults_ids_and_the_clock(
    db: DbSession,
    make_event: Callable[..., Event],
    make_person: Callable[..., Person],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    event = make_event()
    person = make_person()
    stamp = datetime(2024, 11, 20, 7, 15, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: stamp)

    registration = services.add_registration(db, event, person.id, status="cancelled")

    assert registration.person is person
    assert registration.category is RegistrationCategory.DELEGATE
    assert registration.status is RegistrationStatus.CANCELLED
    assert registration.delegation is None
    assert registration.created_at == registration.updated_at == stamp


def test_every_bad_field_is_reported_at_once(
    db: DbSession, make_event: Callable[..., Event]
) -> None:
    event = make_event()

    with pytest.raises(ValidationError) as raised:
        services.add_registration(
            db, event, 987654, category="vip", status="maybe", delegation=987654
        )

    assert raised.value.fields == {"person", "category", "status", "delegation"}
    messages = {problem.field: problem.message for problem in raised.value.problems}
    assert "speaker" in messages["category"]
    assert "waitlisted" in messages["status"]
    assert registration_count(db) == 0


def test_a_person_registers_once_per_event(
    db: DbSession, make_event: Callable[..., Event], make_person: Callable[..., Person]
) -> None:
    event, other_event = make_event(), make_event()
    person = make_person()
    services.add_registration(db, event, person)

    with pytest.raises(ValidationError) as raised:
        services.add_registration(db, event, person, category="press")

    assert [(p.field, p.message) for p in raised.value.problems] == [
        ("person", "is already registered for this event")
    ]
    # A duplicate is reported together with every other problem.
    with pytest.raises(ValidationError) as raised:
        services.add_registration(db, event, person, category="vip")
    assert raised.value.fields == {"person", "category"}
    # The same person may attend another event.
    services.add_registration(db, other_event, person)
    assert registration_count(db) == 2


def test_the_unique_constraint_catches_a_duplicate_the_check_missed(
    db: DbSession,
    make_event: Callable[..., Event],
    make_person: Callable[..., Person],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As if another transaction registered the person between the check and the insert.
    event = make_event()
    person, other = make_person(), make_person()
    services.add_registration(db, event, person)
    monkeypatch.setattr(registration_services, "_is_registered", lambda *_: False)

    with pytest.raises(ValidationError) as raised:
        services.add_registration(db, event, person)

    assert raised.value.fields == {"person"}
    # Only the failed insert was undone: the transaction goes on.
    services.add_registration(db, event, other)
    assert registration_count(db) == 2


def test_a_delegation_of_another_event_is_refused(
    db: DbSession, make_event: Callable[..., Event], make_person: Callable[..., Person]
) -> None:
    event, other_event = make_event(), make_event()
    person = make_person()
    foreign = services.create_delegation(db, other_event, name="Other delegation", head=person)

    with pytest.raises(ValidationError) as raised:
        services.add_registration(db, event, person, delegation=foreign.id)

    assert [(p.field, p.message) for p in raised.value.problems] == [
        ("delegation", "belongs to another event")
    ]
    assert registration_count(db) == 0


def test_tokens_are_long_url_safe_and_distinct(
    db: DbSession, make_event: Callable[..., Event], make_person: Callable[..., Person]
) -> None:
    event = make_event()

    tokens = [services.add_registration(db, event, make_person()).token for _ in range(20)]

    assert all(len(token) >= 43 for token in tokens)
    assert all(URL_SAFE.match(token) for token in tokens)
    assert len(set(tokens)) == len(tokens)


def test_a_token_collision_is_caught_by_the_unique_constraint(
    db: DbSession,
    make_event: Callable[..., Event],
    make_person: Callable[..., Person],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    event = make_event()
    first, second = make_person(), make_person()
    monkeypatch.setattr(registration_services.secrets, "token_urlsafe", lambda _: "same" * 11)
    services.add_registration(db, event, first)

    with pytest.raises(ValidationError) as raised:
        services.add_registration(db, event, second)

    assert raised.value.fields == {"token"}
    assert registration_count(db) == 1


def test_nothing_is_half_written_after_an_error(
    db: DbSession, make_event: Callable[..., Event], make_person: Callable[..., Person]
) -> None:
    event = make_event()
    person = make_person()
    services.add_registration(db, event, person)
    before = registration_count(db)

    for bad in (
        {"person": person},
        {"person": make_person(), "category": "vip"},
        {"person": make_person(), "status": "maybe"},
        {"person": 987654},
    ):
        with pytest.raises(ValidationError):
            services.add_registration(db, event, **bad)

    db.flush()
    assert registration_count(db) == before
    assert [r.person for r in services.list_registrations(db, event)] == [person]


def test_registrations_are_listed_by_family_then_given_name(
    db: DbSession, make_event: Callable[..., Event], make_person: Callable[..., Person]
) -> None:
    event, other_event = make_event(), make_event()
    people = [
        make_person(given_name="Tural", family_name="Zeynalov"),
        make_person(given_name="Orxan", family_name="Abbasov"),
        make_person(given_name="Anar", family_name="Abbasov"),
        make_person(given_name="Leyla", family_name="Karimova"),
    ]
    for person in people:
        services.add_registration(db, event, person)
    services.add_registration(db, event, make_person(family_name="Cancelled"), status="cancelled")
    services.add_registration(db, other_event, make_person(family_name="Elsewhere"))

    listed = services.list_registrations(db, event)

    assert [r.person.name for r in listed] == [
        "Anar Abbasov",
        "Orxan Abbasov",
        f"{listed[2].person.given_name} Cancelled",
        "Leyla Karimova",
        "Tural Zeynalov",
    ]
    assert all(r.event is event for r in listed)
