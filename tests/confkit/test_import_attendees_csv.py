"""Importing attendees from CSV: registrations as the organisers add them, seats counted by the
seat services, all or nothing, and the attendees export's own file accepted."""

from __future__ import annotations

import gc
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from confkit import ValidationError, services
from confkit.formats.attendees_csv import render_attendees_csv
from confkit.imports.attendees_csv import import_attendees_csv, preview_attendees_csv
from confkit.models import (
    Event,
    Organisation,
    OutboxMessage,
    Person,
    Registration,
    RegistrationStatus,
)
from confkit.services.attendee_data import attendee_sheet
from tests.factories import FIXED_NOW

Status = RegistrationStatus
HEADER = "Given name,Family name,Email,Organisation,Position,Category,Status,Delegation\n"


@pytest.fixture
def event(open_event_for_registration: Callable[..., Event], db: DbSession) -> Event:
    event = open_event_for_registration(capacity=3, slug="forum")
    services.add_question(
        db,
        event,
        key="diet",
        label="Dietary needs",
        kind="single_choice",
        choices=["none", "vegan"],
    )
    services.add_question(
        db, event, key="topics", label="Topics", kind="multiple_choice", choices=["energy", "cyber"]
    )
    services.add_question(db, event, key="photo", label="Photos allowed", kind="checkbox")
    return event


@pytest.fixture
def ministry(db: DbSession) -> Organisation:
    return services.create_organisation(
        db, name="Ministry of Foreign Affairs", kind="government", country="AZ"
    )


def count(db: DbSession, model: type[object]) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def registrations_of(db: DbSession, event: Event) -> list[Registration]:
    return list(
        db.scalars(
            select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)
        )
    )


def test_a_valid_file_registers_everyone_with_positions_delegations_and_answers(
    db: DbSession, event: Event, ministry: Organisation
) -> None:
    text = (
        "First name,Surname,E-mail,Organisation,Position,Category,Status,Delegation,"
        "Dietary needs,topics,Photos allowed,Organisation kind,Country\n"
        "Aysel,Məmmədova,aysel@EXAMPLE.org,ministry of foreign affairs,Attaché,speaker,,"
        "AZ delegation,vegan,energy; cyber,yes,,\n"
        "Oleksandr,Шевченко,oleks@example.org,Kyiv Institute,Fellow,,waitlisted,,none,,no,"
        "academia,ua\n"
        "Elif,Demir,elif@example.org,,,press,awaiting approval,AZ delegation,,,,,\n"
    )

    plan = import_attendees_csv(db, event, text, actor="organiser:a@example.org", now=FIXED_NOW)

    assert plan.ok
    assert plan.created == {
        "registrations": 3,
        "persons": 3,
        "organisations": 1,
        "delegations": 1,
    }
    aysel, oleks, elif_ = registrations_of(db, event)
    assert (aysel.person.family_name, aysel.person.email) == ("Məmmədova", "aysel@example.org")
    assert (aysel.category.value, aysel.status) == ("speaker", Status.CONFIRMED)
    assert aysel.affiliation is not None
    assert aysel.affiliation.label == "Attaché, Ministry of Foreign Affairs"
    assert aysel.answers == {"diet": "vegan", "topics": ["energy", "cyber"], "photo": True}
    assert aysel.changes[0].actor == "organiser:a@example.org"
    assert oleks.status is Status.WAITLISTED
    assert oleks.affiliation is not None
    assert (oleks.affiliation.organisation.kind.value, oleks.affiliation.organisation.country) == (
        "academia",
        "UA",
    )
    assert oleks.answers == {"diet": "none"}
    assert elif_.status is Status.AWAITING_APPROVAL
    assert aysel.delegation is elif_.delegation
    assert aysel.delegation is not None
    assert {p.given_name for p in aysel.delegation.members} == {"Elif", "Aysel"}
    # An import is the organisers' record: nobody is mailed.
    assert count(db, OutboxMessage) == 0


