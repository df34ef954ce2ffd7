"""frab schedule XML and JSON: valid against the C3VOC schemas, local times, stable bytes."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import xmlschema
from icalendar import Calendar
from jsonschema import Draft6Validator, FormatChecker
from jsonschema.validators import validator_for
from lxml import etree
from sqlalchemy.orm import Session as DbSession

from confkit import feeds, services
from confkit.demo import load_demo
from confkit.formats.frab import CANCELLED_PREFIX, NO_ROOM, render_frab_json, render_frab_xml
from confkit.models import Event
from confkit.schedule import build_schedule
from tests.confkit.programmes import FIRST_DAY, LAST_DAY, TITLES, make_programme
from tests.factories import FIXED_NOW, baku

BASE_URL = "https://conf.example.org"
# CI checks out shared/ next to the repository.
SCHEMAS = Path(__file__).resolve().parents[2].parent / "shared" / "schemas"
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


@pytest.fixture(scope="module")
def xml_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(SCHEMAS / "schedule.xml.xsd")


@pytest.fixture(scope="module")
def json_validator() -> Draft6Validator:
    schema = json.loads((SCHEMAS / "schedule.schema.json").read_text("utf-8"))
    cls = validator_for(schema)
    assert cls is Draft6Validator
    cls.check_schema(schema)
    checker = FormatChecker()
    # Without the format-nongpl extras these formats would pass unchecked.
    assert {"uuid", "date-time", "date", "uri", "color"} <= set(checker.checkers)
    validator: Draft6Validator = cls(schema, format_checker=checker)
    return validator


@pytest.fixture
def check(db: DbSession, xml_schema, json_validator) -> Callable[[Event], tuple[bytes, bytes]]:
    """Render an event's programme in both formats, validate both, return them."""

    def render(event: Event) -> tuple[bytes, bytes]:
        schedule = build_schedule(db, event)
        xml_data = render_frab_xml(schedule, base_url=BASE_URL)
        json_data = render_frab_json(schedule, base_url=BASE_URL)
        xml_schema.validate(etree.fromstring(xml_data, SAFE_PARSER))
        errors = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in json_validator.iter_errors(json.loads(json_data))
        ]
        assert errors == []
        return xml_data, json_data

    return render


def xml_events(data: bytes) -> dict[str, etree._Element]:
    root = etree.fromstring(data, SAFE_PARSER)
    return {e.get("guid"): e for e in root.iter("event")}


def json_events(data: bytes) -> dict[str, dict[str, Any]]:
    days = json.loads(data)["schedule"]["conference"]["days"]
    return {e["guid"]: e for day in days for room in day["rooms"].values() for e in room}


@pytest.fixture
def event(make_event) -> Event:
    return make_event(slug="pfp30-baku", name="Azerbaijan & NATO <30>")


# Validity ---------------------------------------------------------------------------------


def test_the_demo_events_validate(db: DbSession, check) -> None:
    events = load_demo(db, today=date(2025, 3, 1), now=datetime(2025, 3, 1, 8, 30, tzinfo=UTC))
    for demo_event in events:
        xml_data, json_data = check(demo_event)
        public = build_schedule(db, demo_event).slots
        assert public
        assert set(xml_events(xml_data)) == set(json_events(json_data))
        assert set(xml_events(xml_data)) == {str(slot.session.uuid) for slot in public}


@pytest.fixture
def big(db: DbSession, make_event):
    event = make_event(slug="big-programme", starts_on=FIRST_DAY, ends_on=LAST_DAY)
    return make_programme(db, event, sessions=500)


def test_a_generated_programme_of_500_sessions_validates(check, big) -> None:
    xml_data, json_data = check(big.event)
    in_xml, in_json = xml_events(xml_data), json_events(json_data)
    assert set(in_xml) == set(in_json) == {str(s.uuid) for s in big.public}
    assert len(in_xml) == 500
    for hidden in big.hidden:  # a draft and a closed meeting
        assert str(hidden.uuid) not in in_xml
    for cancelled in big.cancelled:
        assert in_xml[str(cancelled.uuid)].findtext("title").startswith(CANCELLED_PREFIX)
        assert in_json[str(cancelled.uuid)]["title"] == CANCELLED_PREFIX + cancelled.title
    for public in big.public:
        xml_event, json_event = in_xml[str(public.uuid)], in_json[str(public.uuid)]
        shown = xml_event.findtext("title").removeprefix(CANCELLED_PREFIX)
        assert shown == json_event["title"].removeprefix(CANCELLED_PREFIX) == public.title
    root = etree.fromstring(xml_data, SAFE_PARSER)
    assert [day.get("date") for day in root.iter("day")] == [
        "2024-11-25",
        "2024-11-26",
        "2024-11-27",
    ]
    assert json.loads(json_data)["schedule"]["conference"]["daysCount"] == 3


