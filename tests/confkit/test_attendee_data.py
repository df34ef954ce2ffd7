"""An attendee's own data: a copy of everything stored for a registration, and its erasure that
gives the seat to the next person and touches nobody else's data."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from confkit import services
from confkit.mail.outbox import Mail, enqueue
from confkit.models import (
    AgendaEntry,
    Event,
    Organisation,
    OutboxMessage,
    Person,
    ProgrammeSession,
    Registration,
    RegistrationStatus,
)
from confkit.services.attendee_data import attendee_data, erase_attendee
from confkit.services.registration_settings import add_question, configure_registration
from confkit.services.seats import confirm_registration
from confkit.services.signup import SignupDetails, register
from confkit.transfer import export_event
from tests.factories import FIXED_NOW, baku

BASE_URL = "https://conf.example.org"
LATER = FIXED_NOW + timedelta(days=3)


@pytest.fixture
def event(db: DbSession, make_event: Callable[..., Event]) -> Event:
    """An open workshop with one seat, a waiting list, a consent text and three questions."""
    event = make_event(slug="energy-workshop", name="Energy security workshop", capacity=1)
    configure_registration(db, event, consent_text="We keep your details for the event.")
    add_question(db, event, key="diet", label="Dietary needs", kind="short_text")
    add_question(
        db,
        event,
        key="topics",
        label="Topics of interest",
        kind="multiple_choice",
        choices=["Cyber", "Energy"],
    )
    add_question(db, event, key="visa", label="Needs a visa letter", kind="checkbox")
    return event


@pytest.fixture
def department(db: DbSession) -> Organisation:
    ministry = services.create_organisation(db, name="Ministry of Energy", kind="government")
    return services.create_organisation(
        db, name="Energy Security Department", kind="government", parent=ministry
    )


def sign_up(
    db: DbSession,
    event: Event,
    email: str,
    *,
    given_name: str = "Leyla",
    family_name: str = "Həsənova",
    organisation: Organisation | None = None,
    answers: dict[str, Any] | None = None,
    at: datetime = FIXED_NOW,
) -> Registration:
    """Register through the public form and confirm five minutes later."""
    details = SignupDetails(
        given_name=given_name,
        family_name=family_name,
        email=email,
        organisation_id=organisation.id if organisation else None,
        position="Analyst" if organisation else "",
        answers=answers or {},
        consent=True,
    )
    registration = register(db, event, details, base_url=BASE_URL, now=at).registration
    return confirm_registration(db, registration, base_url=BASE_URL, now=at + timedelta(minutes=5))


def mails_of(db: DbSession, registration: Registration) -> list[OutboxMessage]:
    return list(
        db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.registration_id == registration.id)
            .order_by(OutboxMessage.id)
        )
    )


def mails_to(db: DbSession, address: str) -> list[OutboxMessage]:
    return list(db.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address)))


def choose(db: DbSession, registration: Registration, session: ProgrammeSession) -> None:
    db.add(AgendaEntry(registration=registration, session=session, created_at=FIXED_NOW))
    db.flush()


def round_trip(data: Any) -> Any:
    return json.loads(json.dumps(data))


# What is stored


def test_everything_stored_for_a_registration(
    db: DbSession,
    event: Event,
    department: Organisation,
    make_session: Callable[..., ProgrammeSession],
) -> None:
    leyla = sign_up(
        db,
        event,
        "leyla@energy.example.org",
        organisation=department,
        answers={"diet": "Vegetarian", "topics": ["Energy"], "visa": "yes"},
    )
    workshop = make_session(event, title="Pipeline security", starts_at=baku(26, 10))
    panel = make_session(event, title="Closing panel", starts_at=baku(26, 16), ends_at=baku(26, 17))
    choose(db, leyla, workshop)
    services.assign_role(db, panel, leyla.person, "panellist")
    leyla.checked_in_at = baku(26, 8, 45)

    data = attendee_data(db, leyla)

    assert round_trip(data) == data
    assert data["person"] == {
        "given_name": "Leyla",
        "family_name": "Həsənova",
        "honorific": "",
        "email": "leyla@energy.example.org",
        "bio": "",
        "affiliations": [
            {
                "organisation": "Energy Security Department, Ministry of Energy",
                "position": "Analyst",
                "starts_on": None,
                "ends_on": None,
            }
        ],
    }
    registration = data["registration"]
    assert registration["event"] == {
        "name": "Energy security workshop",
        "slug": "energy-workshop",
        "time_zone": "Asia/Baku",
    }
    assert (registration["category"], registration["status"]) == ("delegate", "confirmed")
    assert registration["affiliation"] == "Analyst, Energy Security Department, Ministry of Energy"
    assert registration["delegation"] is None
    assert registration["answers"] == [
        {"key": "diet", "question": "Dietary needs", "answer": "Vegetarian"},
        {"key": "topics", "question": "Topics of interest", "answer": ["Energy"]},
        {"key": "visa", "question": "Needs a visa letter", "answer": True},
    ]
    # Every instant in the event's zone: FIXED_NOW is 12:00 UTC, 16:00 in Baku.
    assert registration["consent_given_at"] == "2024-11-01T16:00:00+04:00"
    assert registration["created_at"] == "2024-11-01T16:00:00+04:00"
    assert registration["confirmed_at"] == "2024-11-01T16:05:00+04:00"
    assert registration["confirm_by"] == "2024-11-03T16:00:00+04:00"
    assert registration["checked_in_at"] == "2024-11-26T08:45:00+04:00"
    assert registration["waitlisted_at"] is None
    assert registration["waiting_list_position"] is None
    assert registration["cancelled_at"] is None
    assert registration["agenda"] == [
        {
            "session": str(workshop.uuid),
            "title": "Pipeline security",
            "starts_at": "2024-11-26T10:00:00+04:00",
            "ends_at": "2024-11-26T11:00:00+04:00",
            "chosen_at": "2024-11-01T16:00:00+04:00",
        }
    ]
    assert registration["roles"] == [
        {"session": str(panel.uuid), "title": "Closing panel", "role": "panellist"}
    ]
    assert [
        (c["actor"], c["action"], c["from_status"], c["to_status"]) for c in data["history"]
    ] == [
        ("attendee", "register", None, "unconfirmed"),
        ("attendee", "confirm", "unconfirmed", "confirmed"),
    ]
    assert data["history"][1]["at"] == "2024-11-01T16:05:00+04:00"
    assert [(m["kind"], m["status"], m["sent_at"]) for m in data["mails"]] == [
        ("confirm_request", "pending", None),
        ("confirmed", "pending", None),
    ]
    confirmed = data["mails"][1]
    assert confirmed["recipient"] == "leyla@energy.example.org"
    assert confirmed["subject"]
    assert "Leyla" in confirmed["text_body"]
    assert "Leyla" in confirmed["html_body"]
    assert [a["filename"].endswith(".ics") for a in confirmed["attachments"]] == [True]
    # The token is a credential for the attendee's links, not data about them (the mails they
    # were sent carry their links, as they did when sent).
    assert "token" not in data["registration"]
    assert leyla.token in confirmed["text_body"]


def test_the_waiting_list_position_and_answers_to_removed_questions(
    db: DbSession, event: Event
) -> None:
    sign_up(db, event, "first@example.org", given_name="Murad", family_name="Əliyev")
    waiting = sign_up(
        db, event, "second@example.org", given_name="Нина", family_name="Иванова", at=LATER
    )
    waiting.answers = {"diet": "None", "shuttle": "Yes, from the airport"}

    data = round_trip(attendee_data(db, waiting))

    assert data["person"]["given_name"] == "Нина"
    assert data["registration"]["status"] == "waitlisted"
    assert data["registration"]["waiting_list_position"] == 1
    assert data["registration"]["waitlisted_at"] == "2024-11-04T16:05:00+04:00"
    assert data["registration"]["answers"] == [
        {"key": "diet", "question": "Dietary needs", "answer": "None"},
        {"key": "shuttle", "question": None, "answer": "Yes, from the airport"},
    ]
    assert [m["kind"] for m in data["mails"]] == ["confirm_request", "waitlisted"]


# Erasure


def test_erasing_a_confirmed_attendee_gives_the_seat_to_the_next_person(
    db: DbSession,
    event: Event,
    department: Organisation,
    make_session: Callable[..., ProgrammeSession],
) -> None:
    leyla = sign_up(
        db,
        event,
        "leyla@energy.example.org",
        organisation=department,
        answers={"diet": "Vegetarian", "visa": True},
    )
    murad = sign_up(
        db,
        event,
        "murad@example.org",
        given_name="Murad",
        family_name="Əliyev",
        organisation=department,
        answers={"diet": "Halal"},
        at=FIXED_NOW + timedelta(hours=1),
    )
    assert (leyla.status, murad.status) == (
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
    )
    session = make_session(event)
    choose(db, leyla, session)
    choose(db, murad, session)
    leyla_person, old_token, generation = leyla.person, leyla.token, leyla.ticket_generation
    murad_before = attendee_data(db, murad)

    erase_attendee(db, leyla, base_url=BASE_URL, now=LATER)
    db.flush()
    db.expire_all()

    # The seat went to Murad, who is told so.
    assert murad.status is RegistrationStatus.CONFIRMED
    assert [m.kind for m in mails_of(db, murad)] == [
        "confirm_request",
        "waitlisted",
        "promoted",
    ]
    # Leyla's registration stays, cancelled, with nothing personal left.
    assert leyla.status is RegistrationStatus.CANCELLED
    assert leyla.cancelled_at == LATER
    assert leyla.answers == {}
    assert leyla.consent_given_at is None
    assert leyla.affiliation is None
    assert leyla.agenda == []
    assert leyla.token != old_token
    assert len(leyla.token) >= 43
    assert leyla.ticket_generation == generation + 1
    assert db.scalar(select(Registration).where(Registration.token == old_token)) is None
    assert [(c.actor, c.action) for c in leyla.changes] == [
        ("attendee", "register"),
        ("attendee", "confirm"),
        ("attendee", "cancel"),
        ("attendee", "erase"),
    ]
    assert {c.note for c in leyla.changes} == {""}
    assert leyla.changes[-1].at == LATER
    # No mail about her or to her address is kept, sent or not.
    assert mails_of(db, leyla) == []
    assert mails_to(db, "leyla@energy.example.org") == []
    # The person row stays, anonymised.
    assert db.get(Person, leyla_person.id) is leyla_person
    assert (leyla_person.given_name, leyla_person.family_name) == ("Erased", "attendee")
    assert (leyla_person.honorific, leyla_person.bio, leyla_person.email) == ("", "", None)
    assert leyla_person.affiliations == []
    assert db.get(Organisation, department.id) is department
    # Murad's data is whole: only the promotion changed it.
    murad_after = attendee_data(db, murad)
    assert murad_after["person"] == murad_before["person"]
    assert murad_after["registration"]["answers"] == murad_before["registration"]["answers"]
    assert murad_after["registration"]["agenda"] == murad_before["registration"]["agenda"]
    assert murad_after["registration"]["affiliation"] == (
        "Analyst, Energy Security Department, Ministry of Energy"
    )
    assert murad_after["mails"][:2] == murad_before["mails"]
    # What is left of Leyla still reads and serialises.
    left = round_trip(attendee_data(db, leyla))
    assert left["person"]["email"] is None
    assert left["registration"]["answers"] == left["mails"] == []
    assert "Leyla" not in json.dumps(left)
    assert "Həsənova" not in export_event(db, event, "attendees-csv", base_url="").decode()


def test_a_speaker_keeps_the_public_name_and_loses_email_and_bio(
    db: DbSession,
    event: Event,
    department: Organisation,
    make_person: Callable[..., Person],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    think_tank = services.create_organisation(db, name="Caspian Institute", kind="think_tank")
    speaker = make_person(
        given_name="Burcu",
        family_name="San",
        honorific="Dr",
        email="burcu@example.org",
        bio="Works on energy security.",
    )
    shown = services.add_affiliation(db, speaker, department, position_title="Director")
    given = services.add_affiliation(db, speaker, think_tank, position_title="Adviser")
    recorded = services.add_affiliation(db, speaker, think_tank, position_title="Board member")
    panel = make_session(event, title="Energy panel")
    role = services.assign_role(db, panel, speaker, "speaker", affiliation=shown)
    registration = services.add_registration(db, event, speaker, category="speaker")
    registration.affiliation = given
    registration.answers = {"diet": "Vegan"}

    erase_attendee(db, registration, base_url=BASE_URL, now=LATER)
    db.expire_all()

    assert speaker.display_name == "Dr Burcu San"
    assert (speaker.email, speaker.bio) == (None, "")
    # The position given with the registration goes; the programme's and the organisers' stay.
    assert speaker.affiliations == [shown, recorded]
    assert role.affiliation is shown
    assert registration.status is RegistrationStatus.CANCELLED
    assert registration.answers == {}
    assert db.get(Organisation, think_tank.id) is think_tank


@pytest.mark.parametrize(
    ("other_status", "keeps_email"), [("confirmed", True), ("cancelled", False)]
)
def test_another_registration_keeps_the_name_and_the_email_while_it_is_active(
    db: DbSession,
    event: Event,
    department: Organisation,
    make_event: Callable[..., Event],
    other_status: str,
    keeps_email: bool,
) -> None:
    registration = sign_up(
        db, event, "rashad@example.org", given_name="Rəşad", organisation=department
    )
    person, position = registration.person, registration.affiliation
    elsewhere = services.add_registration(db, make_event(), person, status=other_status)
    elsewhere.answers = {"diet": "Kosher"}
    elsewhere.affiliation = position
    enqueue(
        db,
        Mail("rashad@example.org", "Your other event", "Text", "<p>Text</p>"),
        kind="confirmed",
        host="conf.example.org",
        now=FIXED_NOW,
        registration=elsewhere,
    )
    token = elsewhere.token

    erase_attendee(db, registration, base_url=BASE_URL, now=LATER)
    db.expire_all()

    assert person.given_name == "Rəşad"
    assert person.bio == ""
    # The position given here stays: the other registration shows it too.
    assert person.affiliations == [position]
    assert elsewhere.affiliation is position
    assert mails_of(db, registration) == []
    assert (elsewhere.status.value, elsewhere.answers, elsewhere.token) == (
        other_status,
        {"diet": "Kosher"},
        token,
    )
    if keeps_email:
        assert person.email == "rashad@example.org"
        assert [m.subject for m in mails_of(db, elsewhere)] == ["Your other event"]
    else:
        assert person.email is None
        assert mails_to(db, "rashad@example.org") == []


@pytest.mark.parametrize("status", ["cancelled", "rejected"])
def test_a_registration_that_is_over_is_erased_without_cancelling_again(
    db: DbSession, event: Event, make_person: Callable[..., Person], status: str
) -> None:
    person = make_person(email="over@example.org", honorific="H.E.")
    registration = services.add_registration(db, event, person, status=status)
    registration.answers = {"diet": "None"}
    registration.consent_given_at = FIXED_NOW

    erase_attendee(db, registration, base_url=BASE_URL, now=LATER)
    erase_attendee(db, registration, base_url=BASE_URL, now=LATER + timedelta(hours=1))
    db.expire_all()

    assert registration.status.value == status
    changes = [(c.actor, c.action, c.from_status, c.to_status) for c in registration.changes]
    assert "cancel" not in {action for _, action, _, _ in changes}
    assert changes[-2:] == [("attendee", "erase", registration.status, registration.status)] * 2
    assert (registration.answers, registration.consent_given_at) == ({}, None)
    assert (person.display_name, person.email) == ("Erased attendee", None)
    assert mails_of(db, registration) == []