def test_the_preview_keeps_nothing(db: DbSession, event: Event) -> None:
    plan = preview_attendees_csv(db, event, HEADER + "Ann,Lee,ann@example.org,,,,,New one\n")

    assert plan.ok
    assert str(plan.rows[0].summary) == "Ann Lee, ann@example.org, delegate, confirmed"
    assert [str(n) for n in plan.rows[0].notes] == ['adds the delegation "New one"']
    assert (count(db, Registration), count(db, Person)) == (0, 0)


def test_confirmed_rows_beyond_capacity_go_to_the_waiting_list(
    db: DbSession, event: Event, make_registration: Callable[..., Registration]
) -> None:
    make_registration(event)
    rows = "".join(f"P{n},Q{n},p{n}@example.org,,,,,\n" for n in range(1, 5))

    plan = import_attendees_csv(db, event, HEADER + rows)

    statuses = [r.status for r in registrations_of(db, event)]
    assert statuses == [Status.CONFIRMED] * 3 + [Status.WAITLISTED] * 2
    assert [str(n) for n in plan.rows[2].notes] == [
        "goes to the waiting list: all 3 seats are taken"
    ]


def test_without_a_waiting_list_a_confirmed_row_beyond_capacity_is_an_error(
    db: DbSession, open_event_for_registration: Callable[..., Event]
) -> None:
    full = open_event_for_registration(capacity=1, waitlist=False)
    text = (
        HEADER
        + "A,B,a@example.org,,,,,\nC,D,c@example.org,,,,,\nE,F,e@example.org,,,,waitlisted,\n"
    )

    with pytest.raises(ValidationError) as raised:
        import_attendees_csv(db, full, text)

    assert [str(p) for p in raised.value.problems] == [
        "line 3: no seat is left: all 1 seats are taken and the event keeps no waiting list"
    ]
    assert count(db, Registration) == 0


def test_each_kind_of_bad_row_is_named_by_its_line_and_nothing_is_saved(
    db: DbSession, event: Event, make_registration: Callable[..., Registration]
) -> None:
    make_registration(event, email="taken@example.org")
    text = (
        "Given name,Family name,Email,Organisation,Position,Category,Status,Dietary needs,Topics\n"
        "Good,Row,good@example.org,,,,,,\n"
        "No,Address,,,,,,,\n"
        "Bad,Address,not-an-address,,,,,,\n"
        "Again,Row,GOOD@example.org,,,,,,\n"
        "Taken,Row,taken@example.org,,,,,,\n"
        "Odd,Category,odd@example.org,,,minister,,,\n"
        "Odd,Status,status@example.org,,,,unconfirmed,,\n"
        "Who,Where,who@example.org,Nowhere Inc,,,,,\n"
        "Job,Only,job@example.org,,Boss,,,,\n"
        "Bad,Answer,answer@example.org,,,,,meat,energy; golf\n"
        ",,nameless@example.org,,,,,,\n"
    )

    with pytest.raises(ValidationError) as raised:
        import_attendees_csv(db, event, text)

    assert [str(p) for p in raised.value.problems] == [
        "line 3: email is empty",
        'line 4: email "not-an-address": An email address must have an @-sign.',
        "line 5: GOOD@example.org is also on line 2",
        "line 6: taken@example.org is already registered for this event (confirmed)",
        'line 7: category "minister" is not one of: delegate, speaker, press, observer, staff',
        "line 8: status unconfirmed cannot be imported: it waits for a confirmation mail that "
        "an import does not send (use confirmed or awaiting approval)",
        'line 9: organisation "Nowhere Inc" is not known: give its kind in an "organisation '
        'kind" column to add it (government, international organisation, armed forces, '
        "academia, think tank, media, ngo, company)",
        "line 10: position is given without an organisation",
        'line 11: "Dietary needs" is not one of the choices',
        'line 11: "Topics" is not among the choices',
        "line 12: family name is required",
    ]
    assert count(db, Registration) == 1


