"""One day of an event's programme laid out as a table: time slots down, rooms across.

Sessions span the rows of the slots they cover. Sessions that overlap in one room (a clash, or a
cancelled session under its replacement) get side-by-side lanes of that room's column, so
nothing is hidden; every clash is noted on both sessions, naming the other one and the reason.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import selectinload

from confkit.errors import ValidationError
from confkit.i18n import N_
from confkit.models import Event, ProgrammeSession, Room, SessionRole
from confkit.scheduling.clashes import ClashKind
from confkit.services.checks import day_bounds
from confkit.services.conflicts import ClashReport, conflict_report

ROW_LENGTH: Final = timedelta(minutes=15)
# The hours an empty day shows, so there is still somewhere to look.
EMPTY_DAY: Final = (timedelta(hours=9), timedelta(hours=18))


@dataclass(frozen=True)
class ClashNote:
    """Another session this one clashes with, and why: 'room "Plenary Hall"' or a person."""

    other: ProgrammeSession
    shared: str
    kind: ClashKind


@dataclass(frozen=True)
class GridCell:
    """A session in the table, spanning ``rows`` slots of its room's column."""

    session: ProgrammeSession
    rows: int
    clashes: tuple[ClashNote, ...]


@dataclass(frozen=True)
class GridColumn:
    """A room (None: sessions without a room) and how many lanes its overlaps need."""

    room: Room | None
    lanes: int


@dataclass(frozen=True)
class GridRow:
    """One time slot: its start in the event's zone and, lane by lane, a cell starting here or
    None for an empty one (lanes a longer cell already covers are left out)."""

    starts_at: datetime
    cells: tuple[GridCell | None, ...]


@dataclass(frozen=True)
class ProgrammeGrid:
    """A day of the programme as a table."""

    day: date
    days: tuple[date, ...]
    columns: tuple[GridColumn, ...]
    rows: tuple[GridRow, ...]
    cells: tuple[GridCell, ...]


def event_days(event: Event) -> tuple[date, ...]:
    """The event's days, first to last."""
    count = (event.ends_on - event.starts_on).days + 1
    return tuple(event.starts_on + timedelta(days=n) for n in range(count))


def programme_grid(db: DbSession, event: Event, day: date) -> ProgrammeGrid:
    """The grid of one of the event's days, every session on it whatever its status, with the
    programme's clashes. Raises ValidationError (field ``day``) for a day outside the event."""
    days = event_days(event)
    if day not in days:
        raise ValidationError.single(
            "day",
            N_("%(day)s is not a day of the event (%(first)s to %(last)s)"),
            day=day.isoformat(),
            first=days[0].isoformat(),
            last=days[-1].isoformat(),
        )
    first, after = day_bounds(event.timezone, day, day)
    sessions = db.scalars(
        select(ProgrammeSession)
        .where(
            ProgrammeSession.event_id == event.id,
            ProgrammeSession.starts_at < after,
            ProgrammeSession.ends_at > first,
        )
        .options(
            selectinload(ProgrammeSession.room),
            selectinload(ProgrammeSession.roles).selectinload(SessionRole.person),
        )
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.ends_at, ProgrammeSession.id)
    ).all()
    return lay_out(event, day, sessions, conflict_report(db, event), rooms=event.rooms)


def lay_out(
    event: Event,
    day: date,
    sessions: Sequence[ProgrammeSession],
    clashes: Iterable[ClashReport],
    *,
    rooms: Sequence[Room],
) -> ProgrammeGrid:
    """Place the day's sessions in slots and lanes; pure, for any list of sessions."""
    zone = ZoneInfo(event.timezone)
    midnight, next_midnight = day_bounds(event.timezone, day, day)
    if sessions:
        earliest = max(midnight, min(s.starts_at for s in sessions))
        latest = min(next_midnight, max(s.ends_at for s in sessions))
        top = midnight + ROW_LENGTH * math.floor((earliest - midnight) / ROW_LENGTH)
        bottom = midnight + ROW_LENGTH * math.ceil((latest - midnight) / ROW_LENGTH)
    else:
        top, bottom = midnight + EMPTY_DAY[0], midnight + EMPTY_DAY[1]
    row_count = max(1, round((bottom - top) / ROW_LENGTH))

    notes = _clash_notes(clashes)
    by_room: dict[int | None, list[tuple[int, GridCell]]] = defaultdict(list)
    for programme_session in sessions:
        start = max(programme_session.starts_at, top)
        end = min(programme_session.ends_at, bottom)
        first_row = math.floor((start - top) / ROW_LENGTH)
        last_row = max(first_row + 1, math.ceil((end - top) / ROW_LENGTH))
        cell = GridCell(
            programme_session,
            last_row - first_row,
            tuple(notes.get(programme_session.id, ())),
        )
        by_room[programme_session.room_id].append((first_row, cell))

    ordered_rooms: list[Room | None] = list(rooms)
    if None in by_room:
        ordered_rooms.append(None)
    columns: list[GridColumn] = []
    # starts[row][column lane] -> the cell starting there; covered holds the lanes a cell spans.
    starts: dict[tuple[int, int], GridCell] = {}
    covered: set[tuple[int, int]] = set()
    lane_offset = 0
    for room in ordered_rooms:
        lane_ends: list[int] = []
        for first_row, cell in by_room.get(room.id if room is not None else None, []):
            lane = next((i for i, end in enumerate(lane_ends) if end <= first_row), None)
            if lane is None:
                lane = len(lane_ends)
                lane_ends.append(0)
            lane_ends[lane] = first_row + cell.rows
            starts[(first_row, lane_offset + lane)] = cell
            covered.update(
                (row, lane_offset + lane) for row in range(first_row + 1, lane_ends[lane])
            )
        lanes = max(1, len(lane_ends))
        columns.append(GridColumn(room, lanes))
        lane_offset += lanes

    rows = tuple(
        GridRow(
            (top + ROW_LENGTH * index).astimezone(zone),
            tuple(
                starts.get((index, lane))
                for lane in range(lane_offset)
                if (index, lane) not in covered
            ),
        )
        for index in range(row_count)
    )
    return ProgrammeGrid(
        day=day,
        days=event_days(event),
        columns=tuple(columns),
        rows=rows,
        cells=tuple(starts.values()),
    )


def _clash_notes(clashes: Iterable[ClashReport]) -> dict[int, list[ClashNote]]:
    notes: dict[int, list[ClashNote]] = defaultdict(list)
    for clash in clashes:
        if clash.room is not None:
            shared = f'room "{clash.room.name}"'
        else:
            shared = clash.person.display_name if clash.person is not None else "a person"
        notes[clash.first.id].append(ClashNote(clash.second, shared, clash.kind))
        notes[clash.second.id].append(ClashNote(clash.first, shared, clash.kind))
    return notes
