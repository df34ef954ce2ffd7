"""Copies of events kept between requests for the registration form: used without reading the
event, and refused, with nothing written, as soon as the event or one of its questions changed
in any way."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH, MAX_CACHED_STATEMENT_PARAMS
from sqlalchemy import Engine, func, select, update
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session as DbSession

from confkit import ValidationError, services
from confkit.db import Store
from confkit.errors import NotFound
from confkit.models import Event, OutboxMessage, Person, Registration, RegistrationChange
from confkit.services import kept_events
from confkit.services.kept_events import (
    EventKeeper,
    KeptEvent,
    StaleEvent,
    current_fingerprint,
)
from confkit.services.registration_settings import (
    add_question,
    configure_registration,
    remove_question,
    update_question,
)
from confkit.services.signup import (
    NewOrganisation,
    SignupDetails,
    register,
    register_new_address,
)
from tests.factories import BASE_URL, FIXED_NOW
from tests.statements import statements_sent

WRITTEN = (Person, Registration, RegistrationChange, OutboxMessage)


@pytest.fixture(autouse=True)
def only_postgresql(db: DbSession) -> None:
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("fingerprints are made of PostgreSQL's row ids; SQLite keeps no copies")


@pytest.fixture
def event(open_event_for_registration: Callable[..., Event], db: DbSession) -> Event:
    event = open_event_for_registration(capacity=10)
    add_question(db, event, key="diet", label="Diet", kind="short_text")
    db.flush()
    return event


@pytest.fixture
def keeper(store: Store) -> EventKeeper:
    return EventKeeper(store)


@pytest.fixture
def visitor(store: Store) -> Iterator[DbSession]:
    """The session of a visitor's request, which has not read the event yet; ``db`` is the
    organisers'."""
    with store.session() as session:
        yield session


def details(n: int = 1, **overrides: Any) -> SignupDetails:
    values: dict[str, Any] = {
        "given_name": "Aysel",
        "family_name": "Məmmədova",
        "email": f"aysel{n}@example.az",
    }
    values.update(overrides)
    return SignupDetails(**values)


def register_with(db: DbSession, kept: KeptEvent, **overrides: Any) -> Registration | None:
    """Register through the form's one statement, with the copy ``kept``."""
    return register_new_address(
        db,
        kept.event,
        details(**overrides),
        base_url=BASE_URL,
        now=FIXED_NOW,
        fingerprint=kept.fingerprint,
    )


def rows_written(db: DbSession) -> tuple[int, ...]:
    return tuple(db.scalar(select(func.count()).select_from(m)) or 0 for m in WRITTEN)


def test_a_kept_copy_is_used_without_reading_the_event(
    db: DbSession, visitor: DbSession, keeper: EventKeeper, event: Event
) -> None:
    first = keeper.event(visitor, event.slug)
    assert first is not None
    visitor.expunge_all()  # the next request's session

    with statements_sent(visitor.connection()) as sent:
        second = keeper.event(visitor, event.slug)
        assert second is not None
        assert [q.key for q in second.event.questions] == ["diet"]
        assert second.event.name == event.name

    assert sent == []
    assert second.fingerprint == first.fingerprint == current_fingerprint(db, event.id)
    # The event given is the session's own; the copy kept stays out of every session.
    assert second.event in visitor
    assert second.event is not first.event


def test_a_session_holding_the_event_already_gets_no_copy(
    db: DbSession, keeper: EventKeeper, event: Event
) -> None:
    # Merging the copy in would overwrite what the session holds, changes included.
    event.name = "Being renamed"

    assert keeper.event(db, event.slug) is None
    assert event.name == "Being renamed"


def test_registering_with_a_current_copy_takes_one_statement(
    visitor: DbSession, keeper: EventKeeper, event: Event
) -> None:
    keeper.event(visitor, event.slug)
    visitor.expunge_all()
    kept = keeper.event(visitor, event.slug)
    assert kept is not None

    with statements_sent(visitor.connection()) as sent:
        registration = register_with(visitor, kept)
        visitor.flush()

    assert registration is not None
    assert sent == ["WITH new_person AS"]
    assert registration.event is kept.event
    assert visitor.get(Registration, registration.id) is registration


