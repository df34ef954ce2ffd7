"""Check-in at the door from a ticket's QR payload."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session as DbSession

from confkit import services
from confkit.models import Event, Person, Registration, RegistrationStatus
from confkit.services.checkin import CheckInRefused, check_in
from confkit.services.seats import cancel_registration
from confkit.tickets import ticket_payload
from tests.factories import FIXED_NOW

SECRET = "door-secret"
BASE_URL = "https://conf.example.org"


@pytest.fixture
def event(make_event: Callable[..., Event]) -> Event:
    return make_event()


@pytest.fixture
def registration(db: DbSession, event: Event, make_person: Callable[..., Person]) -> Registration:
    person = make_person(given_name="Leyla", family_name="Məmmədova", email="leyla@example.org")
    return services.add_registration(
        db, event, person, status=RegistrationStatus.CONFIRMED, now=FIXED_NOW
    )


def test_a_valid_ticket_checks_in_and_records_who_and_when(
    db: DbSession, event: Event, registration: Registration
) -> None:
    result = check_in(
        db,
        event,
        ticket_payload(registration, SECRET),
        secret_key=SECRET,
        actor="door 1",
        now=FIXED_NOW,
    )

    assert result.registration is registration
    assert result.again is False
    assert registration.checked_in_at == FIXED_NOW
    assert [(c.actor, c.action) for c in registration.changes][-1] == ("door 1", "check in")


def test_a_second_scan_shows_the_first_time_and_records_nothing(
    db: DbSession, event: Event, registration: Registration
) -> None:
    payload = ticket_payload(registration, SECRET)
    check_in(db, event, payload, secret_key=SECRET, actor="door 1", now=FIXED_NOW)
    changes = len(registration.changes)

    again = check_in(
        db, event, payload, secret_key=SECRET, actor="door 2", now=FIXED_NOW + timedelta(hours=1)
    )

    assert again.again is True
    assert again.first_at == FIXED_NOW
    assert registration.checked_in_at == FIXED_NOW
    db.expire(registration, ["changes"])
    assert len(registration.changes) == changes


def test_a_forged_ticket_is_refused(
    db: DbSession, event: Event, registration: Registration
) -> None:
    payload = ticket_payload(registration, "someone else's key")

    with pytest.raises(CheckInRefused, match="forged"):
        check_in(db, event, payload, secret_key=SECRET, actor="door", now=FIXED_NOW)
    assert registration.checked_in_at is None


def test_an_altered_ticket_is_refused(
    db: DbSession, event: Event, registration: Registration
) -> None:
    prefix, event_id, registration_id, generation, signature = ticket_payload(
        registration, SECRET
    ).split(".")
    altered = ".".join([prefix, event_id, str(int(registration_id) + 1), generation, signature])

    with pytest.raises(CheckInRefused, match="forged"):
        check_in(db, event, altered, secret_key=SECRET, actor="door", now=FIXED_NOW)


@pytest.mark.parametrize("payload", ["", "hello", "CK1.1.2.3", "CK1.a.b.c.d", "<script>"])
def test_text_that_is_no_ticket_is_refused(db: DbSession, event: Event, payload: str) -> None:
    with pytest.raises(CheckInRefused, match="not a confkit ticket|forged"):
        check_in(db, event, payload, secret_key=SECRET, actor="door", now=FIXED_NOW)


def test_a_ticket_of_another_event_is_refused(
    db: DbSession, registration: Registration, make_event: Callable[..., Event]
) -> None:
    other = make_event()

    with pytest.raises(CheckInRefused, match="another event"):
        check_in(
            db,
            other,
            ticket_payload(registration, SECRET),
            secret_key=SECRET,
            actor="door",
            now=FIXED_NOW,
        )


def test_a_cancelled_registration_is_refused_with_the_reason(
    db: DbSession, event: Event, registration: Registration
) -> None:
    payload = ticket_payload(registration, SECRET)
    cancel_registration(db, registration, base_url=BASE_URL, now=FIXED_NOW)

    with pytest.raises(CheckInRefused, match="cancelled") as refused:
        check_in(db, event, payload, secret_key=SECRET, actor="door", now=FIXED_NOW)
    assert refused.value.registration is registration


def test_a_ticket_replaced_by_a_newer_one_is_refused(
    db: DbSession, event: Event, registration: Registration
) -> None:
    old = ticket_payload(registration, SECRET)
    registration.ticket_generation += 1
    db.flush()

    with pytest.raises(CheckInRefused, match="replaced"):
        check_in(db, event, old, secret_key=SECRET, actor="door", now=FIXED_NOW)
    assert (
        check_in(
            db,
            event,
            ticket_payload(registration, SECRET),
            secret_key=SECRET,
            actor="door",
            now=FIXED_NOW,
        ).again
        is False
    )


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (RegistrationStatus.WAITLISTED, "waiting list"),
        (RegistrationStatus.AWAITING_APPROVAL, "awaits approval"),
        (RegistrationStatus.UNCONFIRMED, "never confirmed"),
        (RegistrationStatus.REJECTED, "declined"),
    ],
)
def test_a_registration_without_a_seat_is_refused(
    db: DbSession,
    event: Event,
    make_person: Callable[..., Person],
    status: RegistrationStatus,
    reason: str,
) -> None:
    person = make_person(email="waiting@example.org")
    registration = services.add_registration(db, event, person, status=status, now=FIXED_NOW)

    with pytest.raises(CheckInRefused, match=reason):
        check_in(
            db,
            event,
            ticket_payload(registration, SECRET),
            secret_key=SECRET,
            actor="door",
            now=FIXED_NOW,
        )
