"""Where each session of a day sits in a day x room timetable, and the order people read it in.

Rows are the intervals between the day's distinct start and end times, so sessions that start
together share a row in every room and the table is only as tall as the programme needs. Each
room gets one column per lane: sessions that overlap in one room (a clash the organisers have not
resolved yet) sit side by side instead of on top of each other. A session without a room that
overlaps no other session (registration, coffee, lunch) spans the whole width; the other sessions
without a room get a column of their own after the rooms.

The cells come in reading order (start time, then the order of the columns), which is the order a
phone shows them in and a screen reader reads them in, whatever the wide layout does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from confkit.models import Room
from confkit.schedule import ScheduleDay, ScheduleSlot


@dataclass(frozen=True)
class GridCell:
    """A session's place: rows ``row_start`` up to (not including) ``row_end`` and grid columns
    ``column_start`` up to (not including) ``column_end``, all counted from 1."""

    slot: ScheduleSlot
    row_start: int
    row_end: int
    column_start: int
    column_end: int
    spans: bool
    """True for a session without a room that takes the whole width (a break, a reception)."""


@dataclass(frozen=True)
class GridColumn:
    """A room's grid columns, one per lane, from ``column_start`` up to (not including)
    ``column_end``; ``room`` is None for the column of sessions without a room."""

    room: Room | None
    column_start: int
    column_end: int

    @property
    def lanes(self) -> int:
        return self.column_end - self.column_start


@dataclass(frozen=True)
class DayGrid:
    """A day of the programme laid out as a timetable ``width`` columns wide and ``rows`` time
    intervals tall."""

    day: ScheduleDay
    rows: int
    width: int
    columns: tuple[GridColumn, ...]
    cells: tuple[GridCell, ...]
    """Every session of the day, in reading order: by start time, then from left to right."""
    times: tuple[datetime, ...]
    """The boundaries between rows: ``times[i]`` is where row ``i + 1`` starts."""


@dataclass(frozen=True, eq=False)
class _Rows:
    """A session's rows; compared and hashed by identity, as two sessions may look alike."""

    slot: ScheduleSlot
    start: int
    end: int

    def overlaps(self, other: _Rows) -> bool:
        return self.start < other.end and other.start < self.end


def day_grid(day: ScheduleDay) -> DayGrid:
    """The day's sessions placed in rows of time and in the lanes of their rooms."""
    times = tuple(sorted({t for slot in day.slots for t in (slot.starts_at, slot.ends_at)}))
    row_of = {moment: index + 1 for index, moment in enumerate(times)}
    placed = [_rows(slot, row_of) for slot in day.slots]
    spanning = {
        rows
        for rows in placed
        if rows.slot.room is None and not any(o.overlaps(rows) for o in placed if o is not rows)
    }
    in_columns = {id(rows.slot): rows for rows in placed if rows not in spanning}
    columns: list[GridColumn] = []
    cells: list[GridCell] = []
    for schedule_room in day.rooms:
        in_room = [in_columns[id(s)] for s in schedule_room.slots if id(s) in in_columns]
        if not in_room:
            continue
        first = columns[-1].column_end if columns else 1
        lanes = _lanes(in_room)
        columns.append(GridColumn(schedule_room.room, first, first + max(lanes.values())))
        cells.extend(_cell(rows, first + lanes[rows] - 1, lanes=1) for rows in in_room)
    width = columns[-1].column_end - 1 if columns else 1
    cells.extend(_cell(rows, 1, lanes=width, spans=True) for rows in spanning)
    cells.sort(key=lambda cell: (cell.slot.starts_at, cell.column_start))
    return DayGrid(
        day=day,
        rows=max((cell.row_end for cell in cells), default=2) - 1,
        width=width,
        columns=tuple(columns),
        cells=tuple(cells),
        times=times,
    )


def _rows(slot: ScheduleSlot, row_of: dict[datetime, int]) -> _Rows:
    start = row_of[slot.starts_at]
    # A session without length still takes one row.
    return _Rows(slot=slot, start=start, end=max(row_of[slot.ends_at], start + 1))


def _lanes(in_room: Sequence[_Rows]) -> dict[_Rows, int]:
    """Each session's lane in its room (from 1): the first lane free from its first
    row on, taking the sessions in start order."""
    lane_ends: list[int] = []  # the row where the last session placed in each lane ends
    lane_of: dict[_Rows, int] = {}
    for rows in sorted(in_room, key=lambda rows: (rows.start, rows.end)):
        lane = next((i for i, end in enumerate(lane_ends) if end <= rows.start), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(rows.end)
        else:
            lane_ends[lane] = rows.end
        lane_of[rows] = lane + 1
    return lane_of


def _cell(rows: _Rows, column_start: int, *, lanes: int, spans: bool = False) -> GridCell:
    return GridCell(
        slot=rows.slot,
        row_start=rows.start,
        row_end=rows.end,
        column_start=column_start,
        column_end=column_start + lanes,
        spans=spans,
    )
