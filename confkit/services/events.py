"""Organiser services for events and their places: venues, rooms, tracks.

Every function takes the caller's database session, flushes, and never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import joinedload

from confkit import clock
from confkit.errors import NotFound, ValidationError
from confkit.i18n import N_, Phrase
from confkit.models import (
    Event,
    ProgrammeSession,
    RegistrationMode,
    Room,
    SessionStatus,
    Track,
    Venue,
)
from confkit.services.checks import Problems, as_utc, day_bounds, is_slug
from confkit.services.common import UNSET, Unset, as_enum, resolve, savepoint
from confkit.services.sequence import touch_sessions

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


# Built once: the public pages look an event up on every request.
_EVENT = select(Event).where(Event.slug == bindparam("slug"))
_EVENT_WITH_QUESTIONS = _EVENT.options(joinedload(Event.questions))


def get_event(db: DbSession, slug: str, *, with_questions: bool = False) -> Event:
    """The event with that slug; ``with_questions`` loads its registration questions in the
    same query. Raises NotFound."""
    if not is_slug(slug):
        raise NotFound("event", slug)
    query = _EVENT_WITH_QUESTIONS if with_questions else _EVENT
    event = db.scalars(query, {"slug": slug}).unique().first()
    if event is None:
        raise NotFound("event", slug)
    return event


def list_events(db: DbSession, *, ending_after: date | None = None) -> Sequence[Event]:
    """Events in date order, optionally only those not over by ``ending_after``."""
    query = select(Event).order_by(Event.starts_on, Event.name)
    if ending_after is not None:
        query = query.where(Event.ends_on >= ending_after)
    return db.scalars(query).all()


def upcoming_and_past_events(
    db: DbSession, *, now: datetime, past_limit: int = 10
) -> tuple[list[Event], list[Event]]:
    """Events not yet over at ``now`` in their own zone (soonest first), and the latest past ones.

    An event is over at midnight after its last day in its own time zone.
    """
    # No zone is more than a day from UTC, so the date filter only narrows; the zone decides.
    candidates = list_events(db, ending_after=now.astimezone(UTC).date() - timedelta(days=1))
    upcoming = [e for e in candidates if day_bounds(e.timezone, e.starts_on, e.ends_on)[1] > now]
    upcoming_ids = {e.id for e in upcoming}
    past_query = (
        select(Event)
        .where(Event.id.not_in(upcoming_ids))
        .order_by(Event.starts_on.desc(), Event.name)
        .limit(past_limit)
    )
    return upcoming, list(db.scalars(past_query))


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
    values = _checked_event_fields(db, event, details, creating=True)
    with savepoint(db, {"uq_events_slug": "slug"}):
        _apply(event, values)
        db.add(event)
    return event


def update_event(
    db: DbSession, event: Event, *, now: datetime | None = None, **changes: Any
) -> Event:
    """Change any of the event's fields (see ``EVENT_FIELDS``).

    Raises ValidationError; new dates or a new zone that would leave a scheduled session outside
    the event's days are refused, naming the sessions.
    """
    values = _checked_event_fields(db, event, changes, creating=False)
    stamp = now or clock.now()
    with savepoint(db, {"uq_events_slug": "slug"}):
        if event.id is not None and values["timezone"] != event.timezone:
            # Feeds give every session's times in the event's zone.
            touch_sessions(db, _sessions_where(db, ProgrammeSession.event_id == event.id), stamp)
        _apply(event, values)
        event.updated_at = stamp
        # Names, zone and dates appear in every feed of the event.
        event.programme_changed_at = stamp
    return event


def _checked_event_fields(
    db: DbSession, event: Event, values: dict[str, Any], *, creating: bool
) -> dict[str, Any]:
    """The event's fields after the change, once every rule holds. Raises ValidationError."""
    problems = Problems()
    for unknown in sorted(set(values) - EVENT_FIELDS):
        problems.add(unknown, N_("is not a field of an event"))
    merged = {name: getattr(event, name) for name in EVENT_FIELDS}
    merged.update({k: v for k, v in values.items() if k in EVENT_FIELDS})
    problems.slug("slug", merged["slug"])
    problems.text("name", merged["name"], max_length=300)
    problems.text("description", merged["description"], max_length=50_000, required=False)
    problems.timezone("timezone", merged["timezone"])
    for field in ("starts_on", "ends_on"):
        if not isinstance(merged[field], date) or isinstance(merged[field], datetime):
            problems.add(field, N_("must be a date"))
    dates_valid = "starts_on" not in problems and "ends_on" not in problems
    if dates_valid and merged["ends_on"] < merged["starts_on"]:
        problems.add("ends_on", N_("is before the first day"))
        dates_valid = False
    problems.not_negative("capacity", merged["capacity"])
    opens = merged["registration_opens_at"]
    closes = merged["registration_closes_at"]
    valid_window = problems.aware("registration_opens_at", opens, required=False)
    valid_window &= problems.aware("registration_closes_at", closes, required=False)
    if valid_window and as_utc(closes) <= as_utc(opens):
        problems.add("registration_closes_at", N_("must be after registration opens"))
    merged["registration_mode"] = problems.collect(
        lambda: as_enum(RegistrationMode, merged["registration_mode"], field="registration_mode")
    )
    languages = merged["languages"]
    if not isinstance(languages, list | tuple) or not all(isinstance(x, str) for x in languages):
        problems.add("languages", N_("must be a list of language codes"))
    else:
        merged["languages"] = list(languages)
    if merged["venue"] is not None:
        merged["venue"] = problems.collect(
            lambda: resolve(db, Venue, merged["venue"], field="venue")
        )
    slug = merged["slug"]
    if "slug" not in problems and (creating or slug != event.slug):
        with db.no_autoflush:
            taken = db.scalar(select(func.count()).select_from(Event).where(Event.slug == slug))
        if taken:
            problems.add("slug", N_("%(slug)s is already taken by another event"), slug=repr(slug))
    if not creating and dates_valid and "timezone" not in problems:
        _check_sessions_fit(db, event, merged, problems)
    problems.raise_if_any()
    return merged


