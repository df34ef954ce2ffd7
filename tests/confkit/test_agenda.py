"""The personal agenda: choosing sessions, seats in sessions with a sign-up capacity, its feed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy.orm import Session as DbSession

from confkit import services
from confkit.errors import CapacityError, NotFound, ValidationError
from confkit.feeds import agenda_feed, agenda_validator, programme_feed
from confkit.models import Event, Person, ProgrammeSession, Registration, RegistrationStatus
from confkit.services.agenda import (
    add_to_agenda,
    agenda_sessions,
    find_public_session,
    places_taken,
    places_taken_by_session,
    remove_from_agenda,
)
from confkit.services.seats import cancel_registration
from tests.factories import FIXED_NOW, baku

BASE_URL = "https://conf.example.org"


@pytest.fixture
def event(make_event: Callable[..., Event]) -> Event:
    return make_event()


@pytest.fixture
def attendee(
    db: DbSession, event: Event, make_person: Callable[..., Person]
) -> Callable[..., Registration]:
    def make(**overrides: Any) -> Registration:
        person = make_person(email=f"{overrides.pop('name', 'someone')}@example.org")
        values: dict[str, Any] = {"status": RegistrationStatus.CONFIRMED, "now": FIXED_NOW}
        values.update(overrides)
        return services.add_registration(db, event, person, **values)

    return make


def test_a_chosen_session_is_on_the_agenda_once(
    db: DbSession,
    event: Event,
    attendee: Callable[..., Registration],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    later = make_session(event, starts_at=baku(26, 14), ends_at=baku(26, 15))
    earlier = make_session(event, starts_at=baku(26, 9), ends_at=baku(26, 10))
    registration = attendee()

    add_to_agenda(db, registration, later)
    add_to_agenda(db, registration, earlier)
    add_to_agenda(db, registration, later)

    assert list(agenda_sessions(db, registration)) == [earlier, later]
    assert places_taken(db, later) == 1


def test_removing_frees_the_place(
    db: DbSession,
    event: Event,
    attendee: Callable[..., Registration],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    session = make_session(event, signup_capacity=1)
    first, second = attendee(name="first"), attendee(name="second")
    add_to_agenda(db, first, session)

    assert remove_from_agenda(db, first, session) is True
    assert remove_from_agenda(db, first, session) is False
    add_to_agenda(db, second, session)
    assert places_taken_by_session(db, event.id) == {session.id: 1}


def test_a_full_session_refuses_the_next_person(
    db: DbSession,
    event: Event,
    attendee: Callable[..., Registration],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    session = make_session(event, signup_capacity=2)
    for name in ("a", "b"):
        add_to_agenda(db, attendee(name=name), session)

    with pytest.raises(CapacityError, match="all 2 places"):
        add_to_agenda(db, attendee(name="c"), session)
    assert places_taken(db, session) == 2


def test_only_a_confirmed_registration_chooses_sessions(
    db: DbSession,
    event: Event,
    attendee: Callable[..., Registration],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    session = make_session(event)
    waiting = attendee(status=RegistrationStatus.WAITLISTED)

    with pytest.raises(ValidationError) as refused:
        add_to_agenda(db, waiting, session)
    assert refused.value.fields == {"registration"}


@pytest.mark.parametrize("change", ["draft", "closed", "cancelled", "other event"])
def test_sessions_not_open_for_choosing_are_refused(
    db: DbSession,
    event: Event,
    attendee: Callable[..., Registration],
    make_event: Callable[..., Event],
    make_session: Callable[..., ProgrammeSession],
    change: str,
) -> None:
    if change == "draft":
        session = make_session(event, status="draft")
    elif change == "closed":
        session = make_session(event, visibility="closed")
    elif change == "cancelled":
        session = make_session(event)
        services.cancel_session(db, session, now=FIXED_NOW)
    else:
        session = make_session(make_event())

    with pytest.raises(ValidationError) as refused:
        add_to_agenda(db, attendee(), session)
    assert refused.value.fields == {"session"}


def test_find_public_session_hides_closed_and_foreign_sessions(
    db: DbSession,
    event: Event,
    attendee: Callable[..., Registration],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    public = make_session(event)
    closed = make_session(event, visibility="closed", starts_at=baku(26, 12), ends_at=baku(26, 13))
    registration = attendee()

    assert find_public_session(db, registration, str(public.uuid)) is public
    for key in (str(closed.uuid), "not-a-uuid", "6a2f41a3-c54c-fce8-32d2-0324e1c32e22"):
        with pytest.raises(NotFound):
            find_public_session(db, registration, key)


def test_cancelling_the_registration_frees_its_session_seats(
    db: DbSession,
    event: Event,
    attendee: Callable[..., Registration],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    session = make_session(event, signup_capacity=1)
    leaving = attendee(name="leaving")
    add_to_agenda(db, leaving, session)

    cancel_registration(db, leaving, base_url=BASE_URL, now=FIXED_NOW)

    assert places_taken(db, session) == 0
    add_to_agenda(db, attendee(name="next"), session)


def test_the_agenda_feed_holds_the_chosen_sessions_with_the_programme_uids(
    db: DbSession,
    event: Event,
    attendee: Callable[..., Registration],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    chosen = make_session(event, title="Energy security")
    make_session(event, title="Not chosen", starts_at=baku(26, 12), ends_at=baku(26, 13))
    registration = attendee()
    add_to_agenda(db, registration, chosen)

    agenda = Calendar.from_ical(agenda_feed(db, registration, base_url=BASE_URL))
    programme = Calendar.from_ical(programme_feed(db, event, base_url=BASE_URL))

    agenda_uids = [str(e["UID"]) for e in agenda.walk("VEVENT")]
    programme_uids = {str(e["SUMMARY"]): str(e["UID"]) for e in programme.walk("VEVENT")}
    assert agenda_uids == [programme_uids["Energy security"]]
    assert str(agenda["METHOD"]) == "PUBLISH"


def test_a_cancelled_session_stays_on_the_agenda_feed_as_cancelled(
    db: DbSession,
    event: Event,
    attendee: Callable[..., Registration],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    session = make_session(event)
    registration = attendee()
    add_to_agenda(db, registration, session)

    services.cancel_session(db, session, now=FIXED_NOW)

    (vevent,) = Calendar.from_ical(agenda_feed(db, registration, base_url=BASE_URL)).walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"


def test_the_agenda_validator_moves_with_choices_and_with_the_programme(
    db: DbSession,
    event: Event,
    attendee: Callable[..., Registration],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    session = make_session(event)
    registration = attendee()
    before = agenda_validator(registration)

    add_to_agenda(db, registration, session, now=FIXED_NOW.replace(hour=13))
    chosen = agenda_validator(registration)
    services.move_session(
        db, session, starts_at=baku(26, 15), ends_at=baku(26, 16), now=FIXED_NOW.replace(hour=14)
    )
    moved = agenda_validator(registration)

    assert len({before.etag, chosen.etag, moved.etag}) == 3
    assert moved.last_modified == FIXED_NOW.replace(hour=14)
