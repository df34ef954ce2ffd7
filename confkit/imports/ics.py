"""Import sessions from an iCalendar file: create or update them by UID, through the services.

A UID of the form ``<uuid>@<host>`` (as confkit's own feeds write) keeps its UUID; any other UID
is mapped to a UUID derived from it, so importing the same file again finds the same sessions.
The whole import is one savepoint: a file with any bad event imports nothing, and the error
names the line of each bad event.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Component
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.errors import ConflictError, Problem, ValidationError
from confkit.imports.people import existing_persons, free_slug, split_display_name
from confkit.imports.report import ImportReport
from confkit.models import (
    Event,
    Person,
    ProgrammeSession,
    RoleKind,
    Room,
    SessionKind,
    SessionRole,
    SessionStatus,
    Track,
)
from confkit.services import (
    add_room,
    add_session,
    add_track,
    assign_role,
    create_person,
    remove_role,
    reorder_roles,
    update_session,
)

# Foreign UIDs become UUIDs in this namespace, so they map to the same session every time.
FOREIGN_UID_NAMESPACE = uuid.UUID("0b5e7a52-6d0c-4c55-9b8e-3f3c3d4e0a11")
_ROLE_LINE = re.compile(r"^(Speaker|Chair|Moderator|Panellist|Participant): (.+)$")
_KINDS = {kind.value.capitalize(): kind for kind in SessionKind}


@dataclass
class _Counts:
    """What the import has done so far."""

    sessions: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "updated": 0, "unchanged": 0}
    )
    rooms: int = 0
    tracks: int = 0
    persons: int = 0

    def report(self) -> ImportReport:
        return ImportReport(
            rooms_created=self.rooms,
            tracks_created=self.tracks,
            persons_created=self.persons,
            sessions_created=self.sessions["created"],
            sessions_updated=self.sessions["updated"],
            sessions_unchanged=self.sessions["unchanged"],
        )


@dataclass(frozen=True)
class _Incoming:
    """One VEVENT, read and checked, ready for the services."""

    line: int
    session_uuid: uuid.UUID
    title: str
    abstract: str
    starts_at: datetime
    ends_at: datetime
    room_name: str | None
    track_name: str | None
    kind: SessionKind
    status: SessionStatus
    people: tuple[tuple[RoleKind, str], ...]


def import_ics(
    db: DbSession, event: Event, data: bytes, *, now: datetime | None = None
) -> ImportReport:
    """Create or update the event's sessions from an iCalendar file.

    Raises ValidationError naming the line of every bad event (nothing is imported then).
    """
    stamp = now or clock.now()
    incoming = _read(data, event)
    counts = _Counts()
    problems: list[Problem] = []
    savepoint = db.begin_nested()
    for item in incoming:
        try:
            _apply(db, event, item, counts, stamp)
        except (ValidationError, ConflictError) as error:
            problems += _located(item, error)
    if problems:
        savepoint.rollback()
        raise ValidationError(problems)
    savepoint.commit()
    return counts.report()


def _read(data: bytes, event: Event) -> list[_Incoming]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ValidationError.single(f"line {line}", "is not UTF-8 text") from None
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as error:
        raise ValidationError.single("line 1", f"is not an iCalendar file: {error}") from None
    lines = [n for n, raw in enumerate(text.splitlines(), start=1) if raw.strip() == "BEGIN:VEVENT"]
    vevents = calendar.walk("VEVENT")
    if not vevents:
        raise ValidationError.single("line 1", "the file holds no VEVENT")
    problems: list[Problem] = []
    items = []
    for line, vevent in zip(lines, vevents, strict=False):
        try:
            items.append(_incoming(vevent, line, ZoneInfo(event.timezone)))
        except ValidationError as error:
            problems += error.problems
    seen: dict[uuid.UUID, int] = {}
    for item in items:
        if item.session_uuid in seen:
            problems.append(
                Problem(
                    f"line {item.line}",
                    f"repeats the UID of the event on line {seen[item.session_uuid]}",
                )
            )
        seen[item.session_uuid] = item.line
    if problems:
        raise ValidationError(problems)
    return items


def _incoming(vevent: Component, line: int, zone: ZoneInfo) -> _Incoming:
    where = f"line {line}"
    problems: list[Problem] = [
        Problem(where, f"{name}: {message}") for name, message in vevent.errors
    ]
    uid = str(vevent.get("UID", "")).strip()
    title = str(vevent.get("SUMMARY", "")).strip()
    if not uid:
        problems.append(Problem(where, "UID is missing"))
    if not title:
        problems.append(Problem(where, "SUMMARY is missing"))
    starts_at = _instant(vevent, "DTSTART", zone, where, problems)
    ends_at = _instant(vevent, "DTEND", zone, where, problems)
    if problems:
        raise ValidationError(problems)
    assert starts_at is not None
    assert ends_at is not None
    location = str(vevent.get("LOCATION", "")).strip()
    categories = _categories(vevent)
    kinds = [_KINDS[c] for c in categories if c in _KINDS]
    tracks = [c for c in categories if c not in _KINDS]
    url = str(vevent.get("URL", "")).strip()
    abstract, people = _split_description(str(vevent.get("DESCRIPTION", "")), url)
    cancelled = str(vevent.get("STATUS", "")).upper() == "CANCELLED"
    return _Incoming(
        line=line,
        session_uuid=_session_uuid(uid),
        title=title,
        abstract=abstract,
        starts_at=starts_at,
        ends_at=ends_at,
        room_name=location.split(",")[0].strip() or None,
        track_name=tracks[0] if tracks else None,
        kind=kinds[0] if kinds else SessionKind.TALK,
        status=SessionStatus.CANCELLED if cancelled else SessionStatus.SCHEDULED,
        people=people,
    )


def _instant(
    vevent: Component, name: str, zone: ZoneInfo, where: str, problems: list[Problem]
) -> datetime | None:
    prop = vevent.get(name)
    if prop is None:
        problems.append(Problem(where, f"{name} is missing"))
        return None
    try:
        value = prop.dt
    except (AttributeError, ValueError):
        if not any(error_name == name for error_name, _message in vevent.errors):
            problems.append(Problem(where, f"{name} is not a date and time"))
        return None
    if not isinstance(value, datetime):
        kind = "a whole day" if isinstance(value, date) else "not a date and time"
        problems.append(Problem(where, f"{name} is {kind}; a session needs a start and end time"))
        return None
    # A floating time (no zone) is read in the event's own zone.
    return value if value.utcoffset() is not None else value.replace(tzinfo=zone)


def _categories(vevent: Component) -> list[str]:
    found = vevent.get("CATEGORIES")
    groups = found if isinstance(found, list) else [found] if found is not None else []
    return [str(c).strip() for group in groups for c in getattr(group, "cats", [])]


def _session_uuid(uid: str) -> uuid.UUID:
    head = uid.split("@", 1)[0]
    try:
        return uuid.UUID(head)
    except ValueError:
        return uuid.uuid5(FOREIGN_UID_NAMESPACE, uid)


def _split_description(description: str, url: str) -> tuple[str, tuple[tuple[RoleKind, str], ...]]:
    """The abstract, and the people of confkit's own description layout (role lines)."""
    paragraphs = [p.strip() for p in description.replace("\r\n", "\n").split("\n\n") if p.strip()]
    if paragraphs and url and paragraphs[-1] == url:
        paragraphs.pop()
    people: list[tuple[RoleKind, str]] = []
    if paragraphs:
        lines = paragraphs[-1].splitlines()
        matches = [_ROLE_LINE.match(line) for line in lines]
        if lines and all(matches):
            for match in matches:
                assert match is not None
                name = match.group(2).split(",", 1)[0].strip()
                people.append((RoleKind(match.group(1).lower()), name))
            paragraphs.pop()
    return "\n\n".join(paragraphs), tuple(people)


