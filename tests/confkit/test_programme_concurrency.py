"""Two organisers booking one room at once, in real concurrent PostgreSQL transactions."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine, delete

from confkit import ConflictError, services
from confkit.db import Store
from confkit.models import Event
from tests.factories import baku


@pytest.fixture
def shared_event(engine: Engine) -> Iterator[str]:
    """A committed event with one room that separate connections can see; removed afterwards."""
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter: SQLite serialises writers by itself")
    store = Store(engine)
    with store.transaction() as db:
        event = services.create_event(db, slug="race-for-the-hall", name="Race",
                                      timezone="Asia/Baku", starts_on=date(2024, 11, 26),
                                      ends_on=date(2024, 11, 26))  # fmt: skip
        services.add_room(db, event, slug="hall", name="Hall")
    yield "race-for-the-hall"
    with store.transaction() as db:
        db.execute(delete(Event).where(Event.slug == "race-for-the-hall"))


def book(store: Store, slug: str, title: str, *, hold: threading.Event | None = None) -> None:
    with store.transaction() as db:
        event = services.get_event(db, slug)
        services.add_session(db, event, title=title, kind="talk", room=event.rooms[0],
                             starts_at=baku(26, 10), ends_at=baku(26, 11))  # fmt: skip
        if hold is not None:
            hold.set()
            # Keep the transaction open while the other organiser tries the same slot.
            time.sleep(0.5)


def test_the_second_booking_waits_for_the_first_and_sees_the_clash(
    engine: Engine, shared_event: str
) -> None:
    store = Store(engine)
    first_holds = threading.Event()
    outcomes: dict[str, BaseException | None] = {}

    def run(name: str, **options: threading.Event) -> None:
        try:
            book(store, shared_event, name, **options)
            outcomes[name] = None
        except BaseException as error:  # noqa: BLE001 - reported to the main thread
            outcomes[name] = error

    first = threading.Thread(target=run, args=("first",), kwargs={"hold": first_holds})
    first.start()
    assert first_holds.wait(10)
    second = threading.Thread(target=run, args=("second",))
    second.start()
    first.join(10)
    second.join(10)
    assert outcomes["first"] is None
    assert isinstance(outcomes["second"], ConflictError)
    with store.session() as db:
        event = services.get_event(db, shared_event)
        assert [s.title for s in event.sessions] == ["first"]
        assert services.conflict_report(db, event) == []
