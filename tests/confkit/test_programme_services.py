"""Sessions and roles through the organiser services: rules, clashes, sequence numbers."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from confkit import ConflictError, NotFound, ValidationError, services
from confkit.models import ProgrammeSession, SessionStatus
from confkit.scheduling.clashes import ClashKind
from confkit.services.content_translations import set_session_translation
from tests.factories import FIXED_NOW, baku

LATER = FIXED_NOW + timedelta(days=1)


@pytest.fixture
def event(make_event):
    return make_event(slug="pfp30-baku")


@pytest.fixture
def hall(event, make_room):
    return make_room(event, slug="hall", name="Plenary Hall", capacity=50)


@pytest.fixture
def small(event, make_room):
    return make_room(event, slug="small", name="Meeting Room", capacity=20)


def session_count(db: DbSession) -> int:
    return db.scalar(select(func.count()).select_from(ProgrammeSession))


def test_add_session_gives_a_permanent_uuid_and_sequence_zero(db, event, hall) -> None:
    result = services.add_session(
        db,
        event,
        title="Opening",
        kind="plenary",
        starts_at=baku(26, 9),
        ends_at=baku(26, 10),
        room=hall,
        now=FIXED_NOW,
    )
    opening = result.session
    assert isinstance(opening.uuid, uuid.UUID)
    assert opening.sequence == 0
    assert opening.status is SessionStatus.SCHEDULED
    assert opening.created_at == opening.modified_at == FIXED_NOW
    assert services.get_session(db, event, str(opening.uuid)) is opening
    assert result.warnings == []


def test_naive_times_and_reversed_times_name_their_fields(db, event) -> None:
    with pytest.raises(ValidationError) as raised:
        services.add_session(
            db,
            event,
            title="",
            kind="lecture",
            starts_at=datetime(2024, 11, 26, 9),
            ends_at=baku(26, 8),
        )
    assert raised.value.fields == {"title", "kind", "starts_at"}
    with pytest.raises(ValidationError) as raised:
        services.add_session(
            db, event, title="Backwards", kind="talk", starts_at=baku(26, 10), ends_at=baku(26, 9)
        )
    assert raised.value.fields == {"ends_at"}
    assert session_count(db) == 0


def test_scheduled_sessions_lie_inside_the_event_days_in_its_zone(db, event) -> None:
    # The event runs 25-26 Nov in Baku (UTC+4): 00:00 on the 25th Baku is 20:00 UTC on the 24th.
    services.add_session(
        db, event, title="Early", kind="talk", starts_at=baku(25, 0), ends_at=baku(25, 1)
    )
    services.add_session(
        db, event, title="Late", kind="talk", starts_at=baku(26, 23), ends_at=baku(27, 0)
    )
    with pytest.raises(ValidationError) as raised:
        services.add_session(
            db,
            event,
            title="Before",
            kind="talk",
            starts_at=datetime(2024, 11, 24, 19, 30, tzinfo=UTC),
            ends_at=datetime(2024, 11, 24, 20, 30, tzinfo=UTC),
        )
    assert raised.value.fields == {"starts_at"}
    with pytest.raises(ValidationError) as raised:
        services.add_session(
            db, event, title="Overrun", kind="talk", starts_at=baku(26, 23), ends_at=baku(27, 1)
        )
    assert raised.value.fields == {"ends_at"}
    draft = services.add_session(
        db,
        event,
        title="Idea",
        kind="talk",
        status="draft",
        starts_at=baku(28, 9),
        ends_at=baku(28, 10),
    )
    assert draft.session.status is SessionStatus.DRAFT


def test_unknown_or_foreign_room_and_track_are_named(db, event, make_event, make_room) -> None:
    other_room = make_room(make_event(), slug="elsewhere")
    with pytest.raises(ValidationError) as raised:
        services.add_session(
            db,
            event,
            title="T",
            kind="talk",
            starts_at=baku(26, 9),
            ends_at=baku(26, 10),
            room=other_room,
            track=987654,
        )
    assert raised.value.fields == {"room", "track"}


def test_room_double_booking_lists_every_clash(db, event, hall, make_session) -> None:
    first = make_session(
        event, title="Opening", room=hall, starts_at=baku(26, 9), ends_at=baku(26, 10)
    )
    second = make_session(
        event, title="Keynote", room=hall, starts_at=baku(26, 10), ends_at=baku(26, 11)
    )
    with pytest.raises(ConflictError) as raised:
        services.add_session(
            db,
            event,
            title="Long panel",
            kind="panel",
            room=hall,
            starts_at=baku(26, 9, 30),
            ends_at=baku(26, 10, 30),
        )
    clashes = raised.value.clashes
    assert [c.second for c in clashes] == [first, second]
    assert all(c.kind is ClashKind.ROOM and c.room is hall for c in clashes)
    assert 'room "Plenary Hall": "Long panel" (26 Nov 09:30–10:30) overlaps "Opening"' in str(
        raised.value
    )
    assert session_count(db) == 2


def test_drafts_and_cancelled_sessions_do_not_block_a_room(db, event, hall, make_session) -> None:
    make_session(event, room=hall, status="draft")
    cancelled = make_session(
        event, room=hall, status="scheduled", starts_at=baku(26, 14), ends_at=baku(26, 15)
    )
    services.cancel_session(db, cancelled)
    make_session(event, room=hall)
    make_session(event, room=hall, starts_at=baku(26, 14), ends_at=baku(26, 15))


def test_two_roles_in_one_overlapping_session_are_one_clash(
    db, event, hall, small, make_session, make_person
) -> None:
    person = make_person(given_name="Burcu", family_name="San")
    morning = make_session(event, title="Opening", room=hall)
    set_session_translation(db, morning, "ru", title="Открытие")
    services.assign_role(db, morning, person, "speaker")
    services.assign_role(db, morning, person, "chair")
    parallel = make_session(
        event, title="Parallel", room=small, starts_at=baku(26, 10, 30), ends_at=baku(26, 11, 30)
    )

    with pytest.raises(ConflictError) as raised:
        services.assign_role(db, parallel, person, "moderator")

    (clash,) = raised.value.clashes
    assert (clash.kind, clash.person, clash.second) == (ClashKind.PERSON, person, morning)


def test_a_person_in_two_overlapping_sessions_is_a_clash(
    db, event, hall, small, make_session, make_person
) -> None:
    person = make_person(given_name="Burcu", family_name="San")
    morning = make_session(event, title="Opening", room=hall)
    parallel = make_session(
        event, title="Parallel", room=small, starts_at=baku(26, 10, 30), ends_at=baku(26, 11, 30)
    )
    services.assign_role(db, morning, person, "speaker")
    with pytest.raises(ConflictError) as raised:
        services.assign_role(db, parallel, person, "chair")
    (clash,) = raised.value.clashes
    assert (clash.kind, clash.person, clash.second) == (ClashKind.PERSON, person, morning)
    assert "Burcu San" in str(clash)
    assert parallel.roles == []
    # Moving the parallel session so it no longer overlaps lets the role through.
    services.move_session(db, parallel, starts_at=baku(26, 11))
    services.assign_role(db, parallel, person, "chair")
    with pytest.raises(ConflictError):
        services.move_session(db, parallel, starts_at=baku(26, 10, 45))
    assert parallel.starts_at == baku(26, 11)


def test_audience_above_room_capacity_is_a_warning_not_an_error(db, event, small) -> None:
    result = services.add_session(
        db,
        event,
        title="Popular",
        kind="talk",
        room=small,
        starts_at=baku(26, 9),
        ends_at=baku(26, 10),
        expected_audience=35,
    )
    (warning,) = result.warnings
    assert warning.field == "expected_audience"
    assert "35" in warning.message
    assert "Meeting Room" in warning.message
    assert result.session.id is not None
    assert services.update_session(db, result.session, expected_audience=15).warnings == []


def test_calendar_visible_changes_raise_sequence_and_stamp(
    db, event, hall, small, make_session
) -> None:
    talk = make_session(event, room=hall)
    steps = [
        {"title": "New title"},
        {"abstract": "Now with an abstract"},
        {"starts_at": baku(26, 12), "ends_at": baku(26, 13)},
        {"room": small},
        {"status": "cancelled"},
        {"status": "scheduled"},
    ]
    for expected_sequence, changes in enumerate(steps, start=1):
        stamp = LATER + timedelta(minutes=expected_sequence)
        services.update_session(db, talk, now=stamp, **changes)
        assert (talk.sequence, talk.modified_at) == (expected_sequence, stamp)
        assert talk.event.programme_changed_at == stamp


def test_other_changes_leave_sequence_alone(db, event, make_session) -> None:
    talk = make_session(event)
    services.update_session(
        db,
        talk,
        now=LATER,
        language="az",
        expected_audience=10,
        signup_capacity=5,
        visibility="closed",
    )
    assert (talk.sequence, talk.modified_at) == (0, FIXED_NOW)
    services.update_session(db, talk, title=talk.title, now=LATER)
    assert talk.sequence == 0


def test_people_changes_raise_sequence(db, event, make_session, make_person) -> None:
    talk = make_session(event)
    first, second = make_person(), make_person()
    role_a = services.assign_role(db, talk, first, "speaker", now=LATER)
    role_b = services.assign_role(db, talk, second, "moderator", now=LATER)
    assert talk.sequence == 2
    services.reorder_roles(db, talk, [role_b, role_a], now=LATER)
    assert [r.person for r in talk.roles] == [second, first]
    assert talk.sequence == 3
    services.update_person(db, first, honorific="Dr", now=LATER)
    assert talk.sequence == 4
    services.update_person(db, first, bio="Not shown in calendars", now=LATER)
    assert talk.sequence == 4
    services.remove_role(db, role_a, now=LATER)
    assert [r.person for r in talk.roles] == [second]
    assert talk.sequence == 5


def test_cancel_keeps_the_session_and_uncancel_rechecks_clashes(
    db, event, hall, make_session
) -> None:
    opening = make_session(event, room=hall)
    services.cancel_session(db, opening, now=LATER)
    assert opening.status is SessionStatus.CANCELLED
    assert services.get_session(db, event, opening.uuid) is opening
    replacement = make_session(event, room=hall)
    with pytest.raises(ConflictError) as raised:
        services.uncancel_session(db, opening)
    assert raised.value.clashes[0].second is replacement
    assert opening.status is SessionStatus.CANCELLED
    services.cancel_session(db, replacement)
    services.uncancel_session(db, opening)
    assert opening.status is SessionStatus.SCHEDULED
    with pytest.raises(ValidationError):
        services.uncancel_session(db, opening)


def test_roles_refuse_duplicates_and_foreign_affiliations(
    db, event, make_session, make_person
) -> None:
    talk = make_session(event)
    speaker, stranger = make_person(), make_person()
    nato = services.create_organisation(db, name="NATO", kind="international_organisation")
    strangers_post = services.add_affiliation(db, stranger, nato, position_title="Clerk")
    with pytest.raises(ValidationError) as raised:
        services.assign_role(db, talk, speaker, "keynoter", affiliation=strangers_post)
    assert raised.value.fields == {"role", "affiliation"}
    services.assign_role(db, talk, speaker, "speaker")
    with pytest.raises(ValidationError) as raised:
        services.assign_role(db, talk, speaker, "speaker")
    assert raised.value.fields == {"person"}
    with pytest.raises(ValidationError) as raised:
        services.assign_role(db, talk, 10_000_000, "chair")
    assert raised.value.fields == {"person"}
    # The same person may chair the session they also speak in.
    services.assign_role(db, talk, speaker, "chair")


def test_reorder_needs_every_role_once(db, event, make_session, make_person) -> None:
    talk = make_session(event)
    role = services.assign_role(db, talk, make_person(), "speaker")
    services.assign_role(db, talk, make_person(), "speaker")
    with pytest.raises(ValidationError):
        services.reorder_roles(db, talk, [role])


def test_unknown_session_uuid_is_not_found(db, event) -> None:
    with pytest.raises(NotFound):
        services.get_session(db, event, uuid.uuid4())
    with pytest.raises(NotFound):
        services.get_session(db, event, "not-a-uuid")


def test_whole_event_conflict_report_lists_all_clashes(
    db, event, hall, small, make_session, make_person
) -> None:
    person = make_person(given_name="Anar", family_name="Mutallimov")
    a = make_session(event, title="A", room=hall, starts_at=baku(26, 9), ends_at=baku(26, 10))
    b = make_session(event, title="B", room=small, starts_at=baku(26, 11), ends_at=baku(26, 12))
    c = make_session(event, title="C", room=small, starts_at=baku(26, 13), ends_at=baku(26, 14))
    services.assign_role(db, a, person, "speaker")
    services.assign_role(db, b, person, "speaker")
    assert services.conflict_report(db, event) == []
    # Clashes can still arrive by direct edits to the tables; the report finds every one.
    b.starts_at, b.ends_at = baku(26, 9, 30), baku(26, 10, 30)
    c.starts_at, c.ends_at, c.room = baku(26, 9, 45), baku(26, 10, 15), hall
    db.flush()
    report = services.conflict_report(db, event)
    assert sorted((r.kind, r.first.title, r.second.title) for r in report) == [
        (ClashKind.PERSON, "A", "B"),
        (ClashKind.ROOM, "A", "C"),
    ]
    assert any(r.person is person for r in report)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=40),  # start, in quarter hours after 08:00
            st.integers(min_value=1, max_value=8),  # length, in quarter hours
            st.integers(min_value=0, max_value=2),  # room
            st.frozensets(st.integers(min_value=0, max_value=4), max_size=2),  # people
        ),
        max_size=14,
    )
)
def test_conflict_report_matches_a_brute_force_oracle(
    db, event, make_room, make_person, programme
) -> None:
    savepoint = db.begin_nested()
    try:
        rooms = [make_room(event) for _ in range(3)]
        people = [make_person() for _ in range(5)]
        sessions = []
        for index, (start, length, room, persons) in enumerate(programme):
            starts_at = baku(26, 8) + timedelta(minutes=15 * start)
            item = services.add_session(
                db,
                event,
                title=f"S{index}",
                kind="talk",
                status="draft",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=15 * length),
                room=rooms[room],
            ).session
            for person in persons:
                services.assign_role(db, item, people[person], "speaker")
            sessions.append((item, rooms[room], {people[p] for p in persons}))
        # Drafts skip the checks; flipping the column makes the whole set scheduled at once.
        for item, _room, _people in sessions:
            item.status = SessionStatus.SCHEDULED
        db.flush()
        expected = set()
        for (a, room_a, people_a), (b, room_b, people_b) in combinations(sessions, 2):
            if a.starts_at < b.ends_at and b.starts_at < a.ends_at:
                pair = tuple(sorted((a.id, b.id)))
                if room_a is room_b:
                    expected.add((ClashKind.ROOM, room_a.id, *pair))
                expected |= {(ClashKind.PERSON, p.id, *pair) for p in people_a & people_b}
        found = {
            (r.kind, (r.room or r.person).id, r.first.id, r.second.id)
            for r in services.conflict_report(db, event)
        }
        assert found == expected
    finally:
        savepoint.rollback()


LONDON = ZoneInfo("Europe/London")


def test_times_across_a_clock_change_are_compared_as_instants(db, make_event) -> None:
    # On 27 Oct 2024 London's clocks went back at 02:00 BST to 01:00 GMT, so 01:xx happened twice.
    event = make_event(
        timezone="Europe/London", starts_on=date(2024, 10, 27), ends_on=date(2024, 10, 27)
    )
    before_change = datetime(2024, 10, 27, 1, 30, tzinfo=LONDON)  # 00:30 UTC
    after_change = datetime(2024, 10, 27, 1, 10, fold=1, tzinfo=LONDON)  # 01:10 UTC
    night = services.add_session(
        db, event, title="Night shift", kind="talk", starts_at=before_change, ends_at=after_change
    ).session
    assert night.ends_at - night.starts_at == timedelta(minutes=40)
    with pytest.raises(ValidationError) as raised:
        services.add_session(
            db,
            event,
            title="Backwards",
            kind="talk",
            starts_at=datetime(2024, 10, 27, 1, 10, fold=1, tzinfo=LONDON),
            ends_at=datetime(2024, 10, 27, 1, 50, tzinfo=LONDON),
        )
    assert raised.value.fields == {"ends_at"}


def test_moving_keeps_the_real_length_across_a_clock_change(db, make_event) -> None:
    event = make_event(
        timezone="Europe/London", starts_on=date(2024, 10, 26), ends_on=date(2024, 10, 27)
    )
    talk = services.add_session(
        db,
        event,
        title="Talk",
        kind="talk",
        starts_at=datetime(2024, 10, 26, 10, tzinfo=LONDON),
        ends_at=datetime(2024, 10, 26, 11, tzinfo=LONDON),
    ).session
    services.move_session(db, talk, starts_at=datetime(2024, 10, 27, 1, 30, tzinfo=LONDON))
    assert talk.ends_at - talk.starts_at == timedelta(hours=1)


def test_wrong_input_types_are_named_not_crashed(db, event, hall, make_session) -> None:
    with pytest.raises(ValidationError) as raised:
        services.add_session(
            db,
            event,
            title="T\x00",
            kind="talk",
            starts_at=baku(26, 9),
            ends_at=baku(26, 10),
            room=True,
            expected_audience="many",
        )
    assert raised.value.fields == {"title", "room", "expected_audience"}
    talk = make_session(event)
    with pytest.raises(ValidationError):
        services.reorder_roles(db, talk, ["x", 1])
    with pytest.raises(ValidationError) as raised:
        services.update_session(db, talk, colour="red", speaker="x")
    assert raised.value.fields == {"colour", "speaker"}


def test_renaming_an_organisation_reaches_sessions_showing_its_positions(
    db, event, make_session
) -> None:
    talk = make_session(event)
    ministry = services.create_organisation(db, name="Ministry", kind="government", country="AZ")
    department = services.create_organisation(
        db, name="Department", kind="government", parent=ministry
    )
    head = services.create_person(db, given_name="Anar", family_name="Mutallimov")
    post = services.add_affiliation(db, head, department, position_title="Acting Head")
    services.assign_role(db, talk, head, "speaker", affiliation=post)
    before = talk.sequence
    services.update_organisation(db, ministry, name="Ministry of Foreign Affairs", now=LATER)
    assert (talk.sequence, talk.modified_at) == (before + 1, LATER)
    services.update_organisation(db, department, parent=None, now=LATER)
    assert talk.sequence == before + 2
    services.update_organisation(db, ministry, short_name="MFA", now=LATER)
    assert talk.sequence == before + 2


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=40),
            st.integers(min_value=1, max_value=8),
            st.integers(min_value=0, max_value=2),
            st.frozensets(st.integers(min_value=0, max_value=4), max_size=2),
        ),
        max_size=14,
    )
)
def test_services_accept_exactly_the_sessions_that_fit(
    db, event, make_room, make_person, programme
) -> None:
    """Adding sessions one by one, each is refused if and only if a brute-force search finds a
    clash with the ones already accepted; the accepted programme never clashes."""
    savepoint = db.begin_nested()
    try:
        rooms = [make_room(event) for _ in range(3)]
        people = [make_person() for _ in range(5)]
        accepted: list[tuple[datetime, datetime, int, frozenset[int]]] = []
        for index, (start, length, room, persons) in enumerate(programme):
            starts_at = baku(26, 8) + timedelta(minutes=15 * start)
            ends_at = starts_at + timedelta(minutes=15 * length)
            clashes = any(
                starts_at < other_end
                and other_start < ends_at
                and (room == other_room or persons & other_people)
                for other_start, other_end, other_room, other_people in accepted
            )
            try:
                item = services.add_session(
                    db,
                    event,
                    title=f"S{index}",
                    kind="talk",
                    status="draft",
                    starts_at=starts_at,
                    ends_at=ends_at,
                    room=rooms[room],
                ).session
                for person in sorted(persons):
                    services.assign_role(db, item, people[person], "speaker")
                services.update_session(db, item, status="scheduled")
            except ConflictError:
                assert clashes
                continue
            assert not clashes
            accepted.append((starts_at, ends_at, room, persons))
        assert services.conflict_report(db, event) == []
    finally:
        savepoint.rollback()


def test_shifting_an_event_keeps_local_times_across_a_clock_change(db, make_event) -> None:
    event = make_event(
        timezone="Europe/London",
        starts_on=date(2024, 10, 20),
        ends_on=date(2024, 10, 20),
        registration_closes_at=datetime(2024, 10, 19, 18, tzinfo=LONDON),
    )
    talk = services.add_session(
        db, event, title="Morning talk", kind="talk",
        starts_at=datetime(2024, 10, 20, 9, 30, tzinfo=LONDON),
        ends_at=datetime(2024, 10, 20, 10, 30, tzinfo=LONDON),
    ).session  # fmt: skip
    services.shift_event(db, event, starts_on=date(2024, 10, 27), now=LATER)
    assert (event.starts_on, event.ends_on) == (date(2024, 10, 27), date(2024, 10, 27))
    # 09:30 in London was 08:30 UTC in summer time and is 09:30 UTC after the clocks went back.
    assert talk.starts_at == datetime(2024, 10, 27, 9, 30, tzinfo=UTC)
    assert talk.ends_at == datetime(2024, 10, 27, 10, 30, tzinfo=UTC)
    assert (talk.sequence, talk.modified_at) == (1, LATER)
    assert event.registration_closes_at == datetime(2024, 10, 26, 18, tzinfo=LONDON)
    services.shift_event(db, event, starts_on=date(2024, 10, 27), now=LATER)
    assert talk.sequence == 1


def test_a_session_added_with_its_people_is_checked_for_their_clashes_at_once(
    db, event, hall, small, make_session, make_person
) -> None:
    ann, bo = make_person(given_name="Ann", family_name="Lee"), make_person(family_name="Bo")
    busy = make_session(event, title="Busy", starts_at=baku(26, 9), ends_at=baku(26, 10))
    services.assign_role(db, busy, ann, "speaker", now=FIXED_NOW)
    values = dict(title="Panel", kind="panel", starts_at=baku(26, 9, 30), ends_at=baku(26, 11))

    with pytest.raises(ConflictError) as clash:
        services.add_session(
            db, event, room=small, roles=[(bo, "chair"), (ann, "panellist")], **values
        )
    assert [str(c) for c in clash.value.clashes] == [
        'Ann Lee: "Panel" (26 Nov 09:30–11:00) overlaps "Busy" (26 Nov 09:00–10:00)'
    ]
    with pytest.raises(ValidationError) as twice:
        services.add_session(
            db, event, roles=[(bo, "chair"), (bo, "chair"), (bo, "host")], **values
        )
    assert [str(p) for p in twice.value.problems] == [
        "roles.1: is already chair of this session",
        "roles.2: 'host' is not one of: speaker, chair, moderator, panellist, participant",
    ]

    added = services.add_session(
        db, event, room=small, roles=[(bo, "chair"), (bo, "panellist")], now=FIXED_NOW, **values
    ).session
    db.flush()
    assert [(r.person, r.role.value, r.position) for r in added.roles] == [
        (bo, "chair", 0),
        (bo, "panellist", 1),
    ]
    assert added.sequence == 0
