"""The frab schedule formats (XML and JSON) that conference apps read: Giggity, ConfClerk,
Fahrplan, c3nav, media.ccc.de.

Pure functions: a ``Schedule`` and a base URL in, bytes out. Like pretalx, one day -> room ->
event structure (``frab_schedule``) is built first and both formats are rendered from it, so they
can never disagree. Both validate against the C3VOC schemas (``schedule.xml.xsd``,
``schedule.schema.json``). Every value comes from the data, never from the clock, so an unchanged
programme renders byte for byte the same.

frab has no status field: a cancelled session stays in the schedule with its title prefixed by
``CANCELLED_PREFIX``, which every app shows as it is (the importer reads the prefix back).
Sessions without a room are listed under a room named ``NO_ROOM``.
"""

from __future__ import annotations

import json
import math
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from confkit.formats.ical import event_url, session_url
from confkit.models import Room
from confkit.schedule import Schedule, ScheduleSlot
from confkit.text import slugify

CANCELLED_PREFIX = "[Cancelled] "
NO_ROOM = "No room"
GENERATOR = "confkit"
JSON_SCHEMA_ID = "https://c3voc.de/schedule/schema.json"
# Fixed forever: room guids are derived from it, and apps keep them.
ROOM_NAMESPACE = uuid.UUID("0b7f4f1e-5d0a-4b8e-9a55-3f0d6c1c2a71")
# Characters XML 1.0 cannot carry at all (TAB, LF and CR can; CR is turned into LF because a
# parser would do the same to a literal CR).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# The schemas' patterns for what apps use as identifiers and grid sizes.
_TRACK_SLUG = re.compile(r"[a-z][a-z0-9-]+\Z")
# The JSON schema's own (loosely anchored) pattern: "Etc/GMT+4" and the like do not pass it.
_JSON_ZONE = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")
_SHORTEST_SLOT, _LONGEST_SLOT = 5, 60


@dataclass(frozen=True)
class FrabPerson:
    """A person in a session: confkit's person id and the name the site shows."""

    id: int
    public_name: str


@dataclass(frozen=True)
class FrabEvent:
    """One session as frab describes it (frab calls a session an "event")."""

    guid: str
    id: int
    date: str
    start: str
    end: str
    duration: str
    room: str
    slug: str
    url: str
    title: str
    subtitle: str
    track: str | None
    type: str
    language: str | None
    abstract: str
    description: str
    persons: tuple[FrabPerson, ...]


@dataclass(frozen=True)
class FrabRoom:
    """A room (or ``NO_ROOM``) with its sessions of one day, in start order."""

    name: str
    guid: str
    slug: str
    events: tuple[FrabEvent, ...]


@dataclass(frozen=True)
class FrabDay:
    """One day of the programme; start and end span its sessions (midnight to midnight when it
    has none)."""

    index: int
    date: str
    start: str
    end: str
    rooms: tuple[FrabRoom, ...]


@dataclass(frozen=True)
class FrabTrack:
    name: str
    slug: str | None
    color: str | None


@dataclass(frozen=True)
class FrabConference:
    acronym: str
    title: str
    start: str
    end: str
    days_count: int
    timeslot_duration: str
    time_zone_name: str
    url: str
    base_url: str
    tracks: tuple[FrabTrack, ...]
    rooms: tuple[FrabRoom, ...]


@dataclass(frozen=True)
class FrabSchedule:
    """Everything both formats show, in the order they show it."""

    version: str
    url: str
    conference: FrabConference
    days: tuple[FrabDay, ...]


def render_frab_xml(schedule: Schedule, *, base_url: str) -> bytes:
    """The programme as frab schedule XML (UTF-8, with an XML declaration)."""
    return frab_xml(frab_schedule(schedule, base_url=base_url))


def render_frab_json(schedule: Schedule, *, base_url: str) -> bytes:
    """The programme as frab schedule JSON (UTF-8)."""
    return frab_json(frab_schedule(schedule, base_url=base_url))