def _check_sessions_fit(
    db: DbSession, event: Event, merged: dict[str, Any], problems: Problems
) -> None:
    """Refuse new days or a new zone that would strand scheduled sessions outside the event."""
    if all(merged[k] == getattr(event, k) for k in ("starts_on", "ends_on", "timezone")):
        return
    first, after_last = day_bounds(merged["timezone"], merged["starts_on"], merged["ends_on"])
    with db.no_autoflush:
        outside = db.scalars(
            select(ProgrammeSession.title)
            .where(
                ProgrammeSession.event_id == event.id,
                ProgrammeSession.status == SessionStatus.SCHEDULED,
                (ProgrammeSession.starts_at < first) | (ProgrammeSession.ends_at > after_last),
            )
            .order_by(ProgrammeSession.starts_at)
        ).all()
    if outside:
        problems.add(
            "ends_on" if merged["timezone"] == event.timezone else "timezone",
            N_("would leave scheduled sessions outside the event's days: %(titles)s"),
            titles=some_titles(outside),
        )


def create_venue(
    db: DbSession, *, name: str, address: str = "", city: str = "", country: str | None = None
) -> Venue:
    """Create a venue. Raises ValidationError."""
    venue = Venue(name=name, address=address, city=city, country=country)
    _check_venue(venue)
    with savepoint(db):
        db.add(venue)
    return venue


def update_venue(
    db: DbSession,
    venue: Venue,
    *,
    name: str | Unset = UNSET,
    address: str | Unset = UNSET,
    city: str | Unset = UNSET,
    country: str | None | Unset = UNSET,
    now: datetime | None = None,
) -> Venue:
    """Change a venue's details; a new name or city reaches the sessions of every event there
    (feeds show it as their location). Raises ValidationError."""
    values = _merge(venue, name=name, address=address, city=city, country=country)
    _check_venue(Venue(**values))
    relocated = (values["name"], values["city"]) != (venue.name, venue.city)
    with savepoint(db):
        if relocated:
            at_venue = select(Event.id).where(Event.venue_id == venue.id)
            touch_sessions(db, _sessions_where(db, ProgrammeSession.event_id.in_(at_venue)),
                           now or clock.now())  # fmt: skip
        _apply(venue, values)
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
    with savepoint(db, {"uq_rooms_event_id_slug": "slug"}):
        room = Room(event=event, **values)
        db.add(room)
        event.programme_changed_at = now or clock.now()
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
    stamp = now or clock.now()
    with savepoint(db, {"uq_rooms_event_id_slug": "slug"}):
        if values["name"] != room.name:
            # Feeds show the room's name as the location of its sessions.
            touch_sessions(db, _sessions_where(db, ProgrammeSession.room_id == room.id), stamp)
        _apply(room, values)
        room.event.programme_changed_at = stamp
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
    with savepoint(db, {"uq_tracks_event_id_slug": "slug"}):
        track = Track(event=event, **values)
        db.add(track)
        event.programme_changed_at = now or clock.now()
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
    stamp = now or clock.now()
    with savepoint(db, {"uq_tracks_event_id_slug": "slug"}):
        if values["name"] != track.name:
            # Feeds carry the track's name among a session's categories.
            touch_sessions(db, _sessions_where(db, ProgrammeSession.track_id == track.id), stamp)
        _apply(track, values)
        track.event.programme_changed_at = stamp
    return track


