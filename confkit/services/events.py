"""Organiser services for events and their places: venues, rooms, tracks.

Every function takes the caller's database session, flushes, and never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.errors import NotFound, ValidationError
from confkit.models import Event, RegistrationMode, Room, Track, Venue
from confkit.services.checks import Problems
from confkit.services.common import UNSET, Unset, as_enum, flush, resolve

EVENT_FIELDS = frozenset(
    {
        "slug",
        "name",
        "timezone",
        "starts_on",
        "ends_on",
        "venue",
        "description",
        "languages",
        "capacity",
        "registration_mode",
        "waitlist_enabled",
        "registration_opens_at",
        "registration_closes_at",
    }
)


def get_event(db: DbSession, slug: str) -> Event:
    """The event with that slug. Raises NotFound."""
    event = db.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise NotFound("event", slug)
    return event


def list_events(db: DbSession, *, ending_after: date | None = None) -> Sequence[Event]:
    """Events in date order, optionally only those not over by ``ending_after``."""
    query = select(Event).order_by(Event.starts_on, Event.name)
    if ending_after is not None:
        query = query.where(Event.ends_on >= ending_after)
    return db.scalars(query).all()


def create_event(
    db: DbSession,
    *,
    slug: str,
    name: str,
    timezone: str,
    starts_on: date,
    ends_on: date,
    now: datetime | None = None,
    **details: Any,
) -> Event:
    """Create an event. ``details`` are the other fields of ``update_event``.

    Raises ValidationError listing every problem (bad slug or zone, dates out of order, a slug
    already taken, ...).
    """
    stamp = now or clock.now()
    event = Event(
        slug=slug,
        name=name,
        timezone=timezone,
        starts_on=starts_on,
        ends_on=ends_on,
        description="",
        languages=[],
        registration_mode=RegistrationMode.OPEN,
        waitlist_enabled=True,
        programme_changed_at=stamp,
        created_at=stamp,
        updated_at=stamp,
    )
    _apply_event_fields(db, event, details, creating=True)
    db.add(event)
    flush(db, {"uq_events_slug": "slug"})
    return event


def update_event(
    db: DbSession, event: Event, *, now: datetime | None = None, **changes: Any
) -> Event:
    """Change any of the event's fields (see ``EVENT_FIELDS``). Raises ValidationError."""
    unknown = set(changes) - EVENT_FIELDS
    if unknown:
        raise ValidationError.single(sorted(unknown)[0], "is not a field of an event")
    _apply_event_fields(db, event, changes, creating=False)
    stamp = now or clock.now()
    event.updated_at = stamp
    # Names, zone and dates appear in every feed of the event.
    event.programme_changed_at = stamp
    flush(db, {"uq_events_slug": "slug"})
    return event


def _apply_event_fields(
    db: DbSession, event: Event, values: dict[str, Any], *, creating: bool
) -> None:
    unknown = set(values) - EVENT_FIELDS
    if unknown:
        raise ValidationError.single(sorted(unknown)[0], "is not a field of an event")
    merged = {name: getattr(event, name) for name in EVENT_FIELDS if name != "venue"}
    merged.update({k: v for k, v in values.items() if k != "venue"})
    problems = Problems()
    problems.slug("slug", merged["slug"])
    problems.text("name", merged["name"], max_length=300)
    problems.timezone("timezone", merged["timezone"])
    if not isinstance(merged["starts_on"], date) or isinstance(merged["starts_on"], datetime):
        problems.add("starts_on", "must be a date")
    if not isinstance(merged["ends_on"], date) or isinstance(merged["ends_on"], datetime):
        problems.add("ends_on", "must be a date")
    if (
        "starts_on" not in problems
        and "ends_on" not in problems
        and (merged["ends_on"] < merged["starts_on"])
    ):
        problems.add("ends_on", "is before the first day")
    problems.not_negative("capacity", merged["capacity"])
    opens = merged["registration_opens_at"]
    closes = merged["registration_closes_at"]
    valid_window = problems.aware("registration_opens_at", opens, required=False)
    valid_window &= problems.aware("registration_closes_at", closes, required=False)
    if valid_window and closes <= opens:
        problems.add("registration_closes_at", "must be after registration opens")
    mode = merged["registration_mode"]
    try:
        merged["registration_mode"] = as_enum(RegistrationMode, mode, field="registration_mode")
    except ValidationError as error:
        problems.items.extend(error.problems)
    if not isinstance(merged["languages"], list | tuple):
        problems.add("languages", "must be a list of language codes")
    venue = values.get("venue", UNSET)
    if venue is not UNSET and venue is not None:
        try:
            venue = resolve(db, Venue, venue, field="venue")
        except ValidationError as error:
            problems.items.extend(error.problems)
    slug = merged["slug"]
    if "slug" not in problems and (creating or slug != event.slug):
        taken = db.scalar(select(func.count()).select_from(Event).where(Event.slug == slug))
        if taken:
            problems.add("slug", f"{slug!r} is already taken by another event")
    problems.raise_if_any()
    merged["languages"] = list(merged["languages"])
    for name, value in merged.items():
        setattr(event, name, value)
    if venue is not UNSET:
        event.venue = venue


