"""The timetable placement: rows from the day's times, a column per lane of each room, breaks
across the whole width, a column for the other sessions without a room, and reading order."""

from __future__ import annotations

from confkit import services
from confkit.schedule import build_schedule
from confkit.schedule_grid import DayGrid, day_grid
from tests.factories import baku


def places(grid: DayGrid) -> dict[str, tuple[int, int, int, int]]:
    """Each session's rows and columns: (row start, row end, column start, column end)."""
    return {
        cell.slot.title: (cell.row_start, cell.row_end, cell.column_start, cell.column_end)
        for cell in grid.cells
    }


def headings(grid: DayGrid) -> list[tuple[str, int, int]]:
    return [
        (column.room.name if column.room else "No room", column.column_start, column.column_end)
        for column in grid.columns
    ]


def only_day(db, event, **options) -> DayGrid:
    (day,) = build_schedule(db, event, **options).days
    return day_grid(day)


def test_overlapping_sessions_in_one_room_get_a_column_each(
    db, make_event, make_room, make_session
) -> None:
    event = make_event()
    hall, side = make_room(event, name="Hall"), make_room(event, name="Side")
    make_session(event, title="Long", room=hall, starts_at=baku(26, 9), ends_at=baku(26, 11))
    make_session(event, title="First", room=hall, starts_at=baku(26, 9), ends_at=baku(26, 10),
                 status="draft")  # fmt: skip
    make_session(event, title="Second", room=hall, starts_at=baku(26, 10), ends_at=baku(26, 11),
                 status="draft")  # fmt: skip
    make_session(event, title="Later", room=hall, starts_at=baku(26, 11), ends_at=baku(26, 12))
    make_session(event, title="Aside", room=side, starts_at=baku(26, 10), ends_at=baku(26, 12))

    grid = only_day(db, event, include_drafts=True)

    assert grid.rows == 3
    assert [t.hour for t in grid.times] == [9, 10, 11, 12]
    # The hall needs two lanes, so the side room starts at the third column.
    assert headings(grid) == [("Hall", 1, 3), ("Side", 3, 4)]
    assert [column.lanes for column in grid.columns] == [2, 1]
    assert grid.width == 3
    assert places(grid) == {
        "First": (1, 2, 1, 2),
        "Long": (1, 3, 2, 3),
        "Second": (2, 3, 1, 2),
        "Aside": (2, 4, 3, 4),
        "Later": (3, 4, 1, 2),
    }
    assert not any(cell.spans for cell in grid.cells)


def test_a_break_that_overlaps_no_session_spans_every_room(
    db, make_event, make_room, make_session
) -> None:
    event = make_event()
    hall, side = make_room(event, name="Hall"), make_room(event, name="Side")
    make_session(event, title="Coffee", kind="break", starts_at=baku(26, 9),
                 ends_at=baku(26, 9, 30))  # fmt: skip
    make_session(event, title="Plenary", room=hall, starts_at=baku(26, 9, 30), ends_at=baku(26, 11))
    make_session(event, title="Panel", room=side, starts_at=baku(26, 9, 30), ends_at=baku(26, 11))
    make_session(event, title="Lunch", kind="break", starts_at=baku(26, 11), ends_at=baku(26, 12))
    make_session(event, title="Reception", kind="reception", starts_at=baku(26, 18),
                 ends_at=baku(26, 20))  # fmt: skip

    grid = only_day(db, event)

    # No column for the sessions without a room: all of them cross the whole timetable.
    assert headings(grid) == [("Hall", 1, 2), ("Side", 2, 3)]
    assert grid.width == 2
    spanning = {cell.slot.title for cell in grid.cells if cell.spans}
    assert spanning == {"Coffee", "Lunch", "Reception"}
    assert places(grid)["Lunch"] == (3, 4, 1, 3)
    assert places(grid)["Coffee"] == (1, 2, 1, 3)
    # Lunch ends at 12:00 and the reception starts at 18:00: an interval of its own.
    assert places(grid)["Reception"] == (5, 6, 1, 3)


