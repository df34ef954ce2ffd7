"""The timetable placement: rows from the day's times, lanes for sessions that overlap in a room."""

from __future__ import annotations

from confkit import services
from confkit.schedule import build_schedule
from confkit.schedule_grid import day_grid
from tests.factories import baku


def places(grid) -> dict[str, tuple[int, int, int]]:
    return {
        cell.slot.title: (cell.row_start, cell.row_end, cell.lane)
        for column in grid.columns
        for cell in column.cells
    }


def test_overlapping_sessions_in_one_room_get_lanes(
    db, make_event, make_room, make_session
) -> None:
    event = make_event()
    hall = make_room(event)
    make_session(event, title="Long", room=hall, starts_at=baku(26, 9), ends_at=baku(26, 11))
    make_session(event, title="First", room=hall, starts_at=baku(26, 9), ends_at=baku(26, 10),
                 status="draft")  # fmt: skip
    make_session(event, title="Second", room=hall, starts_at=baku(26, 10), ends_at=baku(26, 11),
                 status="draft")  # fmt: skip
    make_session(event, title="Later", room=hall, starts_at=baku(26, 11), ends_at=baku(26, 12))

    (day,) = build_schedule(db, event, include_drafts=True).days
    grid = day_grid(day)

    assert grid.rows == 3
    assert [t.hour for t in grid.times] == [9, 10, 11, 12]
    assert grid.columns[0].lanes == 2
    assert places(grid) == {
        "First": (1, 2, 1),
        "Second": (2, 3, 1),
        "Long": (1, 3, 2),
        "Later": (3, 4, 1),
    }


def test_rooms_keep_their_order_and_each_day_starts_afresh(
    db, make_event, make_room, make_session
) -> None:
    event = make_event()
    first, second = make_room(event, name="A"), make_room(event, name="B")
    services.update_room(db, first, position=2)
    make_session(event, title="In A", room=first, starts_at=baku(25, 9), ends_at=baku(25, 10))
    make_session(event, title="In B", room=second, starts_at=baku(26, 14), ends_at=baku(26, 15))

    days = [day_grid(day) for day in build_schedule(db, event).days]

    assert [[c.room.room.name for c in grid.columns] for grid in days] == [["A"], ["B"]]
    assert [places(grid) for grid in days] == [{"In A": (1, 2, 1)}, {"In B": (1, 2, 1)}]
