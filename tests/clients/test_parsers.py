"""Every feed parses with icalendar, with vobject (validating) and with the strict ical package,
and all three read the same sessions, instants, statuses and sequence numbers from it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream
from sqlalchemy.orm import Session as DbSession

from confkit.feeds import session_feed
from confkit.models import ProgrammeSession
from tests.clients.calendars import read_with_icalendar
from tests.clients.programmes import (
    BASE_URL,
    HOST,
    TITLES,
    Programme,
    Shown,
    demo_programmes,
    expected,
    feed,
    generated_programme,
    uid,
)

UID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}@" + re.escape(HOST))


def read_with_vobject(data: bytes) -> dict[str, Shown]:
    """The VEVENTs as vobject reads them, after its own validation of the whole calendar."""
    calendar = vobject.readOne(data.decode("utf-8"), validate=True)
    calendar.validate(raiseException=True)
    events = calendar.contents.get("vevent", [])
    shown = {
        e.uid.value: Shown.of(e.dtstart.value, e.dtend.value, e.status.value, e.sequence.value)
        for e in events
    }
    assert len(shown) == len(events), "a UID occurs twice"
    return shown


def read_with_ical(data: bytes) -> dict[str, Shown]:
    """The VEVENTs as the strict ical package (a pydantic model of RFC 5545) reads them."""
    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    shown = {}
    for event in calendar.events:
        assert event.status is not None, f"{event.uid} has no STATUS"
        assert event.sequence is not None, f"{event.uid} has no SEQUENCE"
        shown[event.uid] = Shown.of(event.dtstart, event.dtend, event.status.value, event.sequence)
    assert len(shown) == len(calendar.events), "a UID occurs twice"
    return shown


READERS: dict[str, Callable[[bytes], dict[str, Shown]]] = {
    "icalendar": read_with_icalendar,
    "vobject": read_with_vobject,
    "ical": read_with_ical,
}


def assert_every_reader_sees(data: bytes, want: dict[str, Shown], hidden: set[str]) -> None:
    assert want, "nothing to compare"
    assert all(UID.fullmatch(key) for key in want)
    for name, read in READERS.items():
        seen = read(data)
        assert not seen.keys() & hidden, f"{name} sees a draft or closed session"
        assert seen == want, f"{name} reads the feed differently"


def test_programme_feed(db: DbSession, programme: Programme) -> None:
    data = feed(db, programme)

    assert_every_reader_sees(data, expected(programme), {uid(s) for s in programme.hidden})


def _with_most_people(programme: Programme) -> ProgrammeSession:
    return max(programme.public, key=lambda s: (len(s.roles), -s.id))


def _titled(programme: Programme, title: str) -> ProgrammeSession:
    return next(s for s in programme.public if s.title.startswith(title))


def _cancelled(programme: Programme) -> ProgrammeSession:
    return next(s for s in programme.public if not s.is_scheduled)


@pytest.mark.parametrize(
    ("source", "pick"),
    [
        pytest.param("demo", _with_most_people, id="demo-with-most-people"),
        pytest.param("generated", lambda p: _titled(p, TITLES[7]), id="crlf-injection-title"),
        pytest.param("generated", lambda p: _titled(p, TITLES[0]), id="long-azerbaijani-title"),
        pytest.param("generated", _cancelled, id="cancelled"),
    ],
)
def test_session_feed(
    db: DbSession, source: str, pick: Callable[[Programme], ProgrammeSession]
) -> None:
    # A small generated programme has every kind of title and one cancelled session.
    programme = (
        demo_programmes(db)["pfp30-baku"]
        if source == "demo"
        else generated_programme(db, size=48, slug="small")
    )
    chosen = pick(programme)
    data = session_feed(db, programme.event, chosen.uuid, base_url=BASE_URL)

    others = {uid(s) for s in programme.public + programme.hidden if s is not chosen}
    assert_every_reader_sees(data, {uid(chosen): expected(programme)[uid(chosen)]}, others)
