"""Clashes in an event's programme, described for people: which sessions, which room or person."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import selectinload

from confkit.i18n import DEFAULT_LOCALE, Translator
from confkit.models import Event, Person, ProgrammeSession, Room, SessionRole, SessionStatus
from confkit.scheduling.clashes import ClashKind, Slot, find_clashes
from confkit.translations import translated


@dataclass(frozen=True)
class ClashReport:
    """Two scheduled sessions that overlap and share a room or a person."""

    kind: ClashKind
    timezone: str
    first: ProgrammeSession
    second: ProgrammeSession
    room: Room | None = None
    person: Person | None = None
    # The times proposed for ``first`` when it is checked before the change is applied.
    proposed: tuple[datetime, datetime] | None = None

    def __str__(self) -> str:
        return self.in_language(DEFAULT_LOCALE)

    def in_language(self, locale: str) -> str:
        """The clash said in ``locale``, the sessions by their titles in it and their times in
        the event's zone: 'room "Hall A": "Opening" (26 Nov 09:00–10:00) overlaps ...'."""
        words = Translator(locale)
        zone = ZoneInfo(self.timezone)
        first = _describe(words, self.first, self.proposed or self.first_times, zone)
        second = _describe(words, self.second, (self.second.starts_at, self.second.ends_at), zone)
        if self.room is not None:
            return words.gettext(
                'room "%(room)s": %(first)s overlaps %(second)s',
                room=self.room.name,
                first=first,
                second=second,
            )
        if self.person is not None:
            return words.gettext(
                "%(person)s: %(first)s overlaps %(second)s",
                person=self.person.display_name,
                first=first,
                second=second,
            )
        return words.gettext("a person: %(first)s overlaps %(second)s", first=first, second=second)

    @property
    def first_times(self) -> tuple[datetime, datetime]:
        return (self.first.starts_at, self.first.ends_at)


def _describe(
    words: Translator,
    programme_session: ProgrammeSession,
    times: tuple[datetime, datetime],
    zone: ZoneInfo,
) -> str:
    start, end = (instant.astimezone(zone) for instant in times)
    return words.gettext(
        '"%(title)s" (%(start)s–%(end)s)',
        title=translated(programme_session, "title", words.locale),
        start=words.short_datetime(start),
        end=words.clock_time(end),
    )


def conflict_report(db: DbSession, event: Event) -> list[ClashReport]:
    """Every clash in the event's scheduled programme, in a stable order.

    Only the columns the sweep needs are read for the whole programme; full objects are loaded
    for the sessions that clash, so the cost stays close to one pass over the rows.
    """
    scheduled = (ProgrammeSession.event_id == event.id) & (
        ProgrammeSession.status == SessionStatus.SCHEDULED
    )
    people: dict[int, set[int]] = defaultdict(set)
    for session_id, person_id in db.execute(
        select(SessionRole.session_id, SessionRole.person_id)
        .join(ProgrammeSession, SessionRole.session_id == ProgrammeSession.id)
        .where(scheduled)
    ):
        people[session_id].add(person_id)
    rows = db.execute(
        select(
            ProgrammeSession.id,
            ProgrammeSession.starts_at,
            ProgrammeSession.ends_at,
            ProgrammeSession.room_id,
        ).where(scheduled)
    )
    clashes = find_clashes(
        Slot(id_, starts_at, ends_at, room_id, frozenset(people.get(id_, ())))
        for id_, starts_at, ends_at, room_id in rows
    )
    if not clashes:
        return []
    involved = {key for clash in clashes for key in (clash.first, clash.second)}
    sessions = {
        s.id: s
        for s in db.scalars(
            select(ProgrammeSession)
            .where(ProgrammeSession.id.in_(involved))
            .options(selectinload(ProgrammeSession.room))
        )
    }
    rooms = {s.room_id: s.room for s in sessions.values()}
    persons = {
        p.id: p
        for p in db.scalars(
            select(Person).where(
                Person.id.in_({c.resource for c in clashes if c.kind is ClashKind.PERSON})
            )
        )
    }
    return [
        ClashReport(
            clash.kind,
            event.timezone,
            sessions[clash.first],
            sessions[clash.second],
            room=rooms[clash.resource] if clash.kind is ClashKind.ROOM else None,
            person=persons[clash.resource] if clash.kind is ClashKind.PERSON else None,
        )
        for clash in clashes
    ]


def clashes_for(
    db: DbSession,
    event: Event,
    programme_session: ProgrammeSession,
    *,
    starts_at: datetime,
    ends_at: datetime,
    room: Room | None,
    people: Iterable[Person],
) -> list[ClashReport]:
    """The clashes ``programme_session`` would have with those values (it need not be saved)."""
    people = list(people)
    overlapping = [
        ProgrammeSession.event_id == event.id,
        ProgrammeSession.status == SessionStatus.SCHEDULED,
        ProgrammeSession.starts_at < ends_at,
        ProgrammeSession.ends_at > starts_at,
    ]
    if programme_session.id is not None:
        overlapping.append(ProgrammeSession.id != programme_session.id)
    reports: list[ClashReport] = []
    with db.no_autoflush:
        if room is not None:
            in_room = (
                select(ProgrammeSession)
                .where(*overlapping, ProgrammeSession.room_id == room.id)
                .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
            )
            reports += [
                ClashReport(
                    ClashKind.ROOM,
                    event.timezone,
                    programme_session,
                    other,
                    room=room,
                    proposed=(starts_at, ends_at),
                )
                for other in db.scalars(in_room)
            ]
        person_ids = [p.id for p in people if p.id is not None]
        if person_ids:
            rows = db.execute(
                select(SessionRole.person_id, ProgrammeSession)
                .join(ProgrammeSession, SessionRole.session_id == ProgrammeSession.id)
                .where(*overlapping, SessionRole.person_id.in_(person_ids))
                .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
            ).all()
            # One report per person and session however many roles they hold in it. Made
            # unique here, not with DISTINCT: PostgreSQL cannot compare the JSON translations.
            shared = dict.fromkeys((person_id, other) for person_id, other in rows)
            by_id = {p.id: p for p in people}
            reports += [
                ClashReport(
                    ClashKind.PERSON,
                    event.timezone,
                    programme_session,
                    other,
                    person=by_id[person_id],
                    proposed=(starts_at, ends_at),
                )
                for person_id, other in shared
            ]
    return reports