def create_venue(
    db: DbSession, *, name: str, address: str = "", city: str = "", country: str | None = None
) -> Venue:
    """Create a venue. Raises ValidationError."""
    venue = Venue(name=name, address=address, city=city, country=country)
    _check_venue(venue)
    db.add(venue)
    flush(db)
    return venue


def update_venue(
    db: DbSession,
    venue: Venue,
    *,
    name: str | Unset = UNSET,
    address: str | Unset = UNSET,
    city: str | Unset = UNSET,
    country: str | None | Unset = UNSET,
) -> Venue:
    """Change a venue's details. Raises ValidationError."""
    values = _merge(venue, name=name, address=address, city=city, country=country)
    _check_venue(Venue(**values))
    _apply(venue, values)
    flush(db)
    return venue


def _check_venue(venue: Venue) -> None:
    problems = Problems()
    problems.text("name", venue.name, max_length=300)
    problems.text("city", venue.city, max_length=200, required=False)
    problems.country("country", venue.country)
    problems.raise_if_any()


def add_room(
    db: DbSession,
    event: Event,
    *,
    slug: str,
    name: str,
    capacity: int | None = None,
    position: int | None = None,
    now: datetime | None = None,
) -> Room:
    """Add a room to an event. Raises ValidationError (bad or duplicate slug, negative capacity)."""
    values = {
        "slug": slug,
        "name": name,
        "capacity": capacity,
        "position": _next_position(event.rooms) if position is None else position,
    }
    _check_place(db, Room, event, None, values)
    room = Room(event=event, **values)
    db.add(room)
    event.programme_changed_at = now or clock.now()
    flush(db, {"uq_rooms_event_id_slug": "slug"})
    return room


def update_room(
    db: DbSession,
    room: Room,
    *,
    slug: str | Unset = UNSET,
    name: str | Unset = UNSET,
    capacity: int | None | Unset = UNSET,
    position: int | Unset = UNSET,
    now: datetime | None = None,
) -> Room:
    """Change a room. Raises ValidationError."""
    values = _merge(room, slug=slug, name=name, capacity=capacity, position=position)
    _check_place(db, Room, room.event, room.id, values)
    _apply(room, values)
    room.event.programme_changed_at = now or clock.now()
    flush(db, {"uq_rooms_event_id_slug": "slug"})
    return room


def add_track(
    db: DbSession,
    event: Event,
    *,
    slug: str,
    name: str,
    description: str = "",
    colour: str | None = None,
    position: int | None = None,
    now: datetime | None = None,
) -> Track:
    """Add a track to an event. Raises ValidationError."""
    values = {
        "slug": slug,
        "name": name,
        "description": description,
        "colour": colour,
        "position": _next_position(event.tracks) if position is None else position,
    }
    _check_place(db, Track, event, None, values)
    track = Track(event=event, **values)
    db.add(track)
    event.programme_changed_at = now or clock.now()
    flush(db, {"uq_tracks_event_id_slug": "slug"})
    return track


def update_track(
    db: DbSession,
    track: Track,
    *,
    slug: str | Unset = UNSET,
    name: str | Unset = UNSET,
    description: str | Unset = UNSET,
    colour: str | None | Unset = UNSET,
    position: int | Unset = UNSET,
    now: datetime | None = None,
) -> Track:
    """Change a track. Raises ValidationError."""
    values = _merge(
        track, slug=slug, name=name, description=description, colour=colour, position=position
    )
    _check_place(db, Track, track.event, track.id, values)
    _apply(track, values)
    track.event.programme_changed_at = now or clock.now()
    flush(db, {"uq_tracks_event_id_slug": "slug"})
    return track


def _merge(target: Any, **given: Any) -> dict[str, Any]:
    """The values the object would have after the change: given ones over current ones."""
    return {
        name: getattr(target, name) if value is UNSET else value for name, value in given.items()
    }


def _apply(target: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(target, name, value)


def _next_position(items: Sequence[Room] | Sequence[Track]) -> int:
    return max((item.position for item in items), default=-1) + 1


def _check_place(
    db: DbSession,
    model: type[Room] | type[Track],
    event: Event,
    own_id: int | None,
    values: dict[str, Any],
) -> None:
    problems = Problems()
    problems.slug("slug", values["slug"])
    problems.text("name", values["name"], max_length=200)
    problems.not_negative("capacity", values.get("capacity"))
    colour = values.get("colour")
    if colour is not None and not _is_hex_colour(colour):
        problems.add("colour", "must be a colour like #1f6feb")
    if "slug" not in problems:
        query = select(model.id).where(model.event_id == event.id, model.slug == values["slug"])
        if own_id is not None:
            query = query.where(model.id != own_id)
        with db.no_autoflush:
            if db.scalar(query) is not None:
                problems.add("slug", f"{values['slug']!r} is already used in this event")
    problems.raise_if_any()


def _is_hex_colour(value: str) -> bool:
    return (
        len(value) == 7
        and value[0] == "#"
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    )