def frab_schedule(schedule: Schedule, *, base_url: str) -> FrabSchedule:
    """The day -> room -> event structure both formats are rendered from."""
    event = schedule.event
    page = event_url(event, base_url)
    acronym = event_acronym(event.slug)
    room_names = _room_names(event.rooms)
    no_room_name = _unique(NO_ROOM, set(room_names.values()))
    day_dates = sorted(
        {
            event.starts_on + timedelta(days=n)
            for n in range((event.ends_on - event.starts_on).days + 1)
        }
        | {day.date for day in schedule.days}
    )
    by_date = {day.date: day for day in schedule.days}
    days: list[FrabDay] = []
    for index, day_date in enumerate(day_dates, start=1):
        rooms: list[FrabRoom] = []
        slots: list[ScheduleSlot] = []
        scheduled = by_date.get(day_date)
        for schedule_room in scheduled.rooms if scheduled is not None else ():
            name = (
                room_names[schedule_room.room.id]
                if schedule_room.room is not None
                else no_room_name
            )
            events = tuple(
                _event(slot, room_name=name, acronym=acronym, base_url=base_url)
                for slot in schedule_room.slots
            )
            rooms.append(_frab_room(event.slug, schedule_room.room, name, events))
            slots += schedule_room.slots
        if slots:
            # Compared as UTC instants: wall-clock times repeat when the clocks go back.
            start = min(slots, key=lambda slot: slot.session.starts_at).starts_at
            end = max(slots, key=lambda slot: slot.session.ends_at).ends_at
        else:
            start = datetime.combine(day_date, time(0), schedule.zone)
            end = datetime.combine(day_date + timedelta(days=1), time(0), schedule.zone)
        days.append(
            FrabDay(index, day_date.isoformat(), _instant(start), _instant(end), tuple(rooms))
        )
    used_no_room = any(room.name == no_room_name for day in days for room in day.rooms)
    conference_rooms = [
        _frab_room(event.slug, room, room_names[room.id], ()) for room in event.rooms
    ]
    if used_no_room:
        conference_rooms.append(_frab_room(event.slug, None, no_room_name, ()))
    conference = FrabConference(
        acronym=acronym,
        title=_text(event.name),
        start=day_dates[0].isoformat(),
        end=day_dates[-1].isoformat(),
        days_count=len(day_dates),
        timeslot_duration=_timeslot(schedule.slots),
        time_zone_name=event.timezone,
        url=page,
        base_url=page,
        tracks=tuple(
            FrabTrack(
                name=_text(track.name),
                slug=track.slug if _TRACK_SLUG.match(track.slug) else None,
                color=track.colour.lower() if track.colour else None,
            )
            for track in schedule.tracks
        ),
        rooms=tuple(conference_rooms),
    )
    return FrabSchedule(
        version=event.programme_changed_at.isoformat(),
        url=f"{page}schedule.xml",
        conference=conference,
        days=tuple(days),
    )


def event_acronym(slug: str) -> str:
    """The frab acronym of an event: its slug with underscores for hyphens, as the JSON
    schema's pattern asks, and at least four characters long."""
    return slug.replace("-", "_").ljust(4, "_")


def frab_xml(data: FrabSchedule) -> bytes:
    """``data`` as schedule XML."""
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", name=GENERATOR)
    _leaf(root, "url", data.url)
    _leaf(root, "version", data.version)
    conference = data.conference
    element = ET.SubElement(root, "conference")
    _leaf(element, "acronym", conference.acronym)
    _leaf(element, "title", conference.title)
    _leaf(element, "start", conference.start)
    _leaf(element, "end", conference.end)
    _leaf(element, "days", str(conference.days_count))
    _leaf(element, "timeslot_duration", conference.timeslot_duration)
    _leaf(element, "base_url", conference.base_url)
    _leaf(element, "url", conference.url)
    _leaf(element, "time_zone_name", conference.time_zone_name)
    for track in conference.tracks:
        attributes = {"name": track.name}
        if track.slug is not None:
            attributes["slug"] = track.slug
        if track.color is not None:
            attributes["color"] = track.color
        ET.SubElement(element, "track", attributes)
    for day in data.days:
        day_element = ET.SubElement(
            root,
            "day",
            {"index": str(day.index), "date": day.date, "start": day.start, "end": day.end},
        )
        for room in day.rooms:
            room_element = ET.SubElement(day_element, "room", name=room.name, guid=room.guid)
            for event in room.events:
                _xml_event(room_element, event)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body.encode("utf-8") + b"\n"