def test_the_statement_that_writes_with_a_copy_stays_within_psycopg_s_parse_cache(
    visitor: DbSession, keeper: EventKeeper, event: Event
) -> None:
    # psycopg re-parses, on every execution, a statement longer or with more parameters than
    # its cache takes: on the form's busiest path that cost a fifth of a request.
    kept = keeper.event(visitor, event.slug)
    assert kept is not None
    seen: list[tuple[str, int]] = []

    def record(*args: Any) -> None:
        seen.append((args[2], len(args[3])))

    bind = visitor.connection()
    sa_event.listen(bind, "before_cursor_execute", record)
    try:
        register_with(visitor, kept)
    finally:
        sa_event.remove(bind, "before_cursor_execute", record)

    [(statement, parameters)] = seen
    assert len(statement) <= MAX_CACHED_STATEMENT_LENGTH
    assert parameters <= MAX_CACHED_STATEMENT_PARAMS


def change_the_event(db: DbSession, event: Event) -> None:
    configure_registration(db, event, consent_text="We keep your name.", now=FIXED_NOW)


def add_a_question(db: DbSession, event: Event) -> None:
    add_question(db, event, key="unit", label="Unit", kind="short_text", required=True)


def change_a_question(db: DbSession, event: Event) -> None:
    update_question(db, event.questions[0], required=True)


def remove_a_question(db: DbSession, event: Event) -> None:
    remove_question(db, event.questions[0])


def rename_the_event_without_the_orm(db: DbSession, event: Event) -> None:
    db.execute(update(Event).where(Event.id == event.id).values(name="Renamed"))


@pytest.mark.parametrize(
    "change",
    [
        change_the_event,
        add_a_question,
        change_a_question,
        remove_a_question,
        rename_the_event_without_the_orm,
    ],
)
def test_any_change_to_the_event_or_its_questions_makes_the_copy_stale(
    db: DbSession,
    visitor: DbSession,
    keeper: EventKeeper,
    event: Event,
    change: Callable[[DbSession, Event], None],
) -> None:
    kept = keeper.event(visitor, event.slug)
    assert kept is not None
    change(db, event)
    db.flush()
    before = rows_written(db)

    with pytest.raises(StaleEvent):
        register_with(visitor, kept)

    assert rows_written(db) == before
    assert current_fingerprint(db, event.id) != kept.fingerprint


def test_a_change_in_the_same_transaction_still_changes_the_fingerprint(
    db: DbSession, event: Event
) -> None:
    # The suite runs in one transaction, as a long organiser's transaction would: xmin stays
    # the same for every write in it, the command id does not.
    before = current_fingerprint(db, event.id)
    db.execute(update(Event).where(Event.id == event.id).values(name="Renamed"))
    after = current_fingerprint(db, event.id)
    db.execute(update(Event).where(Event.id == event.id).values(name="Renamed again"))

    assert len({before, after, current_fingerprint(db, event.id)}) == 3


def test_a_known_address_with_a_stale_copy_is_refused_not_answered(
    db: DbSession, visitor: DbSession, keeper: EventKeeper, event: Event
) -> None:
    register(db, event, details(), base_url=BASE_URL, now=FIXED_NOW)
    kept = keeper.event(visitor, event.slug)
    assert kept is not None
    change_the_event(db, event)
    db.flush()
    before = rows_written(db)

    with pytest.raises(StaleEvent):
        register_with(visitor, kept, consent=True)

    assert rows_written(db) == before


def test_a_known_address_with_a_current_copy_is_left_to_register(
    db: DbSession, visitor: DbSession, keeper: EventKeeper, event: Event
) -> None:
    register(db, event, details(), base_url=BASE_URL, now=FIXED_NOW)
    db.flush()
    kept = keeper.event(visitor, event.slug)
    assert kept is not None
    before = rows_written(db)

    again = register_with(visitor, kept)

    assert again is None
    assert rows_written(db) == before


