"""Clashes in an event's programme, described for people: which sessions, which room or person."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import selectinload

from confkit.models import Event, Person, ProgrammeSession, Room, SessionRole, SessionStatus
from confkit.scheduling.clashes import ClashKind, Slot, find_clashes


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
        zone = ZoneInfo(self.timezone)
        what = (
            f'room "{self.room.name}"'
            if self.room is not None
            else f"{self.person.display_name if self.person else 'a person'}"
        )
        first = _describe(self.first.title, self.proposed or self.first_times, zone)
        second = _describe(self.second.title, (self.second.starts_at, self.second.ends_at), zone)
        return f"{what}: {first} overlaps {second}"

    @property
    def first_times(self) -> tuple[datetime, datetime]:
        return (self.first.starts_at, self.first.ends_at)


def _describe(title: str, times: tuple[datetime, datetime], zone: ZoneInfo) -> str:
    start, end = (instant.astimezone(zone) for instant in times)
    return f'"{title}" ({start:%d %b %H:%M}–{end:%H:%M})'


def conflict_report(db: DbSession, event: Event) -> list[ClashReport]:
    """Every clash in the event's scheduled programme, in a stable order."""
    sessions = db.scalars(
        select(ProgrammeSession)
        .where(
            ProgrammeSession.event_id == event.id,
            ProgrammeSession.status == SessionStatus.SCHEDULED,
        )
        .options(
            selectinload(ProgrammeSession.roles).selectinload(SessionRole.person),
            selectinload(ProgrammeSession.room),
        )
    ).all()
    return describe_clashes(sessions)


def describe_clashes(sessions: Sequence[ProgrammeSession]) -> list[ClashReport]:
    """Find and describe the clashes among already loaded sessions."""
    by_id = {s.id: s for s in sessions}
    rooms = {s.room_id: s.room for s in sessions if s.room is not None}
    people = {role.person_id: role.person for s in sessions for role in s.roles}
    slots = (
        Slot(s.id, s.starts_at, s.ends_at, s.room_id, frozenset(role.person_id for role in s.roles))
        for s in sessions
    )
    return [
        ClashReport(
            clash.kind,
            by_id[clash.first].event.timezone,
            by_id[clash.first],
            by_id[clash.second],
            room=rooms[clash.resource] if clash.kind is ClashKind.ROOM else None,
            person=people[clash.resource] if clash.kind is ClashKind.PERSON else None,
        )
        for clash in find_clashes(slots)
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
            shared = db.execute(
                select(SessionRole.person_id, ProgrammeSession)
                .join(ProgrammeSession, SessionRole.session_id == ProgrammeSession.id)
                .where(*overlapping, SessionRole.person_id.in_(person_ids))
                .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
                .distinct()
            ).all()
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
