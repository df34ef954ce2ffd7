"""Importing sessions from CSV: previewed row by row, checked by the programme services, all or
nothing, with every bad row named by its line."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from confkit import ValidationError
from confkit.i18n import Readable
from confkit.imports.csv_table import MAX_CELL_CHARACTERS, MAX_FILE_BYTES
from confkit.imports.sessions_csv import import_sessions_csv, preview_sessions_csv
from confkit.models import Event, Person, ProgrammeSession, Room, SessionStatus, Track
from tests.factories import FIXED_NOW, baku

HEADER = "Title,Kind,Date,Start,End,Room,Track,Speakers,Chairs\n"


@pytest.fixture
def event(make_event: Callable[..., Event], make_room: Callable[..., Room]) -> Event:
    event = make_event(slug="forum")
    make_room(event, slug="hall-a", name="Hall A", capacity=50)
    make_room(event, slug="hall-b", name="Hall B")
    return event


def count(db: DbSession, model: type[object]) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def sessions_of(db: DbSession, event: Event) -> list[ProgrammeSession]:
    return list(
        db.scalars(
            select(ProgrammeSession)
            .where(ProgrammeSession.event_id == event.id)
            .order_by(ProgrammeSession.starts_at)
        )
    )


def problems_of(error: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [str(problem) for problem in error.value.problems]


def test_a_valid_file_imports_every_session_with_its_people(
    db: DbSession, event: Event, make_person: Callable[..., Person]
) -> None:
    known = make_person(given_name="Burcu", family_name="San", email="burcu@example.org")
    text = HEADER + (
        "Opening,plenary,2024-11-26,09:00,10:00,Hall A,,BURCU@example.org,\n"
        '"Energy security, Caspian",panel,2024-11-26,10:00,11:30,hall-b,Energy,'
        '"Dr Anar Mutallimov <anar@example.org>; burcu@example.org",Elnur Soltanov\n'
    )

    plan = import_sessions_csv(db, event, text, now=FIXED_NOW)

    assert plan.ok
    assert plan.created == {"sessions": 2, "persons": 2, "tracks": 1}
    opening, panel = sessions_of(db, event)
    assert (opening.title, opening.kind.value, opening.room.name) == (
        "Opening",
        "plenary",
        "Hall A",
    )
    assert (opening.starts_at, opening.ends_at) == (baku(26, 9), baku(26, 10))
    assert [r.person for r in opening.roles] == [known]
    assert panel.title == "Energy security, Caspian"
    assert panel.track is not None
    assert panel.track.name == "Energy"
    assert [(r.role.value, r.person.display_name) for r in panel.roles] == [
        ("speaker", "Dr Anar Mutallimov"),
        ("speaker", "Burcu San"),
        ("chair", "Elnur Soltanov"),
    ]
    assert panel.roles[0].person.email == "anar@example.org"
    assert plan.rows[1].line == 3
    assert "Hall B" in str(plan.rows[1].summary)


def test_iso_datetimes_and_every_optional_column(db: DbSession, event: Event) -> None:
    text = (
        "title;start;end;status;visibility;language;abstract;capacity;expected audience\n"
        "Bilateral;2024-11-25T15:00;2024-11-25T16:00+04:00;draft;closed;az;Talks.;12;20\n"
    )

    plan = import_sessions_csv(db, event, text)

    (created,) = sessions_of(db, event)
    assert plan.ok
    assert (created.starts_at, created.ends_at) == (baku(25, 15), baku(25, 16))
    assert created.status is SessionStatus.DRAFT
    assert (created.visibility.value, created.language, created.abstract) == (
        "closed",
        "az",
        "Talks.",
    )
    assert (created.signup_capacity, created.expected_audience) == (12, 20)


def test_the_preview_checks_like_the_import_and_keeps_nothing(db: DbSession, event: Event) -> None:
    text = HEADER + (
        "Opening,plenary,2024-11-26,09:00,10:00,Hall A,New track,New Person <new@example.org>,\n"
    )
    seen: list[tuple[int, int]] = []

    plan = preview_sessions_csv(
        db, event, text, progress=lambda done, total: seen.append((done, total))
    )

    assert plan.ok
    assert plan.created == {"sessions": 1, "persons": 1, "tracks": 1}
    assert str(plan.rows[0].summary).startswith('"Opening", Tue 26 Nov 09:00–10:00, Hall A')
    assert seen == [(1, 1)]
    assert (count(db, ProgrammeSession), count(db, Person), count(db, Track)) == (0, 0, 0)


def test_each_kind_of_bad_row_is_named_by_its_line_and_nothing_is_saved(
    db: DbSession, event: Event
) -> None:
    text = HEADER + (
        "Good,talk,2024-11-26,09:00,10:00,Hall A,,,\n"
        "Missing room,talk,2024-11-26,10:00,11:00,Hall Z,,,\n"
        "Bad kind,lecture,2024-11-26,10:00,11:00,,,,\n"
        "Bad date,talk,26/11/2024,10:00,11:00,,,,\n"
        "Bad time,talk,2024-11-26,ten,11:00,,,,\n"
        "Backwards,talk,2024-11-26,12:00,11:00,,,,\n"
        "Outside,talk,2024-12-01,10:00,11:00,,,,\n"
        ",talk,2024-11-26,13:00,14:00,,,,\n"
        "Nameless,talk,2024-11-26,13:00,14:00,,,nobody@example.org,\n"
    )

    with pytest.raises(ValidationError) as raised:
        import_sessions_csv(db, event, text)

    assert problems_of(raised) == [
        'line 3: room "Hall Z" does not exist (the event\'s rooms: "Hall A", "Hall B")',
        'line 4: kind "lecture" is not one of: plenary, keynote, panel, talk, workshop, '
        "meeting, break, reception",
        'line 5: date "26/11/2024" is not a date such as 2024-11-26',
        'line 6: start "ten" is not a time such as 09:30',
        "line 7: end must be after the start",
        "line 8: start is outside the event's days",
        "line 8: end is outside the event's days",
        "line 9: title is empty",
        'line 10: nobody has the address nobody@example.org: write "Given Family '
        '<nobody@example.org>" to add them',
    ]
    assert count(db, ProgrammeSession) == 0


def test_clashes_within_the_file_and_with_the_programme_name_the_other_session(
    db: DbSession, event: Event, make_session: Callable[..., ProgrammeSession]
) -> None:
    make_session(
        event, title="Existing", room=event.rooms[1], starts_at=baku(26, 14), ends_at=baku(26, 15)
    )
    text = HEADER + (
        "First,talk,2024-11-26,09:00,10:00,Hall A,,Ann Lee <ann@example.org>,\n"
        "Same room,talk,2024-11-26,09:30,10:30,Hall A,,,\n"
        "Same person,talk,2024-11-26,09:30,10:30,Hall B,,ann@example.org,\n"
        "Against the programme,talk,2024-11-26,14:30,15:30,Hall B,,,\n"
        "First,talk,2024-11-26,09:00,10:00,,,,\n"
    )

    plan = preview_sessions_csv(db, event, text)

    assert not plan.ok
    assert [row.line for row in plan.bad_rows] == [3, 4, 5, 6]
    assert plan.problems()[0].message == (
        'clash: room "Hall A": "Same room" (26 Nov 09:30–10:30) overlaps "First" '
        "(26 Nov 09:00–10:00) (line 2)"
    )
    assert plan.problems()[1].message == (
        'clash: Ann Lee: "Same person" (26 Nov 09:30–10:30) overlaps "First" '
        "(26 Nov 09:00–10:00) (line 2)"
    )
    assert plan.problems()[2].message.startswith('clash: room "Hall B": "Against the programme"')
    assert plan.problems()[2].message.endswith('overlaps "Existing" (26 Nov 14:00–15:00)')
    assert plan.problems()[3].message == 'the programme already has "First" at that time (line 2)'
    assert count(db, ProgrammeSession) == 1


def test_excel_files_semicolons_bom_crlf_and_quoted_line_breaks(
    db: DbSession, event: Event
) -> None:
    text = (
        "\ufeffTITLE ; Start_Time ;END;Room;Abstract\r\n"
        '"Opening; welcome";2024-11-26T09:00;10:00;hall-a;"Two\r\nlines"\r\n'
        "\r\n"
        "Second;2024-11-26T10:00;11:00;;\r\n"
    )

    plan = import_sessions_csv(db, event, text.encode("utf-8"))

    first, second = sessions_of(db, event)
    assert (first.title, first.abstract) == ("Opening; welcome", "Two\r\nlines")
    assert [row.line for row in plan.rows] == [2, 5]
    assert second.ends_at == baku(26, 11)


def test_unknown_columns_are_reported_and_missing_required_ones_are_one_error(
    db: DbSession, event: Event
) -> None:
    plan = preview_sessions_csv(db, event, "title,start,end,Colour\nA,2024-11-26T09:00,10:00,red\n")
    assert plan.ignored_headers == ["Colour"]

    with pytest.raises(ValidationError) as raised:
        preview_sessions_csv(db, event, "Name,From\nA,09:00\n")
    (problem,) = problems_of(raised)
    assert problem == (
        'line 1: the file has no column "title", "end" (its columns: "Name", "From"; '
        'is the delimiter "," right?)'
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "file: is empty"),
        (b"title,start,end\n", "file: has a header but no rows"),
        (
            "title,start,end\nCaf\u00e9,09:00,10:00\n".encode("cp1252"),
            'line 2: is not UTF-8 text: save the file as "CSV UTF-8" '
            "(in Excel: Save As, CSV UTF-8)",
        ),
        (
            b'title,start,end\nA,2024-11-26T09:00,10:00\n"'
            + b"x" * (MAX_CELL_CHARACTERS + 1)
            + b'",1,2\n',
            f"line 3: a cell is longer than {MAX_CELL_CHARACTERS:,} characters",
        ),
        (b"title,start,end\n" + b"x" * MAX_FILE_BYTES, "file: is larger than 5 MB; split it"),
    ],
)
def test_files_that_cannot_be_read_get_one_clear_error(
    db: DbSession, event: Event, data: bytes, message: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        preview_sessions_csv(db, event, data)
    assert problems_of(raised) == [message]


def test_a_row_with_more_cells_than_the_header_is_a_row_error(db: DbSession, event: Event) -> None:
    plan = preview_sessions_csv(db, event, "title,start,end\nA, B,2024-11-26T09:00,10:00\n")

    assert [str(p) for p in plan.problems()] == [
        "line 2: has 4 cells but the header has 3 columns (is a cell with a delimiter in it "
        "missing its quotes?)"
    ]


def test_a_long_title_is_refused_by_the_service_rule(db: DbSession, event: Event) -> None:
    plan = preview_sessions_csv(db, event, f"title,start,end\n{'x' * 501},2024-11-26T09:00,10:00\n")

    assert [str(p) for p in plan.problems()] == ["line 2: title is longer than 500 characters"]


def test_a_person_added_by_an_undone_row_is_added_again_by_a_later_row(
    db: DbSession, event: Event
) -> None:
    # Line 2 adds Ann, then clashes and is undone; line 3 must add her again, not reuse her.
    text = HEADER + (
        "First,talk,2024-11-26,09:00,10:00,Hall A,,,\n"
        "Clash,talk,2024-11-26,09:30,10:30,Hall A,,Ann Lee <ann@example.org>,\n"
        "Later,talk,2024-11-26,11:00,12:00,Hall A,,Ann Lee <ann@example.org>,Ann Lee\n"
    )

    plan = preview_sessions_csv(db, event, text, now=FIXED_NOW)

    assert [row.ok for row in plan.rows] == [True, False, True]
    assert plan.rows[2].created == {"sessions": 1, "persons": 1}
    assert str(plan.rows[2].summary).endswith("2 people")


def test_a_person_named_twice_in_one_role_is_a_row_error(db: DbSession, event: Event) -> None:
    text = HEADER + (
        'Talk,talk,2024-11-26,09:00,10:00,Hall A,,"Ann Lee <ann@example.org>; ann@example.org",\n'
    )

    with pytest.raises(ValidationError) as error:
        import_sessions_csv(db, event, text, now=FIXED_NOW)

    assert problems_of(error) == ["line 2: ann@example.org: is already speaker of this session"]
    assert count(db, ProgrammeSession) == 0


def test_a_row_problem_and_a_summary_read_in_azerbaijani(db: DbSession, event: Event) -> None:
    source = (
        "title,date,start,end,room\n"
        "Opening,2024-11-26,09:00,10:00,Hall A\n"
        ",2024-11-26,11:00,12:00,Nowhere\n"
    )

    plan = preview_sessions_csv(db, event, source)

    summary, problems = plan.rows[0].summary, plan.rows[1].problems
    assert str(summary) == '"Opening", Tue 26 Nov 09:00–10:00, Hall A'
    assert isinstance(summary, Readable)
    assert summary.in_language("az").startswith('"Opening", Ç.a. 26 noy 09:00–10:00')
    assert [p.in_language("az") for p in problems if isinstance(p, Readable)] == [
        "title boşdur",
        '"Nowhere" zalı yoxdur (tədbirin zalları: "Hall A", "Hall B")',
    ]
