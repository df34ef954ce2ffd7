"""The programme read model: days in the event's zone, rooms in order, people with positions."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection
from sqlalchemy.event import listen, remove
from sqlalchemy.orm import Session as DbSession

from confkit import NotFound, services
from confkit.models import Affiliation, Event, Person, RoleKind, SessionKind, SessionStatus
from confkit.schedule import (
    Schedule,
    build_schedule,
    date_range_label,
    datetime_label,
    day_label,
    get_slot,
    language_name,
    zone_label,
)
from tests.factories import baku

MINISTRY = "Ministry of Foreign Affairs of the Republic of Azerbaijan"
DEPARTMENT = "Military-Political Affairs Department"


@pytest.fixture
def event(make_event: Callable[..., Event]) -> Event:
    return make_event(slug="pfp30-baku")


@pytest.fixture
def mutallimov(db: DbSession, make_person: Callable[..., Person]) -> tuple[Person, Affiliation]:
    """Anar Mutallimov and his position in a department of a ministry."""
    ministry = services.create_organisation(db, name=MINISTRY, kind="government", country="AZ")
    department = services.create_organisation(
        db, name=DEPARTMENT, kind="government", country="AZ", parent=ministry
    )
    person = make_person(given_name="Anar", family_name="Mutallimov")
    position = services.add_affiliation(db, person, department, position_title="Acting Head")
    return person, position


def titles(schedule: Schedule) -> list[str]:
    return [slot.title for slot in schedule.slots]


def test_days_are_dates_in_the_event_zone(db, event, make_session) -> None:
    late = make_session(
        event,
        title="Late",
        starts_at=datetime(2024, 11, 25, 23, 30, tzinfo=UTC),
        ends_at=datetime(2024, 11, 26, 0, 30, tzinfo=UTC),
    )
    early = make_session(event, title="Early", starts_at=baku(25, 9), ends_at=baku(25, 10))

    schedule = build_schedule(db, event)

    assert [day.date for day in schedule.days] == [date(2024, 11, 25), date(2024, 11, 26)]
    assert [s.session for s in schedule.days[0].slots] == [early]
    (slot,) = schedule.days[1].slots
    assert slot.session is late
    assert slot.starts_at == late.starts_at
    assert slot.starts_at.isoformat() == "2024-11-26T03:30:00+04:00"
    assert slot.time_range == "03:30–04:30"


def test_rooms_follow_their_position_and_sessions_without_a_room_come_last(
    db, event, make_room, make_session
) -> None:
    side = make_room(event, name="Side Room", position=2)
    hall = make_room(event, name="Plenary Hall", position=1)
    make_session(event, title="Coffee", starts_at=baku(26, 8), ends_at=baku(26, 9))
    make_session(event, title="Side 2", room=side, starts_at=baku(26, 11), ends_at=baku(26, 12))
    make_session(event, title="Side 1", room=side, starts_at=baku(26, 9), ends_at=baku(26, 10))
    make_session(event, title="Opening", room=hall, starts_at=baku(26, 9), ends_at=baku(26, 10))

    (day,) = build_schedule(db, event).days

    assert [column.room for column in day.rooms] == [hall, side, None]
    assert [[slot.title for slot in column.slots] for column in day.rooms] == [
        ["Opening"],
        ["Side 1", "Side 2"],
        ["Coffee"],
    ]
    assert [slot.title for slot in day.slots] == ["Coffee", "Opening", "Side 1", "Side 2"]


def test_cancelled_sessions_stay_and_are_flagged(db, event, make_session) -> None:
    kept = make_session(event, title="Kept", starts_at=baku(26, 9), ends_at=baku(26, 10))
    dropped = make_session(event, title="Dropped", starts_at=baku(26, 11), ends_at=baku(26, 12))
    services.cancel_session(db, dropped)

    slots = build_schedule(db, event).slots

    assert [(slot.session, slot.cancelled) for slot in slots] == [(kept, False), (dropped, True)]
    assert slots[1].status is SessionStatus.CANCELLED
    assert slots[0].kind is SessionKind.TALK


def test_drafts_and_closed_sessions_are_left_out_unless_asked_for(db, event, make_session) -> None:
    make_session(event, title="Public", starts_at=baku(26, 9), ends_at=baku(26, 10))
    make_session(event, title="Draft", status="draft")
    make_session(
        event, title="Bilateral", visibility="closed", starts_at=baku(25, 15), ends_at=baku(25, 16)
    )

    assert titles(build_schedule(db, event)) == ["Public"]
    assert titles(build_schedule(db, event, include_closed=True)) == ["Bilateral", "Public"]
    assert titles(build_schedule(db, event, include_drafts=True)) == ["Public", "Draft"]
    everything = build_schedule(db, event, include_closed=True, include_drafts=True)
    assert [(s.title, s.closed) for s in everything.slots] == [
        ("Bilateral", True),
        ("Public", False),
        ("Draft", False),
    ]


def test_people_come_in_role_order_with_their_position_and_organisation_chain(
    db, event, make_session, make_person, mutallimov
) -> None:
    person, position = mutallimov
    chair = make_person(honorific="Colonel", given_name="Elchin", family_name="Abdullayev")
    opening = make_session(event, title="Opening")
    speaking = services.assign_role(db, opening, person, "speaker", affiliation=position)
    chairing = services.assign_role(db, opening, chair, RoleKind.CHAIR)
    services.reorder_roles(db, opening, [chairing, speaking])

    (slot,) = build_schedule(db, event).slots

    assert [(h.person, h.role, h.affiliation) for h in slot.people] == [
        (chair, RoleKind.CHAIR, None),
        (person, RoleKind.SPEAKER, f"Acting Head, {DEPARTMENT}, {MINISTRY}"),
    ]
    assert slot.people[1].affiliation == position.label


def test_a_position_without_a_title_is_labelled_by_its_organisation(
    db, event, make_session, make_person
) -> None:
    nato = services.create_organisation(db, name="NATO", kind="international_organisation")
    person = make_person()
    member = services.add_affiliation(db, person, nato)
    session = make_session(event)
    services.assign_role(db, session, person, "participant", affiliation=member)

    (slot,) = build_schedule(db, event).slots

    assert slot.people[0].affiliation == "NATO"


def test_the_track_filter_keeps_one_track(db, event, make_track, make_session) -> None:
    energy = make_track(event, slug="energy-security", name="Energy security")
    history = make_track(event, slug="history", name="History")
    make_session(
        event, title="Pipelines", track=energy, starts_at=baku(26, 9), ends_at=baku(26, 10)
    )
    make_session(event, title="1994", track=history, starts_at=baku(26, 11), ends_at=baku(26, 12))
    make_session(event, title="Lunch", starts_at=baku(26, 12), ends_at=baku(26, 13))

    filtered = build_schedule(db, event, track_slug="energy-security")

    assert titles(filtered) == ["Pipelines"]
    assert filtered.track is energy
    assert filtered.tracks == (energy, history)
    assert filtered.slots[0].track is energy
    assert titles(build_schedule(db, event)) == ["Pipelines", "1994", "Lunch"]


def test_an_unknown_track_is_not_found(db, event, make_event, make_track) -> None:
    make_track(make_event(), slug="elsewhere")

    with pytest.raises(NotFound) as raised:
        build_schedule(db, event, track_slug="elsewhere")

    assert raised.value.kind == "track"


def test_an_event_without_sessions_has_no_days(db, event) -> None:
    schedule = build_schedule(db, event)

    assert schedule.days == ()
    assert schedule.tracks == ()
    assert schedule.track is None


def test_get_slot_finds_a_public_session_by_its_uuid(
    db, event, make_session, make_room, mutallimov
) -> None:
    person, position = mutallimov
    hall = make_room(event, name="Plenary Hall")
    opening = make_session(event, title="Opening", room=hall)
    services.assign_role(db, opening, person, "speaker", affiliation=position)

    slot = get_slot(db, event, str(opening.uuid))

    assert slot.session is opening
    assert slot.room is hall
    assert slot.starts_at.isoformat() == "2024-11-26T10:00:00+04:00"
    assert slot.people[0].affiliation == f"Acting Head, {DEPARTMENT}, {MINISTRY}"
    assert get_slot(db, event, opening.uuid).session is opening


def test_get_slot_does_not_show_what_the_schedule_hides(
    db, event, make_event, make_session
) -> None:
    closed = make_session(event, visibility="closed")
    draft = make_session(event, status="draft")
    elsewhere = make_session(make_event())

    for key in (closed.uuid, draft.uuid, elsewhere.uuid, uuid.uuid4(), "not-a-uuid"):
        with pytest.raises(NotFound):
            get_slot(db, event, key)
    assert get_slot(db, event, closed.uuid, include_closed=True).session is closed
    assert get_slot(db, event, draft.uuid, include_drafts=True).session is draft


@contextmanager
def counting_queries(connection: Connection) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    listen(connection, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        remove(connection, "before_cursor_execute", count)


def add_programme(db: DbSession, make_event, make_room, make_track, n: int) -> str:
    """An event with ``n`` sessions, each with two people in departments two levels deep."""
    event = make_event(starts_on=date(2024, 11, 25), ends_on=date(2024, 11, 27))
    rooms = [make_room(event), make_room(event)]
    tracks = [make_track(event), make_track(event)]
    ministry = services.create_organisation(db, name="Ministry", kind="government")
    for i in range(n):
        department = services.create_organisation(
            db, name=f"Department {i}", kind="government", parent=ministry
        )
        unit = services.create_organisation(
            db, name=f"Unit {i}", kind="government", parent=department
        )
        starts_at = baku(25, 8) + timedelta(minutes=30 * i)
        session = services.add_session(
            db,
            event,
            title=f"Session {i}",
            kind="talk",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=30),
            room=rooms[i % 2] if i % 3 else None,
            track=tracks[i % 2],
            status="cancelled" if i % 4 == 0 else "scheduled",
        ).session
        for role in ("chair", "speaker"):
            person = services.create_person(db, given_name=role, family_name=str(i))
            position = services.add_affiliation(db, person, unit, position_title="Head")
            services.assign_role(db, session, person, role, affiliation=position)
    return event.slug


def read_everything(schedule: Schedule) -> list[object]:
    """Every value a page shows, so any lazy load would be counted."""
    values: list[object] = [schedule.track, [t.name for t in schedule.tracks]]
    for day in schedule.days:
        for column in day.rooms:
            values.append(column.room.name if column.room else None)
            for slot in column.slots:
                values += [slot.title, slot.kind, slot.status, slot.time_range, slot.session.uuid]
                values += [slot.track.name if slot.track else None, slot.session.abstract]
                values += [(h.person.display_name, h.role, h.affiliation) for h in slot.people]
    return values


def test_a_constant_number_of_queries_whatever_the_size_of_the_programme(
    db, connection, make_event, make_room, make_track
) -> None:
    small = add_programme(db, make_event, make_room, make_track, 5)
    large = add_programme(db, make_event, make_room, make_track, 40)
    counts = []
    for slug in (small, large):
        db.expunge_all()  # start cold, as a request does
        event = services.get_event(db, slug)
        with counting_queries(connection) as statements:
            schedule = build_schedule(db, event)
            values = read_everything(schedule)
            filtered = build_schedule(db, event, track_slug=schedule.tracks[0].slug)
        counts.append(len(statements))
        assert "Head, Unit 1, Department 1, Ministry" in str(values)
        assert len(filtered.slots) < len(schedule.slots)

    assert len(build_schedule(db, services.get_event(db, large)).slots) == 40
    assert counts[0] == counts[1]
    # Two programmes, each: tracks, sessions, rooms, roles, people, positions, organisations.
    assert counts[0] <= 14


def test_zone_label_names_the_place_the_zone_and_its_offsets(make_event) -> None:
    # Newfoundland moves to summer time on 10 March 2024, in the middle of this event.
    over_the_change = make_event(
        timezone="America/St_Johns", starts_on=date(2024, 3, 9), ends_on=date(2024, 3, 11)
    )

    assert zone_label(make_event(timezone="Asia/Baku")) == "Baku time (Asia/Baku, UTC+04:00)"
    assert zone_label(over_the_change) == ("St Johns time (America/St_Johns, UTC-03:30, UTC-02:30)")
    assert zone_label(make_event(timezone="UTC")) == "UTC (UTC+00:00)"


@pytest.mark.parametrize(
    ("first", "last", "label"),
    [
        (date(2024, 11, 26), date(2024, 11, 26), "26 November 2024"),
        (date(2024, 11, 25), date(2024, 11, 26), "25–26 November 2024"),
        (date(2024, 11, 30), date(2024, 12, 2), "30 November – 2 December 2024"),
        (date(2024, 12, 30), date(2025, 1, 2), "30 December 2024 – 2 January 2025"),
    ],
)
def test_date_range_label_says_what_both_dates_share_once(
    first: date, last: date, label: str
) -> None:
    assert date_range_label(first, last) == label


def test_day_and_moment_labels() -> None:
    assert day_label(date(2024, 11, 5)) == "Tuesday 5 November 2024"
    assert datetime_label(baku(20, 9)) == "20 November 2024, 09:00"
    assert language_name("az") == "Azerbaijani"
    assert language_name("xx") == "xx"
