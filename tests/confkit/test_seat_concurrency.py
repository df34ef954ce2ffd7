"""Many people confirming, cancelling and being promoted at once, in real concurrent PostgreSQL
transactions: the capacity holds at every commit and the waiting list keeps its order.

Each test works in a scratch database of its own module, so what the threads commit is seen by
no other test, and sizes its connection pool to what the server has free.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session as DbSession

from confkit import CapacityError, ValidationError, migrate, services
from confkit.db import Store, make_engine
from confkit.models import (
    Event,
    InvitationCode,
    OutboxMessage,
    Person,
    Registration,
    RegistrationChange,
    RegistrationStatus,
)
from confkit.services.history import ATTENDEE, SYSTEM
from confkit.services.registration_settings import add_invitation_code, configure_registration
from confkit.services.seats import (
    cancel_registration,
    confirm_registration,
    promote_registration,
    seat_count,
    set_capacity,
    waiting_list,
    waitlist_position,
)
from confkit.services.signup import SignupDetails, SignupOutcome, register
from tests.databases import scratch_database
from tests.factories import BASE_URL

T = TypeVar("T")
Status = RegistrationStatus
ORGANISER = "organiser@example.org"
# Connections left for everyone else on the server (other test runs, superuser slots).
SPARE_CONNECTIONS = 20


@pytest.fixture(scope="module")
def store(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A migrated scratch database, with a pool of as many connections as the server spares."""
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter: SQLite serialises writers by itself")
    folder: Path = tmp_path_factory.mktemp("seats")
    with scratch_database(folder, "seats") as url:
        connections = free_connections(engine)
        scratch = make_engine(url, pool_size=connections, max_overflow=0, pool_timeout=300)
        migrate.upgrade(scratch)
        try:
            yield Store(scratch)
        finally:
            scratch.dispose()


def free_connections(engine: Engine) -> int:
    """How many connections this module may hold at once, at most 200 (one per thread)."""
    with engine.connect() as connection:
        limit = int(connection.execute(text("SHOW max_connections")).scalar_one())
        used = int(connection.execute(text("SELECT count(*) FROM pg_stat_activity")).scalar_one())
    return max(10, min(200, limit - used - SPARE_CONNECTIONS))


