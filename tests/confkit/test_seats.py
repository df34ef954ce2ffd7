"""The registration lifecycle: seats, the waiting list, approval, cancellation and promotion, each
change recorded and reported by a mail written in the same transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from sqlalchemy.orm import Session as DbSession

from confkit import CapacityError, ConfkitError, ValidationError, services
from confkit.db import Store
from confkit.models import (
    AgendaEntry,
    Event,
    OutboxMessage,
    ProgrammeSession,
    Registration,
    RegistrationChange,
    RegistrationStatus,
)
from confkit.services.history import ATTENDEE, SYSTEM
from confkit.services.registration_settings import configure_registration
from confkit.services.seats import (
    CONFIRMATION_PERIOD,
    SeatCount,
    approve_registration,
    cancel_registration,
    confirm_registration,
    expire_unconfirmed,
    lock_seats,
    promote_registration,
    reject_registration,
    seat_count,
    set_capacity,
    waiting_list,
    waitlist_position,
)
from tests.factories import BASE_URL, FIXED_NOW, baku

Status = RegistrationStatus
ORGANISER = "organiser@example.org"


def at(minute: int) -> datetime:
    return FIXED_NOW + timedelta(minutes=minute)


def mails(db: DbSession, registration: Registration) -> list[OutboxMessage]:
    return list(
        db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.registration_id == registration.id)
            .order_by(OutboxMessage.id)
        )
    )


def kinds(db: DbSession, registration: Registration) -> list[str]:
    return [m.kind for m in mails(db, registration)]


def history(db: DbSession, registration: Registration) -> list[tuple[object, ...]]:
    changes = db.scalars(
        select(RegistrationChange)
        .where(RegistrationChange.registration_id == registration.id)
        .order_by(RegistrationChange.id)
    )
    return [(c.actor, c.action, c.from_status, c.to_status) for c in changes]


def last_change(db: DbSession, registration: Registration) -> RegistrationChange:
    return db.scalars(
        select(RegistrationChange)
        .where(RegistrationChange.registration_id == registration.id)
        .order_by(RegistrationChange.id.desc())
    ).first()  # type: ignore[return-value]


def ids(registrations: list[Registration] | tuple[Registration, ...]) -> list[int]:
    return [r.id for r in registrations]


@pytest.fixture
def event(open_event_for_registration: Callable[..., Event]) -> Event:
    return open_event_for_registration(capacity=2)


@pytest.fixture
def unconfirmed(
    event: Event, make_registration: Callable[..., Registration]
) -> Callable[[], Registration]:
    return lambda: make_registration(event, confirm=False)


def confirm(db: DbSession, registration: Registration, minute: int) -> Registration:
    return confirm_registration(db, registration, base_url=BASE_URL, now=at(minute))


class TestConfirming:
    def test_a_confirmation_takes_a_free_seat(
        self, db: DbSession, event: Event, unconfirmed: Callable[[], Registration]
    ) -> None:
        registration = unconfirmed()

        assert confirm(db, registration, 5) is registration

        assert registration.status is Status.CONFIRMED
        assert registration.confirmed_at == registration.updated_at == at(5)
        assert seat_count(db, event) == SeatCount(confirmed=1, capacity=2, waitlisted=0)
        assert seat_count(db, event).free == 1
        assert history(db, registration)[-1] == (
            ATTENDEE,
            "confirm",
            Status.UNCONFIRMED,
            Status.CONFIRMED,
        )
        mail = mails(db, registration)[-1]
        assert mail.kind == "confirmed"
        assert mail.created_at == at(5)
        # A seat comes with the event for the attendee's calendar.
        [attachment] = mail.attachments
        assert attachment["filename"] == f"{event.slug}.ics"
        assert "BEGIN:VCALENDAR" in attachment["content"]

    def test_when_the_seats_are_taken_the_waiting_list_takes_the_rest_in_order(
        self, db: DbSession, event: Event, unconfirmed: Callable[[], Registration]
    ) -> None:
        people = [unconfirmed() for _ in range(5)]

        for minute, registration in enumerate(people):
            confirm(db, registration, minute)

        assert [r.status for r in people] == [Status.CONFIRMED] * 2 + [Status.WAITLISTED] * 3
        assert ids(list(waiting_list(db, event))) == ids(people[2:])
        assert [waitlist_position(db, r) for r in people] == [None, None, 1, 2, 3]
        assert people[3].waitlisted_at == at(3)
        assert seat_count(db, event) == SeatCount(confirmed=2, capacity=2, waitlisted=3)
        assert seat_count(db, event).free == 0
        assert history(db, people[3])[-1] == (
            ATTENDEE,
            "confirm",
            Status.UNCONFIRMED,
            Status.WAITLISTED,
        )
        mail = mails(db, people[3])[-1]
        assert mail.kind == "waitlisted"
        assert "You are number 2 on the waiting list." in mail.text_body
        assert mail.attachments == []

    def test_people_confirming_at_the_same_instant_wait_in_the_order_they_registered(
        self, db: DbSession, event: Event, unconfirmed: Callable[[], Registration]
    ) -> None:
        people = [unconfirmed() for _ in range(5)]

        for registration in reversed(people[2:]):
            confirm(db, registration, 0)
        for registration in people[:2]:
            confirm(db, registration, 0)

        # Two seats went to the first two of the last three, by id; the list is ordered by
        # instant, then by id.
        assert [r.status for r in people] == [Status.WAITLISTED] * 3 + [Status.CONFIRMED] * 2
        assert ids(list(waiting_list(db, event))) == ids(people[:3])
        assert [waitlist_position(db, r) for r in people[:3]] == [1, 2, 3]

    def test_a_server_whose_clock_is_behind_puts_no_one_ahead_of_those_waiting(
        self, db: DbSession, event: Event, unconfirmed: Callable[[], Registration]
    ) -> None:
        people = [unconfirmed() for _ in range(4)]
        confirm(db, people[0], 0)
        confirm(db, people[1], 1)
        confirm(db, people[2], 10)

        # Decided after the previous one under the event's lock, by a clock five minutes slow.
        confirm(db, people[3], 5)

        assert ids(list(waiting_list(db, event))) == ids(people[2:])
        assert [waitlist_position(db, r) for r in people[2:]] == [1, 2]
        assert people[3].waitlisted_at == at(10) + timedelta(microseconds=1)
        # The history keeps the instant as that server saw it.
        assert last_change(db, people[3]).at == at(5)
        cancel_registration(db, people[0], base_url=BASE_URL, now=at(11))
        assert people[2].status is Status.CONFIRMED
        assert people[3].status is Status.WAITLISTED

    def test_without_a_capacity_everyone_has_a_seat(
        self,
        db: DbSession,
        open_event_for_registration: Callable[..., Event],
        make_registration: Callable[..., Registration],
    ) -> None:
        event = open_event_for_registration(capacity=None)

        people = [make_registration(event) for _ in range(5)]

        assert {r.status for r in people} == {Status.CONFIRMED}
        assert seat_count(db, event) == SeatCount(confirmed=5, capacity=None, waitlisted=0)
        assert seat_count(db, event).free is None

    def test_without_a_waiting_list_a_full_event_refuses_and_nothing_changes(
        self,
        db: DbSession,
        open_event_for_registration: Callable[..., Event],
        make_registration: Callable[..., Registration],
    ) -> None:
        event = open_event_for_registration(capacity=1, waitlist=False)
        make_registration(event)
        late = make_registration(event, confirm=False)
        before = (history(db, late), kinds(db, late))

        with pytest.raises(CapacityError):
            confirm(db, late, 5)

        assert late.status is Status.UNCONFIRMED
        assert (history(db, late), kinds(db, late)) == before

    @pytest.mark.parametrize("status", [Status.CONFIRMED, Status.WAITLISTED])
    def test_confirming_again_changes_nothing(
        self,
        db: DbSession,
        event: Event,
        unconfirmed: Callable[[], Registration],
        status: Status,
    ) -> None:
        if status is Status.WAITLISTED:
            for minute in range(2):
                confirm(db, unconfirmed(), minute)
        registration = confirm(db, unconfirmed(), 3)
        assert registration.status is status
        before = (history(db, registration), kinds(db, registration), registration.updated_at)

        confirm(db, registration, 10)

        assert registration.status is status
        assert (history(db, registration), kinds(db, registration)) == before[:2]
        assert registration.updated_at == before[2]

    def test_an_expired_link_is_refused(
        self, db: DbSession, unconfirmed: Callable[[], Registration]
    ) -> None:
        registration = unconfirmed()
        assert registration.confirm_by == FIXED_NOW + CONFIRMATION_PERIOD

        # The last moment still counts.
        minute = int(CONFIRMATION_PERIOD.total_seconds() // 60)
        with pytest.raises(ValidationError) as raised:
            confirm(db, registration, minute + 1)
        assert [(p.field, p.message) for p in raised.value.problems] == [
            ("token", "the confirmation link has expired: please register again")
        ]
        assert registration.status is Status.UNCONFIRMED

        confirm(db, registration, minute)
        assert registration.status is Status.CONFIRMED

    def test_after_registration_closed_a_confirmation_is_refused(
        self, db: DbSession, event: Event, unconfirmed: Callable[[], Registration]
    ) -> None:
        registration = unconfirmed()
        configure_registration(db, event, closes_at=at(30))

        with pytest.raises(ValidationError) as raised:
            confirm(db, registration, 30)

        assert raised.value.fields == {"event"}
        assert registration.status is Status.UNCONFIRMED

    @pytest.mark.parametrize("status", [Status.CANCELLED, Status.REJECTED])
    def test_a_registration_that_is_over_cannot_be_confirmed(
        self, db: DbSession, unconfirmed: Callable[[], Registration], status: Status
    ) -> None:
        registration = unconfirmed()
        if status is Status.CANCELLED:
            cancel_registration(db, registration, base_url=BASE_URL, now=at(1))
        else:
            reject_registration(db, registration, actor=ORGANISER, base_url=BASE_URL, now=at(1))

        with pytest.raises(ValidationError) as raised:
            confirm(db, registration, 2)

        assert [(p.field, p.message) for p in raised.value.problems] == [
            ("registration", f"is {status.value} and cannot be confirmed")
        ]
        assert registration.status is status


class TestCancelling:
    @pytest.fixture
    def full(
        self, db: DbSession, event: Event, unconfirmed: Callable[[], Registration]
    ) -> list[Registration]:
        """Two seats taken and three people waiting."""
        people = [unconfirmed() for _ in range(5)]
        for minute, registration in enumerate(people):
            confirm(db, registration, minute)
        return people

    def test_a_freed_seat_goes_to_the_longest_waiting_person_at_once(
        self, db: DbSession, event: Event, full: list[Registration]
    ) -> None:
        holder, first_waiting, second_waiting, third_waiting = full[0], *full[2:]

        promoted = cancel_registration(db, holder, base_url=BASE_URL, now=at(10))

        assert promoted == [first_waiting]
        assert holder.status is Status.CANCELLED
        assert holder.cancelled_at == at(10)
        assert history(db, holder)[-1] == (ATTENDEE, "cancel", Status.CONFIRMED, Status.CANCELLED)
        assert kinds(db, holder)[-1] == "cancelled"
        assert first_waiting.status is Status.CONFIRMED
        assert first_waiting.confirmed_at == at(10)
        change = last_change(db, first_waiting)
        assert (change.actor, change.action, change.from_status, change.to_status) == (
            SYSTEM,
            "promote",
            Status.WAITLISTED,
            Status.CONFIRMED,
        )
        assert change.note == "a seat was freed"
        promotion = mails(db, first_waiting)[-1]
        assert promotion.kind == "promoted"
        assert promotion.recipient == first_waiting.person.email
        assert promotion.created_at == at(10)
        assert [a["filename"] for a in promotion.attachments] == [f"{event.slug}.ics"]
        # The others move up.
        assert ids(list(waiting_list(db, event))) == ids([second_waiting, third_waiting])
        assert [waitlist_position(db, r) for r in (second_waiting, third_waiting)] == [1, 2]
        assert seat_count(db, event) == SeatCount(confirmed=2, capacity=2, waitlisted=2)

    @pytest.mark.parametrize("who", ["waitlisted", "unconfirmed", "awaiting approval"])
    def test_cancelling_without_a_seat_promotes_nobody(
        self,
        db: DbSession,
        event: Event,
        full: list[Registration],
        unconfirmed: Callable[[], Registration],
        who: str,
    ) -> None:
        if who == "waitlisted":
            leaving = full[3]
        elif who == "unconfirmed":
            leaving = unconfirmed()
        else:
            configure_registration(db, event, mode="approval")
            leaving = confirm(db, unconfirmed(), 8)
            assert leaving.status is Status.AWAITING_APPROVAL
        previous = leaving.status

        promoted = cancel_registration(db, leaving, base_url=BASE_URL, now=at(10))

        assert promoted == []
        assert leaving.status is Status.CANCELLED
        assert history(db, leaving)[-1] == (ATTENDEE, "cancel", previous, Status.CANCELLED)
        assert ids(list(waiting_list(db, event))) == ids([r for r in full[2:] if r is not leaving])
        assert all(kinds(db, r)[-1] != "promoted" for r in full[2:])
        assert seat_count(db, event).confirmed == 2

    def test_an_organiser_cancels_with_a_note(
        self, db: DbSession, full: list[Registration]
    ) -> None:
        cancel_registration(
            db, full[1], actor=ORGANISER, note="asked by phone", base_url=BASE_URL, now=at(10)
        )

        change = last_change(db, full[1])
        assert (change.actor, change.action, change.note) == (ORGANISER, "cancel", "asked by phone")
        assert full[2].status is Status.CONFIRMED

    def test_cancelling_again_changes_nothing(
        self, db: DbSession, full: list[Registration]
    ) -> None:
        cancel_registration(db, full[0], base_url=BASE_URL, now=at(10))
        before = (history(db, full[0]), kinds(db, full[0]))

        assert cancel_registration(db, full[0], base_url=BASE_URL, now=at(11)) == []

        assert (history(db, full[0]), kinds(db, full[0])) == before
        assert full[3].status is Status.WAITLISTED

    def test_a_rejected_registration_cannot_be_cancelled(
        self, db: DbSession, full: list[Registration]
    ) -> None:
        reject_registration(db, full[4], actor=ORGANISER, base_url=BASE_URL, now=at(10))

        with pytest.raises(ValidationError) as raised:
            cancel_registration(db, full[4], base_url=BASE_URL, now=at(11))

        assert [(p.field, p.message) for p in raised.value.problems] == [
            ("registration", "is rejected and cannot be cancelled")
        ]

    def test_cancelling_frees_the_agenda(
        self,
        db: DbSession,
        event: Event,
        full: list[Registration],
        make_session: Callable[..., ProgrammeSession],
    ) -> None:
        workshop = make_session(event, title="Hands-on", kind="workshop")
        db.add(AgendaEntry(registration=full[0], session=workshop, created_at=at(5)))
        db.flush()

        cancel_registration(db, full[0], base_url=BASE_URL, now=at(10))

        db.expire_all()
        assert full[0].agenda == []
        assert db.scalars(select(AgendaEntry)).all() == []

    def test_the_mail_and_the_change_are_undone_together(
        self, db: DbSession, store: Store, event: Event, full: list[Registration]
    ) -> None:
        holder, waiting = full[0], full[2]
        mails_before = {r.id: kinds(db, r) for r in full}

        def failing_request() -> None:
            # Another request on the same database: what it writes is undone as one.
            with store.transaction() as request:
                loaded = request.get(Registration, holder.id)
                assert loaded is not None
                promoted = cancel_registration(request, loaded, base_url=BASE_URL, now=at(10))
                assert [r.id for r in promoted] == [waiting.id]
                assert request.scalars(
                    select(OutboxMessage.kind).where(OutboxMessage.created_at == at(10))
                ).all() == ["cancelled", "promoted"]
                raise RuntimeError("the request failed after the change")

        with pytest.raises(RuntimeError):
            failing_request()

        db.expire_all()
        assert (holder.status, waiting.status) == (Status.CONFIRMED, Status.WAITLISTED)
        assert {r.id: kinds(db, r) for r in full} == mails_before
        assert history(db, holder)[-1][1] == "confirm"


class TestApproval:
    @pytest.fixture
    def event(self, open_event_for_registration: Callable[..., Event]) -> Event:
        return open_event_for_registration(capacity=1, mode="approval")

    def test_a_confirmed_address_awaits_the_organisers(
        self, db: DbSession, event: Event, unconfirmed: Callable[[], Registration]
    ) -> None:
        registration = confirm(db, unconfirmed(), 1)

        assert registration.status is Status.AWAITING_APPROVAL
        assert seat_count(db, event).confirmed == 0
        assert history(db, registration)[-1] == (
            ATTENDEE,
            "confirm",
            Status.UNCONFIRMED,
            Status.AWAITING_APPROVAL,
        )
        assert kinds(db, registration) == ["confirm_request", "awaiting_approval"]

    def test_approval_gives_a_seat_then_a_place_on_the_list(
        self, db: DbSession, event: Event, unconfirmed: Callable[[], Registration]
    ) -> None:
        first, second = confirm(db, unconfirmed(), 1), confirm(db, unconfirmed(), 2)

        approve_registration(db, first, actor=ORGANISER, base_url=BASE_URL, now=at(5))
        approve_registration(db, second, actor=ORGANISER, base_url=BASE_URL, now=at(6))

        assert (first.status, second.status) == (Status.CONFIRMED, Status.WAITLISTED)
        assert history(db, first)[-1] == (
            ORGANISER,
            "approve",
            Status.AWAITING_APPROVAL,
            Status.CONFIRMED,
        )
        assert history(db, second)[-1] == (
            ORGANISER,
            "approve",
            Status.AWAITING_APPROVAL,
            Status.WAITLISTED,
        )
        assert (kinds(db, first)[-1], kinds(db, second)[-1]) == ("approved", "waitlisted")
        assert mails(db, first)[-1].attachments != []
        # A seat freed later goes to the approved person waiting.
        assert cancel_registration(db, first, base_url=BASE_URL, now=at(7)) == [second]
        assert kinds(db, second)[-1] == "promoted"

    def test_without_a_waiting_list_approval_of_one_too_many_is_refused(
        self, db: DbSession, event: Event, unconfirmed: Callable[[], Registration]
    ) -> None:
        configure_registration(db, event, waitlist_enabled=False)
        first, second = confirm(db, unconfirmed(), 1), confirm(db, unconfirmed(), 2)
        approve_registration(db, first, actor=ORGANISER, base_url=BASE_URL, now=at(5))

        with pytest.raises(CapacityError):
            approve_registration(db, second, actor=ORGANISER, base_url=BASE_URL, now=at(6))

        assert second.status is Status.AWAITING_APPROVAL

    @pytest.mark.parametrize("status", [Status.UNCONFIRMED, Status.CONFIRMED, Status.CANCELLED])
    def test_only_a_registration_awaiting_approval_can_be_approved(
        self, db: DbSession, unconfirmed: Callable[[], Registration], status: Status
    ) -> None:
        registration = unconfirmed()
        if status is Status.CONFIRMED:
            confirm(db, registration, 1)
            approve_registration(db, registration, actor=ORGANISER, base_url=BASE_URL)
        elif status is Status.CANCELLED:
            cancel_registration(db, registration, base_url=BASE_URL)

        with pytest.raises(ValidationError) as raised:
            approve_registration(db, registration, actor=ORGANISER, base_url=BASE_URL)

        assert [(p.field, p.message) for p in raised.value.problems] == [
            ("registration", f"is {status.value} and cannot be approved")
        ]

    def test_the_organisers_decline_with_a_note(
        self, db: DbSession, unconfirmed: Callable[[], Registration]
    ) -> None:
        registration = confirm(db, unconfirmed(), 1)

        reject_registration(
            db,
            registration,
            actor=ORGANISER,
            note="not in the audience",
            base_url=BASE_URL,
            now=at(5),
        )

        assert registration.status is Status.REJECTED
        change = last_change(db, registration)
        assert (change.actor, change.action, change.from_status, change.to_status, change.note) == (
            ORGANISER,
            "reject",
            Status.AWAITING_APPROVAL,
            Status.REJECTED,
            "not in the audience",
        )
        assert kinds(db, registration)[-1] == "rejected"


class TestRejecting:
    def test_a_person_waiting_can_be_declined_without_freeing_a_seat(
        self, db: DbSession, event: Event, unconfirmed: Callable[[], Registration]
    ) -> None:
        people = [confirm(db, unconfirmed(), minute) for minute in range(4)]

        reject_registration(db, people[2], actor=ORGANISER, base_url=BASE_URL, now=at(10))

        assert people[2].status is Status.REJECTED
        assert ids(list(waiting_list(db, event))) == ids([people[3]])
        assert waitlist_position(db, people[3]) == 1
        assert seat_count(db, event).confirmed == 2

    @pytest.mark.parametrize("status", [Status.CONFIRMED, Status.CANCELLED, Status.REJECTED])
    def test_a_seat_holder_or_a_registration_that_is_over_cannot_be_declined(
        self, db: DbSession, unconfirmed: Callable[[], Registration], status: Status
    ) -> None:
        registration = confirm(db, unconfirmed(), 1)
        if status is Status.CANCELLED:
            cancel_registration(db, registration, base_url=BASE_URL)
        elif status is Status.REJECTED:
            registration = unconfirmed()
            reject_registration(db, registration, actor=ORGANISER, base_url=BASE_URL)

        with pytest.raises(ValidationError) as raised:
            reject_registration(db, registration, actor=ORGANISER, base_url=BASE_URL)

        assert [(p.field, p.message) for p in raised.value.problems] == [
            ("registration", f"is {status.value} and cannot be rejected")
        ]


class TestPromoting:
    @pytest.fixture
    def waiting(
        self, db: DbSession, event: Event, unconfirmed: Callable[[], Registration]
    ) -> list[Registration]:
        people = [unconfirmed() for _ in range(5)]
        for minute, registration in enumerate(people):
            confirm(db, registration, minute)
        return people[2:]

    def test_a_full_event_promotes_nobody(
        self, db: DbSession, event: Event, waiting: list[Registration]
    ) -> None:
        with pytest.raises(CapacityError):
            promote_registration(db, waiting[0], actor=ORGANISER, base_url=BASE_URL)

        assert waiting[0].status is Status.WAITLISTED
        assert seat_count(db, event).confirmed == 2

    def test_an_organiser_may_promote_out_of_turn_into_a_free_seat(
        self, db: DbSession, event: Event, waiting: list[Registration]
    ) -> None:
        # A capacity raised by hand leaves a seat free with people still waiting.
        services.update_event(db, event, capacity=3, now=at(9))

        promote_registration(db, waiting[1], actor=ORGANISER, base_url=BASE_URL, now=at(10))

        assert waiting[1].status is Status.CONFIRMED
        assert waiting[1].confirmed_at == at(10)
        assert history(db, waiting[1])[-1] == (
            ORGANISER,
            "promote",
            Status.WAITLISTED,
            Status.CONFIRMED,
        )
        assert kinds(db, waiting[1])[-1] == "promoted"
        assert [waitlist_position(db, r) for r in waiting] == [1, None, 2]
        with pytest.raises(CapacityError):
            promote_registration(db, waiting[0], actor=ORGANISER, base_url=BASE_URL)

    def test_a_newcomer_never_overtakes_the_people_waiting(
        self,
        db: DbSession,
        event: Event,
        waiting: list[Registration],
        unconfirmed: Callable[[], Registration],
    ) -> None:
        services.update_event(db, event, capacity=3, now=at(9))
        newcomer = unconfirmed()

        confirm(db, newcomer, 10)

        assert waiting[0].status is Status.CONFIRMED
        assert kinds(db, waiting[0])[-1] == "promoted"
        assert newcomer.status is Status.WAITLISTED
        assert [waitlist_position(db, r) for r in (*waiting[1:], newcomer)] == [1, 2, 3]

    @pytest.mark.parametrize("status", [Status.UNCONFIRMED, Status.CONFIRMED, Status.CANCELLED])
    def test_only_a_person_waiting_can_be_promoted(
        self,
        db: DbSession,
        event: Event,
        waiting: list[Registration],
        unconfirmed: Callable[[], Registration],
        status: Status,
    ) -> None:
        services.update_event(db, event, capacity=5, now=at(9))
        if status is Status.CONFIRMED:
            registration = db.scalars(
                select(Registration).where(Registration.status == Status.CONFIRMED)
            ).first()
        elif status is Status.CANCELLED:
            registration = waiting[0]
            cancel_registration(db, registration, base_url=BASE_URL)
        else:
            registration = unconfirmed()
        assert registration is not None

        with pytest.raises(ValidationError) as raised:
            promote_registration(db, registration, actor=ORGANISER, base_url=BASE_URL)

        assert [(p.field, p.message) for p in raised.value.problems] == [
            ("registration", f"is {status.value} and cannot be promoted")
        ]


class TestCapacity:
    @pytest.fixture
    def waiting(
        self, db: DbSession, event: Event, unconfirmed: Callable[[], Registration]
    ) -> list[Registration]:
        people = [unconfirmed() for _ in range(6)]
        for minute, registration in enumerate(people):
            confirm(db, registration, minute)
        return people[2:]

    def test_new_seats_go_to_the_list_in_order(
        self, db: DbSession, event: Event, waiting: list[Registration]
    ) -> None:
        promoted = set_capacity(db, event, 4, base_url=BASE_URL, now=at(10))

        assert promoted == waiting[:2]
        assert event.capacity == 4
        assert event.updated_at == at(10)
        for registration in waiting[:2]:
            assert registration.status is Status.CONFIRMED
            assert history(db, registration)[-1] == (
                SYSTEM,
                "promote",
                Status.WAITLISTED,
                Status.CONFIRMED,
            )
            assert kinds(db, registration)[-1] == "promoted"
        assert [waitlist_position(db, r) for r in waiting[2:]] == [1, 2]

    def test_no_limit_takes_everyone_waiting(
        self, db: DbSession, event: Event, waiting: list[Registration]
    ) -> None:
        assert set_capacity(db, event, None, base_url=BASE_URL, now=at(10)) == waiting
        assert seat_count(db, event) == SeatCount(confirmed=6, capacity=None, waitlisted=0)

    def test_a_lower_capacity_cancels_nobody_and_stops_new_seats(
        self,
        db: DbSession,
        event: Event,
        waiting: list[Registration],
        unconfirmed: Callable[[], Registration],
    ) -> None:
        assert set_capacity(db, event, 1, base_url=BASE_URL, now=at(10)) == []
        assert seat_count(db, event) == SeatCount(confirmed=2, capacity=1, waitlisted=4)

        # The first cancellation only brings the event back to its capacity.
        holders = db.scalars(
            select(Registration).where(Registration.status == Status.CONFIRMED)
        ).all()
        assert cancel_registration(db, holders[0], base_url=BASE_URL, now=at(11)) == []
        assert cancel_registration(db, holders[1], base_url=BASE_URL, now=at(12)) == [waiting[0]]
        assert confirm(db, unconfirmed(), 13).status is Status.WAITLISTED

    @pytest.mark.parametrize("capacity", [-1, True, 2.5, "10"])
    def test_a_capacity_must_be_a_whole_number_not_below_zero(
        self, db: DbSession, event: Event, capacity: object
    ) -> None:
        with pytest.raises(ValidationError) as raised:
            set_capacity(db, event, capacity, base_url=BASE_URL)  # type: ignore[arg-type]

        assert raised.value.fields == {"capacity"}
        assert event.capacity == 2

    def test_zero_seats_sends_everyone_to_the_list(
        self, db: DbSession, event: Event, unconfirmed: Callable[[], Registration]
    ) -> None:
        set_capacity(db, event, 0, base_url=BASE_URL, now=at(1))

        assert confirm(db, unconfirmed(), 2).status is Status.WAITLISTED


class TestExpiry:
    def test_unconfirmed_registrations_past_their_link_are_cancelled_quietly(
        self,
        db: DbSession,
        event: Event,
        open_event_for_registration: Callable[..., Event],
        make_registration: Callable[..., Registration],
    ) -> None:
        overdue = make_registration(event, confirm=False, now=at(0))
        elsewhere = make_registration(open_event_for_registration(), confirm=False, now=at(0))
        in_time = make_registration(event, confirm=False, now=at(30))
        confirmed = make_registration(event, now=at(0))
        waiting_mails = {r.id: kinds(db, r) for r in (overdue, elsewhere, in_time, confirmed)}
        run_at = at(0) + CONFIRMATION_PERIOD + timedelta(minutes=1)

        assert expire_unconfirmed(db, now=run_at) == 2

        assert (overdue.status, elsewhere.status) == (Status.CANCELLED, Status.CANCELLED)
        assert overdue.cancelled_at == run_at
        change = last_change(db, overdue)
        assert (change.actor, change.action, change.from_status, change.to_status, change.note) == (
            SYSTEM,
            "expire",
            Status.UNCONFIRMED,
            Status.CANCELLED,
            "not confirmed in time",
        )
        assert (in_time.status, confirmed.status) == (Status.UNCONFIRMED, Status.CONFIRMED)
        # Nobody is mailed: they never confirmed the address.
        assert {
            r.id: kinds(db, r) for r in (overdue, elsewhere, in_time, confirmed)
        } == waiting_mails
        assert expire_unconfirmed(db, now=run_at) == 0
        # The old link no longer confirms, and says why.
        with pytest.raises(ValidationError, match="expired") as raised:
            confirm_registration(db, overdue, base_url=BASE_URL, now=run_at)
        assert raised.value.fields == {"token"}

    def test_a_registration_confirmed_meanwhile_is_left_alone(
        self, db: DbSession, event: Event, make_registration: Callable[..., Registration]
    ) -> None:
        # As if another request confirmed it after this session loaded it.
        registration = make_registration(event, confirm=False, now=at(0))
        db.execute(
            update(Registration)
            .where(Registration.id == registration.id)
            .values(status=Status.CONFIRMED)
            .execution_options(synchronize_session=False)
        )
        assert registration.status is Status.UNCONFIRMED

        assert expire_unconfirmed(db, now=at(0) + CONFIRMATION_PERIOD + timedelta(1)) == 0

        db.refresh(registration)
        assert registration.status is Status.CONFIRMED
        assert [change.action for change in registration.changes] == ["register"]


class TestDecisionsReadTheStoredState:
    """Under the lock, each decision is taken on the registration and the event as stored, not
    as the caller loaded them: another request may have changed them while this one waited.
    Here the other request is played by an UPDATE behind the session's back."""

    def test_a_double_click_confirms_once(
        self,
        db: DbSession,
        open_event_for_registration: Callable[..., Event],
        make_registration: Callable[..., Registration],
    ) -> None:
        event = open_event_for_registration(capacity=1)
        registration = make_registration(event, confirm=False)
        db.execute(
            update(Registration)
            .where(Registration.id == registration.id)
            .values(status=Status.CONFIRMED, confirmed_at=at(1))
            .execution_options(synchronize_session=False)
        )

        confirm(db, registration, 2)

        # Not moved to the waiting list behind its own seat, and no second mail.
        assert registration.status is Status.CONFIRMED
        assert kinds(db, registration) == ["confirm_request"]
        assert seat_count(db, event).confirmed == 1

    def test_a_person_promoted_meanwhile_frees_the_seat_when_cancelling(
        self, db: DbSession, event: Event, unconfirmed: Callable[[], Registration]
    ) -> None:
        people = [confirm(db, unconfirmed(), minute) for minute in range(4)]
        # Another request cancelled people[0] and promoted people[2] ...
        for registration, status in ((people[0], Status.CANCELLED), (people[2], Status.CONFIRMED)):
            db.execute(
                update(Registration)
                .where(Registration.id == registration.id)
                .values(status=status)
                .execution_options(synchronize_session=False)
            )
        assert people[2].status is Status.WAITLISTED

        # ... and people[2], loaded as waiting, cancels.
        promoted = cancel_registration(db, people[2], base_url=BASE_URL, now=at(10))

        assert promoted == [people[3]]
        assert seat_count(db, event) == SeatCount(confirmed=2, capacity=2, waitlisted=0)
        assert history(db, people[2])[-1][2:] == (Status.CONFIRMED, Status.CANCELLED)

    def test_a_capacity_lowered_meanwhile_is_respected(
        self, db: DbSession, event: Event, unconfirmed: Callable[[], Registration]
    ) -> None:
        confirm(db, unconfirmed(), 1)
        db.execute(
            update(Event)
            .where(Event.id == event.id)
            .values(capacity=1)
            .execution_options(synchronize_session=False)
        )
        assert event.capacity == 2

        late = confirm(db, unconfirmed(), 2)

        assert late.status is Status.WAITLISTED
        assert event.capacity == 1

    def test_lock_seats_reads_the_event_again(self, db: DbSession, event: Event) -> None:
        db.execute(
            update(Event)
            .where(Event.id == event.id)
            .values(waitlist_enabled=False, capacity=7)
            .execution_options(synchronize_session=False)
        )

        lock_seats(db, event)

        assert (event.capacity, event.waitlist_enabled) == (7, False)


