"""An event's programme as people read it: days in the event's zone, then rooms, then sessions.

The read model behind the public schedule and session pages (and anything else that shows the
programme, such as a printed timetable). It is built with a fixed handful of queries whatever the
size of the programme (SQLAlchemy reads the roles of up to 500 sessions per query), and holds
times already converted to the event's time zone.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session as DbSession

from confkit.errors import NotFound
from confkit.models import (
    Affiliation,
    AgendaEntry,
    Event,
    Person,
    ProgrammeSession,
    RoleKind,
    Room,
    SessionKind,
    SessionRole,
    SessionStatus,
    Track,
    Visibility,
)
from confkit.organisation_names import organisation_full_names

# Names for the language codes events commonly use; any other code is shown as it is.
LANGUAGE_NAMES = {
    "az": "Azerbaijani",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "ka": "Georgian",
    "ru": "Russian",
    "tr": "Turkish",
    "uk": "Ukrainian",
}


@dataclass(frozen=True)
class RoleHolder:
    """A person's part in a session: the role, and the position they hold it in, if any."""

    person: Person
    role: RoleKind
    affiliation: str | None


@dataclass(frozen=True)
class ScheduleSlot:
    """One session with its times in the event's zone, its place and its people in order."""

    session: ProgrammeSession
    starts_at: datetime
    ends_at: datetime
    room: Room | None
    track: Track | None
    people: tuple[RoleHolder, ...]

    @property
    def title(self) -> str:
        return self.session.title

    @property
    def kind(self) -> SessionKind:
        return self.session.kind

    @property
    def status(self) -> SessionStatus:
        return self.session.status

    @property
    def cancelled(self) -> bool:
        return self.session.status is SessionStatus.CANCELLED

    @property
    def closed(self) -> bool:
        return self.session.visibility is Visibility.CLOSED

    @property
    def time_range(self) -> str:
        """Local start and end, "09:30–10:30"."""
        return f"{self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


@dataclass(frozen=True)
class ScheduleRoom:
    """The sessions of one day in one room; ``room`` is None for sessions without a room."""

    room: Room | None
    slots: tuple[ScheduleSlot, ...]


@dataclass(frozen=True)
class ScheduleDay:
    """One day of the programme (a date in the event's zone) with its rooms in order."""

    date: date
    rooms: tuple[ScheduleRoom, ...]

    @property
    def slots(self) -> tuple[ScheduleSlot, ...]:
        """Every session of the day, in start order."""
        return tuple(sorted((s for r in self.rooms for s in r.slots), key=_slot_order))


@dataclass(frozen=True)
class Schedule:
    """An event's programme by day, then room, then start time, possibly for one track only."""

    event: Event
    zone: ZoneInfo
    days: tuple[ScheduleDay, ...]
    tracks: tuple[Track, ...]
    track: Track | None = None

    @property
    def slots(self) -> tuple[ScheduleSlot, ...]:
        """Every session shown, day by day in start order."""
        return tuple(slot for day in self.days for slot in day.slots)


def build_schedule(
    db: DbSession,
    event: Event,
    *,
    include_closed: bool = False,
    include_drafts: bool = False,
    track_slug: str | None = None,
    room_slug: str | None = None,
    person_id: int | None = None,
    agenda_of: int | None = None,
) -> Schedule:
    """The event's programme: scheduled and cancelled public sessions unless told otherwise.

    ``track_slug``, ``room_slug`` and ``person_id`` keep only the sessions of that track, in that
    room, or with that person in a role; ``agenda_of`` (a registration id) keeps the sessions on
    that attendee's agenda. Raises NotFound for a track or room the event does not
    have, or a person who holds no role in the sessions shown.
    """
    tracks = tuple(
        db.scalars(
            select(Track).where(Track.event_id == event.id).order_by(Track.position, Track.id)
        )
    )
    track = None
    if track_slug is not None:
        track = next((t for t in tracks if t.slug == track_slug), None)
        if track is None:
            raise NotFound("track", track_slug)
    query = _sessions_query(event, include_closed=include_closed, include_drafts=include_drafts)
    if track is not None:
        query = query.where(ProgrammeSession.track_id == track.id)
    if room_slug is not None:
        room_id = db.scalar(
            select(Room.id).where(Room.event_id == event.id, Room.slug == room_slug)
        )
        if room_id is None:
            raise NotFound("room", room_slug)
        query = query.where(ProgrammeSession.room_id == room_id)
    if person_id is not None:
        holding = select(SessionRole.session_id).where(SessionRole.person_id == person_id)
        query = query.where(ProgrammeSession.id.in_(holding))
    if agenda_of is not None:
        chosen = select(AgendaEntry.session_id).where(AgendaEntry.registration_id == agenda_of)
        query = query.where(ProgrammeSession.id.in_(chosen))
    zone = event_zone(event)
    sessions = db.scalars(query).all()
    if person_id is not None and not sessions:
        raise NotFound("person", person_id)
    slots = _slots(db, sessions, zone, {t.id: t for t in tracks})
    return Schedule(event=event, zone=zone, days=_days(slots), tracks=tracks, track=track)