def run_together(jobs: Sequence[Callable[[], T]], *, timeout: float = 300) -> list[T | Exception]:
    """Run every job in a thread of its own, all released at once by a barrier; what each
    returned or raised, in the jobs' order."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[T | Exception] = [RuntimeError("did not run")] * len(jobs)

    def run(index: int, job: Callable[[], T]) -> None:
        barrier.wait(timeout)
        try:
            outcomes[index] = job()
        except Exception as error:  # noqa: BLE001 - reported to the main thread
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(deadline - time.monotonic(), 0))
    assert not any(thread.is_alive() for thread in threads), "a job did not finish in time"
    return outcomes


def failures(outcomes: Sequence[object]) -> list[object]:
    return [o for o in outcomes if isinstance(o, Exception)]


def new_event(store: Store, *, capacity: int | None, **settings: Any) -> int:
    """A committed event open for registration now (these tests run on the real clock)."""
    today = date.today()
    with store.transaction() as db:
        event = services.create_event(
            db,
            slug=f"seats-{secrets.token_hex(4)}",
            name="Energy security workshop",
            timezone="Asia/Baku",
            starts_on=today + timedelta(days=30),
            ends_on=today + timedelta(days=31),
            capacity=capacity,
        )
        configure_registration(db, event, **settings)
        db.flush()
        return event.id


def new_registrations(store: Store, event_id: int, count: int) -> list[int]:
    """``count`` committed unconfirmed registrations, in the order they were made."""
    with store.transaction() as db:
        event = db.get_one(Event, event_id)
        made = [register(db, event, person(), base_url=BASE_URL).registration for _ in range(count)]
        db.flush()
        return [r.id for r in made]


def person(**overrides: Any) -> SignupDetails:
    n = secrets.token_hex(6)
    values: dict[str, Any] = {
        "given_name": "Given",
        "family_name": f"Family {n}",
        "email": f"person-{n}@example.org",
    }
    values.update(overrides)
    return SignupDetails(**values)


@dataclass(frozen=True)
class Commit:
    """What one transaction saw of the event, under its lock, just before it committed."""

    sequence: int
    registration_id: int | None
    confirmed: int
    waitlisted: int
    capacity: int | None


class Ledger:
    """The order in which transactions held the event's lock, and what each one left.

    A transaction writes here while it still holds the lock, and nobody else can take the lock
    before it commits: the ledger's order is the order of the commits.
    """

    def __init__(self) -> None:
        self.commits: list[Commit] = []
        self._lock = threading.Lock()

    def note(self, db: DbSession, event: Event, registration_id: int | None = None) -> None:
        count = seat_count(db, event)
        # Read here, not from the event object, which may be older than the lock.
        capacity = db.scalar(select(Event.capacity).where(Event.id == event.id))
        with self._lock:
            self.commits.append(
                Commit(
                    len(self.commits), registration_id, count.confirmed, count.waitlisted, capacity
                )
            )

    def check_every_commit(self) -> None:
        for commit in self.commits:
            assert commit.capacity is not None
            assert commit.confirmed <= commit.capacity, commit
            # A seat free while someone waits would be a seat not given to the list.
            if commit.confirmed < commit.capacity:
                assert commit.waitlisted == 0, commit


def test_many_confirmations_at_once_fill_the_seats_then_the_list_in_order(store: Store) -> None:
    event_id = new_event(store, capacity=50, waitlist_enabled=True)
    registration_ids = new_registrations(store, event_id, 200)
    ledger = Ledger()

    def confirm(registration_id: int) -> Callable[[], None]:
        def job() -> None:
            with store.transaction() as db:
                registration = db.get_one(Registration, registration_id)
                confirm_registration(db, registration, base_url=BASE_URL)
                ledger.note(db, registration.event, registration_id)

        return job

    outcomes = run_together([confirm(i) for i in registration_ids])

    assert failures(outcomes) == []
    ledger.check_every_commit()
    order = [commit.registration_id for commit in ledger.commits]
    assert sorted(order) == sorted(registration_ids)  # type: ignore[type-var]
    with store.transaction() as db:
        event = db.get_one(Event, event_id)
        assert seat_count(db, event).confirmed == 50
        assert seat_count(db, event).waitlisted == 150
        statuses = dict(
            db.execute(
                select(Registration.id, Registration.status).where(
                    Registration.event_id == event_id
                )
            ).all()
        )
        # The first 50 to take the lock have the seats ...
        assert {statuses[i] for i in order[:50]} == {Status.CONFIRMED}
        # ... and the 150 after them wait in the order they took it, numbered 1 to 150.
        queue = list(waiting_list(db, event))
        assert [r.id for r in queue] == order[50:]
        assert [waitlist_position(db, r) for r in queue] == list(range(1, 151))
        stamps = [r.waitlisted_at for r in queue]
        assert all(a < b for a, b in zip(stamps, stamps[1:], strict=False))  # type: ignore[operator]
        # Each was told, with the place they had when they joined.
        mails = db.execute(
            select(OutboxMessage.registration_id, OutboxMessage.kind, OutboxMessage.text_body)
            .where(OutboxMessage.kind.in_(["confirmed", "waitlisted"]))
            .where(OutboxMessage.registration_id.in_(registration_ids))
        ).all()
        assert sorted(kind for _, kind, _ in mails) == ["confirmed"] * 50 + ["waitlisted"] * 150
        by_registration = {registration_id: body for registration_id, _, body in mails}
        for place, registration in enumerate(queue, start=1):
            assert (
                f"You are number {place} on the waiting list." in by_registration[registration.id]
            )


def test_cancellations_promotions_and_confirmations_at_once_keep_the_capacity_and_the_order(
    store: Store,
) -> None:
    # 50 seats taken and 150 waiting, as the test above leaves them, and 20 yet to confirm.
    event_id = new_event(store, capacity=50, waitlist_enabled=True)
    first_comers = new_registrations(store, event_id, 200)
    with store.transaction() as db:
        for registration_id in first_comers:
            confirm_registration(db, db.get_one(Registration, registration_id), base_url=BASE_URL)
    newcomers = new_registrations(store, event_id, 20)
    with store.transaction() as db:
        event = db.get_one(Event, event_id)
        holders = list(
            db.scalars(
                select(Registration.id)
                .where(
                    Registration.event_id == event_id,
                    Registration.status == Status.CONFIRMED,
                )
                .order_by(Registration.id)
            )
        )
        queue_before = [r.id for r in waiting_list(db, event)]
        statuses_before = dict(
            db.execute(
                select(Registration.id, Registration.status).where(
                    Registration.event_id == event_id
                )
            ).all()
        )
        first_change = db.scalar(select(func.max(RegistrationChange.id))) or 0
    assert (len(holders), len(queue_before)) == (50, 150)
    ledger = Ledger()

    def job(action: Callable[[DbSession, Registration], object], registration_id: int) -> Any:
        def run() -> object:
            with store.transaction() as db:
                registration = db.get_one(Registration, registration_id)
                result = action(db, registration)
                ledger.note(db, registration.event, registration_id)
                return result

        return run

    def cancel(db: DbSession, registration: Registration) -> list[int]:
        return [r.id for r in cancel_registration(db, registration, base_url=BASE_URL)]

    def promote(db: DbSession, registration: Registration) -> None:
        promote_registration(db, registration, actor=ORGANISER, base_url=BASE_URL)

    def confirm(db: DbSession, registration: Registration) -> None:
        confirm_registration(db, registration, base_url=BASE_URL)

    def raise_capacity(capacity: int) -> Callable[[], list[int]]:
        def run() -> list[int]:
            with store.transaction() as db:
                event = db.get_one(Event, event_id)
                promoted = set_capacity(db, event, capacity, base_url=BASE_URL)
                ledger.note(db, event)
                return [r.id for r in promoted]

        return run

    # The head of the list is both promoted by others' cancellations and cancelling itself.
    leaving_list = queue_before[:10] + queue_before[100:110]
    out_of_turn = queue_before[120:130] + queue_before[140:150]
    jobs = {
        "cancel a seat": [job(cancel, i) for i in holders[:30]],
        "leave the list": [job(cancel, i) for i in leaving_list],
        "promote": [job(promote, i) for i in out_of_turn],
        "confirm": [job(confirm, i) for i in newcomers],
        # One raise only: a lower capacity committed after a higher one may leave more people
        # confirmed than seats, on purpose (it cancels nobody).
        "capacity": [raise_capacity(55)],
    }
    outcomes = run_together([j for group in jobs.values() for j in group])
    by_group: dict[str, list[Any]] = {}
    for name, group in jobs.items():
        by_group[name], outcomes = outcomes[: len(group)], outcomes[len(group) :]

    for name in ("cancel a seat", "leave the list", "confirm", "capacity"):
        assert failures(by_group[name]) == [], name
    # Promoting never takes a seat that is not free, and a freed seat is never left free.
    assert {type(o) for o in by_group["promote"]} <= {CapacityError, ValidationError, type(None)}
    ledger.check_every_commit()

    with store.transaction() as db:
        event = db.get_one(Event, event_id)
        changes = db.execute(
            select(
                RegistrationChange.registration_id,
                RegistrationChange.actor,
                RegistrationChange.action,
                RegistrationChange.from_status,
                RegistrationChange.to_status,
            )
            .join(Registration)
            .where(Registration.event_id == event_id, RegistrationChange.id > first_change)
            .order_by(RegistrationChange.id)
        ).all()
        replayed = replay(statuses_before, queue_before, changes)
        queue = list(waiting_list(db, event))
        count = seat_count(db, event)
        statuses = dict(
            db.execute(
                select(Registration.id, Registration.status).where(
                    Registration.event_id == event_id
                )
            ).all()
        )
        promotions = db.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .join(Registration)
            .where(Registration.event_id == event_id, OutboxMessage.kind == "promoted")
        )
        positions = [waitlist_position(db, r) for r in queue]

    # The history, replayed in the order of the locks, ends where the database is.
    assert replayed.statuses == statuses
    assert replayed.queue == [r.id for r in queue]
    assert replayed.promoted_in_turn > 0
    assert promotions == replayed.promoted_in_turn + replayed.promoted_out_of_turn
    # At the end: as many seats taken as there are, the rest waiting, numbered without gaps.
    assert event.capacity == 55
    assert count.confirmed == event.capacity
    assert count.waitlisted == len(queue) > 0
    assert positions == list(range(1, len(queue) + 1))
    assert {statuses[i] for i in holders[:30]} == {Status.CANCELLED}
    assert {statuses[i] for i in leaving_list} == {Status.CANCELLED}


@dataclass
class Replayed:
    statuses: dict[int, Status]
    queue: list[int]
    promoted_in_turn: int = 0
    promoted_out_of_turn: int = 0


def replay(statuses: dict[int, Status], queue: list[int], changes: Sequence[Any]) -> Replayed:
    """Apply the recorded changes in order, checking that every seat given by the system went
    to the person at the head of the list and that nobody confirming overtook anyone waiting."""
    state = Replayed(dict(statuses), list(queue))
    for registration_id, actor, action, from_status, to_status in changes:
        assert state.statuses[registration_id] is from_status, (registration_id, action)
        if from_status is Status.WAITLISTED:
            if to_status is Status.CONFIRMED and actor == SYSTEM:
                assert state.queue[0] == registration_id, "a seat went to someone not first"
                state.promoted_in_turn += 1
            elif to_status is Status.CONFIRMED:
                assert (actor, action) == (ORGANISER, "promote")
                state.promoted_out_of_turn += 1
            state.queue.remove(registration_id)
        if to_status is Status.WAITLISTED:
            state.queue.append(registration_id)
        if from_status is Status.UNCONFIRMED and to_status is Status.CONFIRMED:
            assert state.queue == [], "a newcomer overtook the waiting list"
        if action in ("confirm", "cancel"):
            assert actor == ATTENDEE
        state.statuses[registration_id] = to_status
    return state


def test_an_invitation_code_for_five_lets_in_five_of_thirty(store: Store) -> None:
    event_id = new_event(store, capacity=None, mode="invitation")
    with store.transaction() as db:
        add_invitation_code(db, db.get_one(Event, event_id), code="FIVE-ONLY", max_uses=5)

    def attempt() -> SignupOutcome:
        with store.transaction() as db:
            event = db.get_one(Event, event_id)
            return register(db, event, person(invitation_code="FIVE-ONLY"), base_url=BASE_URL)

    outcomes = run_together([attempt for _ in range(30)])

    admitted = [o for o in outcomes if isinstance(o, SignupOutcome)]
    refused = [o for o in outcomes if not isinstance(o, SignupOutcome)]
    assert len(admitted) == 5
    assert all(outcome.created for outcome in admitted)
    assert len(refused) == 25
    assert all(isinstance(o, ValidationError) for o in refused)
    assert {field for o in refused for field in o.fields} == {"invitation_code"}  # type: ignore[union-attr]
    with store.transaction() as db:
        code = db.scalars(select(InvitationCode).where(InvitationCode.event_id == event_id)).one()
        assert code.uses == 5
        registered = db.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.event_id == event_id, Registration.invitation_code_id == code.id)
        )
        assert registered == 5


def test_a_form_submitted_many_times_at_once_makes_one_registration(store: Store) -> None:
    event_id = new_event(store, capacity=10)
    details = person()

    def submit() -> SignupOutcome:
        with store.transaction() as db:
            return register(db, db.get_one(Event, event_id), details, base_url=BASE_URL)

    outcomes = run_together([submit for _ in range(10)])

    assert failures(outcomes) == []
    assert [o.created for o in outcomes].count(True) == 1  # type: ignore[union-attr]
    with store.transaction() as db:
        people = db.scalar(
            select(func.count()).select_from(Person).where(Person.email == details.email)
        )
        registrations = db.scalars(
            select(Registration).where(Registration.event_id == event_id)
        ).all()
        assert (people, len(registrations)) == (1, 1)
        # Every submission was answered by a mail to the address, and only to it.
        kinds = db.scalars(
            select(OutboxMessage.kind).where(OutboxMessage.registration_id == registrations[0].id)
        ).all()
        assert kinds == ["confirm_request"] * 10


def test_registering_and_confirming_in_one_transaction_never_deadlocks(store: Store) -> None:
    """The foreign key of a new registration takes a share lock on the event row; the seat
    lock must not conflict with it, or two such transactions wait for each other."""
    event_id = new_event(store, capacity=5)

    def register_and_confirm() -> Status:
        with store.transaction() as db:
            event = db.get_one(Event, event_id)
            registration = register(db, event, person(), base_url=BASE_URL).registration
            return confirm_registration(db, registration, base_url=BASE_URL).status

    outcomes = run_together([register_and_confirm for _ in range(20)])

    assert failures(outcomes) == []
    assert sorted(outcomes) == sorted([Status.CONFIRMED] * 5 + [Status.WAITLISTED] * 15)  # type: ignore[type-var]


def hold_then(
    store: Store,
    first: Callable[[DbSession], object],
    second: Callable[[DbSession], object],
) -> None:
    """Run ``first`` and keep its transaction open while ``second`` loads what it needs and
    acts on it in another transaction; both must succeed."""
    first_acted = threading.Event()
    errors: list[BaseException] = []

    def run_first() -> None:
        try:
            with store.transaction() as db:
                first(db)
                first_acted.set()
                # Keep the lock while the second request loads the state this one changed.
                time.sleep(0.5)
        except BaseException as error:  # noqa: BLE001 - reported to the main thread
            errors.append(error)
            first_acted.set()

    thread = threading.Thread(target=run_first)
    thread.start()
    assert first_acted.wait(30)
    with store.transaction() as db:
        second(db)
    thread.join(30)
    assert errors == []


def test_a_person_promoted_while_cancelling_from_the_list_frees_the_seat(store: Store) -> None:
    event_id = new_event(store, capacity=1)
    holder, first, second = new_registrations(store, event_id, 3)
    with store.transaction() as db:
        for registration_id in (holder, first, second):
            confirm_registration(db, db.get_one(Registration, registration_id), base_url=BASE_URL)

    def holder_cancels(db: DbSession) -> None:
        promoted = cancel_registration(db, db.get_one(Registration, holder), base_url=BASE_URL)
        assert [r.id for r in promoted] == [first]

    def first_cancels(db: DbSession) -> None:
        # Loaded while the promotion is not yet committed: still waiting, as far as it knows.
        registration = db.get_one(Registration, first)
        assert registration.status is Status.WAITLISTED
        assert [r.id for r in cancel_registration(db, registration, base_url=BASE_URL)] == [second]

    hold_then(store, holder_cancels, first_cancels)

    with store.transaction() as db:
        event = db.get_one(Event, event_id)
        assert seat_count(db, event).confirmed == 1
        assert db.get_one(Registration, second).status is Status.CONFIRMED


def test_a_double_click_on_the_confirmation_link_confirms_once(store: Store) -> None:
    event_id = new_event(store, capacity=1)
    [registration_id] = new_registrations(store, event_id, 1)

    def click(db: DbSession) -> None:
        confirm_registration(db, db.get_one(Registration, registration_id), base_url=BASE_URL)

    hold_then(store, click, click)

    with store.transaction() as db:
        registration = db.get_one(Registration, registration_id)
        assert registration.status is Status.CONFIRMED
        assert seat_count(db, registration.event).confirmed == 1
        assert [c.action for c in registration.changes] == ["register", "confirm"]
        kinds = db.scalars(
            select(OutboxMessage.kind)
            .where(OutboxMessage.registration_id == registration_id)
            .order_by(OutboxMessage.id)
        ).all()
        assert kinds == ["confirm_request", "confirmed"]
