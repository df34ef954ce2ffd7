"""Reading the audit log: an event's changes merged with its registrations' history, newest
first, filtered and paged, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Connection
from sqlalchemy.orm import Session as DbSession

from confkit import ValidationError, clock, services
from confkit.auditing import Actor, acting_as
from confkit.models import AuditAction, AuditEntry, Event, Registration
from confkit.services.audit import event_timeline, full_timeline
from confkit.services.registration_actions import apply_action
from tests.confkit.test_schedule import counting_queries
from tests.factories import BASE_URL, FIXED_NOW

ALICE = Actor("user:alice@example.org")


class Ticking:
    """A clock that moves a minute at every reading, so every change has its own instant."""

    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture(autouse=True)
def ticking(monkeypatch: pytest.MonkeyPatch) -> Ticking:
    clock_ = Ticking()
    monkeypatch.setattr(clock, "now", clock_)
    return clock_


@pytest.fixture
def forum(open_event_for_registration: Callable[..., Event]) -> Event:
    return open_event_for_registration(capacity=10, mode="approval", slug="forum")


def test_the_events_changes_and_its_registrations_history_in_one_list_newest_first(
    db: DbSession,
    forum: Event,
    make_event: Callable[..., Event],
    make_registration: Callable[..., Registration],
) -> None:
    other = make_event(slug="other")
    services.add_room(db, other, slug="elsewhere", name="Elsewhere")
    registration = make_registration(forum, given_name="Aynur", family_name="Məmmədova")
    with acting_as(db, ALICE):
        services.add_room(db, forum, slug="hall", name="Main hall")
    apply_action(
        db, forum, [registration.id], "approve", actor="organiser:alice@example.org",
        base_url=BASE_URL,
    )  # fmt: skip

    timeline = event_timeline(db, forum)

    shown = [(i.entity_type, i.action, i.actor, i.label) for i in timeline.items]
    # The registration was made at the factories' fixed instant, before the clock ticked on.
    assert shown == [
        ("registration", "approve", "organiser:alice@example.org", "Aynur Məmmədova"),
        ("room", "created", "user:alice@example.org", "Main hall"),
        ("event", "updated", "system", forum.name),
        ("event", "created", "system", forum.name),
        ("registration", "confirm", "attendee", "Aynur Məmmədova"),
        ("registration", "register", "attendee", "Aynur Məmmədova"),
    ]
    assert timeline.items[0].changes == {"status": ["awaiting_approval", "confirmed"]}
    assert timeline.items[0].entity_id == registration.id
    assert timeline.items[2].changes == {"registration_mode": ["open", "approval"]}
    assert [i.at for i in timeline.items] == sorted((i.at for i in timeline.items), reverse=True)
    assert all(i.event is not None and i.event.slug == "forum" for i in timeline.items)
    assert "Elsewhere" not in {i.label for i in timeline.items}
    assert timeline.total == len(timeline.items)
    assert (timeline.page, timeline.pages) == (1, 1)


def test_filters_by_what_and_by_who(
    db: DbSession, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    make_registration(forum)
    with acting_as(db, ALICE):
        services.add_room(db, forum, slug="hall", name="Main hall")
        services.add_track(db, forum, slug="gas", name="Gas")

    rooms = event_timeline(db, forum, entity_type="room")
    registrations = event_timeline(db, forum, entity_type="registration")
    alices = event_timeline(db, forum, actor="ALICE@example")
    nobody = event_timeline(db, forum, actor="%")

    assert [i.label for i in rooms.items] == ["Main hall"]
    assert {i.entity_type for i in registrations.items} == {"registration"}
    assert [i.label for i in alices.items] == ["Gas", "Main hall"]
    # The text is matched as given: no wildcard of the database's.
    assert nobody.items == []


def test_pages_of_a_given_size(db: DbSession, forum: Event) -> None:
    for n in range(5):
        services.add_track(db, forum, slug=f"track-{n}", name=f"Track {n}")

    first = event_timeline(db, forum, entity_type="track", page_size=2)
    last = event_timeline(db, forum, entity_type="track", page=3, page_size=2)

    assert (first.total, first.pages) == (5, 3)
    assert [i.label for i in first.items] == ["Track 4", "Track 3"]
    assert [i.label for i in last.items] == ["Track 0"]


@pytest.mark.parametrize(
    ("arguments", "fields"),
    [
        ({"page": 0}, {"page"}),
        ({"page": 2}, {"page"}),
        ({"entity_type": "registrations"}, {"type"}),
        ({"actor": "x" * 201}, {"actor"}),
    ],
)
def test_a_page_or_filter_that_does_not_exist_is_refused(
    db: DbSession, forum: Event, arguments: dict[str, object], fields: set[str]
) -> None:
    with pytest.raises(ValidationError) as raised:
        event_timeline(db, forum, **arguments)  # type: ignore[arg-type]

    assert raised.value.fields == fields


def test_an_empty_timeline_has_one_empty_page(db: DbSession, forum: Event) -> None:
    timeline = event_timeline(db, forum, entity_type="person")

    assert (timeline.items, timeline.page, timeline.pages, timeline.total) == ([], 1, 1, 0)


def test_everything_also_holds_changes_tied_to_no_event_and_to_deleted_events(
    db: DbSession, forum: Event, make_event: Callable[..., Event]
) -> None:
    person = services.create_person(db, given_name="Burcu", family_name="San")
    gone = make_event(slug="gone", name="Cancelled forum")
    gone_id = gone.id
    db.delete(gone)
    db.flush()

    items = full_timeline(db).items

    deleted = items[0]
    assert (deleted.entity_type, deleted.action, deleted.label) == (
        "event",
        "deleted",
        "Cancelled forum",
    )
    # The event is gone: its entries keep its id, and no name can be looked up any more.
    assert deleted.event is not None
    assert (deleted.entity_id, deleted.event.id, deleted.event.name) == (gone_id, gone_id, None)
    created = next(i for i in items if i.entity_type == "event" and i.label == "Cancelled forum")
    assert created.event is not None
    assert (created.event.id, created.event.name) == (gone_id, None)
    by_person = next(i for i in items if i.entity_type == "person")
    assert (by_person.entity_id, by_person.event) == (person.id, None)
    assert any(i.event is not None and i.event.name == forum.name for i in items)


def test_an_event_does_not_inherit_the_trail_of_a_deleted_event_with_its_id(
    db: DbSession, forum: Event
) -> None:
    # SQLite gives the id of a deleted last row to the next one: entries written before the
    # deletion of an event with this id belong to that earlier event.
    earlier = FIXED_NOW - timedelta(days=30)
    for entry_id, action, entity_type in [
        (-3, AuditAction.CREATED, "room"),
        (-2, AuditAction.DELETED, "event"),
    ]:
        db.add(
            AuditEntry(
                id=entry_id, at=earlier, actor="system", event_id=forum.id,
                entity_type=entity_type, entity_id=forum.id, label="Earlier event",
                action=action, changes={},
            )
        )  # fmt: skip
    db.flush()

    labels = {i.label for i in event_timeline(db, forum).items}

    assert "Earlier event" not in labels
    assert forum.name in labels


def test_the_number_of_queries_does_not_grow_with_the_page(
    db: DbSession,
    connection: Connection,
    forum: Event,
    make_registration: Callable[..., Registration],
) -> None:
    make_registration(forum)
    db.flush()
    with counting_queries(connection) as few:
        event_timeline(db, forum)
        full_timeline(db)
    for n in range(10):
        make_registration(forum)
        services.add_track(db, forum, slug=f"track-{n}", name=f"Track {n}")
    services.create_person(db, given_name="Burcu", family_name="San")
    db.flush()

    with counting_queries(connection) as many:
        timeline = event_timeline(db, forum)
        everything = full_timeline(db)

    assert timeline.total > 30
    assert everything.total > timeline.total
    assert len(many) == len(few) <= 10