@dataclass
class SeatModel:
    """What the seats of one event should be: statuses and the waiting list, in order."""

    capacity: int | None
    statuses: list[Status]
    queue: list[int] = field(default_factory=list)

    def confirmed(self) -> int:
        return self.statuses.count(Status.CONFIRMED)

    def free(self) -> bool:
        return self.capacity is None or self.confirmed() < self.capacity

    def fill(self) -> list[int]:
        promoted = []
        while self.free() and self.queue:
            first = self.queue.pop(0)
            self.statuses[first] = Status.CONFIRMED
            promoted.append(first)
        return promoted

    def apply(self, operation: str, argument: int | None) -> type[ConfkitError] | list[int]:
        """The people promoted by the operation, or the error it must raise."""
        if operation in ("capacity", "capacity_by_hand"):
            self.capacity = argument
            return self.fill() if operation == "capacity" else []
        assert argument is not None
        status = self.statuses[argument]
        if operation == "confirm":
            if status in (Status.CANCELLED, Status.REJECTED):
                return ValidationError
            if status is Status.UNCONFIRMED:
                self.fill()
                if self.free():
                    self.statuses[argument] = Status.CONFIRMED
                else:
                    self.statuses[argument] = Status.WAITLISTED
                    self.queue.append(argument)
            return []
        if operation == "cancel":
            if status is Status.REJECTED:
                return ValidationError
            self.statuses[argument] = Status.CANCELLED
            if argument in self.queue:
                self.queue.remove(argument)
            return self.fill() if status is Status.CONFIRMED else []
        if operation == "reject":
            if status not in (Status.UNCONFIRMED, Status.WAITLISTED):
                return ValidationError
            self.statuses[argument] = Status.REJECTED
            if argument in self.queue:
                self.queue.remove(argument)
            return []
        assert operation == "promote"
        if status is not Status.WAITLISTED:
            return ValidationError
        if not self.free():
            return CapacityError
        self.statuses[argument] = Status.CONFIRMED
        self.queue.remove(argument)
        return []