def _apply(db: DbSession, event: Event, item: _Incoming, counts: _Counts, now: datetime) -> None:
    room = _room(db, event, item.room_name, counts, now) if item.room_name else None
    track = _track(db, event, item.track_name, counts, now) if item.track_name else None
    existing = db.scalar(select(ProgrammeSession).where(ProgrammeSession.uuid == item.session_uuid))
    values: dict[str, Any] = {
        "title": item.title,
        "abstract": item.abstract,
        "starts_at": item.starts_at,
        "ends_at": item.ends_at,
        "room": room,
        "track": track,
        "kind": item.kind,
        "status": item.status,
    }
    if existing is None:
        created = add_session(db, event, uuid=item.session_uuid, now=now, **values).session
        _set_people(db, created, item, counts, now)
        counts.sessions["created"] += 1
        return
    if existing.event_id != event.id:
        raise ValidationError.single("UID", "belongs to a session of another event")
    before = existing.sequence
    update_session(db, existing, now=now, **values)
    _set_people(db, existing, item, counts, now)
    if existing.sequence == before:
        counts.sessions["unchanged"] += 1
    else:
        counts.sessions["updated"] += 1


def _set_people(
    db: DbSession, target: ProgrammeSession, item: _Incoming, counts: _Counts, now: datetime
) -> None:
    wanted = [(role, _person(db, name, counts, now)) for role, name in item.people]
    current = [(r.role, r.person) for r in target.roles]
    if current == wanted:
        return
    for session_role in list(target.roles):
        if (session_role.role, session_role.person) not in wanted:
            remove_role(db, session_role, now=now)
    held = {(r.role, r.person_id) for r in target.roles}
    for role, person in wanted:
        if (role, person.id) not in held:
            assign_role(db, target, person, role, now=now)
    order = {(role, person.id): index for index, (role, person) in enumerate(wanted)}

    def wanted_position(session_role: SessionRole) -> int:
        return order[(session_role.role, session_role.person_id)]

    in_order: list[SessionRole] = sorted(target.roles, key=wanted_position)
    reorder_roles(db, target, in_order, now=now)


def _person(db: DbSession, display_name: str, counts: _Counts, now: datetime) -> Person:
    found = existing_persons(db, [display_name]).get(display_name)
    if found is not None:
        return found
    honorific, given, family = split_display_name(display_name)
    counts.persons += 1
    return create_person(db, honorific=honorific, given_name=given, family_name=family, now=now)


def _room(db: DbSession, event: Event, name: str, counts: _Counts, now: datetime) -> Room:
    found = next((r for r in event.rooms if r.name == name), None)
    if found is not None:
        return found
    counts.rooms += 1
    return add_room(
        db,
        event,
        slug=free_slug(name, {r.slug for r in event.rooms}, fallback="room"),
        name=name,
        now=now,
    )


def _track(db: DbSession, event: Event, name: str, counts: _Counts, now: datetime) -> Track:
    found = next((t for t in event.tracks if t.name == name), None)
    if found is not None:
        return found
    counts.tracks += 1
    return add_track(
        db,
        event,
        slug=free_slug(name, {t.slug for t in event.tracks}, fallback="track"),
        name=name,
        now=now,
    )


def _located(item: _Incoming, error: ValidationError | ConflictError) -> list[Problem]:
    where = f"line {item.line}"
    if isinstance(error, ValidationError):
        return [Problem(where, f"{p.field}: {p.message}") for p in error.problems]
    return [Problem(where, f"clash: {clash}") for clash in error.clashes]