def get_slot(
    db: DbSession,
    event: Event,
    session_uuid: uuid.UUID | str,
    *,
    include_closed: bool = False,
    include_drafts: bool = False,
) -> ScheduleSlot:
    """One session of the event as the schedule shows it. Raises NotFound, also for a session
    the schedule would not show (a draft, or a closed one unless ``include_closed``)."""
    try:
        key = session_uuid if isinstance(session_uuid, uuid.UUID) else uuid.UUID(session_uuid)
    except ValueError:
        raise NotFound("session", session_uuid) from None
    query = _sessions_query(event, include_closed=include_closed, include_drafts=include_drafts)
    found = db.scalars(query.where(ProgrammeSession.uuid == key)).first()
    if found is None:
        raise NotFound("session", session_uuid)
    return _slots(db, [found], event_zone(event))[0]


def event_zone(event: Event) -> ZoneInfo:
    """The event's time zone."""
    return ZoneInfo(event.timezone)


def zone_label(event: Event) -> str:
    """The event's zone for people: "Baku time (Asia/Baku, UTC+04:00)".

    Every offset the zone has on the event's days is listed, so a change to or from summer time
    during the event shows.
    """
    offsets = zone_offsets(event)
    name = event.timezone
    if "/" not in name:  # "UTC", "CET": the name already says what it is
        return f"{name} ({', '.join(offsets)})"
    place = name.rsplit("/", 1)[-1].replace("_", " ")
    return f"{place} time ({', '.join([name, *offsets])})"


def zone_offsets(event: Event) -> list[str]:
    """Every UTC offset the event's zone has at noon on its days, in order: ["UTC+04:00"]."""
    zone = event_zone(event)
    offsets: list[str] = []
    day = event.starts_on
    while day <= event.ends_on:
        offset = _offset_label(datetime.combine(day, time(12), zone))
        if offset not in offsets:
            offsets.append(offset)
        day += timedelta(days=1)
    return offsets


def date_label(day: date) -> str:
    """A date for people: "26 November 2024"."""
    return f"{day.day} {day:%B %Y}"


def day_label(day: date) -> str:
    """A day heading: "Tuesday 26 November 2024"."""
    return f"{day:%A} {date_label(day)}"


def date_range_label(first: date, last: date) -> str:
    """Two dates with what they share said once: "25–26 November 2024"."""
    if first == last:
        return date_label(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{date_label(last)}"
    if first.year == last.year:
        return f"{first.day} {first:%B} – {date_label(last)}"
    return f"{date_label(first)} – {date_label(last)}"


def datetime_label(moment: datetime) -> str:
    """A date and time in the instant's own zone: "20 November 2024, 09:00"."""
    return f"{date_label(moment.date())}, {moment:%H:%M}"


def language_name(code: str) -> str:
    """The English name of a language code, or the code itself if it is not a common one."""
    return LANGUAGE_NAMES.get(code.lower(), code)


def _sessions_query(
    event: Event, *, include_closed: bool, include_drafts: bool
) -> Select[ProgrammeSession]:
    statuses = [SessionStatus.SCHEDULED, SessionStatus.CANCELLED]
    if include_drafts:
        statuses.append(SessionStatus.DRAFT)
    query = (
        select(ProgrammeSession)
        .where(ProgrammeSession.event_id == event.id, ProgrammeSession.status.in_(statuses))
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.ends_at, ProgrammeSession.id)
    )
    if not include_closed:
        query = query.where(ProgrammeSession.visibility == Visibility.PUBLIC)
    return query


