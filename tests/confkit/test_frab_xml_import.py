"""Importing frab/pretalx schedule.xml: round trips, idempotence, updates, and bad files that
import nothing and say where they are wrong."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session as DbSession

from confkit import ValidationError, migrate, services
from confkit.db import Base, Store, make_engine
from confkit.demo import load_demo
from confkit.formats.frab import render_frab_xml
from confkit.imports.frab_xml import ImportReport, import_frab_xml
from confkit.models import Event, Person, ProgrammeSession, SessionStatus
from confkit.schedule import build_schedule
from tests.confkit.programmes import FIRST_DAY, LAST_DAY, make_programme
from tests.databases import scratch_database
from tests.factories import FIXED_NOW, baku

BASE_URL = "https://conf.example.org"
LATER = FIXED_NOW + timedelta(days=1)
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
KEPT = ("date", "start", "duration", "room", "title", "track", "type", "language", "abstract")


@pytest.fixture(scope="module")
def other_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A second, empty confkit database: where an exported programme is imported."""
    with scratch_database(tmp_path_factory.mktemp("other"), "frab") as url:
        engine = make_engine(url)
        migrate.upgrade(engine)
        yield engine
        engine.dispose()


@pytest.fixture
def other_db(other_engine: Engine) -> Iterator[DbSession]:
    with other_engine.connect() as connection:
        transaction = connection.begin()
        try:
            with Store(connection).session() as session:
                yield session
        finally:
            transaction.rollback()


def export(db: DbSession, event: Event) -> bytes:
    return render_frab_xml(build_schedule(db, event), base_url=BASE_URL)


def empty_event(db: DbSession, like: Event, slug: str = "imported") -> Event:
    return services.create_event(db, slug=slug, name="Imported", timezone=like.timezone,
                                 starts_on=like.starts_on, ends_on=like.ends_on,
                                 now=FIXED_NOW)  # fmt: skip


def programme(data: bytes) -> dict[str, dict[str, Any]]:
    """What the round trip must keep, per guid; ids, slugs and URLs belong to the instance."""
    root = etree.fromstring(data, SAFE_PARSER)
    return {
        event.get("guid"): {
            "day": event.getparent().getparent().get("date"),
            "room": event.getparent().get("name"),
            **{tag: event.findtext(tag) for tag in KEPT},
            "persons": [p.text for p in event.iterfind("persons/person")],
        }
        for event in root.iter("event")
    }


def row_counts(db: DbSession) -> dict[str, int]:
    db.flush()
    return {
        name: db.scalar(select(func.count()).select_from(table)) or 0
        for name, table in Base.metadata.tables.items()
    }


# Round trips and idempotence -------------------------------------------------------------


def test_the_demo_programme_round_trips_into_an_empty_event_elsewhere(db, other_db) -> None:
    pfp30 = load_demo(db, today=date(2025, 3, 1), now=FIXED_NOW)[0]
    exported = export(db, pfp30)
    target = empty_event(other_db, pfp30)

    report = import_frab_xml(other_db, target, exported, now=LATER)

    sessions = len(build_schedule(db, pfp30).slots)
    assert report.sessions_created == sessions > 0
    assert (report.sessions_updated, report.sessions_unchanged) == (0, 0)
    assert report.rooms_created == 1
    assert report.tracks_created == len(pfp30.tracks)
    again = export(other_db, target)
    assert programme(again) == programme(exported)
    # Track slugs are kept: the track feeds' URLs contain them.
    assert [t.slug for t in target.tracks] == [t.slug for t in pfp30.tracks]


def test_a_generated_programme_round_trips(db, other_db, make_event) -> None:
    event = make_event(slug="big-programme", starts_on=FIRST_DAY, ends_on=LAST_DAY)
    generated = make_programme(db, event, sessions=120, people=30)
    exported = export(db, event)
    target = empty_event(other_db, event)

    report = import_frab_xml(other_db, target, exported, now=LATER)

    assert report.sessions_created == 120
    assert report.persons_created == 30
    assert report.rooms_created == 5
    assert programme(export(other_db, target)) == programme(exported)
    imported = {s.uuid: s for s in target.sessions}
    for original in generated.public:
        copy = imported[original.uuid]
        assert (copy.starts_at, copy.ends_at) == (original.starts_at, original.ends_at)
        assert copy.status is original.status
        assert copy.title == original.title
        assert (copy.room is None) == (original.room is None)
    assert sum(s.status is SessionStatus.CANCELLED for s in imported.values()) == len(
        generated.cancelled
    )


