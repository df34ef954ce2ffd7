"""The iCal feeds at the byte level and field by field."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy.orm import Session as DbSession

from confkit import feeds, services
from confkit.formats.ical import clean_text
from tests.factories import FIXED_NOW, baku

BASE_URL = "https://conf.example.org"
LONG_AZERBAIJANI = (
    "Azərbaycan və NATO: Sülh Naminə Tərəfdaşlıq proqramının otuz illiyi, enerji təhlükəsizliyi, "
    "sülhməramlı əməliyyatlar və gələcək perspektivlər haqqında geniş müzakirə"
)
LONG_CYRILLIC = (
    "Азербайджан и НАТО: тридцать лет Партнёрства ради мира, энергетическая безопасность и "
    "миротворческие операции"
)


@pytest.fixture
def event(make_event, db: DbSession):
    venue = services.create_venue(db, name="Conference venue", city="Baku", country="AZ")
    return make_event(slug="pfp30-baku", name="Azerbaijan and NATO", venue=venue)


def feed(db: DbSession, event) -> bytes:
    return feeds.programme_feed(db, event, base_url=BASE_URL)


def vevents(data: bytes) -> dict[str, object]:
    return {str(c["SUMMARY"]): c for c in Calendar.from_ical(data).walk("VEVENT")}


def test_calendar_properties(db, event, make_session) -> None:
    make_session(event)
    data = feed(db, event)
    calendar = Calendar.from_ical(data)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["NAME"]) == str(calendar["X-WR-CALNAME"]) == "Azerbaijan and NATO"
    assert str(calendar["DESCRIPTION"]) == str(calendar["X-WR-CALDESC"])
    assert str(calendar["URL"]) == f"{BASE_URL}/events/pfp30-baku/"
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in data
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in data
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Baku"
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Asia/Baku"
    assert zone.walk("STANDARD")[0]["TZOFFSETTO"].td == timedelta(hours=4)


def test_session_properties(db, event, make_room, make_track, make_person) -> None:
    hall = make_room(event, name="Plenary Hall")
    energy = make_track(event, name="Energy security")
    opening = services.add_session(
        db, event, title="Opening", kind="plenary", room=hall, track=energy,
        abstract="Thirty years of partnership.", starts_at=baku(26, 9, 30),
        ends_at=baku(26, 10, 30), now=FIXED_NOW,
    ).session  # fmt: skip
    ministry = services.create_organisation(db, name="Ministry of Foreign Affairs",
                                            kind="government", country="AZ")  # fmt: skip
    mutallimov = make_person(given_name="Anar", family_name="Mutallimov")
    post = services.add_affiliation(db, mutallimov, ministry, position_title="Acting Head")
    services.assign_role(db, opening, mutallimov, "speaker", affiliation=post, now=FIXED_NOW)
    (vevent,) = vevents(feed(db, event)).values()
    assert str(vevent["UID"]) == f"{opening.uuid}@conf.example.org"
    assert vevent["DTSTART"].params["TZID"] == "Asia/Baku"
    assert vevent["DTSTART"].dt == baku(26, 9, 30)
    assert vevent["DTEND"].dt == baku(26, 10, 30)
    assert vevent["DTSTAMP"].dt == vevent["LAST-MODIFIED"].dt == opening.modified_at
    assert vevent["CREATED"].dt == opening.created_at
    assert vevent["SEQUENCE"] == opening.sequence == 1
    assert str(vevent["DESCRIPTION"]) == (
        "Thirty years of partnership.\n\n"
        "Speaker: Anar Mutallimov, Acting Head, Ministry of Foreign Affairs\n\n"
        f"{BASE_URL}/events/pfp30-baku/sessions/{opening.uuid}"
    )
    assert str(vevent["LOCATION"]) == "Plenary Hall, Conference venue, Baku"
    assert [str(c) for c in vevent["CATEGORIES"].cats] == ["Energy security", "Plenary"]
    assert str(vevent["URL"]) == f"{BASE_URL}/events/pfp30-baku/sessions/{opening.uuid}"
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["TRANSP"]) == "OPAQUE"
    assert "ORGANIZER" not in vevent
    assert "ATTENDEE" not in vevent


def test_cancelled_stay_drafts_and_closed_never_appear(db, event, make_session) -> None:
    cancelled = make_session(event, title="Cancelled talk")
    services.cancel_session(db, cancelled, now=FIXED_NOW + timedelta(hours=1))
    make_session(event, title="Draft idea", status="draft")
    make_session(event, title="Bilateral", visibility="closed", starts_at=baku(25, 10),
                 ends_at=baku(25, 11))  # fmt: skip
    found = vevents(feed(db, event))
    assert set(found) == {"Cancelled talk"}
    assert str(found["Cancelled talk"]["STATUS"]) == "CANCELLED"
    assert str(found["Cancelled talk"]["TRANSP"]) == "TRANSPARENT"
    assert found["Cancelled talk"]["SEQUENCE"] == 1


def test_an_unchanged_programme_renders_byte_for_byte_the_same(db, event, make_session) -> None:
    make_session(event)
    first = feed(db, event)
    db.expire_all()
    assert feed(db, event) == first


def test_lines_are_crlf_and_folded_at_75_octets_between_characters(db, event, make_session) -> None:
    make_session(event, title=LONG_AZERBAIJANI, abstract=LONG_CYRILLIC * 3)
    data = feed(db, event)
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # a fold inside a character would not decode
    (vevent,) = vevents(data).values()
    assert str(vevent["SUMMARY"]) == LONG_AZERBAIJANI
    assert str(vevent["DESCRIPTION"]).startswith(LONG_CYRILLIC)


@pytest.mark.parametrize(
    ("title", "expected", "raw"),
    [
        ("Energy; security, more", "Energy; security, more", "Energy\\; security\\, more"),
        ("Back\\slash", "Back\\slash", "Back\\\\slash"),
        ("Two\nlines", "Two\nlines", "Two\\nlines"),
        ("Evil\r\nATTENDEE:x", "Evil\nATTENDEE:x", "Evil\\nATTENDEE:x"),
        ("Bell\x07 and tab\t", "Bell and tab\t", "Bell and tab\t"),
    ],
)
def test_text_is_escaped_and_cannot_inject_properties(db, event, make_session, title, expected,
                                                      raw) -> None:  # fmt: skip
    talk = make_session(event, title="placeholder")
    # The services refuse control characters in titles; an import or a direct edit may not.
    talk.title = title
    db.flush()
    data = feed(db, event)
    (vevent,) = vevents(data).values()
    assert str(vevent["SUMMARY"]) == expected
    assert "ATTENDEE" not in vevent
    assert f"\r\nSUMMARY:{raw}\r\n".encode() in data


def test_clean_text_strips_controls_and_keeps_line_breaks() -> None:
    assert clean_text("a\x00b\x1fc\r\nd\re") == "abc\nd\ne"


def test_one_person_s_feed_and_the_uid_scheme_are_shared(db, event, make_session,
                                                        make_person) -> None:  # fmt: skip
    speaker = make_person(given_name="Burcu", family_name="San")
    talk = make_session(event, title="Talk")
    make_session(event, title="Other", starts_at=baku(26, 12), ends_at=baku(26, 13))
    services.assign_role(db, talk, speaker, "speaker")
    personal = Calendar.from_ical(feeds.person_feed(db, event, speaker.id, base_url=BASE_URL))
    whole = Calendar.from_ical(feed(db, event))
    (mine,) = personal.walk("VEVENT")
    shared = [c for c in whole.walk("VEVENT") if c["UID"] == mine["UID"]]
    assert len(shared) == 1
    assert shared[0].to_ical() == mine.to_ical()


def test_vtimezone_covers_a_clock_change_during_the_event(db, make_event) -> None:
    london = ZoneInfo("Europe/London")
    event = make_event(timezone="Europe/London", starts_on=date(2024, 10, 26),
                       ends_on=date(2024, 10, 27))  # fmt: skip
    services.add_session(db, event, title="Saturday", kind="talk",
                         starts_at=datetime(2024, 10, 26, 10, tzinfo=london),
                         ends_at=datetime(2024, 10, 26, 11, tzinfo=london))  # fmt: skip
    services.add_session(db, event, title="Sunday", kind="talk",
                         starts_at=datetime(2024, 10, 27, 10, tzinfo=london),
                         ends_at=datetime(2024, 10, 27, 11, tzinfo=london))  # fmt: skip
    data = feed(db, event)
    (zone,) = Calendar.from_ical(data).walk("VTIMEZONE")
    assert zone.walk("DAYLIGHT")[0]["TZOFFSETTO"].td == timedelta(hours=1)
    assert zone.walk("STANDARD")[0]["TZOFFSETTO"].td == timedelta(0)
    found = vevents(data)
    assert b"DTSTART;TZID=Europe/London:20241026T100000" in data
    assert b"DTSTART;TZID=Europe/London:20241027T100000" in data
    # Resolved through the VTIMEZONE, the two 10:00 starts are nine and ten o'clock UTC.
    assert found["Saturday"]["DTSTART"].dt.utcoffset() == timedelta(hours=1)
    assert found["Sunday"]["DTSTART"].dt.utcoffset() == timedelta(0)


def test_calendar_names_are_escaped_too(db, make_event, make_session) -> None:
    event = make_event(name="Energy; security, and\\more")
    make_session(event)
    data = feed(db, event)
    assert b"\r\nNAME:Energy\\; security\\, and\\\\more\r\n" in data
    assert b"\r\nX-WR-CALNAME:Energy\\; security\\, and\\\\more\r\n" in data
