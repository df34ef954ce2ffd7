"""Events, venues, rooms and tracks through the organiser services."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from confkit import NotFound, Problem, ValidationError, services
from confkit.models import Event, RegistrationMode, Room, Track
from confkit.services.common import savepoint
from confkit.services.events import list_venues, move_room, move_track, remove_room, remove_track
from tests.factories import FIXED_NOW, baku


def test_create_event_stores_every_field(db: DbSession) -> None:
    venue = services.create_venue(db, name="Conference venue", city="Baku", country="AZ")
    event = services.create_event(
        db,
        slug="pfp30",
        name="Azerbaijan and NATO",
        timezone="Asia/Baku",
        starts_on=date(2024, 11, 25),
        ends_on=date(2024, 11, 26),
        venue=venue,
        languages=["en", "az"],
        capacity=200,
        registration_mode="approval",
        now=FIXED_NOW,
    )
    assert services.get_event(db, "pfp30") is event
    assert event.venue is venue
    assert event.registration_mode is RegistrationMode.APPROVAL
    assert event.languages == ["en", "az"]
    assert event.created_at == event.programme_changed_at == FIXED_NOW


def test_every_problem_of_an_event_is_reported_at_once(db: DbSession) -> None:
    with pytest.raises(ValidationError) as raised:
        services.create_event(
            db,
            slug="Not A Slug",
            name=" ",
            timezone="Mars/Olympus_Mons",
            starts_on=date(2024, 11, 26),
            ends_on=date(2024, 11, 25),
            capacity=-1,
            registration_opens_at=datetime(2024, 11, 1, 9, 0),
        )
    assert raised.value.fields == {
        "slug",
        "name",
        "timezone",
        "ends_on",
        "capacity",
        "registration_opens_at",
    }
    assert db.scalar(select(func.count()).select_from(Event)) == 0


@pytest.mark.parametrize(
    "zone",
    [
        "",
        "asia/baku",
        "UTC+4",
        "Europe/Nowhere",
        " Asia/Baku",
        "localtime",
        "Factory",
        "right/UTC",
        "posix/Asia/Baku",
        None,
    ],
)
def test_unknown_time_zones_are_refused(db: DbSession, make_event, zone: str) -> None:
    with pytest.raises(ValidationError) as raised:
        make_event(timezone=zone)
    assert raised.value.fields == {"timezone"}


def test_duplicate_slug_names_the_field_and_keeps_the_first(db: DbSession, make_event) -> None:
    first = make_event(slug="pfp30-baku", name="First")
    with pytest.raises(ValidationError) as raised:
        make_event(slug="pfp30-baku", name="Second")
    assert raised.value.fields == {"slug"}
    assert services.get_event(db, "pfp30-baku").name == first.name == "First"


def test_a_unique_violation_undoes_only_its_own_change(db: DbSession, make_event) -> None:
    # Another transaction may take a slug between the check and the insert: the database
    # refuses it, the caller gets a named error, and the earlier work in the transaction stays.
    make_event(slug="taken")
    earlier = make_event(slug="earlier")
    earlier.name = "Changed before the failure"
    clone = Event(
        slug="taken",
        name="x",
        timezone="UTC",
        starts_on=date(2024, 1, 1),
        ends_on=date(2024, 1, 1),
        description="",
        languages=[],
        programme_changed_at=FIXED_NOW,
        created_at=FIXED_NOW,
        updated_at=FIXED_NOW,
    )
    with pytest.raises(ValidationError) as raised, savepoint(db, {"uq_events_slug": "slug"}):
        db.add(clone)
    assert raised.value.fields == {"slug"}
    db.expire_all()
    assert services.get_event(db, "earlier").name == "Changed before the failure"
    assert db.scalar(select(func.count()).select_from(Event).where(Event.slug == "taken")) == 1
    make_event(slug="after-the-failure")


def test_update_event_validates_the_result_and_moves_the_change_stamp(db, make_event) -> None:
    event = make_event()
    later = datetime(2024, 11, 2, tzinfo=UTC)
    services.update_event(db, event, name="Renamed", timezone="Europe/Brussels", now=later)
    assert (event.name, event.timezone, event.programme_changed_at) == (
        "Renamed",
        "Europe/Brussels",
        later,
    )
    with pytest.raises(ValidationError) as raised:
        services.update_event(db, event, ends_on=date(2020, 1, 1), colour="red", room="x")
    assert raised.value.fields == {"colour", "room", "ends_on"}
    assert event.ends_on == date(2024, 11, 26)


def test_new_dates_or_zone_cannot_strand_scheduled_sessions(db, make_event, make_session) -> None:
    event = make_event(starts_on=date(2024, 11, 25), ends_on=date(2024, 11, 26))
    make_session(event, title="Closing", starts_at=baku(26, 17), ends_at=baku(26, 18))
    with pytest.raises(ValidationError) as raised:
        services.update_event(db, event, ends_on=date(2024, 11, 25))
    (problem,) = raised.value.problems
    assert problem.field == "ends_on"
    assert "'Closing'" in problem.message
    # Kiritimati is ten hours ahead of Baku: 17:00 on the 26th in Baku is 03:00 on the 27th
    # there, after the event's last day in that zone.
    with pytest.raises(ValidationError) as raised:
        services.update_event(db, event, timezone="Pacific/Kiritimati")
    assert raised.value.fields == {"timezone"}
    assert (event.ends_on, event.timezone) == (date(2024, 11, 26), "Asia/Baku")
    services.update_event(db, event, ends_on=date(2024, 11, 27))
    assert event.ends_on == date(2024, 11, 27)


@pytest.mark.parametrize("slug", ["no-such-event", "ev\x00il", "UPPER", "", "a" * 200])
def test_unknown_or_malformed_event_slug_raises_not_found(db: DbSession, slug: str) -> None:
    with pytest.raises(NotFound):
        services.get_event(db, slug)


def test_control_characters_and_wrong_types_are_named(db: DbSession) -> None:
    with pytest.raises(ValidationError) as raised:
        services.create_event(
            db,
            slug="ok",
            name="Null\x00byte",
            timezone="UTC",
            starts_on=date(2024, 1, 1),
            ends_on=date(2024, 1, 1),
            capacity="10",
            languages="en",
        )
    assert raised.value.fields == {"name", "capacity", "languages"}


def test_rooms_and_tracks_keep_their_order_and_unique_slugs(db, make_event) -> None:
    event = make_event()
    hall = services.add_room(db, event, slug="hall", name="Plenary Hall", capacity=200)
    small = services.add_room(db, event, slug="small", name="Meeting Room", capacity=20)
    energy = services.add_track(db, event, slug="energy", name="Energy security", colour="#1f6feb")
    assert [r.slug for r in event.rooms] == ["hall", "small"]
    assert (hall.position, small.position, energy.position) == (0, 1, 0)
    with pytest.raises(ValidationError) as raised:
        services.add_room(db, event, slug="hall", name="Again", capacity=-5)
    assert raised.value.fields == {"slug", "capacity"}
    with pytest.raises(ValidationError) as raised:
        services.add_track(db, event, slug="x", name="X", colour="blue")
    assert raised.value.fields == {"colour"}
    other_event = make_event()
    services.add_room(db, other_event, slug="hall", name="Same slug, other event")
    assert db.scalar(select(func.count()).select_from(Room).where(Room.slug == "hall")) == 2
    assert db.scalar(select(func.count()).select_from(Track)) == 1


def test_update_room_refuses_a_taken_slug_without_changing_the_room(db, make_event) -> None:
    event = make_event()
    services.add_room(db, event, slug="hall", name="Hall")
    small = services.add_room(db, event, slug="small", name="Small")
    with pytest.raises(ValidationError):
        services.update_room(db, small, slug="hall", name="Renamed")
    assert (small.slug, small.name) == ("small", "Small")
    services.update_room(db, small, name="Small room", capacity=12)
    assert (small.name, small.capacity) == ("Small room", 12)


def test_venue_country_must_be_iso(db: DbSession) -> None:
    with pytest.raises(ValidationError) as raised:
        services.create_venue(db, name="Somewhere", country="Azerbaijan")
    assert raised.value.fields == {"country"}
    venue = services.create_venue(db, name="Somewhere", country="AZ")
    with pytest.raises(ValidationError):
        services.update_venue(db, venue, country="XX")
    assert venue.country == "AZ"


def test_events_list_in_date_order(db: DbSession, make_event) -> None:
    later = make_event(starts_on=date(2025, 1, 5), ends_on=date(2025, 1, 6))
    earlier = make_event(starts_on=date(2024, 11, 25), ends_on=date(2024, 11, 26))
    assert list(services.list_events(db)) == [earlier, later]
    assert list(services.list_events(db, ending_after=date(2024, 12, 1))) == [later]


def test_venues_are_listed_by_name(db: DbSession) -> None:
    later = services.create_venue(db, name="Zeynalabdin Taghiyev Centre", city="Baku")
    earlier = services.create_venue(db, name="Baku Congress Centre", city="Baku")

    assert list(list_venues(db)) == [earlier, later]


def test_rooms_and_tracks_move_within_their_event_and_renumber(db, make_event) -> None:
    event = make_event()
    hall, small, annex = (services.add_room(db, event, slug=s, name=s) for s in ("a", "b", "c"))
    other = services.add_room(db, make_event(), slug="other", name="Other", position=7)
    later = datetime(2024, 11, 2, tzinfo=UTC)

    move_room(db, annex, by=-1, now=later)
    move_room(db, annex, by=-5)  # stops at the top
    move_room(db, small, by=1)

    db.expire_all()
    assert [r.slug for r in event.rooms] == ["c", "a", "b"]
    assert [r.position for r in event.rooms] == [0, 1, 2]
    assert other.position == 7
    assert event.programme_changed_at > FIXED_NOW
    assert hall.position == 1

    energy, grids = (services.add_track(db, event, slug=s, name=s) for s in ("energy", "grids"))
    move_track(db, grids, by=-1)
    move_track(db, grids, by=-1)
    db.expire_all()
    assert [t.slug for t in event.tracks] == ["grids", "energy"]
    assert energy.position == 1


def test_an_unused_room_or_track_is_removed(db, make_event) -> None:
    event = make_event()
    room = services.add_room(db, event, slug="hall", name="Hall")
    track = services.add_track(db, event, slug="energy", name="Energy")
    kept = services.add_room(db, event, slug="kept", name="Kept")
    later = datetime(2024, 11, 2, tzinfo=UTC)

    remove_room(db, room, now=later)
    remove_track(db, track, now=later)

    assert [r.slug for r in event.rooms] == ["kept"]
    assert event.tracks == []
    assert event.programme_changed_at == later
    assert db.scalar(select(func.count()).select_from(Room).where(Room.id == kept.id)) == 1


def test_a_room_or_track_in_use_is_kept_and_names_its_sessions(
    db, make_event, make_session
) -> None:
    event = make_event()
    room = services.add_room(db, event, slug="hall", name="Hall")
    track = services.add_track(db, event, slug="energy", name="Energy")
    opening = make_session(event, title="Opening", room=room, track=track)
    services.cancel_session(db, opening)

    with pytest.raises(ValidationError) as raised:
        remove_room(db, room)
    assert raised.value.problems == [Problem("room", "is used by sessions: 'Opening'")]
    with pytest.raises(ValidationError) as raised:
        remove_track(db, track)
    assert raised.value.fields == {"track"}

    db.expire_all()
    assert [r.slug for r in event.rooms] == ["hall"]
    assert [t.slug for t in event.tracks] == ["energy"]
    assert opening.room_id == room.id