def test_special_characters_are_escaped_not_dropped(db, event, check, make_person) -> None:
    title = TITLES[2]
    talk = services.add_session(db, event, title=title, kind="talk", abstract="a < b && c > d",
                                starts_at=baku(26, 9), ends_at=baku(26, 10)).session  # fmt: skip
    person = make_person(given_name='Ann "The <Hammer>"', family_name="O'Brien & Co")
    services.assign_role(db, talk, person, "speaker")
    xml_data, json_data = check(event)
    assert xml_data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<schedule>')
    assert b"Pipelines &lt;&amp;&gt;" in xml_data
    (found,) = xml_events(xml_data).values()
    assert found.findtext("title") == title
    assert found.findtext("abstract") == "a < b && c > d"
    assert found.find("persons/person").text == 'Ann "The <Hammer>" O\'Brien & Co'
    assert etree.fromstring(xml_data, SAFE_PARSER).findtext("conference/title") == (
        "Azerbaijan & NATO <30>"
    )
    (found_json,) = json_events(json_data).values()
    assert found_json["title"] == title


def test_control_characters_cannot_break_the_xml(db, event, check, make_session) -> None:
    talk = make_session(event, title="placeholder")
    # The services refuse this title; an edit in the database may not.
    talk.title = "Bell\x07 and CR\r\nLF"
    db.flush()
    xml_data, json_data = check(event)
    (found,) = xml_events(xml_data).values()
    assert found.findtext("title") == "Bell and CR\nLF"
    assert next(iter(json_events(json_data).values()))["title"] == "Bell and CR\nLF"


# Content ---------------------------------------------------------------------------------


def test_an_event_s_fields(db, event, check, make_room, make_track, make_person) -> None:
    hall = make_room(event, name="Plenary Hall", slug="plenary-hall")
    energy = make_track(event, name="Energy security", slug="energy", colour="#1F6FEB")
    talk = services.add_session(
        db, event, title="Şəbəkə təhlükəsizliyi", kind="panel", room=hall, track=energy,
        abstract="Pipelines.", language="az", starts_at=baku(26, 9, 30),
        ends_at=baku(26, 10, 45), now=FIXED_NOW,
    ).session  # fmt: skip
    chair = make_person(given_name="Burcu", family_name="San")
    speaker = make_person(given_name="Elchin", family_name="Abdullayev", honorific="Colonel")
    services.assign_role(db, talk, chair, "chair")
    services.assign_role(db, talk, speaker, "speaker")
    services.assign_role(db, talk, chair, "moderator")  # a second role: listed once
    xml_data, json_data = check(event)

    (found,) = xml_events(xml_data).values()
    assert found.get("id") == str(talk.id)
    assert found.findtext("date") == "2024-11-26T09:30:00+04:00"
    assert found.findtext("start") == "09:30"
    assert found.findtext("duration") == "01:15"
    assert found.findtext("room") == "Plenary Hall"
    assert found.findtext("slug") == f"pfp30_baku-{talk.id}-sebeke-tehlukesizliyi"
    assert found.findtext("url") == f"{BASE_URL}/events/pfp30-baku/sessions/{talk.uuid}"
    assert found.findtext("title") == "Şəbəkə təhlükəsizliyi"
    assert found.findtext("subtitle") == ""
    assert found.findtext("track") == "Energy security"
    assert found.findtext("type") == "panel"
    assert found.findtext("language") == "az"
    assert found.findtext("abstract") == "Pipelines."
    assert [(p.get("id"), p.text) for p in found.iterfind("persons/person")] == [
        (str(chair.id), "Burcu San"),
        (str(speaker.id), "Colonel Elchin Abdullayev"),
    ]

    (json_event,) = json_events(json_data).values()
    assert json_event == {
        "guid": str(talk.uuid),
        "id": talk.id,
        "date": "2024-11-26T09:30:00+04:00",
        "start": "09:30",
        "end": "2024-11-26T10:45:00+04:00",
        "duration": "01:15",
        "room": "Plenary Hall",
        "slug": f"pfp30_baku-{talk.id}-sebeke-tehlukesizliyi",
        "url": f"{BASE_URL}/events/pfp30-baku/sessions/{talk.uuid}",
        "title": "Şəbəkə təhlükəsizliyi",
        "subtitle": "",
        "track": "Energy security",
        "type": "panel",
        "language": "az",
        "abstract": "Pipelines.",
        "description": "",
        "persons": [
            {"id": chair.id, "public_name": "Burcu San"},
            {"id": speaker.id, "public_name": "Colonel Elchin Abdullayev"},
        ],
        "links": [],
        "attachments": [],
    }


