"""What a subscribed calendar needs to replace a session in place: after a move the next feed has
the same UID, a higher SEQUENCE and the new time; after a cancellation, STATUS:CANCELLED and a
higher SEQUENCE; every other session stays byte for byte the same."""

from __future__ import annotations

from sqlalchemy.orm import Session as DbSession

from confkit.feeds import session_feed
from confkit.models import ProgrammeSession
from tests.clients.calendars import shown, split_feed, vevents
from tests.clients.programmes import (
    BASE_URL,
    CHANGED_AT,
    Programme,
    Shown,
    demo_programmes,
    feed,
    move_and_cancel,
    uid,
)


def test_programme_feed_after_a_move_and_a_cancellation(
    db: DbSession, programme: Programme
) -> None:
    first = feed(db, programme)
    moved, cancelled = move_and_cancel(db, programme)
    second = feed(db, programme)

    before, after = vevents(first), vevents(second)
    assert after.keys() == before.keys()
    was, now = before[uid(moved)], after[uid(moved)]
    assert now["SEQUENCE"] > was["SEQUENCE"]
    assert now["DTSTART"].dt != was["DTSTART"].dt
    assert (now["DTSTART"].dt, now["DTEND"].dt) == (moved.starts_at, moved.ends_at)
    assert now["LOCATION"] != was["LOCATION"]
    assert moved.room is not None
    assert str(now["LOCATION"]).startswith(moved.room.name)
    was, now = before[uid(cancelled)], after[uid(cancelled)]
    assert (str(was["STATUS"]), str(now["STATUS"])) == ("CONFIRMED", "CANCELLED")
    assert now["SEQUENCE"] > was["SEQUENCE"]
    assert now["DTSTART"].dt == was["DTSTART"].dt
    for key in (uid(moved), uid(cancelled)):
        assert after[key]["DTSTAMP"].dt == after[key]["LAST-MODIFIED"].dt == CHANGED_AT
    # Only the two changed sessions differ, so clients that compare re-import nothing else.
    first_items, second_items = split_feed(first), split_feed(second)
    changed = {key for key, item in second_items.items() if first_items[key] != item}
    assert changed == {uid(moved), uid(cancelled)}


def test_session_feeds_after_a_move_and_a_cancellation(db: DbSession) -> None:
    programme = demo_programmes(db)["pfp30-baku"]

    def in_own_feed(programme_session: ProgrammeSession) -> Shown:
        data = session_feed(db, programme.event, programme_session.uuid, base_url=BASE_URL)
        events = vevents(data)
        assert list(events) == [uid(programme_session)]
        return shown(events[uid(programme_session)])

    before = {uid(s): in_own_feed(s) for s in programme.public}
    moved, cancelled = move_and_cancel(db, programme)

    was, now = before[uid(moved)], in_own_feed(moved)
    assert now.sequence > was.sequence
    assert now.starts_at == moved.starts_at != was.starts_at
    was, now = before[uid(cancelled)], in_own_feed(cancelled)
    assert now.sequence > was.sequence
    assert (was.status, now.status) == ("CONFIRMED", "CANCELLED")
