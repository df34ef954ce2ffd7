"""Importing sessions from iCalendar files: by UID, idempotent, all or nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from confkit import ValidationError, feeds, services
from confkit.imports.ics import FOREIGN_UID_NAMESPACE, import_ics
from confkit.models import ProgrammeSession, SessionStatus
from tests.factories import FIXED_NOW, baku

BASE_URL = "https://conf.example.org"
LATER = datetime(2024, 11, 2, tzinfo=UTC)


def count_sessions(db: DbSession) -> int:
    return db.scalar(select(func.count()).select_from(ProgrammeSession))


def comparable(data: bytes) -> list[tuple[object, ...]]:
    """What must survive a round trip, per VEVENT, in UID order."""
    rows = []
    for vevent in Calendar.from_ical(data).walk("VEVENT"):
        rows.append(
            (
                str(vevent["UID"]).split("@")[0],
                vevent["DTSTART"].dt,
                vevent["DTEND"].dt,
                str(vevent["SUMMARY"]),
                str(vevent.get("LOCATION", "")).split(",")[0],
                str(vevent["STATUS"]),
                [str(c) for c in vevent["CATEGORIES"].cats],
                [line for line in str(vevent["DESCRIPTION"]).splitlines() if ": " in line],
            )
        )
    return sorted(rows, key=lambda row: str(row[0]))


def build_source(db, make_event, make_room, make_track, make_person):
    event = make_event(slug="source")
    hall = make_room(event, name="Plenary Hall")
    energy = make_track(event, name="Energy security")
    opening = services.add_session(
        db, event, title="Opening", kind="plenary", room=hall, abstract="Welcome.",
        starts_at=baku(26, 9), ends_at=baku(26, 10), now=FIXED_NOW,
    ).session  # fmt: skip
    panel = services.add_session(
        db, event, title="Energy; security, and Şuşa", kind="panel", room=hall, track=energy,
        starts_at=baku(26, 10), ends_at=baku(26, 11), now=FIXED_NOW,
    ).session  # fmt: skip
    services.assign_role(db, opening, make_person(given_name="Burcu", family_name="San"), "speaker")
    services.assign_role(db, panel, make_person(given_name="Anar", family_name="Mutallimov",
                                                honorific="Dr"), "moderator")  # fmt: skip
    services.assign_role(db, panel, opening.roles[0].person, "panellist")
    cancelled = services.add_session(
        db, event, title="Cancelled talk", kind="talk", starts_at=baku(26, 12),
        ends_at=baku(26, 13), now=FIXED_NOW,
    ).session  # fmt: skip
    services.cancel_session(db, cancelled, now=FIXED_NOW)
    return event


@pytest.fixture
def source(db, make_event, make_room, make_track, make_person):
    return build_source(db, make_event, make_room, make_track, make_person)


def test_round_trip_into_an_empty_event(db, make_event, make_room, make_track,
                                        make_person) -> None:  # fmt: skip
    # UIDs are unique across events, as on another site: build and export the source inside a
    # savepoint, then undo it, so only the file remains.
    savepoint = db.begin_nested()
    exported = feeds.programme_feed(
        db, build_source(db, make_event, make_room, make_track, make_person), base_url=BASE_URL
    )
    savepoint.rollback()
    target = make_event(slug="target")
    report = import_ics(db, target, exported, now=LATER)
    assert (report.sessions_created, report.sessions_updated, report.sessions_unchanged) == (
        3,
        0,
        0,
    )
    assert (report.rooms_created, report.tracks_created, report.persons_created) == (1, 1, 2)
    panel = next(s for s in target.sessions if s.title.startswith("Energy"))
    moderator = panel.roles[0].person
    assert (moderator.honorific, moderator.given_name, moderator.family_name) == (
        "Dr", "Anar", "Mutallimov",
    )  # fmt: skip
    again = feeds.programme_feed(db, target, base_url=BASE_URL)
    assert comparable(again) == comparable(exported)


def test_importing_the_same_file_twice_changes_nothing(db, source, make_event) -> None:
    exported = feeds.programme_feed(db, source, base_url=BASE_URL)
    report = import_ics(db, source, exported, now=LATER)
    assert (report.sessions_created, report.sessions_updated, report.sessions_unchanged) == (
        0,
        0,
        3,
    )
    assert feeds.programme_feed(db, source, base_url=BASE_URL) == exported


def test_a_changed_file_updates_sessions_in_place(db, source) -> None:
    exported = feeds.programme_feed(db, source, base_url=BASE_URL).decode()
    moved = exported.replace("DTSTART;TZID=Asia/Baku:20241126T090000",
                             "DTSTART;TZID=Asia/Baku:20241126T140000").replace(
        "DTEND;TZID=Asia/Baku:20241126T100000", "DTEND;TZID=Asia/Baku:20241126T150000"
    )  # fmt: skip
    report = import_ics(db, source, moved.encode(), now=LATER)
    assert (report.sessions_created, report.sessions_updated, report.sessions_unchanged) == (
        0,
        1,
        2,
    )
    opening = db.scalar(select(ProgrammeSession).where(ProgrammeSession.title == "Opening"))
    assert opening.starts_at == baku(26, 14)
    assert opening.modified_at == LATER


def test_foreign_uids_and_floating_times(db, make_event) -> None:
    event = make_event()
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//other//EN\r\n"
        b"BEGIN:VEVENT\r\nUID:talk-17@pretalx.example\r\nDTSTAMP:20241101T000000Z\r\n"
        b"DTSTART:20241126T093000\r\nDTEND:20241126T101500\r\nSUMMARY:Floating talk\r\n"
        b"LOCATION:Room 1\r\nCATEGORIES:Workshop,Cyber\r\nSTATUS:CONFIRMED\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    import_ics(db, event, data)
    (imported,) = event.sessions
    assert imported.uuid == uuid.uuid5(FOREIGN_UID_NAMESPACE, "talk-17@pretalx.example")
    assert imported.starts_at == baku(26, 9, 30)
    assert imported.kind.value == "workshop"
    assert imported.track.name == "Cyber"
    assert imported.room.slug == "room-1"
    assert imported.status is SessionStatus.SCHEDULED
    assert import_ics(db, event, data).sessions_unchanged == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("DTSTART:garbage\r\nDTEND:20241126T100000Z", "DTSTART"),
        ("DTSTART;VALUE=DATE:20241126\r\nDTEND;VALUE=DATE:20241127", "a whole day"),
        ("DTSTART:20241126T100000Z\r\nDTEND:20241126T090000Z", "ends_at"),
        ("DTSTART:20241201T100000Z\r\nDTEND:20241201T110000Z", "outside the event's days"),
    ],
)
def test_a_bad_event_imports_nothing_and_names_its_line(db, make_event, body, message) -> None:
    event = make_event()
    good = (
        "BEGIN:VEVENT\r\nUID:good@x\r\nDTSTART:20241126T060000Z\r\nDTEND:20241126T070000Z\r\n"
        "SUMMARY:Good\r\nEND:VEVENT\r\n"
    )
    data = (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n{good}"
        f"BEGIN:VEVENT\r\nUID:bad@x\r\n{body}\r\nSUMMARY:Bad\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    with pytest.raises(ValidationError) as raised:
        import_ics(db, event, data)
    problems = raised.value.problems
    assert {problem.field for problem in problems} == {"line 10"}
    assert any(message in problem.message for problem in problems)
    assert count_sessions(db) == 0


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (b"not a calendar at all", "line 1"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "line 1"),
        (b"BEGIN:VCALENDAR\r\nX-BAD:\xff\xfe\r\nEND:VCALENDAR\r\n", "line 2"),
    ],
)
def test_files_that_are_not_calendars_are_named(db, make_event, data, field) -> None:
    with pytest.raises(ValidationError) as raised:
        import_ics(db, make_event(), data)
    assert raised.value.problems[0].field == field


def test_a_clash_in_the_file_imports_nothing(db, make_event, make_room) -> None:
    event = make_event()
    make_room(event, name="Hall")
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:{n}@x\r\nDTSTART:2024112{6}T06{n}000Z\r\nDTEND:20241126T080000Z\r\n"
        f"SUMMARY:Talk {n}\r\nLOCATION:Hall\r\nEND:VEVENT\r\n"
        for n in (1, 2)
    )
    data = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n{events}END:VCALENDAR\r\n".encode()
    with pytest.raises(ValidationError) as raised:
        import_ics(db, event, data)
    assert "clash" in raised.value.problems[0].message
    assert count_sessions(db) == 0
    assert date(2024, 11, 26) == event.ends_on