def frab_json(data: FrabSchedule) -> bytes:
    """``data`` as schedule JSON."""
    conference = data.conference
    document: dict[str, Any] = {
        "$schema": JSON_SCHEMA_ID,
        "generator": {"name": GENERATOR},
        "schedule": {
            "version": data.version,
            "base_url": conference.base_url,
            "conference": {
                "acronym": conference.acronym,
                "title": conference.title,
                "start": conference.start,
                "end": conference.end,
                "daysCount": conference.days_count,
                "timeslot_duration": conference.timeslot_duration,
                **(
                    {"time_zone_name": conference.time_zone_name}
                    if _JSON_ZONE.search(conference.time_zone_name)
                    else {}
                ),
                "url": conference.url,
                "tracks": [
                    {
                        "name": track.name,
                        **({"slug": track.slug} if track.slug is not None else {}),
                        **({"color": track.color} if track.color is not None else {}),
                    }
                    for track in conference.tracks
                ],
                "rooms": [
                    {"name": room.name, "slug": room.slug, "guid": room.guid}
                    for room in conference.rooms
                ],
                "days": [
                    {
                        "index": day.index,
                        "date": day.date,
                        "day_start": day.start,
                        "day_end": day.end,
                        "rooms": {
                            room.name: [_json_event(event) for event in room.events]
                            for room in day.rooms
                        },
                    }
                    for day in data.days
                ],
            },
        },
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _event(slot: ScheduleSlot, *, room_name: str, acronym: str, base_url: str) -> FrabEvent:
    programme_session = slot.session
    title = _text(programme_session.title)
    minutes = _minutes(programme_session.ends_at - programme_session.starts_at)
    people: dict[int, FrabPerson] = {}
    for holder in slot.people:  # in role order; someone holding two roles is listed once
        person = holder.person
        people.setdefault(person.id, FrabPerson(person.id, _text(person.display_name)))
    return FrabEvent(
        guid=str(programme_session.uuid),
        id=programme_session.id,
        date=_instant(slot.starts_at),
        start=f"{slot.starts_at:%H:%M}",
        end=_instant(slot.ends_at),
        duration=f"{minutes // 60:02d}:{minutes % 60:02d}",
        room=room_name,
        slug=f"{acronym}-{programme_session.id}-{_title_slug(title)}",
        url=session_url(programme_session, base_url),
        title=f"{CANCELLED_PREFIX}{title}" if slot.cancelled else title,
        subtitle="",
        track=_text(slot.track.name) if slot.track is not None else None,
        type=programme_session.kind.value,
        language=programme_session.language or None,
        abstract=_text(programme_session.abstract),
        description="",
        persons=tuple(people.values()),
    )


def _xml_event(parent: ET.Element, event: FrabEvent) -> None:
    element = ET.SubElement(parent, "event", guid=event.guid, id=str(event.id))
    for name, value in (
        ("date", event.date),
        ("start", event.start),
        ("duration", event.duration),
        ("room", event.room),
        ("slug", event.slug),
        ("url", event.url),
        ("title", event.title),
        ("subtitle", event.subtitle),
        ("track", event.track or ""),
        ("type", event.type),
        ("language", event.language or ""),
        ("abstract", event.abstract),
        ("description", event.description),
    ):
        _leaf(element, name, value)
    persons = ET.SubElement(element, "persons")
    for person in event.persons:
        _leaf(persons, "person", person.public_name, id=str(person.id))
    ET.SubElement(element, "links")
    ET.SubElement(element, "attachments")


def _json_event(event: FrabEvent) -> dict[str, Any]:
    return {
        "guid": event.guid,
        "id": event.id,
        "date": event.date,
        "start": event.start,
        "end": event.end,
        "duration": event.duration,
        "room": event.room,
        "slug": event.slug,
        "url": event.url,
        "title": event.title,
        "subtitle": event.subtitle,
        "track": event.track,
        "type": event.type,
        "language": event.language,
        "abstract": event.abstract,
        "description": event.description,
        "persons": [{"id": p.id, "public_name": p.public_name} for p in event.persons],
        "links": [],
        "attachments": [],
    }


def _leaf(parent: ET.Element, tag: str, text: str, **attributes: str) -> None:
    ET.SubElement(parent, tag, attributes).text = text


def _frab_room(
    event_slug: str, room: Room | None, name: str, events: tuple[FrabEvent, ...]
) -> FrabRoom:
    # A room's guid and slug follow its slug, which stays when the room is renamed.
    key = f"{event_slug}/{room.slug}" if room is not None else f"{event_slug}#no-room"
    slug = room.slug if room is not None else "no-room"
    return FrabRoom(name, str(uuid.uuid5(ROOM_NAMESPACE, key)), slug, events)


def _room_names(rooms: list[Room]) -> dict[int, str]:
    """Each room's name; apps key rooms by name, so a repeated name gets its slug added."""
    names: dict[int, str] = {}
    for room in rooms:
        name = _text(room.name)
        if name in names.values():
            name = _unique(f"{name} ({room.slug})", set(names.values()))
        names[room.id] = name
    return names


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name} ({n})"
    return candidate


def _timeslot(slots: tuple[ScheduleSlot, ...]) -> str:
    """The grid apps draw: the largest step that every start and length fits, 5 to 60 min."""
    step = 0
    for slot in slots:
        local = slot.starts_at
        step = math.gcd(step, local.hour * 60 + local.minute)
        step = math.gcd(step, _minutes(slot.session.ends_at - slot.session.starts_at))
    step = min(max(step or 15, _SHORTEST_SLOT), _LONGEST_SLOT)
    return f"{step // 60:02d}:{step % 60:02d}"


def _minutes(length: timedelta) -> int:
    # From the UTC instants: two times in one zone object subtract as wall-clock times, which is
    # an hour off across a clock change.
    return int(length.total_seconds()) // 60


def _title_slug(title: str) -> str:
    # A title in a script slugify cannot spell ("Зал #1") keeps its digits after a word, so the
    # slug stays long enough for the XML schema's pattern.
    slug = slugify(title, fallback="session", max_length=60)
    return slug if any(c.isalpha() for c in slug) else f"session-{slug}"


def _instant(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _text(value: str) -> str:
    """``value`` as XML can carry it, so XML and JSON say the same."""
    return _NOT_XML.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
