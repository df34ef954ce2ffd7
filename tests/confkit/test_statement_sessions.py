"""Sessions for work one statement does whole: on PostgreSQL each statement commits as it
runs, with no BEGIN or COMMIT round trip; everywhere else they are ordinary sessions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from confkit import clock, migrate, services
from confkit.db import Store, make_engine
from confkit.models import Event, Registration
from confkit.services.kept_events import EventKeeper
from confkit.services.signup import SignupDetails, register_new_address
from tests.databases import scratch_database
from tests.statements import statements_sent

BASE_URL = "https://confkit.example.org"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A database of the test's own: these sessions commit for real."""
    with scratch_database(tmp_path, "statements") as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine)
            yield engine
        finally:
            engine.dispose()


def open_event(store: Store) -> Event:
    today = clock.now().date()
    with store.transaction() as db:
        return services.create_event(
            db,
            slug="briefing",
            name="Briefing",
            timezone="Asia/Baku",
            starts_on=today + timedelta(days=30),
            ends_on=today + timedelta(days=30),
            capacity=10,
        )


def registrations_seen_elsewhere(engine: Engine) -> int:
    with engine.connect() as other:
        return other.scalar(select(func.count()).select_from(Registration)) or 0


def test_a_new_address_is_stored_by_its_one_statement_before_any_commit(engine: Engine) -> None:
    store = Store(engine)
    event = open_event(store)
    postgresql = engine.dialect.name == "postgresql"
    with store.statement_session() as db:
        kept = EventKeeper(store).event(db, event.slug)
        copy = kept.event if kept is not None else db.get(Event, event.id)
        assert copy is not None
        with statements_sent(engine) as sent:
            registration = register_new_address(
                db,
                copy,
                SignupDetails(given_name="Leyla", family_name="Əliyeva", email="leyla@example.az"),
                base_url=BASE_URL,
                fingerprint=kept.fingerprint if kept is not None else None,
            )
        assert registration is not None
        # Committed by the statement itself on PostgreSQL; an ordinary transaction elsewhere.
        assert registrations_seen_elsewhere(engine) == (1 if postgresql else 0)
        db.commit()

    assert registrations_seen_elsewhere(engine) == 1
    if postgresql:
        # The copy was read by the keeper's own session; one statement wrote everything.
        assert [words.split()[0] for words in sent] == ["WITH"]


def test_an_ordinary_session_of_the_same_store_still_waits_for_its_commit(
    engine: Engine,
) -> None:
    store = Store(engine)
    event = open_event(store)
    with store.session() as db:
        copy = db.get(Event, event.id)
        assert copy is not None
        register_new_address(
            db,
            copy,
            SignupDetails(given_name="Leyla", family_name="Əliyeva", email="leyla@example.az"),
            base_url=BASE_URL,
        )
        assert registrations_seen_elsewhere(engine) == 0
        db.rollback()

    assert registrations_seen_elsewhere(engine) == 0
