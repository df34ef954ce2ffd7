"""Where each session of a day sits in a day x room timetable: a row span and a lane in its room.

Rows are the intervals between the day's distinct start and end times, so sessions that start
together share a row in every room and the table is only as tall as the programme needs. Sessions
that overlap in one room (a clash the organisers have not resolved yet) are put side by side in
lanes instead of on top of each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from confkit.schedule import ScheduleDay, ScheduleRoom, ScheduleSlot


@dataclass(frozen=True)
class GridCell:
    """A session's place: rows ``row_start`` up to (not including) ``row_end``, counted from 1,
    in lane ``lane`` (from 1) of its room."""

    slot: ScheduleSlot
    row_start: int
    row_end: int
    lane: int


@dataclass(frozen=True)
class GridColumn:
    """One room's sessions on the day, in start order, and how many lanes they need."""

    room: ScheduleRoom
    lanes: int
    cells: tuple[GridCell, ...]


@dataclass(frozen=True)
class DayGrid:
    """A day of the programme laid out as a timetable of ``rows`` time intervals."""

    day: ScheduleDay
    rows: int
    columns: tuple[GridColumn, ...]
    times: tuple[datetime, ...]
    """The boundaries between rows: ``times[i]`` is where row ``i + 1`` starts."""


def day_grid(day: ScheduleDay) -> DayGrid:
    """The day's sessions placed in rows of time and lanes within their rooms."""
    times = tuple(sorted({t for slot in day.slots for t in (slot.starts_at, slot.ends_at)}))
    row_of = {moment: index + 1 for index, moment in enumerate(times)}
    columns = tuple(_column(room, row_of) for room in day.rooms)
    last_row_end = max((cell.row_end for c in columns for cell in c.cells), default=2)
    return DayGrid(day=day, rows=last_row_end - 1, columns=columns, times=times)


def _column(room: ScheduleRoom, row_of: dict[datetime, int]) -> GridColumn:
    lane_ends: list[datetime] = []  # when the last session placed in each lane ends
    cells = []
    for slot in sorted(room.slots, key=lambda s: (s.starts_at, s.ends_at)):
        lane = next(
            (i for i, ends_at in enumerate(lane_ends) if ends_at <= slot.starts_at),
            len(lane_ends),
        )
        if lane == len(lane_ends):
            lane_ends.append(slot.ends_at)
        else:
            lane_ends[lane] = slot.ends_at
        row_start = row_of[slot.starts_at]
        # A session without length still takes one row.
        row_end = max(row_of[slot.ends_at], row_start + 1)
        cells.append(GridCell(slot=slot, row_start=row_start, row_end=row_end, lane=lane + 1))
    return GridColumn(room=room, lanes=max(len(lane_ends), 1), cells=tuple(cells))
