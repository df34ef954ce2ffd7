"""The attendee list as CSV: what each column holds, the bytes Excel needs, formulas neutralised,
and a fixed number of queries whatever the number of attendees."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection
from sqlalchemy.event import listen, remove
from sqlalchemy.orm import Session as DbSession

from confkit import services
from confkit.formats.attendees_csv import (
    HEADERS,
    AttendeeSheet,
    answer_text,
    render_attendees_csv,
    spreadsheet_safe,
)
from confkit.models import (
    Event,
    Person,
    QuestionKind,
    Registration,
    RegistrationQuestion,
    RegistrationStatus,
)
from confkit.services.attendee_data import attendee_sheet
from confkit.services.registration_settings import add_question
from confkit.services.seats import waitlist_position
from confkit.transfer import EXPORTERS, PERSONAL_EXPORTS, export_event
from tests.factories import FIXED_NOW

BOM = b"\xef\xbb\xbf"


def rows_of(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data[len(BOM) :].decode("utf-8"), newline="")))


def by_header(rows: list[list[str]]) -> list[dict[str, str]]:
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


@contextmanager
def counting_queries(connection: Connection) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # Savepoints are the test's transaction at work, not queries the export makes.
        if "SAVEPOINT" not in statement.upper():
            statements.append(statement)

    listen(connection, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        remove(connection, "before_cursor_execute", count)


def register(
    db: DbSession, event: Event, person: Person, *, status: str = "confirmed", **values: Any
) -> Registration:
    registration = services.add_registration(db, event, person, status=status, now=FIXED_NOW)
    for name, value in values.items():
        setattr(registration, name, value)
    db.flush()
    return registration


def add_questions(db: DbSession, event: Event) -> None:
    add_question(db, event, key="diet", label="Dietary needs", kind="short_text")
    add_question(
        db,
        event,
        key="sessions",
        label="Sessions of interest",
        kind="multiple_choice",
        choices=["Cyber", "Energy", "Maritime"],
    )
    add_question(db, event, key="visa", label="Needs a visa letter", kind="checkbox")
    add_question(db, event, key="country", label="Country of residence", kind="country")


def test_one_row_per_registration_with_every_column(
    db: DbSession, make_event: Callable[..., Event], make_person: Callable[..., Person]
) -> None:
    event = make_event(slug="pfp-csv")
    add_questions(db, event)
    ministry = services.create_organisation(db, name="Ministry of Defence", kind="government")
    department = services.create_organisation(
        db, name="International Cooperation Department", kind="government", parent=ministry
    )
    colonel = make_person(
        given_name="Elçin",
        family_name="Abdullayev",
        honorific="Colonel",
        email="elchin@mod.example.org",
    )
    position = services.add_affiliation(db, colonel, department, position_title="Deputy Head")
    delegation = services.create_delegation(db, event, name="Azerbaijani delegation", head=colonel)
    register(
        db,
        event,
        colonel,
        category="speaker",
        affiliation=position,
        delegation=delegation,
        confirmed_at=datetime(2024, 11, 2, 6, 30, tzinfo=UTC),
        checked_in_at=datetime(2024, 11, 26, 5, 15, tzinfo=UTC),
        answers={"diet": "Halal", "sessions": ["Cyber", "Maritime"], "visa": True},
    )
    cyrillic = make_person(given_name="Анна", family_name="Смирнова")
    register(db, event, cyrillic, status="unconfirmed", answers={"country": "GE"})

    data = export_event(db, event, "attendees-csv", base_url="https://ignored.example.org")

    assert data.startswith(BOM)
    body = data[len(BOM) :]
    assert body.count(b"\r\n") == 3
    assert b"\n" not in body.replace(b"\r\n", b"")
    rows = rows_of(data)
    assert rows[0] == [
        *HEADERS,
        "Dietary needs",
        "Sessions of interest",
        "Needs a visa letter",
        "Country of residence",
    ]
    colonel_row, anna_row = by_header(rows)
    assert colonel_row == {
        "Given name": "Elçin",
        "Family name": "Abdullayev",
        "Honorific": "Colonel",
        "Email": "elchin@mod.example.org",
        "Organisation": "International Cooperation Department, Ministry of Defence",
        "Position": "Deputy Head",
        "Category": "speaker",
        "Status": "confirmed",
        "Waiting-list position": "",
        "Registered": "2024-11-01T16:00:00+04:00",
        "Confirmed": "2024-11-02T10:30:00+04:00",
        "Checked in": "2024-11-26T09:15:00+04:00",
        "Delegation": "Azerbaijani delegation",
        "Dietary needs": "Halal",
        "Sessions of interest": "Cyber; Maritime",
        "Needs a visa letter": "yes",
        "Country of residence": "",
    }
    assert anna_row["Given name"] == "Анна"
    assert anna_row["Family name"] == "Смирнова"
    assert anna_row["Email"] == anna_row["Organisation"] == anna_row["Confirmed"] == ""
    assert anna_row["Status"] == "unconfirmed"
    assert anna_row["Needs a visa letter"] == "no"
    assert anna_row["Country of residence"] == "GE"


def test_without_a_position_given_the_person_s_position_on_the_first_day_shows(
    db: DbSession, make_event: Callable[..., Event], make_person: Callable[..., Person]
) -> None:
    event = make_event(starts_on=date(2024, 11, 25), ends_on=date(2024, 11, 26))
    nato = services.create_organisation(db, name="NATO", kind="international_organisation")
    person = make_person(family_name="San")
    services.add_affiliation(
        db, person, nato, position_title="Former Adviser", ends_on=date(2023, 12, 31)
    )
    services.add_affiliation(
        db, person, nato, position_title="Future Head", starts_on=date(2025, 1, 1)
    )
    services.add_affiliation(db, person, nato, position_title="Deputy Assistant Secretary General")
    register(db, event, person)
    register(db, event, make_person(family_name="Tanrıverdi"))

    rows = by_header(rows_of(export_event(db, event, "attendees-csv", base_url="")))

    assert [(r["Family name"], r["Organisation"], r["Position"]) for r in rows] == [
        ("San", "NATO", "Deputy Assistant Secretary General"),
        ("Tanrıverdi", "", ""),
    ]


def test_waiting_list_positions_follow_the_waiting_order(
    db: DbSession, make_event: Callable[..., Event], make_person: Callable[..., Person]
) -> None:
    event = make_event()
    first_wait = datetime(2024, 11, 3, 8, 0, tzinfo=UTC)
    # Alphabetical order of the rows is not the order of the list.
    for family_name, minutes in (("Aliyev", 20), ("Babayev", 0), ("Cəfərov", 10)):
        register(
            db,
            event,
            make_person(family_name=family_name),
            status="waitlisted",
            waitlisted_at=first_wait + timedelta(minutes=minutes),
        )
    register(db, event, make_person(family_name="Dadashov"), status="cancelled")

    rows = by_header(rows_of(export_event(db, event, "attendees-csv", base_url="")))

    positions = {row["Family name"]: row["Waiting-list position"] for row in rows}
    assert positions == {"Aliyev": "3", "Babayev": "1", "Cəfərov": "2", "Dadashov": ""}
    # The same positions the attendee's own page shows.
    assert {r.person.family_name: waitlist_position(db, r) for r in event.registrations} == {
        "Aliyev": 3,
        "Babayev": 1,
        "Cəfərov": 2,
        "Dadashov": None,
    }


def test_every_cell_that_could_run_as_a_formula_is_neutralised(
    db: DbSession, make_event: Callable[..., Event], make_person: Callable[..., Person]
) -> None:
    event = make_event()
    add_question(db, event, key="note", label="=cmd|' /C calc'!A0", kind="long_text")
    attacker = make_person(
        given_name='=HYPERLINK("http://evil.example.com","click")',
        family_name="+SUM(1,2)",
        honorific="-2+3",
    )
    lab = services.create_organisation(db, name="@lab", kind="academia")
    affiliation = services.add_affiliation(db, attacker, lab, position_title="Head")
    delegation = services.create_delegation(db, event, name="Delegation", head=attacker)
    # The services strip leading blanks; data imported or typed into the database may not.
    affiliation.position_title = "\tHead"
    delegation.name = "\r=1+1"
    register(
        db,
        event,
        attacker,
        affiliation=affiliation,
        delegation=delegation,
        answers={"note": "=1+1\nsecond line"},
    )

    rows = rows_of(export_event(db, event, "attendees-csv", base_url=""))

    assert rows[0][-1] == "'=cmd|' /C calc'!A0"
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Given name"] == '\'=HYPERLINK("http://evil.example.com","click")'
    assert row["Family name"] == "'+SUM(1,2)"
    assert row["Honorific"] == "'-2+3"
    assert row["Organisation"] == "'@lab"
    assert row["Position"] == "'\tHead"
    assert row["Delegation"] == "'\r=1+1"
    assert row["'=cmd|' /C calc'!A0"] == "'=1+1\nsecond line"
    for cell in rows[0] + rows[1]:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+994 12 000 00 00", "'+994 12 000 00 00"),
        ("-", "'-"),
        ("@handle", "'@handle"),
        ("\tindented", "'\tindented"),
        ("\rreturn", "'\rreturn"),
        ("Ali = Veli", "Ali = Veli"),
        ("", ""),
        ("'quoted", "'quoted"),
    ],
)
def test_spreadsheet_safe(text: str, expected: str) -> None:
    assert spreadsheet_safe(text) == expected


@pytest.mark.parametrize(
    ("kind", "answer", "expected"),
    [
        (QuestionKind.SHORT_TEXT, "Vegetarian", "Vegetarian"),
        (QuestionKind.SHORT_TEXT, None, ""),
        (QuestionKind.SINGLE_CHOICE, "Energy", "Energy"),
        (QuestionKind.MULTIPLE_CHOICE, ["Cyber", "Energy"], "Cyber; Energy"),
        (QuestionKind.MULTIPLE_CHOICE, [], ""),
        (QuestionKind.CHECKBOX, True, "yes"),
        (QuestionKind.CHECKBOX, None, "no"),
        (QuestionKind.CHECKBOX, False, "no"),
        (QuestionKind.COUNTRY, "AZ", "AZ"),
    ],
)
def test_answer_text(kind: QuestionKind, answer: Any, expected: str) -> None:
    question = RegistrationQuestion(key="q", label="Q", kind=kind, choices=[])
    assert answer_text(question, answer) == expected


def test_an_event_without_registrations_has_a_header_only(
    db: DbSession, make_event: Callable[..., Event]
) -> None:
    event = make_event()

    data = export_event(db, event, "attendees-csv", base_url="")

    assert data == BOM + ",".join(HEADERS).encode() + b"\r\n"


def test_the_attendee_list_is_a_personal_export() -> None:
    assert "attendees-csv" in EXPORTERS
    assert {"attendees-csv"} == PERSONAL_EXPORTS


def add_attendees(
    db: DbSession, event: Event, make_person: Callable[..., Person], count: int
) -> None:
    """``count`` registrations in every state, each person with a position three organisations
    deep, every other one in a delegation of its own."""
    ministry = services.create_organisation(db, name=f"Ministry {count}", kind="government")
    statuses = list(RegistrationStatus)
    for i in range(count):
        department = services.create_organisation(
            db, name=f"Department {count}.{i}", kind="government", parent=ministry
        )
        unit = services.create_organisation(
            db, name=f"Unit {count}.{i}", kind="government", parent=department
        )
        person = make_person(email=f"attendee{count}.{i}@example.org")
        position = services.add_affiliation(db, person, unit, position_title="Officer")
        delegation = (
            services.create_delegation(db, event, name=f"Delegation {count}.{i}") if i % 2 else None
        )
        status = statuses[i % len(statuses)]
        register(
            db,
            event,
            person,
            status=status.value,
            # Every third one added without a position, as organisers do: the person's shows.
            affiliation=position if i % 3 else None,
            delegation=delegation,
            waitlisted_at=FIXED_NOW if status is RegistrationStatus.WAITLISTED else None,
            answers={"diet": f"Diet {i}", "sessions": ["Cyber"], "visa": bool(i % 2)},
        )


def test_a_fixed_number_of_queries_whatever_the_number_of_attendees(
    db: DbSession,
    connection: Connection,
    make_event: Callable[..., Event],
    make_person: Callable[..., Person],
) -> None:
    small, large = make_event(), make_event()
    for event, count in ((small, 3), (large, 30)):
        add_questions(db, event)
        add_attendees(db, event, make_person, count)
    db.flush()
    counts, outputs = [], []
    for event in (small, large):
        event_id = event.id
        db.expunge_all()  # start cold, as a command does
        cold = db.get(Event, event_id)
        assert cold is not None
        with counting_queries(connection) as statements:
            sheet = attendee_sheet(db, cold)
            outputs.append(render_attendees_csv(sheet))
        counts.append(len(statements))

    assert counts[0] == counts[1] <= 4
    assert isinstance(sheet, AttendeeSheet)
    large_rows = by_header(rows_of(outputs[1]))
    assert len(large_rows) == 30
    assert {row["Organisation"] for row in large_rows} == {
        f"Unit 30.{i}, Department 30.{i}, Ministry 30" for i in range(30)
    }
    assert len({row["Delegation"] for row in large_rows}) == 16
    assert {row["Waiting-list position"] for row in large_rows} == {"", *map(str, range(1, 6))}