def test_importing_the_same_file_again_changes_nothing(db, make_event) -> None:
    event = make_event(slug="big-programme", starts_on=FIRST_DAY, ends_on=LAST_DAY)
    make_programme(db, event, sessions=60, people=20)
    exported = export(db, event)
    before = row_counts(db)
    stamps = {s.uuid: (s.sequence, s.modified_at) for s in event.sessions}
    changed_at = event.programme_changed_at

    report = import_frab_xml(db, event, exported, now=LATER)

    assert report == ImportReport(sessions_unchanged=60)
    assert row_counts(db) == before
    db.expire_all()
    assert {s.uuid: (s.sequence, s.modified_at) for s in event.sessions} == stamps
    assert event.programme_changed_at == changed_at
    assert export(db, event) == exported


def test_a_second_import_into_a_new_event_changes_nothing(db, other_db) -> None:
    pfp30 = load_demo(db, today=date(2025, 3, 1), now=FIXED_NOW)[0]
    exported = export(db, pfp30)
    target = empty_event(other_db, pfp30)
    import_frab_xml(other_db, target, exported, now=LATER)
    first = export(other_db, target)
    before = row_counts(other_db)

    report = import_frab_xml(other_db, target, exported, now=LATER + timedelta(hours=1))

    assert report.sessions_unchanged == len(programme(exported))
    assert report.persons_created == report.rooms_created == report.tracks_created == 0
    assert row_counts(other_db) == before
    assert export(other_db, target) == first


# Updates ---------------------------------------------------------------------------------


def edited(data: bytes, guid: uuid.UUID, **changes: str) -> bytes:
    root = etree.fromstring(data, SAFE_PARSER)
    (event,) = root.iterfind(f".//event[@guid='{guid}']")
    for tag, value in changes.items():
        event.find(tag).text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_a_moved_and_renamed_session_is_updated_in_place(db, event_with_two_talks) -> None:
    event, talk, _ = event_with_two_talks
    sequence = talk.sequence
    data = edited(export(db, event), talk.uuid, date="2024-11-26T15:00:00+04:00",
                  duration="00:45", room="New Room", title="Renamed")  # fmt: skip

    report = import_frab_xml(db, event, data, now=LATER)

    assert report == ImportReport(rooms_created=1, sessions_updated=1, sessions_unchanged=1)
    assert (talk.starts_at, talk.ends_at) == (baku(26, 15), baku(26, 15, 45))
    assert talk.room is not None
    assert (talk.room.name, talk.room.slug) == ("New Room", "new-room")
    assert talk.title == "Renamed"
    assert talk.sequence > sequence
    assert talk.modified_at == LATER


def test_cancelling_by_title_prefix_and_changing_the_people(
    db, event_with_two_talks, make_person
) -> None:
    event, talk, other = event_with_two_talks
    root = etree.fromstring(export(db, event), SAFE_PARSER)
    (element,) = root.iterfind(f".//event[@guid='{talk.uuid}']")
    element.find("title").text = "[Cancelled] " + talk.title
    persons = element.find("persons")
    for person in list(persons):
        persons.remove(person)
    for name in ("Burcu San", "Colonel Elchin Abdullayev", "Nobody Yet"):
        etree.SubElement(persons, "person", id="999").text = name
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    persons_before = row_counts(db)["persons"]

    report = import_frab_xml(db, event, data, now=LATER)

    assert report.sessions_updated == 1
    assert report.persons_created == 1
    assert row_counts(db)["persons"] == persons_before + 1
    assert talk.status is SessionStatus.CANCELLED
    assert talk.title == "Opening"
    assert [(r.person.display_name, r.role.value) for r in talk.roles] == [
        ("Burcu San", "chair"),
        ("Colonel Elchin Abdullayev", "speaker"),
        ("Nobody Yet", "speaker"),
    ]
    nobody = talk.roles[2].person
    assert (nobody.given_name, nobody.family_name) == ("Nobody", "Yet")
    assert other.status is SessionStatus.SCHEDULED