def decide(
    db: DbSession,
    event: Event,
    people: list[Registration],
    operation: str,
    argument: int | None,
    now: datetime,
) -> list[Registration]:
    """Run one operation through the services; the registrations it promoted."""
    if operation == "capacity":
        return set_capacity(db, event, argument, base_url=BASE_URL, now=now)
    if operation == "capacity_by_hand":
        services.update_event(db, event, capacity=argument, now=now)
        return []
    assert argument is not None
    person = people[argument]
    if operation == "cancel":
        return cancel_registration(db, person, base_url=BASE_URL, now=now)
    if operation == "confirm":
        confirm_registration(db, person, base_url=BASE_URL, now=now)
    elif operation == "reject":
        reject_registration(db, person, actor=ORGANISER, base_url=BASE_URL, now=now)
    else:
        promote_registration(db, person, actor=ORGANISER, base_url=BASE_URL, now=now)
    return []


PEOPLE = 6
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("confirm"), st.integers(0, PEOPLE - 1)),
        st.tuples(
            st.sampled_from(["confirm", "cancel", "promote", "reject"]),
            st.integers(0, PEOPLE - 1),
        ),
        st.tuples(st.just("capacity"), st.one_of(st.none(), st.integers(0, 4))),
        st.tuples(st.just("capacity_by_hand"), st.integers(0, 4)),
    ),
    max_size=30,
)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(capacity=st.integers(0, 3), operations=OPERATIONS)
# A seat raised by hand stays free through a confirmation that changes nothing.
@example(capacity=0, operations=[("confirm", 0), ("capacity_by_hand", 1), ("confirm", 0)])
# The head of the list cancels after a seat was freed for it.
@example(capacity=1, operations=[("confirm", 0), ("confirm", 1), ("cancel", 0), ("cancel", 1)])
def test_any_sequence_of_decisions_keeps_the_seats_and_the_list_right(
    db: DbSession,
    open_event_for_registration: Callable[..., Event],
    make_registration: Callable[..., Registration],
    capacity: int,
    operations: list[tuple[str, int | None]],
) -> None:
    """Confirmed never grows beyond the capacity, no seat stays free while someone waits (unless
    an organiser raised the capacity by hand), and the list is always in the order people
    joined it, with positions 1, 2, 3, ..."""
    outer = db.begin_nested()
    try:
        event = open_event_for_registration(capacity=capacity)
        people = [make_registration(event, confirm=False) for _ in range(PEOPLE)]
        model = SeatModel(capacity, [Status.UNCONFIRMED] * PEOPLE)
        # Set while seats raised by hand are free with people waiting: only a service that
        # fills seats (a new confirmation, a seat given up, set_capacity) gives them away.
        raised_by_hand = False
        for step, (operation, argument) in enumerate(operations, start=1):
            confirmed_before = seat_count(db, event).confirmed
            before = model.statuses[argument] if argument is not None else None
            expected = model.apply(operation, argument)
            # Each decision in a savepoint of its own, undone when it fails, as a request is.
            request = db.begin_nested()
            if isinstance(expected, type):
                with pytest.raises(expected):
                    decide(db, event, people, operation, argument, at(step))
                request.rollback()
                result: list[Registration] = []
            else:
                result = decide(db, event, people, operation, argument, at(step))
                request.commit()
                assert expected == [people.index(r) for r in result], (operation, argument)
            fills = (
                operation == "capacity"
                or (operation == "confirm" and before is Status.UNCONFIRMED)
                or (operation == "cancel" and before is Status.CONFIRMED)
            )
            raised_by_hand = operation == "capacity_by_hand" or (raised_by_hand and not fills)

            assert [p.status for p in people] == model.statuses
            queue = list(waiting_list(db, event))
            assert queue == [people[i] for i in model.queue]
            assert [waitlist_position(db, r) for r in queue] == list(range(1, len(queue) + 1))
            stamps = [r.waitlisted_at for r in queue]
            assert stamps == sorted(stamps)  # type: ignore[type-var]
            count = seat_count(db, event)
            assert (count.confirmed, count.waitlisted) == (model.confirmed(), len(model.queue))
            if count.capacity is not None and count.confirmed > confirmed_before:
                assert count.confirmed <= count.capacity
            if not raised_by_hand and count.free:
                assert count.waitlisted == 0
    finally:
        outer.rollback()
        # The next example starts afresh, like a new request: SQLite gives the ids of the rows
        # just undone to new rows, which objects still in the session would otherwise claim.
        db.expunge_all()


def test_the_window_is_the_event_s_own(
    db: DbSession, event: Event, unconfirmed: Callable[[], Registration]
) -> None:
    # Registration closes at the event's end in Baku time: 27 November 00:00 +04:00.
    registration = unconfirmed()
    registration.confirm_by = None
    with pytest.raises(ValidationError):
        confirm_registration(db, registration, base_url=BASE_URL, now=baku(27, 0))
    confirm_registration(db, registration, base_url=BASE_URL, now=baku(26, 23, 59))
    assert registration.status is Status.CONFIRMED
