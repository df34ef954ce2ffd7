"""Importing a frab or pretalx ``schedule.xml`` into an event, only through the confkit services.

The file is read in full and checked before anything is written; the changes are then applied
inside a savepoint, which is rolled back if a service refuses one of them. Either way a bad file
changes nothing, and the ``ValidationError`` names the line and element of every problem found.
Committing is the caller's job.

What is matched, and how:
- sessions by guid (the session UUID, iCal UID); a known one is updated, an unknown one added with
  that UUID. Sessions of the event that the file does not list are left alone.
- rooms and tracks by exact name; a missing one is created with a slug made from its name.
  Sessions in the room ``NO_ROOM`` get no room, unless the event has a room of that name.
- persons by exact public name (a frab person id means nothing outside the system that wrote
  it): first the name with honorific, then without; a missing person is created with the name
  split on its last space into given and family name. Everyone listed becomes a speaker, in order.
- a title starting with ``CANCELLED_PREFIX`` marks a cancelled session (see confkit.formats.frab).
- times: ``<date>`` (ISO 8601 with offset) decides; without it, the day's date and ``<start>`` in
  the conference's ``time_zone_name`` (or the event's zone).

Importing the same file again changes nothing: services are called only for what differs.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from xml.parsers import expat
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import joinedload, selectinload

from confkit import clock, services
from confkit.errors import ConflictError, Problem, ValidationError
from confkit.formats.frab import CANCELLED_PREFIX, NO_ROOM
from confkit.imports.people import (
    chunks,
    existing_persons,
    free_slug,
    split_display_name,
)
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
from confkit.services.checks import is_iana_zone, is_slug

_DURATION = re.compile(r"(\d{1,3}):([0-5]\d)(?::([0-5]\d))?\Z")
_CLOCK_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?\Z")
# Session types other systems use, for the kinds confkit knows; anything else is a talk.
_KIND_NAMES = {
    **{kind.value: kind for kind in SessionKind},
    "lecture": SessionKind.TALK,
    "lightning talk": SessionKind.TALK,
    "presentation": SessionKind.TALK,
    "discussion": SessionKind.PANEL,
    "panel discussion": SessionKind.PANEL,
    "podium": SessionKind.PANEL,
    "hands-on": SessionKind.WORKSHOP,
    "tutorial": SessionKind.WORKSHOP,
    "pause": SessionKind.BREAK,
    "coffee break": SessionKind.BREAK,
    "lunch": SessionKind.BREAK,
    "lunch break": SessionKind.BREAK,
}
# The frab element each service field comes from, to name it in an error.
_ELEMENT_OF_FIELD = {
    "title": "title",
    "status": "title",
    "kind": "type",
    "starts_at": "date",
    "ends_at": "duration",
    "room": "room",
    "track": "track",
    "abstract": "abstract",
    "language": "language",
    "uuid": "@guid",
    "person": "persons",
    "role": "persons",
    "roles": "persons",
}
_COLOUR = re.compile(r"#[0-9a-f]{6}\Z")


def import_frab_xml(
    db: DbSession, event: Event, data: bytes, *, now: datetime | None = None
) -> ImportReport:
    """Create or update the event's rooms, tracks, persons and sessions from a schedule.xml.

    Flushes, never commits. Raises ValidationError listing every problem, each field naming the
    line and element ("line 42: <event guid="...">/duration"); the database is then unchanged.
    Clashes the file would cause are reported the same way.
    """
    stamp = now or clock.now()
    programme = _read(_parse(data), event)
    _check_guids_are_free(db, event, programme.sessions)
    db.flush()
    with db.begin_nested():
        return _Importer(db, event, stamp).run(programme)


# Reading the file ---------------------------------------------------------------------------


@dataclass
class _Element:
    """An XML element with the line it starts on (the standard library's trees forget it)."""

    tag: str
    attributes: dict[str, str]
    line: int
    children: list[_Element] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def child(self, tag: str) -> _Element | None:
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> list[_Element]:
        return [c for c in self.children if c.tag == tag]

    def label(self) -> str:
        key = next((k for k in ("guid", "index", "name") if k in self.attributes), None)
        shown = f" {key}={_quoted(self.attributes[key])}" if key is not None else ""
        return f"<{self.tag}{shown}>"


class _Refused(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _parse(data: bytes) -> _Element:
    """The document's root element. Raises ValidationError for anything but well-formed XML.

    Entity declarations are refused outright (they are how XML bombs and external-entity reads
    work, and no schedule needs one); external DTDs and entities are never fetched.
    """
    parser = expat.ParserCreate()
    parser.buffer_text = True
    stack: list[_Element] = []
    roots: list[_Element] = []

    def start(tag: str, attributes: dict[str, str]) -> None:
        element = _Element(tag, attributes, parser.CurrentLineNumber)
        (stack[-1].children if stack else roots).append(element)
        stack.append(element)

    def end(_tag: str) -> None:
        stack.pop()

    def characters(text: str) -> None:
        if stack:
            stack[-1].parts.append(text)

    def entity(*_args: object) -> None:
        raise _Refused(parser.CurrentLineNumber, "declares an XML entity, which is not accepted")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.EntityDeclHandler = entity
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        reason = expat.ErrorString(error.code)
        raise ValidationError.single(
            f"line {error.lineno}", f"is not well-formed XML: {reason} (column {error.offset + 1})"
        ) from None
    except _Refused as refused:
        raise ValidationError.single(f"line {refused.line}", str(refused)) from None
    root = roots[0]
    if root.tag != "schedule":
        raise ValidationError.single(
            f"line {root.line}: {root.label()}", "is not a frab schedule: expected <schedule>"
        )
    return root


@dataclass(frozen=True)
class _Named:
    """A room, track or person name from the file, and where it was first seen."""

    name: str
    where: str


@dataclass(frozen=True)
class _Session:
    line: int
    label: str
    # The line of each child element, to name the right one when a service refuses its value.
    lines: dict[str, int]
    guid: uuid.UUID
    title: str
    cancelled: bool
    kind: SessionKind
    starts_at: datetime
    ends_at: datetime
    room: _Named | None
    track: _Named | None
    language: str | None
    abstract: str
    persons: tuple[_Named, ...]

    @property
    def where(self) -> str:
        return f"line {self.line}: {self.label}"

    def at(self, tag: str) -> str:
        """Where the child element ``tag`` is (or would be): "line 45: <event guid=...>/date"."""
        return f"line {self.lines.get(tag, self.line)}: {self.label}/{tag}"


@dataclass(frozen=True)
class _TrackHint:
    """A track's slug and colour as the file's ``<conference>`` gives them, kept when the track
    is created (track feed URLs contain the slug)."""

    slug: str | None
    colour: str | None


@dataclass(frozen=True)
class _Programme:
    sessions: tuple[_Session, ...]
    tracks: dict[str, _TrackHint]


def _read(root: _Element, event: Event) -> _Programme:
    """Every session the file lists, checked. Raises ValidationError listing every problem."""
    problems: list[Problem] = []
    zone = _zone(root, event, problems)
    sessions: list[_Session] = []
    seen: dict[uuid.UUID, str] = {}
    days = root.all("day")
    if not days:
        problems.append(Problem(f"line {root.line}: {root.label()}/day", "is missing"))
    for day in days:
        day_date, day_start = _day(day, zone, problems)
        for room in day.all("room"):
            for element in room.all("event"):
                found = _session(element, room, day_date, day_start, zone, problems)
                if found is None:
                    continue
                if found.guid in seen:
                    problems.append(
                        Problem(found.at("@guid"), f"is listed twice (first at {seen[found.guid]})")
                    )
                    continue
                seen[found.guid] = f"line {found.line}"
                sessions.append(found)
    if problems:
        raise ValidationError(problems)
    return _Programme(tuple(sessions), _track_hints(root))


def _track_hints(root: _Element) -> dict[str, _TrackHint]:
    conference = root.child("conference")
    hints: dict[str, _TrackHint] = {}
    for track in conference.all("track") if conference is not None else []:
        name = track.attributes.get("name", "").strip() or track.text.strip()
        slug = track.attributes.get("slug", "").strip()
        colour = track.attributes.get("color", "").strip().lower()
        hints.setdefault(
            name,
            _TrackHint(slug if is_slug(slug) else None, colour if _COLOUR.match(colour) else None),
        )
    return hints


def _zone(root: _Element, event: Event, problems: list[Problem]) -> ZoneInfo:
    conference = root.child("conference")
    if conference is None:
        problems.append(Problem(f"line {root.line}: {root.label()}/conference", "is missing"))
        return ZoneInfo(event.timezone)
    element = conference.child("time_zone_name")
    if element is None or not element.text.strip():
        return ZoneInfo(event.timezone)
    name = element.text.strip()
    if not is_iana_zone(name):
        problems.append(
            Problem(
                _at(element, conference),
                f"{name!r} is not an IANA time zone name such as 'Asia/Baku'",
            )
        )
        return ZoneInfo(event.timezone)
    return ZoneInfo(name)


def _day(
    day: _Element, zone: ZoneInfo, problems: list[Problem]
) -> tuple[date | None, datetime | None]:
    """The day's date and start, when given (they are only needed for sessions without
    ``<date>``)."""
    where = f"line {day.line}: {day.label()}"
    start = None
    if "start" in day.attributes:
        start = _instant(day.attributes["start"], zone)
        if start is None:
            problems.append(Problem(f"{where}/@start", _not_an_instant(day.attributes["start"])))
    if "date" in day.attributes:
        try:
            return date.fromisoformat(day.attributes["date"].strip()), start
        except ValueError:
            problems.append(
                Problem(
                    f"{where}/@date", f"{day.attributes['date']!r} is not a date such as 2024-11-26"
                )
            )
            return None, start
    return (start.date() if start is not None else None), start


def _session(
    element: _Element,
    room: _Element,
    day_date: date | None,
    day_start: datetime | None,
    zone: ZoneInfo,
    problems: list[Problem],
) -> _Session | None:
    where = f"line {element.line}: {element.label()}"
    found: list[Problem] = []

    def place(tag: str) -> str:
        child = element.child(tag)
        return _at(child, element) if child is not None else f"{where}/{tag}"

    def text(tag: str, *, required: bool = False) -> str | None:
        child = element.child(tag)
        if child is None:
            if required:
                found.append(Problem(f"{where}/{tag}", "is missing"))
            return None
        return child.text

    guid = None
    try:
        guid = uuid.UUID(element.attributes["guid"].strip())
    except KeyError:
        found.append(Problem(f"{where}/@guid", "is missing"))
    except ValueError:
        found.append(Problem(f"{where}/@guid", "is not a UUID"))
    title = text("title", required=True)
    if title is not None and not title.strip():
        found.append(Problem(place("title"), "is empty"))
    starts_at = _starts_at(element, where, day_date, day_start, zone, found)
    length = _length(element, where, found)
    persons = []
    listed = element.child("persons")
    for person in listed.all("person") if listed is not None else []:
        name = " ".join(person.text.split())
        if not name:
            found.append(Problem(_at(person, element), "has no name"))
        persons.append(_Named(name, f"line {person.line}: {element.label()}/persons"))
    problems += found
    if found or guid is None or title is None or starts_at is None or length is None:
        return None
    cancelled = title.startswith(CANCELLED_PREFIX)
    room_name = (text("room") or "").strip() or room.attributes.get("name", "").strip()
    track_name = (text("track") or "").strip()
    abstract = text("abstract") or ""
    description = text("description") or ""
    if description.strip() and description.strip() != abstract.strip():
        abstract = f"{abstract}\n\n{description}" if abstract.strip() else description
    return _Session(
        line=element.line,
        label=element.label(),
        lines={child.tag: child.line for child in reversed(element.children)},
        guid=guid,
        title=title.removeprefix(CANCELLED_PREFIX) if cancelled else title,
        cancelled=cancelled,
        kind=_KIND_NAMES.get(" ".join((text("type") or "").lower().split()), SessionKind.TALK),
        starts_at=starts_at,
        ends_at=starts_at.astimezone(UTC) + length,
        room=_Named(room_name, place("room")) if room_name else None,
        track=_Named(track_name, place("track")) if track_name else None,
        language=(text("language") or "").strip() or None,
        abstract=abstract,
        persons=tuple(persons),
    )


def _starts_at(
    element: _Element,
    where: str,
    day_date: date | None,
    day_start: datetime | None,
    zone: ZoneInfo,
    problems: list[Problem],
) -> datetime | None:
    given = element.child("date")
    if given is not None and given.text.strip():
        found = _instant(given.text, zone)
        if found is None:
            problems.append(Problem(_at(given, element), _not_an_instant(given.text)))
        return found
    start = element.child("start")
    if start is None or not start.text.strip():
        problems.append(Problem(f"{where}/date", "is missing, and so is <start>"))
        return None
    match = _CLOCK_TIME.match(start.text.strip())
    if match is None:
        problems.append(Problem(_at(start, element), f"{start.text!r} is not a time such as 09:30"))
        return None
    if day_date is None:
        problems.append(Problem(f"{where}/date", "is missing, and the day has no date"))
        return None
    hour, minute, second = (int(part or 0) for part in match.groups())
    clock_time = time(hour, minute, second)
    on_day = day_date
    if day_start is not None and clock_time < day_start.astimezone(zone).time():
        # frab days may run past midnight: a time before the day's start is on the next date.
        on_day += timedelta(days=1)
    return datetime.combine(on_day, clock_time, zone)


def _length(element: _Element, where: str, problems: list[Problem]) -> timedelta | None:
    duration = element.child("duration")
    if duration is None:
        problems.append(Problem(f"{where}/duration", "is missing"))
        return None
    match = _DURATION.match(duration.text.strip())
    if match is None:
        problems.append(
            Problem(_at(duration, element), f"{duration.text!r} is not a duration such as 01:30")
        )
        return None
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    length = timedelta(hours=hours, minutes=minutes, seconds=seconds)
    if not length:
        problems.append(Problem(_at(duration, element), "must be longer than zero"))
        return None
    return length


def _instant(value: str, zone: ZoneInfo) -> datetime | None:
    """An ISO 8601 date and time; one without an offset is read in the conference's zone."""
    try:
        found = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return found if found.tzinfo is not None else found.replace(tzinfo=zone)


def _not_an_instant(value: str) -> str:
    return f"{value!r} is not a date and time such as 2024-11-26T09:30:00+04:00"


def _at(child: _Element, owner: _Element) -> str:
    """Where a child element is: its own line, then the element it belongs to."""
    return f"line {child.line}: {owner.label()}/{child.tag}"


def _quoted(value: str) -> str:
    return '"' + value.replace('"', "&quot;") + '"'


def _check_guids_are_free(db: DbSession, event: Event, sessions: Sequence[_Session]) -> None:
    """Refuse guids another event's sessions already have (UUIDs are global)."""
    by_guid = {s.guid: s for s in sessions}
    taken: set[uuid.UUID] = set()
    for chunk in chunks(list(by_guid)):
        taken.update(
            db.scalars(
                select(ProgrammeSession.uuid).where(
                    ProgrammeSession.uuid.in_(chunk), ProgrammeSession.event_id != event.id
                )
            )
        )
    if taken:
        raise ValidationError(
            Problem(s.at("@guid"), "belongs to a session of another event")
            for s in sessions
            if s.guid in taken
        )


# Applying it --------------------------------------------------------------------------------

_CREATED, _UPDATED, _UNCHANGED = "created", "updated", "unchanged"


class _Importer:
    """Applies a checked programme to an event through the services, collecting problems."""

    def __init__(self, db: DbSession, event: Event, now: datetime) -> None:
        self.db, self.event, self.now = db, event, now
        self.problems: list[Problem] = []
        self.rooms: dict[str, Room] = {}
        self.tracks: dict[str, Track] = {}
        self.persons: dict[str, Person] = {}
        self.created = {"rooms": 0, "tracks": 0, "persons": 0}
        self.outcomes: dict[uuid.UUID, str] = {}
        self.sessions: dict[uuid.UUID, ProgrammeSession] = {}

    def run(self, programme: _Programme) -> ImportReport:
        self._rooms(s.room for s in programme.sessions)
        self._tracks((s.track for s in programme.sessions), programme.tracks)
        self._persons(p for s in programme.sessions for p in s.persons)
        if self.problems:
            raise ValidationError(self.problems)
        self._sessions(programme.sessions)
        if self.problems:
            raise ValidationError(self.problems)
        counts = [self.outcomes.get(s.guid, _UNCHANGED) for s in programme.sessions]
        return ImportReport(
            rooms_created=self.created["rooms"],
            tracks_created=self.created["tracks"],
            persons_created=self.created["persons"],
            sessions_created=counts.count(_CREATED),
            sessions_updated=counts.count(_UPDATED),
            sessions_unchanged=counts.count(_UNCHANGED),
        )

    def _rooms(self, named: Iterable[_Named | None]) -> None:
        existing: dict[str, Room] = {}
        for known in self.event.rooms:
            existing.setdefault(known.name, known)
        slugs = {known.slug for known in self.event.rooms}
        for item in _first_of_each(named):
            if item.name == NO_ROOM and item.name not in existing:
                continue
            room: Room | None = existing.get(item.name)
            if room is None:
                slug = free_slug(item.name, slugs, fallback="room")
                try:
                    room = services.add_room(
                        self.db, self.event, slug=slug, name=item.name, now=self.now
                    )
                except ValidationError as error:
                    self._refused(item, error)
                    continue
                self.created["rooms"] += 1
            self.rooms[item.name] = room

    def _tracks(self, named: Iterable[_Named | None], hints: dict[str, _TrackHint]) -> None:
        existing: dict[str, Track] = {}
        for known in self.event.tracks:
            existing.setdefault(known.name, known)
        slugs = {known.slug for known in self.event.tracks}
        for item in _first_of_each(named):
            track: Track | None = existing.get(item.name)
            if track is None:
                hint = hints.get(item.name, _TrackHint(None, None))
                if hint.slug is not None and hint.slug not in slugs:
                    slug = hint.slug
                    slugs.add(slug)
                else:
                    slug = free_slug(item.name, slugs, fallback="track")
                try:
                    track = services.add_track(
                        self.db,
                        self.event,
                        slug=slug,
                        name=item.name,
                        colour=hint.colour,
                        now=self.now,
                    )
                except ValidationError as error:
                    self._refused(item, error)
                    continue
                self.created["tracks"] += 1
            self.tracks[item.name] = track

    def _persons(self, named: Iterable[_Named]) -> None:
        wanted = _first_of_each(named)
        known = existing_persons(self.db, [item.name for item in wanted])
        for item in wanted:
            person = known.get(item.name)
            if person is None:
                honorific, given, family = split_display_name(item.name)
                try:
                    person = services.create_person(
                        self.db,
                        honorific=honorific,
                        given_name=given,
                        family_name=family,
                        now=self.now,
                    )
                except ValidationError as error:
                    self._refused(item, error)
                    continue
                self.created["persons"] += 1
            self.persons[item.name] = person

    def _sessions(self, sessions: Sequence[_Session]) -> None:
        self.sessions = {
            s.uuid: s
            for s in self.db.scalars(
                select(ProgrammeSession)
                .where(ProgrammeSession.event_id == self.event.id)
                .options(
                    joinedload(ProgrammeSession.room),
                    joinedload(ProgrammeSession.track),
                    selectinload(ProgrammeSession.roles).joinedload(SessionRole.person),
                )
            )
        }
        pending, parked = list(sessions), False
        # A clash may only last until a later session in the file has moved out of the way, so
        # clashing sessions are retried while that makes progress. Sessions that block each
        # other (two swapping rooms) are then parked as drafts, which clash with nothing, and
        # tried again; what still clashes clashes in the file itself.
        while pending:
            clashing: list[tuple[_Session, ConflictError]] = []
            for item in pending:
                try:
                    self._session(item)
                except ConflictError as clash:
                    clashing.append((item, clash))
                except ValidationError as invalid:
                    self.problems += [
                        Problem(item.at(_ELEMENT_OF_FIELD.get(p.field, p.field)), p.message)
                        for p in invalid.problems
                    ]
            stuck = len(clashing) == len(pending)
            if stuck and parked:
                for item, conflict in clashing:
                    self.problems += [
                        Problem(item.where, f"clashes: {clash}") for clash in conflict.clashes
                    ]
                break
            if stuck:
                self._park([item for item, _ in clashing])
                parked = True
            pending = [item for item, _ in clashing]

    def _park(self, items: Sequence[_Session]) -> None:
        for item in items:
            programme_session = self.sessions.get(item.guid)
            if programme_session is None or programme_session.status is SessionStatus.DRAFT:
                continue
            services.update_session(
                self.db, programme_session, status=SessionStatus.DRAFT, now=self.now
            )
            self.outcomes.setdefault(item.guid, _UPDATED)

    def _session(self, item: _Session) -> None:
        """Add or update one session and its people. Raises ValidationError or ConflictError;
        what was done before a clash stays, and a retry does only the rest."""
        room = self.rooms.get(item.room.name) if item.room is not None else None
        values: dict[str, Any] = {
            "title": item.title,
            "kind": item.kind,
            "starts_at": item.starts_at,
            "ends_at": item.ends_at,
            "room": room,
            "track": self.tracks[item.track.name] if item.track is not None else None,
            "abstract": item.abstract,
            "language": item.language,
            "status": SessionStatus.CANCELLED if item.cancelled else SessionStatus.SCHEDULED,
        }
        programme_session = self.sessions.get(item.guid)
        if programme_session is None:
            result = services.add_session(
                self.db, self.event, uuid=item.guid, now=self.now, **values
            )
            programme_session = self.sessions[item.guid] = result.session
            self.outcomes[item.guid] = _CREATED
        else:
            changes = {k: v for k, v in values.items() if getattr(programme_session, k) != v}
            if changes:
                services.update_session(self.db, programme_session, now=self.now, **changes)
                self.outcomes.setdefault(item.guid, _UPDATED)
        if self._people(programme_session, [self.persons[p.name] for p in item.persons]):
            self.outcomes.setdefault(item.guid, _UPDATED)

    def _people(self, programme_session: ProgrammeSession, people: list[Person]) -> bool:
        """Make the listed people the session's people, in order; True if anything changed.

        Roles of people still listed are kept (a chair stays a chair); new people become
        speakers; people no longer listed lose their roles.
        """
        wanted = list({person.id: person for person in people}.values())
        # Someone holding two roles (chair and speaker) is one person in the list.
        current = list(dict.fromkeys(role.person_id for role in programme_session.roles))
        if current == [person.id for person in wanted]:
            return False
        order = {person.id: index for index, person in enumerate(wanted)}
        for role in list(programme_session.roles):
            if role.person_id not in order:
                services.remove_role(self.db, role, now=self.now)
        present = {role.person_id for role in programme_session.roles}
        for person in wanted:
            if person.id not in present:
                services.assign_role(
                    self.db, programme_session, person, RoleKind.SPEAKER, now=self.now
                )
        roles = list(programme_session.roles)
        ordered = sorted(roles, key=lambda role: (order[role.person_id], role.position))
        if ordered != roles:
            services.reorder_roles(self.db, programme_session, ordered, now=self.now)
        return True

    def _refused(self, item: _Named, error: ValidationError) -> None:
        """A room, track or person the services would not create, named as in the file."""
        self.problems += [Problem(item.where, f"{item.name!r}: {p}") for p in error.problems]


def _first_of_each(named: Iterable[_Named | None]) -> list[_Named]:
    firsts: dict[str, _Named] = {}
    for item in named:
        if item is not None:
            firsts.setdefault(item.name, item)
    return list(firsts.values())