def test_two_sessions_can_swap_rooms(db, event_with_two_talks, make_room) -> None:
    event, talk, other = event_with_two_talks
    side = make_room(event, name="Side Room")
    services.move_session(db, other, starts_at=talk.starts_at, room=side, now=FIXED_NOW)
    data = edited(export(db, event), talk.uuid, room="Side Room")
    data = edited(data, other.uuid, room="Plenary Hall")

    report = import_frab_xml(db, event, data, now=LATER)

    assert report.sessions_updated == 2
    assert (talk.room, other.room) == (side, event.rooms[0])


@pytest.fixture
def event_with_two_talks(db, make_event, make_room, make_person):
    event = make_event(slug="pfp30-baku")
    hall = make_room(event, name="Plenary Hall", slug="plenary-hall")
    talk = services.add_session(db, event, title="Opening", kind="plenary", room=hall,
                                starts_at=baku(26, 9), ends_at=baku(26, 10),
                                now=FIXED_NOW).session  # fmt: skip
    other = services.add_session(db, event, title="Panel", kind="panel", room=hall,
                                 starts_at=baku(26, 11), ends_at=baku(26, 12),
                                 now=FIXED_NOW).session  # fmt: skip
    chair = make_person(given_name="Burcu", family_name="San")
    speaker = make_person(given_name="Elchin", family_name="Abdullayev", honorific="Colonel")
    services.assign_role(db, talk, speaker, "speaker", now=FIXED_NOW)
    services.assign_role(db, talk, chair, "chair", now=FIXED_NOW)
    return event, talk, other


# Files from other systems ----------------------------------------------------------------

PRETALX = """<?xml version="1.0" encoding="UTF-8"?>
<schedule>
  <generator name="pretalx" version="2024.3.0"/>
  <version>0.7</version>
  <conference>
    <acronym>democon</acronym>
    <title>DemoCon</title>
    <start>2024-11-25</start>
    <end>2024-11-26</end>
    <days>2</days>
    <timeslot_duration>00:05</timeslot_duration>
    <base_url>https://pretalx.example.org/democon/schedule/</base_url>
    <time_zone_name>Asia/Baku</time_zone_name>
    <track name="Security" color="#AA00BB" slug="security"/>
  </conference>
  <day index="1" date="2024-11-25" start="2024-11-25T04:00:00+04:00"
       end="2024-11-26T03:59:00+04:00">
    <room name="Hall A" guid="a1b2c3d4-0000-4000-8000-000000000001">
      <event guid="3f1c1f2e-9a5e-5c1b-8d0e-2f6f1b7f0a01" id="101" code="ABCDEF">
        <room>Hall A</room>
        <title>Keynote: Qarabağ &amp; beyond</title>
        <subtitle></subtitle>
        <type>Talk</type>
        <date>2024-11-25T10:00:00+04:00</date>
        <start>10:00</start>
        <duration>00:45</duration>
        <abstract>Short.</abstract>
        <slug>democon-101-keynote</slug>
        <track>Security</track>
        <persons>
          <person id="7" code="XYZ123">Ayşe Yılmaz</person>
          <person id="8">Jean-Luc de la Tour</person>
        </persons>
        <language>en</language>
        <description>Longer description.</description>
        <links/>
        <attachments/>
      </event>
      <event guid="3f1c1f2e-9a5e-5c1b-8d0e-2f6f1b7f0a02" id="102">
        <room>Hall A</room>
        <title>Late night hacking</title>
        <type>Workshop</type>
        <start>01:30</start>
        <duration>01:00</duration>
        <abstract></abstract>
        <track></track>
      </event>
    </room>
  </day>
</schedule>
"""