def test_conference_and_days(db, event, check, make_room, make_track) -> None:
    hall = make_room(event, name="Plenary Hall", slug="plenary-hall")
    make_track(event, name="Energy security", slug="energy", colour="#1F6FEB")
    services.add_session(db, event, title="Late", kind="talk", room=hall,
                         starts_at=baku(26, 17), ends_at=baku(26, 18, 30),
                         now=FIXED_NOW)  # fmt: skip
    services.add_session(db, event, title="Early", kind="talk", room=hall,
                         starts_at=baku(26, 9), ends_at=baku(26, 10), now=FIXED_NOW)  # fmt: skip
    xml_data, json_data = check(event)
    root = etree.fromstring(xml_data, SAFE_PARSER)
    assert root.findtext("version") == event.programme_changed_at.isoformat()
    assert root.findtext("url") == f"{BASE_URL}/events/pfp30-baku/schedule.xml"
    conference = root.find("conference")
    assert conference.findtext("acronym") == "pfp30_baku"
    assert conference.findtext("start") == "2024-11-25"
    assert conference.findtext("end") == "2024-11-26"
    assert conference.findtext("days") == "2"
    assert conference.findtext("time_zone_name") == "Asia/Baku"
    assert conference.findtext("url") == f"{BASE_URL}/events/pfp30-baku/"
    assert conference.find("track").attrib == {
        "name": "Energy security",
        "slug": "energy",
        "color": "#1f6feb",
    }
    # A day without public sessions is still a day of the conference.
    assert [dict(day.attrib) for day in root.iter("day")] == [
        {
            "index": "1",
            "date": "2024-11-25",
            "start": "2024-11-25T00:00:00+04:00",
            "end": "2024-11-26T00:00:00+04:00",
        },
        {
            "index": "2",
            "date": "2024-11-26",
            "start": "2024-11-26T09:00:00+04:00",
            "end": "2024-11-26T18:30:00+04:00",
        },
    ]
    document = json.loads(json_data)
    schedule = document["schedule"]
    assert schedule["version"] == event.programme_changed_at.isoformat()
    assert schedule["base_url"] == f"{BASE_URL}/events/pfp30-baku/"
    assert schedule["conference"]["rooms"][0]["name"] == "Plenary Hall"
    assert uuid.UUID(schedule["conference"]["rooms"][0]["guid"])
    day = schedule["conference"]["days"][1]
    assert (day["index"], day["date"], day["day_start"]) == (
        2,
        "2024-11-26",
        "2024-11-26T09:00:00+04:00",
    )
    assert [e["title"] for e in day["rooms"]["Plenary Hall"]] == ["Early", "Late"]


def test_times_are_in_the_event_zone_also_across_midnight_and_a_clock_change(
    db, make_event, check
) -> None:
    new_york = ZoneInfo("America/New_York")
    event = make_event(slug="nyc-meetup", timezone="America/New_York",
                       starts_on=date(2024, 11, 2), ends_on=date(2024, 11, 3))  # fmt: skip
    # 23:30 on the 2nd, New York time, is already the 3rd in UTC; the night of the 2nd to the
    # 3rd the clocks go back, so 00:30 to 02:30 local lasts three hours.
    late = services.add_session(
        db, event, title="Late", kind="talk", starts_at=datetime(2024, 11, 3, 3, 30, tzinfo=UTC),
        ends_at=datetime(2024, 11, 3, 4, 0, tzinfo=UTC),
    ).session  # fmt: skip
    night = services.add_session(
        db, event, title="Night", kind="talk",
        starts_at=datetime(2024, 11, 3, 0, 30, tzinfo=new_york),
        ends_at=datetime(2024, 11, 3, 2, 30, tzinfo=new_york),
    ).session  # fmt: skip
    xml_data, json_data = check(event)
    found = xml_events(xml_data)
    assert found[str(late.uuid)].findtext("date") == "2024-11-02T23:30:00-04:00"
    assert found[str(late.uuid)].findtext("start") == "23:30"
    assert found[str(night.uuid)].findtext("date") == "2024-11-03T00:30:00-04:00"
    assert found[str(night.uuid)].findtext("duration") == "03:00"
    assert json_events(json_data)[str(night.uuid)]["end"] == "2024-11-03T02:30:00-05:00"
    root = etree.fromstring(xml_data, SAFE_PARSER)
    by_day = {day.get("date"): [e.findtext("title") for e in day.iter("event")]
              for day in root.iter("day")}  # fmt: skip
    assert by_day == {"2024-11-02": ["Late"], "2024-11-03": ["Night"]}