@pytest.mark.parametrize(
    "other_details",
    [
        {"organisation_id": "organisation"},
        {"new_organisation": NewOrganisation(name="New think tank", kind="think_tank")},
        {"delegation_id": "delegation"},
    ],
)
def test_details_that_store_more_than_the_registration_are_left_to_register(
    db: DbSession,
    visitor: DbSession,
    keeper: EventKeeper,
    event: Event,
    other_details: dict[str, Any],
) -> None:
    ministry = services.create_organisation(db, name="Ministry of Defence", kind="government")
    delegation = services.create_delegation(db, event, name="Azerbaijan", organisation=ministry)
    db.flush()
    ids = {"organisation": ministry.id, "delegation": delegation.id}
    given = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in other_details.items()}
    kept = keeper.event(visitor, event.slug)
    assert kept is not None
    before = rows_written(db)

    registration = register_with(visitor, kept, **given)

    assert registration is None
    assert rows_written(db) == before


def test_a_refusal_from_a_stale_copy_becomes_stale_event(
    db: DbSession, visitor: DbSession, keeper: EventKeeper, event: Event
) -> None:
    kept = keeper.event(visitor, event.slug)
    assert kept is not None
    # The copy says the question is optional; the organisers have just dropped it.
    remove_a_question(db, event)
    db.flush()

    with pytest.raises(StaleEvent):
        register_with(visitor, kept, given_name="")


def test_a_refusal_from_a_current_copy_is_the_refusal(
    db: DbSession, visitor: DbSession, keeper: EventKeeper, event: Event
) -> None:
    kept = keeper.event(visitor, event.slug)
    assert kept is not None

    with pytest.raises(ValidationError) as refused:
        register_with(visitor, kept, given_name="")

    assert refused.value.fields == {"given_name"}


def test_a_change_while_the_copy_is_read_leaves_it_stale(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The organisers commit between the keeper's two reads: the copy then holds the new state
    # under the old fingerprint, and is refused on first use rather than trusted. Real commits
    # from another connection, so on a database of the test's own making, removed afterwards.
    committing = Store(engine)
    slug = f"kept-{secrets.token_hex(4)}"
    with committing.transaction() as organiser:
        services.create_event(
            organiser,
            slug=slug,
            name="Kept",
            timezone="Asia/Baku",
            starts_on=FIXED_NOW.date() + timedelta(days=30),
            ends_on=FIXED_NOW.date() + timedelta(days=30),
            capacity=10,
            now=FIXED_NOW,
        )
    reads = kept_events.get_event

    def read_after_a_change(reader: DbSession, slug: str, **options: Any) -> Event:
        with committing.transaction() as organiser:
            change_the_event(organiser, services.get_event(organiser, slug))
        return reads(reader, slug, **options)

    monkeypatch.setattr(kept_events, "get_event", read_after_a_change)
    try:
        with committing.session() as visitor:
            kept = EventKeeper(committing).event(visitor, slug)
            assert kept is not None
            assert kept.event.consent_text == "We keep your name."
            with pytest.raises(StaleEvent):
                register_with(visitor, kept, consent=True)
            visitor.rollback()
    finally:
        with committing.transaction() as organiser:
            organiser.delete(services.get_event(organiser, slug))


def test_a_forgotten_copy_is_read_again(
    db: DbSession, visitor: DbSession, keeper: EventKeeper, event: Event
) -> None:
    stale = keeper.event(visitor, event.slug)
    assert stale is not None
    change_the_event(db, event)
    db.flush()
    keeper.forget(event.slug)
    visitor.expunge_all()

    fresh = keeper.event(visitor, event.slug)

    assert fresh is not None
    assert fresh.fingerprint == current_fingerprint(db, event.id) != stale.fingerprint
    assert fresh.event.consent_text == "We keep your name."
    registration = register_with(visitor, fresh, consent=True)
    assert registration is not None


def test_the_keeper_keeps_the_most_recently_used_events(
    db: DbSession, visitor: DbSession, store: Store, make_event: Callable[..., Event]
) -> None:
    events = [make_event() for _ in range(3)]
    db.flush()
    keeper = EventKeeper(store, size=2)
    for event in [*events, events[1]]:
        keeper.event(visitor, event.slug)
        visitor.expunge_all()

    with statements_sent(visitor.connection()) as sent:
        keeper.event(visitor, events[1].slug)
        keeper.event(visitor, events[2].slug)
    assert sent == []
    with statements_sent(visitor.connection()) as sent:
        keeper.event(visitor, events[0].slug)
    assert sent != []


def test_an_unknown_event_is_not_found(visitor: DbSession, keeper: EventKeeper) -> None:
    with pytest.raises(NotFound):
        keeper.event(visitor, "no-such-event")