def test_a_pretalx_file(db, make_event, make_person) -> None:
    event = make_event(slug="democon")
    existing = make_person(given_name="Ayşe", family_name="Yılmaz")

    report = import_frab_xml(db, event, PRETALX.encode(), now=LATER)

    assert report == ImportReport(rooms_created=1, tracks_created=1, persons_created=1,
                                  sessions_created=2)  # fmt: skip
    keynote = services.get_session(db, event, "3f1c1f2e-9a5e-5c1b-8d0e-2f6f1b7f0a01")
    assert keynote.title == "Keynote: Qarabağ & beyond"
    assert keynote.kind.value == "talk"
    assert keynote.abstract == "Short.\n\nLonger description."
    assert keynote.language == "en"
    assert (keynote.starts_at, keynote.ends_at) == (baku(25, 10), baku(25, 10, 45))
    assert keynote.track is not None
    assert (keynote.track.slug, keynote.track.colour) == ("security", "#aa00bb")
    assert [r.person for r in keynote.roles][0] is existing
    newcomer = keynote.roles[1].person
    assert (newcomer.given_name, newcomer.family_name) == ("Jean-Luc de la", "Tour")
    # No <date>: the day's date and <start> in the conference zone; 01:30 is before the day's
    # 04:00 start, so it is the night after.
    late = services.get_session(db, event, "3f1c1f2e-9a5e-5c1b-8d0e-2f6f1b7f0a02")
    assert (late.starts_at, late.ends_at) == (baku(26, 1, 30), baku(26, 2, 30))
    assert late.kind.value == "workshop"
    assert late.track is None
    assert late.room is keynote.room


# Bad files --------------------------------------------------------------------------------


@pytest.fixture
def populated(db, event_with_two_talks) -> tuple[Event, bytes]:
    event, _, _ = event_with_two_talks
    return event, export(db, event)


def refused(db: DbSession, event: Event, data: bytes) -> ValidationError:
    """Import ``data``, expecting a refusal that leaves every table as it was."""
    before = row_counts(db)
    changed_at = event.programme_changed_at
    sequences = {s.uuid: s.sequence for s in event.sessions}
    with pytest.raises(ValidationError) as caught:
        import_frab_xml(db, event, data, now=LATER)
    assert row_counts(db) == before
    db.expire_all()
    assert event.programme_changed_at == changed_at
    assert {s.uuid: s.sequence for s in event.sessions} == sequences
    return caught.value


def test_not_xml_names_the_line(db, populated) -> None:
    event, data = populated
    broken = data.replace(b"</title>", b"</titel>", 1)
    error = refused(db, event, broken)
    line = broken[: broken.index(b"</titel>")].count(b"\n") + 1
    assert error.fields == {f"line {line}"}
    assert "not well-formed XML" in str(error)
    assert refused(db, event, b"").fields == {"line 1"}
    assert refused(db, event, b"BEGIN:VCALENDAR\r\n").fields == {"line 1"}


def test_not_a_schedule(db, populated) -> None:
    event, _ = populated
    error = refused(db, event, b"<?xml version='1.0'?>\n<html><body/></html>")
    assert error.fields == {"line 2: <html>"}


def test_a_missing_required_element(db, populated) -> None:
    event, data = populated
    root = etree.fromstring(data, SAFE_PARSER)
    element = next(root.iter("event"))
    element.remove(element.find("title"))
    broken = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    error = refused(db, event, broken)
    guid = element.get("guid")
    assert error.fields == {f'line {element.sourceline}: <event guid="{guid}">/title'}
    assert error.problems[0].message == "is missing"


def test_a_bad_duration_and_a_bad_date_are_both_reported(db, populated) -> None:
    event, data = populated
    first, second = (s.uuid for s in sorted(event.sessions, key=lambda s: s.starts_at))
    broken = edited(data, first, duration="an hour")
    broken = edited(broken, second, date="2024-02-30T10:00:00+04:00")
    root = etree.fromstring(broken, SAFE_PARSER)
    duration = root.find(f".//event[@guid='{first}']/duration")
    when = root.find(f".//event[@guid='{second}']/date")
    error = refused(db, event, broken)
    assert error.fields == {
        f'line {duration.sourceline}: <event guid="{first}">/duration',
        f'line {when.sourceline}: <event guid="{second}">/date',
    }
    assert "'an hour' is not a duration" in str(error)


