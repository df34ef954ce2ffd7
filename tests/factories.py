"""Factory fixtures: valid objects built through the public services, overridable per test."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session as DbSession

from confkit import services
from confkit.models import Event, Person, ProgrammeSession, Registration, Room, Track
from confkit.services.registration_settings import configure_registration
from confkit.services.seats import confirm_registration
from confkit.services.signup import SignupDetails, register

_counter = itertools.count(1)

# A fixed instant keeps stamps deterministic in tests.
FIXED_NOW = datetime(2024, 11, 1, 12, 0, tzinfo=UTC)


def baku(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant on a November 2024 day, given in Baku time (UTC+4)."""
    return datetime(2024, 11, day, hour, minute, tzinfo=ZoneInfo("Asia/Baku"))


@pytest.fixture
def make_event(db: DbSession) -> Callable[..., Event]:
    def make(**overrides: Any) -> Event:
        n = next(_counter)
        values: dict[str, Any] = {
            "slug": f"event-{n}",
            "name": f"Event {n}",
            "timezone": "Asia/Baku",
            "starts_on": date(2024, 11, 25),
            "ends_on": date(2024, 11, 26),
            "now": FIXED_NOW,
        }
        values.update(overrides)
        return services.create_event(db, **values)

    return make


@pytest.fixture
def make_room(db: DbSession) -> Callable[..., Room]:
    def make(event: Event, **overrides: Any) -> Room:
        n = next(_counter)
        values: dict[str, Any] = {"slug": f"room-{n}", "name": f"Room {n}", "capacity": 100}
        values.update(overrides)
        return services.add_room(db, event, **values)

    return make


@pytest.fixture
def make_track(db: DbSession) -> Callable[..., Track]:
    def make(event: Event, **overrides: Any) -> Track:
        n = next(_counter)
        values: dict[str, Any] = {"slug": f"track-{n}", "name": f"Track {n}"}
        values.update(overrides)
        return services.add_track(db, event, **values)

    return make


@pytest.fixture
def make_person(db: DbSession) -> Callable[..., Person]:
    def make(**overrides: Any) -> Person:
        n = next(_counter)
        values: dict[str, Any] = {"given_name": f"Given{n}", "family_name": f"Family{n}"}
        values.update(overrides)
        return services.create_person(db, **values)

    return make


@pytest.fixture
def make_session(db: DbSession) -> Callable[..., ProgrammeSession]:
    def make(event: Event, **overrides: Any) -> ProgrammeSession:
        n = next(_counter)
        values: dict[str, Any] = {
            "title": f"Session {n}",
            "kind": "talk",
            "starts_at": baku(26, 10),
            "ends_at": baku(26, 11),
            "now": FIXED_NOW,
        }
        values.update(overrides)
        return services.add_session(db, event, **values).session

    return make


# Registration factories.

# The base URL registration mails link to in tests.
BASE_URL = "https://confkit.example"


@pytest.fixture
def open_event_for_registration(
    make_event: Callable[..., Event], db: DbSession
) -> Callable[..., Event]:
    """An event taking registrations at FIXED_NOW: a capacity, a mode and a waiting list."""

    def make(
        capacity: int | None = 2, *, mode: str = "open", waitlist: bool = True, **overrides: Any
    ) -> Event:
        event = make_event(capacity=capacity, **overrides)
        return configure_registration(
            db, event, mode=mode, waitlist_enabled=waitlist, now=FIXED_NOW
        )

    return make


@pytest.fixture
def make_registration(db: DbSession) -> Callable[..., Registration]:
    """A registration made through the public form; confirmed by its owner unless
    ``confirm=False``. ``details`` override the form's fields."""

    def make(
        event: Event,
        *,
        confirm: bool = True,
        now: datetime = FIXED_NOW,
        confirmed_at: datetime | None = None,
        **details: Any,
    ) -> Registration:
        n = next(_counter)
        values: dict[str, Any] = {
            "given_name": f"Given{n}",
            "family_name": f"Family{n}",
            "email": f"person{n}@example.org",
        }
        values.update(details)
        outcome = register(db, event, SignupDetails(**values), base_url=BASE_URL, now=now)
        if confirm:
            confirm_registration(
                db, outcome.registration, base_url=BASE_URL, now=confirmed_at or now
            )
        return outcome.registration

    return make
