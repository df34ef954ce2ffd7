"""The calendar feeds of an event: what each one holds, its bytes, and its validator.

A feed's validator (an ETag and a Last-Modified time) comes from the event's stored change stamp,
so a client polling an unchanged feed can be answered without building it.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from confkit.errors import NotFound
from confkit.formats.ical import DEFAULT_REFRESH, FeedInfo, event_url, render_calendar
from confkit.models import (
    Event,
    Person,
    ProgrammeSession,
    Registration,
    Room,
    SessionRole,
    SessionStatus,
    Track,
    Visibility,
)
from confkit.schedule import build_schedule, get_slot
from confkit.services.checks import is_slug

# Part of every validator: a change to how feeds are rendered must change every ETag.
FEED_FORMAT_VERSION = "1"


@dataclass(frozen=True)
class FeedValidator:
    """What a client can ask "has it changed?" with: a strong ETag and a modification time."""

    etag: str
    last_modified: datetime


def feed_validator(event: Event, *key: object) -> FeedValidator:
    """The validator of one feed of ``event``, told apart from its other feeds by ``key``.

    It changes whenever anything the event's feeds show changes (the event's change stamp) and
    whenever the rendering itself changes; it reads nothing but the event row.
    """
    stamp = event.programme_changed_at
    material = "|".join([FEED_FORMAT_VERSION, str(event.id), stamp.isoformat(), *map(str, key)])
    return FeedValidator(hashlib.sha256(material.encode()).hexdigest()[:32], stamp)


def require_feed(db: DbSession, event: Event, kind: str, key: object = None) -> None:
    """Raise NotFound unless the feed ``kind`` (programme, session, track, room, person) of
    ``event`` exists, in one small query, so a feed that never existed is never "not modified".
    """
    public = (
        (ProgrammeSession.event_id == event.id)
        & (ProgrammeSession.visibility == Visibility.PUBLIC)
        & ProgrammeSession.status.in_([SessionStatus.SCHEDULED, SessionStatus.CANCELLED])
    )
    if kind == "programme":
        return
    if kind == "session":
        found = db.scalar(select(ProgrammeSession.id).where(public, ProgrammeSession.uuid == key))
    elif kind in ("track", "room"):
        model = Track if kind == "track" else Room
        found = (
            db.scalar(select(model.id).where(model.event_id == event.id, model.slug == key))
            if is_slug(key)
            else None
        )
    elif kind == "person":
        found = db.scalar(
            select(SessionRole.id)
            .join(ProgrammeSession, SessionRole.session_id == ProgrammeSession.id)
            .where(public, SessionRole.person_id == key)
            .limit(1)
        )
    else:
        raise ValueError(f"unknown feed kind {kind!r}")
    if found is None:
        raise NotFound(kind, key)


def programme_feed(
    db: DbSession, event: Event, *, base_url: str, refresh: timedelta = DEFAULT_REFRESH
) -> bytes:
    """The whole public programme: scheduled and cancelled public sessions."""
    schedule = build_schedule(db, event)
    info = FeedInfo(
        name=event.name,
        description=f"The programme of {event.name}.",
        url=event_url(event, base_url),
        refresh=refresh,
    )
    return render_calendar(info, schedule.slots, base_url=base_url)


def session_feed(
    db: DbSession,
    event: Event,
    session_uuid: uuid.UUID | str,
    *,
    base_url: str,
    refresh: timedelta = DEFAULT_REFRESH,
) -> bytes:
    """One public session. Raises NotFound for a draft, a closed or an unknown session."""
    slot = get_slot(db, event, session_uuid)
    info = FeedInfo(
        name=f"{slot.title} ({event.name})",
        description=f"{slot.title}, a session of {event.name}.",
        url=event_url(event, base_url) + f"sessions/{slot.session.uuid}",
        refresh=refresh,
    )
    return render_calendar(info, [slot], base_url=base_url)


def track_feed(
    db: DbSession,
    event: Event,
    track_slug: str,
    *,
    base_url: str,
    refresh: timedelta = DEFAULT_REFRESH,
) -> bytes:
    """The public sessions of one track. Raises NotFound for an unknown track."""
    schedule = build_schedule(db, event, track_slug=track_slug)
    assert schedule.track is not None
    info = FeedInfo(
        name=f"{event.name}: {schedule.track.name}",
        description=f"The {schedule.track.name} track of {event.name}.",
        url=event_url(event, base_url) + f"schedule?track={track_slug}",
        refresh=refresh,
    )
    return render_calendar(info, schedule.slots, base_url=base_url)


def room_feed(
    db: DbSession,
    event: Event,
    room_slug: str,
    *,
    base_url: str,
    refresh: timedelta = DEFAULT_REFRESH,
) -> bytes:
    """The public sessions in one room. Raises NotFound for an unknown room."""
    schedule = build_schedule(db, event, room_slug=room_slug)
    room = next((r for r in event.rooms if r.slug == room_slug), None)
    if room is None:
        raise NotFound("room", room_slug)
    info = FeedInfo(
        name=f"{event.name}: {room.name}",
        description=f"The sessions in {room.name} at {event.name}.",
        url=event_url(event, base_url) + "schedule",
        refresh=refresh,
    )
    return render_calendar(info, schedule.slots, base_url=base_url)


def agenda_validator(registration: Registration, *key: object) -> FeedValidator:
    """The validator of an attendee's agenda feed: it changes with the event's programme, with
    the attendee's own choices (which move the registration's ``updated_at``) and with ``key``
    (what else the bytes depend on, such as the base URL)."""
    event = registration.event
    stamp = max(event.programme_changed_at, registration.updated_at)
    parts = [FEED_FORMAT_VERSION, "agenda", str(registration.id), registration.token]
    material = "|".join([*parts, stamp.isoformat(), *map(str, key)])
    return FeedValidator(hashlib.sha256(material.encode()).hexdigest()[:32], stamp)


def agenda_feed(
    db: DbSession,
    registration: Registration,
    *,
    base_url: str,
    refresh: timedelta = DEFAULT_REFRESH,
) -> bytes:
    """An attendee's chosen sessions, with the same UIDs as every other feed of the event, so a
    calendar that also subscribes to the programme shows each session once."""
    event = registration.event
    schedule = build_schedule(db, event, agenda_of=registration.id)
    info = FeedInfo(
        name=f"My agenda: {event.name}",
        description=f"The sessions {registration.person.display_name} chose at {event.name}.",
        url=event_url(event, base_url),
        refresh=refresh,
    )
    return render_calendar(info, schedule.slots, base_url=base_url)


def person_feed(
    db: DbSession,
    event: Event,
    person_id: int,
    *,
    base_url: str,
    refresh: timedelta = DEFAULT_REFRESH,
) -> bytes:
    """The public sessions in which one person speaks, chairs or takes another role.

    Raises NotFound for someone with no role in the public programme.
    """
    schedule = build_schedule(db, event, person_id=person_id)
    person = db.get(Person, person_id)
    if person is None:
        raise NotFound("person", person_id)
    info = FeedInfo(
        name=f"{person.display_name} at {event.name}",
        description=f"The sessions of {person.display_name} at {event.name}.",
        url=event_url(event, base_url) + "speakers",
        refresh=refresh,
    )
    return render_calendar(info, schedule.slots, base_url=base_url)