@pytest.mark.parametrize(
    ("tag", "value", "message"),
    [
        ("duration", "00:00", "must be longer than zero"),
        ("date", "tomorrow", "is not a date and time"),
        ("date", "2024-11-30T10:00:00+04:00", "is outside the event's days"),
    ],
)
def test_unusable_times(db, populated, tag, value, message) -> None:
    event, data = populated
    guid = next(iter(programme(data)))
    error = refused(db, event, edited(data, uuid.UUID(guid), **{tag: value}))
    line = etree.fromstring(data, SAFE_PARSER).find(f".//event[@guid='{guid}']/{tag}").sourceline
    problem = error.problems[0]
    assert problem.field == f'line {line}: <event guid="{guid}">/{tag}'
    assert message in problem.message


def test_a_file_that_makes_a_clash_imports_nothing(db, populated) -> None:
    event, data = populated
    guids = list(programme(data))
    broken = edited(data, uuid.UUID(guids[1]), date=programme(data)[guids[0]]["date"])
    error = refused(db, event, broken)
    assert any('clashes: room "Plenary Hall"' in p.message for p in error.problems)


def test_what_was_written_before_a_refusal_is_rolled_back(db, populated) -> None:
    event, data = populated
    root = etree.fromstring(data, SAFE_PARSER)
    first, second = root.iter("event")
    first.set("guid", str(uuid.uuid4()))  # a new session in a new room, added before the refusal
    first.find("room").text = "Annex"
    second.find("date").text = "2024-11-30T10:00:00+04:00"  # well-formed, but after the event
    error = refused(db, event, etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    problem = error.problems[0]  # the end is after the event too
    where = f'<event guid="{second.get("guid")}">/date'
    assert problem.field == f"line {second.find('date').sourceline}: {where}"
    assert problem.message == "is outside the event's days"


def test_a_guid_of_another_event_is_refused(db, populated, make_event, make_session) -> None:
    event, data = populated
    elsewhere = make_session(make_event(slug="elsewhere"), title="Theirs")
    guid = next(iter(programme(data)))
    error = refused(db, event, data.replace(guid.encode(), str(elsewhere.uuid).encode()))
    assert error.problems[0].field.endswith(f'<event guid="{elsewhere.uuid}">/@guid')
    assert error.problems[0].message == "belongs to a session of another event"


def test_entities_are_refused(db, populated) -> None:
    event, _ = populated
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE schedule [
  <!ENTITY a "aaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
]>
<schedule><version>&b;</version></schedule>"""
    assert refused(db, event, bomb).fields == {"line 3"}
    external = b"""<?xml version="1.0"?>
<!DOCTYPE schedule [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<schedule><version>&secret;</version></schedule>"""
    assert refused(db, event, external).fields == {"line 2"}


def test_times_from_the_file_are_read_as_instants(db, populated) -> None:
    event, data = populated
    guid = next(iter(programme(data)))
    # The same instant written in UTC moves nothing.
    same = edited(data, uuid.UUID(guid), date="2024-11-26T05:00:00+00:00")
    assert import_frab_xml(db, event, same, now=LATER).sessions_updated == 0
    assert services.get_session(db, event, guid).starts_at == datetime(2024, 11, 26, 5, tzinfo=UTC)


def test_persons_are_matched_by_public_name_with_or_without_honorific(
    db, event_with_two_talks
) -> None:
    event, talk, _ = event_with_two_talks
    data = export(db, event).replace(b"Colonel Elchin Abdullayev", b"Elchin Abdullayev")
    before = db.scalar(select(func.count()).select_from(Person))
    report = import_frab_xml(db, event, data, now=LATER)
    assert report.persons_created == 0
    assert report.sessions_unchanged == 2
    assert db.scalar(select(func.count()).select_from(Person)) == before
    assert db.scalar(select(func.count()).select_from(ProgrammeSession)) == 2


def test_a_guid_listed_twice_is_refused(db, populated) -> None:
    event, data = populated
    first, second = programme(data)
    error = refused(db, event, data.replace(second.encode(), first.encode()))
    (problem,) = error.problems
    assert problem.field.endswith(f'<event guid="{first}">/@guid')
    assert problem.message.startswith("is listed twice (first at line ")