def test_a_known_person_is_reused_as_stored(
    db: DbSession, event: Event, make_person: Callable[..., Person]
) -> None:
    known = make_person(given_name="Burcu", family_name="San", email="burcu@example.org")

    plan = import_attendees_csv(db, event, HEADER + "B.,Sun,Burcu@Example.org,,,,,\n")

    (registration,) = registrations_of(db, event)
    assert registration.person is known
    assert known.family_name == "San"
    assert [str(n) for n in plan.rows[0].notes] == [
        "Burcu@example.org is Burcu San already; the names here are not used"
    ]


def test_the_attendees_export_imports_into_another_event(
    db: DbSession,
    event: Event,
    ministry: Organisation,
    make_registration: Callable[..., Registration],
    open_event_for_registration: Callable[..., Event],
) -> None:
    make_registration(
        event,
        given_name="Aysel",
        family_name="=Məmmədova",
        email="aysel@example.org",
        organisation_id=ministry.id,
        position="Attaché",
        answers={"diet": "vegan", "topics": ["cyber"], "photo": "y"},
    )
    make_registration(event, given_name="Ann", family_name="Lee", email="ann@example.org")
    leaver = make_registration(event, given_name="Cem", family_name="Kaya", email="cem@ex.org")
    services.seats.cancel_registration(db, leaver, base_url="https://x", now=FIXED_NOW)
    exported = render_attendees_csv(attendee_sheet(db, event))
    follow_up = open_event_for_registration(capacity=10, slug="follow-up")
    for question in event.questions:
        services.add_question(
            db,
            follow_up,
            key=question.key,
            label=question.label,
            kind=question.kind,
            choices=question.choices,
        )

    plan = import_attendees_csv(db, follow_up, exported)

    assert plan.ok
    assert plan.ignored_headers == []
    copied = {r.person.email: r for r in registrations_of(db, follow_up)}
    assert copied["aysel@example.org"].person.family_name == "=Məmmədova"
    assert copied["aysel@example.org"].affiliation is not None
    assert copied["aysel@example.org"].affiliation.label == "Attaché, Ministry of Foreign Affairs"
    assert copied["aysel@example.org"].answers == {
        "diet": "vegan",
        "topics": ["cyber"],
        "photo": True,
    }
    assert copied["ann@example.org"].status is Status.CONFIRMED
    assert copied["cem@ex.org"].status is Status.CANCELLED
    assert render_attendees_csv(attendee_sheet(db, follow_up)).count(b"\r\n") == 4


def test_a_preview_then_the_import_in_one_database_session(db: DbSession, event: Event) -> None:
    text = "email,family name,organisation,organisation kind\n" + "".join(
        f"p{n}@example.org,F{n},Org {n % 3},ngo\n" for n in range(6)
    )

    assert preview_attendees_csv(db, event, text).created["organisations"] == 3
    plan = import_attendees_csv(db, event, text)

    assert plan.created == {"registrations": 6, "persons": 6, "organisations": 3}
    assert count(db, Organisation) == 3


def test_a_preview_leaves_no_copy_of_its_rows_even_when_the_collector_runs_often(
    db: DbSession, event: Event
) -> None:
    # The preview's own organisation objects freed at once, the next rows load their rows
    # again; after the rollback those copies must not meet the import's new rows, which
    # SQLite gives the same ids.
    text = "email,family name,organisation,organisation kind\n" + "".join(
        f"p{n}@example.org,F{n},Org {n % 3},ngo\n" for n in range(6)
    )
    thresholds = gc.get_threshold()
    gc.set_threshold(1, 1, 1)
    try:
        preview_attendees_csv(db, event, text)
        plan = import_attendees_csv(db, event, text)
    finally:
        gc.set_threshold(*thresholds)

    assert plan.created == {"registrations": 6, "persons": 6, "organisations": 3}
    assert count(db, Organisation) == 3