def list_venues(db: DbSession) -> Sequence[Venue]:
    """Every venue, by name then city."""
    return db.scalars(select(Venue).order_by(Venue.name, Venue.city, Venue.id)).all()


def move_room(db: DbSession, room: Room, *, by: int, now: datetime | None = None) -> Room:
    """Move a room ``by`` places in its event's order (negative: earlier), stopping at either
    end; the rooms are numbered 0, 1, 2, ... afterwards."""
    _move(room.event.rooms, room, by)
    room.event.programme_changed_at = now or clock.now()
    db.flush()
    return room


def move_track(db: DbSession, track: Track, *, by: int, now: datetime | None = None) -> Track:
    """Move a track ``by`` places in its event's order (negative: earlier), stopping at either
    end; the tracks are numbered 0, 1, 2, ... afterwards."""
    _move(track.event.tracks, track, by)
    track.event.programme_changed_at = now or clock.now()
    db.flush()
    return track


def remove_room(db: DbSession, room: Room, *, now: datetime | None = None) -> None:
    """Delete a room no session uses, cancelled ones included (they stay published).
    Raises ValidationError (field ``room``) naming the sessions that use it."""
    event = room.event
    try:
        # The database refuses to delete a room a session refers to, even one put there by
        # another transaction a moment ago: that is the check.
        with db.begin_nested():
            db.delete(room)
            db.flush()
    except IntegrityError:
        _refuse_when_used(db, ProgrammeSession.room_id == room.id, "room")
        raise
    db.expire(event, ["rooms"])
    event.programme_changed_at = now or clock.now()
    db.flush()


def remove_track(db: DbSession, track: Track, *, now: datetime | None = None) -> None:
    """Delete a track no session belongs to, cancelled ones included: their feeds name it.
    Raises ValidationError (field ``track``) naming the sessions in it."""
    _refuse_when_used(db, ProgrammeSession.track_id == track.id, "track")
    event = track.event
    with db.begin_nested():
        db.delete(track)
        db.flush()
    db.expire(event, ["tracks"])
    event.programme_changed_at = now or clock.now()
    db.flush()


def _refuse_when_used(db: DbSession, condition: ColumnElement[bool], field: str) -> None:
    titles = db.scalars(
        select(ProgrammeSession.title).where(condition).order_by(ProgrammeSession.starts_at)
    ).all()
    if titles:
        raise ValidationError.single(
            field, N_("is used by sessions: %(titles)s"), titles=some_titles(titles)
        )


def some_titles(titles: Sequence[str], shown: int = 5) -> str | Phrase:
    """The first ``shown`` titles, quoted, and how many more there are."""
    named = ", ".join(f"{title!r}" for title in titles[:shown])
    if len(titles) <= shown:
        return named
    return Phrase(N_("%(titles)s and %(count)s more"), titles=named, count=len(titles) - shown)


def _move(items: Sequence[Room] | Sequence[Track], item: Room | Track, by: int) -> None:
    # By position, not by the list's order, which a move earlier in the transaction left stale.
    ordered: list[Room | Track] = sorted(items, key=lambda each: (each.position, each.id))
    index = ordered.index(item)
    ordered.insert(max(0, min(len(ordered) - 1, index + by)), ordered.pop(index))
    for position, each in enumerate(ordered):
        each.position = position


def _sessions_where(db: DbSession, condition: ColumnElement[bool]) -> list[ProgrammeSession]:
    return list(db.scalars(select(ProgrammeSession).where(condition)))


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
        problems.add("colour", N_("must be a colour like #1f6feb"))
    if "slug" not in problems:
        query = select(model.id).where(model.event_id == event.id, model.slug == values["slug"])
        if own_id is not None:
            query = query.where(model.id != own_id)
        with db.no_autoflush:
            if db.scalar(query) is not None:
                problems.add(
                    "slug", N_("%(slug)s is already used in this event"), slug=repr(values["slug"])
                )
    problems.raise_if_any()


def _is_hex_colour(value: str) -> bool:
    return (
        len(value) == 7
        and value[0] == "#"
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    )