def _slots(
    db: DbSession,
    sessions: Sequence[ProgrammeSession],
    zone: ZoneInfo,
    tracks: dict[int, Track] | None = None,
) -> list[ScheduleSlot]:
    """The sessions with their places and people, read in a fixed number of queries.

    Rows are read as plain columns where no object is needed: building thousands of ORM objects
    and relationships would cost more than everything else the feeds and pages do.
    """
    if not sessions:
        return []
    event_ids = {s.event_id for s in sessions}
    rooms = {r.id: r for r in db.scalars(select(Room).where(Room.event_id.in_(event_ids)))}
    if tracks is None:
        tracks = {t.id: t for t in db.scalars(select(Track).where(Track.event_id.in_(event_ids)))}
    people = _people_by_session(db, sessions)
    return [
        ScheduleSlot(
            session=programme_session,
            starts_at=programme_session.starts_at.astimezone(zone),
            ends_at=programme_session.ends_at.astimezone(zone),
            room=rooms.get(programme_session.room_id) if programme_session.room_id else None,
            track=tracks.get(programme_session.track_id) if programme_session.track_id else None,
            people=people.get(programme_session.id, ()),
        )
        for programme_session in sessions
    ]


def _people_by_session(
    db: DbSession, sessions: Sequence[ProgrammeSession]
) -> dict[int, tuple[RoleHolder, ...]]:
    """Each session's people in role order, with the label of the position they hold it in."""
    wanted = {s.id for s in sessions}
    # A few sessions are asked for by id; a whole programme by event, rather than as a list of
    # thousands of ids (the roles of sessions left out are few, and dropped below).
    selection = (
        SessionRole.session_id.in_(wanted)
        if len(wanted) <= 100
        else ProgrammeSession.event_id.in_({s.event_id for s in sessions})
    )
    roles = (
        select(
            SessionRole.session_id,
            SessionRole.role,
            SessionRole.affiliation_id,
            SessionRole.person_id,
        )
        .join(ProgrammeSession, SessionRole.session_id == ProgrammeSession.id)
        .where(selection)
    )
    rows = [
        row
        for row in db.execute(
            roles.order_by(SessionRole.session_id, SessionRole.position, SessionRole.id)
        )
        if row.session_id in wanted
    ]
    # Each person once, however many sessions they are in.
    persons = {
        person.id: person
        for person in db.scalars(
            select(Person).where(Person.id.in_(roles.with_only_columns(SessionRole.person_id)))
        )
    }
    labels = _affiliation_labels(db, {row.affiliation_id for row in rows if row.affiliation_id})
    grouped: dict[int, list[RoleHolder]] = defaultdict(list)
    for session_id, role, affiliation_id, person_id in rows:
        label = labels.get(affiliation_id) if affiliation_id is not None else None
        grouped[session_id].append(
            RoleHolder(person=persons[person_id], role=role, affiliation=label)
        )
    return {session_id: tuple(holders) for session_id, holders in grouped.items()}


def _affiliation_labels(db: DbSession, affiliation_ids: set[int]) -> dict[int, str]:
    """ "Acting Head, Military-Political Affairs Department, Ministry of ..." by affiliation id."""
    if not affiliation_ids:
        return {}
    positions = db.execute(
        select(Affiliation.id, Affiliation.position_title, Affiliation.organisation_id).where(
            Affiliation.id.in_(affiliation_ids)
        )
    ).all()
    names = organisation_full_names(db, {row.organisation_id for row in positions})
    return {
        row.id: ", ".join(
            part for part in (row.position_title, names.get(row.organisation_id, "")) if part
        )
        for row in positions
    }


def _days(slots: Iterable[ScheduleSlot]) -> tuple[ScheduleDay, ...]:
    by_day: dict[date, dict[Room | None, list[ScheduleSlot]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for slot in slots:
        by_day[slot.starts_at.date()][slot.room].append(slot)
    return tuple(
        ScheduleDay(
            date=day,
            rooms=tuple(
                ScheduleRoom(room=room, slots=tuple(sorted(by_room[room], key=_slot_order)))
                for room in sorted(by_room, key=_room_order)
            ),
        )
        for day, by_room in sorted(by_day.items())
    )


def _room_order(room: Room | None) -> tuple[int, int, int]:
    # Rooms by position, then the sessions that have no room.
    return (1, 0, 0) if room is None else (0, room.position, room.id)


def _slot_order(slot: ScheduleSlot) -> tuple[datetime, datetime, str, int]:
    return (slot.starts_at, slot.ends_at, slot.title, slot.session.id)


def _offset_label(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"
