"""The programme grid's layout: slots, spans, lanes for overlaps, and the days it accepts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy.orm import Session as DbSession

from confkit.errors import ValidationError
from confkit.models import Event, ProgrammeSession, Room
from confkit.services.programme_grid import programme_grid
from tests.factories import baku


def test_sessions_span_their_slots_and_overlaps_get_lanes(
    db: DbSession,
    make_event: Callable[..., Event],
    make_room: Callable[..., Room],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    event = make_event(starts_on=date(2024, 11, 26), ends_on=date(2024, 11, 26))
    hall = make_room(event, name="Hall")
    first = make_session(event, room=hall, starts_at=baku(26, 9), ends_at=baku(26, 10))
    second = make_session(event, room=hall, starts_at=baku(26, 10), ends_at=baku(26, 10, 10))
    roomless = make_session(event, starts_at=baku(26, 9, 50), ends_at=baku(26, 11))
    # An overlap written past the services, as old or imported data may hold.
    second.starts_at = baku(26, 9, 45)
    db.flush()

    grid = programme_grid(db, event, date(2024, 11, 26))

    assert [(c.room, c.lanes) for c in grid.columns] == [(hall, 2), (None, 1)]
    assert [row.starts_at.strftime("%H:%M") for row in grid.rows][:2] == ["09:00", "09:15"]
    assert len(grid.rows) == 8  # 09:00 to 11:00
    spans = {cell.session: cell.rows for cell in grid.cells}
    assert spans == {first: 4, second: 2, roomless: 5}
    clashes = {cell.session: [n.other for n in cell.clashes] for cell in grid.cells}
    assert clashes == {first: [second], second: [first], roomless: []}
    # Every row has one entry per lane not covered from above: 3 lanes in all.
    covered_at_nine_fifteen = len(grid.rows[1].cells)
    assert covered_at_nine_fifteen == 2


def test_a_day_outside_the_event_is_refused(
    db: DbSession, make_event: Callable[..., Event]
) -> None:
    event = make_event()
    with pytest.raises(ValidationError) as refused:
        programme_grid(db, event, date(2024, 12, 1))
    assert refused.value.fields == {"day"}