def test_a_roomless_session_beside_a_room_gets_a_no_room_column_and_breaks_span_it_too(
    db, make_event, make_room, make_session
) -> None:
    event = make_event()
    hall = make_room(event, name="Hall")
    make_session(event, title="Talk", room=hall, starts_at=baku(26, 9), ends_at=baku(26, 10))
    make_session(event, title="Press briefing", starts_at=baku(26, 9, 30), ends_at=baku(26, 10, 30))
    make_session(event, title="Lunch", kind="break", starts_at=baku(26, 12), ends_at=baku(26, 13))

    grid = only_day(db, event)

    assert headings(grid) == [("Hall", 1, 2), ("No room", 2, 3)]
    assert places(grid)["Press briefing"] == (2, 4, 2, 3)
    assert places(grid)["Lunch"] == (5, 6, 1, 3)
    assert [cell.spans for cell in grid.cells] == [False, False, True]


def test_roomless_sessions_that_overlap_each_other_share_the_no_room_column(
    db, make_event, make_session
) -> None:
    event = make_event()
    make_session(event, title="Lunch", kind="break", starts_at=baku(26, 12), ends_at=baku(26, 13))
    make_session(event, title="Press lunch", kind="break", starts_at=baku(26, 12, 30),
                 ends_at=baku(26, 13, 30))  # fmt: skip
    make_session(event, title="Dinner", kind="reception", starts_at=baku(26, 19),
                 ends_at=baku(26, 21))  # fmt: skip

    grid = only_day(db, event)

    assert headings(grid) == [("No room", 1, 3)]
    assert places(grid) == {
        "Lunch": (1, 3, 1, 2),
        "Press lunch": (2, 4, 2, 3),
        "Dinner": (5, 6, 1, 3),
    }


def test_a_day_of_breaks_only_is_one_column_wide(db, make_event, make_session) -> None:
    event = make_event()
    make_session(event, title="Coffee", kind="break", starts_at=baku(26, 9), ends_at=baku(26, 10))

    grid = only_day(db, event)

    assert (grid.width, grid.rows, grid.columns) == (1, 1, ())
    assert places(grid) == {"Coffee": (1, 2, 1, 2)}


def test_cells_come_in_time_order_then_room_order(db, make_event, make_room, make_session) -> None:
    event = make_event()
    # The room made first is shown second: rooms go by their position.
    second, first = make_room(event, name="Second"), make_room(event, name="First")
    services.update_room(db, second, position=2)
    services.update_room(db, first, position=1)
    make_session(event, title="Second at 9", room=second, starts_at=baku(26, 9),
                 ends_at=baku(26, 10))  # fmt: skip
    make_session(event, title="First at 9:30", room=first, starts_at=baku(26, 9, 30),
                 ends_at=baku(26, 10, 30))  # fmt: skip
    make_session(event, title="First at 9", room=first, starts_at=baku(26, 9),
                 ends_at=baku(26, 9, 30))  # fmt: skip
    make_session(event, title="Lunch", kind="break", starts_at=baku(26, 12), ends_at=baku(26, 13))
    make_session(event, title="Second at 13", room=second, starts_at=baku(26, 13),
                 ends_at=baku(26, 14))  # fmt: skip
    make_session(event, title="First at 13", room=first, starts_at=baku(26, 13),
                 ends_at=baku(26, 15))  # fmt: skip

    grid = only_day(db, event)

    assert [cell.slot.title for cell in grid.cells] == [
        "First at 9",
        "Second at 9",
        "First at 9:30",
        "Lunch",
        "First at 13",
        "Second at 13",
    ]
    assert headings(grid) == [("First", 1, 2), ("Second", 2, 3)]


def test_rooms_keep_their_order_and_each_day_starts_afresh(
    db, make_event, make_room, make_session
) -> None:
    event = make_event()
    first, second = make_room(event, name="A"), make_room(event, name="B")
    services.update_room(db, first, position=2)
    make_session(event, title="In A", room=first, starts_at=baku(25, 9), ends_at=baku(25, 10))
    make_session(event, title="In B", room=second, starts_at=baku(26, 14), ends_at=baku(26, 15))

    days = [day_grid(day) for day in build_schedule(db, event).days]

    assert [headings(grid) for grid in days] == [[("A", 1, 2)], [("B", 1, 2)]]
    assert [places(grid) for grid in days] == [{"In A": (1, 2, 1, 2)}, {"In B": (1, 2, 1, 2)}]
