"""Registrations organisers add: seats under the same rules, a mail unless asked not to, all or
nothing when refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from confkit import CapacityError, ValidationError, services
from confkit.i18n import Translator
from confkit.models import (
    Event,
    Organisation,
    OutboxMessage,
    Person,
    Registration,
    RegistrationStatus,
)
from confkit.services.registration_by_hand import RegistrationByHand, register_by_hand
from confkit.services.signup import NewOrganisation
from tests.factories import BASE_URL, FIXED_NOW

Status = RegistrationStatus
ACTOR = "organiser:aysel@example.org"


def add(db: DbSession, event: Event, **details: Any) -> Registration:
    values: dict[str, Any] = {"given_name": "Leyla", "family_name": "Məmmədova"}
    values.update(details)
    return register_by_hand(
        db,
        event,
        RegistrationByHand(**values),
        actor=ACTOR,
        base_url=BASE_URL,
        now=FIXED_NOW,
    )


def mail_kinds(db: DbSession, registration: Registration) -> list[str]:
    query = select(OutboxMessage.kind).where(OutboxMessage.registration_id == registration.id)
    return list(db.scalars(query.order_by(OutboxMessage.id)))


def count(db: DbSession, model: type[object]) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_a_free_seat_confirms_and_the_person_is_mailed_their_link(
    db: DbSession, open_event_for_registration: Callable[..., Event]
) -> None:
    event = open_event_for_registration(capacity=2)

    registration = add(
        db,
        event,
        email="Leyla@Example.org",
        category="speaker",
        new_organisation=NewOrganisation("ADA University", "academia", "AZ"),
        position="Professor",
    )

    assert registration.status is Status.CONFIRMED
    assert registration.confirmed_at == FIXED_NOW
    assert registration.category.value == "speaker"
    assert registration.affiliation is not None
    assert registration.affiliation.position_title == "Professor"
    assert registration.affiliation.organisation.name == "ADA University"
    assert registration.person.family_name == "Məmmədova"
    assert mail_kinds(db, registration) == ["confirmed"]
    assert [(c.actor, c.action, c.to_status) for c in registration.changes] == [
        (ACTOR, "add", Status.UNCONFIRMED),
        (ACTOR, "place", Status.CONFIRMED),
    ]


def test_a_full_event_puts_the_person_on_its_waiting_list(
    db: DbSession,
    open_event_for_registration: Callable[..., Event],
    make_registration: Callable[..., Registration],
) -> None:
    event = open_event_for_registration(capacity=1)
    make_registration(event)

    registration = add(db, event, email="leyla@example.org")

    assert registration.status is Status.WAITLISTED
    assert mail_kinds(db, registration) == ["waitlisted"]


def test_a_full_event_without_a_waiting_list_refuses_and_leaves_nothing(
    db: DbSession,
    open_event_for_registration: Callable[..., Event],
    make_registration: Callable[..., Registration],
) -> None:
    event = open_event_for_registration(capacity=1, waitlist=False)
    make_registration(event)
    people, organisations = count(db, Person), count(db, Organisation)

    with pytest.raises(CapacityError):
        add(db, event, new_organisation=NewOrganisation("Caspian Daily", "media", "AZ"))

    assert (count(db, Person), count(db, Organisation)) == (people, organisations)
    assert len(event.registrations) == 1


def test_closed_registration_and_approval_mode_do_not_apply_to_organisers(
    db: DbSession, make_event: Callable[..., Event]
) -> None:
    event = make_event(capacity=5)  # no window open, never configured
    services.configure_registration(db, event, mode="approval", now=FIXED_NOW)

    registration = add(db, event)

    assert registration.status is Status.CONFIRMED


def test_a_person_without_an_address_is_registered_and_mailed_nothing(
    db: DbSession, open_event_for_registration: Callable[..., Event]
) -> None:
    registration = add(db, open_event_for_registration(capacity=None), notify_attendee=True)

    assert registration.person.email is None
    assert mail_kinds(db, registration) == []


def test_no_mail_when_the_organiser_says_so(
    db: DbSession, open_event_for_registration: Callable[..., Event]
) -> None:
    registration = add(
        db, open_event_for_registration(capacity=None), email="a@example.org", notify_attendee=False
    )

    assert registration.status is Status.CONFIRMED
    assert mail_kinds(db, registration) == []


def test_a_known_address_reuses_the_person_as_stored(
    db: DbSession,
    open_event_for_registration: Callable[..., Event],
    make_person: Callable[..., Person],
) -> None:
    known = make_person(given_name="Burcu", family_name="San", email="burcu.san@example.org")

    registration = add(
        db, open_event_for_registration(capacity=None), email="BURCU.SAN@example.org"
    )

    assert registration.person is known
    assert known.family_name == "San"


def test_an_address_already_registered_is_refused(
    db: DbSession,
    open_event_for_registration: Callable[..., Event],
    make_registration: Callable[..., Registration],
) -> None:
    event = open_event_for_registration(capacity=None)
    make_registration(event, email="taken@example.org")

    with pytest.raises(ValidationError) as raised:
        add(db, event, email="taken@example.org")

    assert raised.value.fields == {"email"}
    assert "already registered" in str(raised.value)


def test_every_problem_is_named_at_once(
    db: DbSession, open_event_for_registration: Callable[..., Event]
) -> None:
    event = open_event_for_registration(capacity=None)

    with pytest.raises(ValidationError) as raised:
        add(db, event, email="not an address", category="vip", organisation_id=999_999)

    assert raised.value.fields == {"email", "category", "organisation"}
    assert count(db, Registration) == 0


def test_names_are_checked_by_the_people_service(
    db: DbSession, open_event_for_registration: Callable[..., Event]
) -> None:
    with pytest.raises(ValidationError) as raised:
        add(db, open_event_for_registration(capacity=None), given_name="", family_name="")

    assert "family_name" in raised.value.fields


def test_the_person_is_mailed_in_the_language_the_organiser_chose(
    db: DbSession, open_event_for_registration: Callable[..., Event]
) -> None:
    event = open_event_for_registration(capacity=2)

    registration = add(db, event, email="leyla@example.org", locale="ru")

    assert registration.locale == "ru"
    subjects = db.scalars(
        select(OutboxMessage.subject).where(OutboxMessage.registration_id == registration.id)
    ).all()
    assert [s.split(":")[0] for s in subjects] == [
        Translator("ru").gettext("Your registration is confirmed")
    ]


def test_a_language_confkit_does_not_write_is_refused_and_nothing_is_written(
    db: DbSession, open_event_for_registration: Callable[..., Event]
) -> None:
    event = open_event_for_registration(capacity=2)
    people = count(db, Person)

    with pytest.raises(ValidationError) as refused:
        add(db, event, email="leyla@example.org", locale="fr")

    assert refused.value.fields == {"locale"}
    assert count(db, Person) == people
    assert count(db, Registration) == 0