def test_rooms_in_order_and_sessions_without_a_room_last(db, event, check, make_room) -> None:
    side = make_room(event, name="Side Room", position=2)
    hall = make_room(event, name="Plenary Hall", position=1)
    twin = make_room(event, name="Plenary Hall", position=3)  # apps key rooms by name
    for room, hour in ((side, 9), (hall, 9), (twin, 9), (None, 12)):
        services.add_session(db, event, title=f"In {room.name if room else 'none'}", kind="talk",
                             room=room, starts_at=baku(26, hour),
                             ends_at=baku(26, hour + 1))  # fmt: skip
    xml_data, json_data = check(event)
    root = etree.fromstring(xml_data, SAFE_PARSER)
    names = [room.get("name") for room in root.iterfind("day/room")]
    assert names == ["Plenary Hall", "Side Room", f"Plenary Hall ({twin.slug})", NO_ROOM]
    day = json.loads(json_data)["schedule"]["conference"]["days"][1]
    assert list(day["rooms"]) == names
    assert day["rooms"][NO_ROOM][0]["room"] == NO_ROOM


def test_cancelled_sessions_stay_marked_and_drafts_and_closed_never_appear(
    db, event, check, make_session
) -> None:
    cancelled = make_session(event, title="Energy talk")
    services.cancel_session(db, cancelled)
    make_session(event, title="Draft idea", status="draft")
    make_session(event, title="Bilateral", visibility="closed", starts_at=baku(25, 10),
                 ends_at=baku(25, 11))  # fmt: skip
    xml_data, json_data = check(event)
    (found,) = xml_events(xml_data).values()
    assert found.findtext("title") == "[Cancelled] Energy talk"
    (found_json,) = json_events(json_data).values()
    assert found_json["title"] == "[Cancelled] Energy talk"
    assert b"Draft idea" not in xml_data + json_data
    assert b"Bilateral" not in xml_data + json_data


def test_the_guid_is_the_session_uuid_of_the_ical_uid(db, check, big) -> None:
    xml_data, json_data = check(big.event)
    calendar = Calendar.from_ical(feeds.programme_feed(db, big.event, base_url=BASE_URL))
    uids = {str(v["UID"]) for v in calendar.walk("VEVENT")}
    assert {uid.split("@")[0] for uid in uids} == set(xml_events(xml_data))
    assert set(json_events(json_data)) == set(xml_events(xml_data))
    assert all(uid.endswith("@conf.example.org") for uid in uids)


def test_an_unchanged_programme_renders_byte_for_byte_the_same(db, check, big) -> None:
    first = check(big.event)
    db.expire_all()
    assert check(big.event) == first


def test_a_change_changes_the_version(db, event, check, make_session) -> None:
    talk = make_session(event)
    before = etree.fromstring(check(event)[0], SAFE_PARSER).findtext("version")
    services.move_session(db, talk, starts_at=baku(26, 14), now=FIXED_NOW + timedelta(hours=1))
    after = etree.fromstring(check(event)[0], SAFE_PARSER).findtext("version")
    assert before != after == (FIXED_NOW + timedelta(hours=1)).isoformat()


def test_an_empty_programme_validates(make_event, check) -> None:
    xml_data, json_data = check(make_event(slug="ab"))  # too short for an acronym as it is
    assert etree.fromstring(xml_data, SAFE_PARSER).findtext("conference/acronym") == "ab__"
    assert json.loads(json_data)["schedule"]["conference"]["acronym"] == "ab__"
