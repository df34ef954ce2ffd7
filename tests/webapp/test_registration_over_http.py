"""Hundreds of attendees confirming and cancelling at the same moment, through two separate
gunicorn processes on one PostgreSQL database: the seats never exceed the capacity, the waiting
list keeps its order, and nobody ever sees an error page.

Every client is a real HTTP client with its own cookie jar: it loads the page, takes the form's
CSRF token, waits at a barrier with all the others and then submits. Clients alternate between
the servers, and each submits to the other server than the one that served its form, so the
session cookie and the CSRF token must hold across processes.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
import requests
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session as DbSession

from confkit import clock, migrate, services
from confkit.db import Store, make_engine
from confkit.models import Event, Registration, RegistrationChange, RegistrationStatus
from confkit.services.seats import confirm_registration, waitlist_position
from confkit.services.signup import SignupDetails, register
from tests.databases import postgres_server_url, scratch_database
from tests.servers import Server, form_posting_to, logs, running_servers, still_running

CAPACITY = 50
FIRST_WAVE = 240
BASE_URL = "http://confkit.test"
REQUEST_TIMEOUT = 120.0

Status = RegistrationStatus


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Engine]]:
    """A migrated scratch PostgreSQL database of this module's own: the servers commit for real,
    so the suite's rolled-back database is no place for them."""
    if postgres_server_url() is None:
        pytest.skip(
            "needs PostgreSQL (set CONFKIT_TEST_DATABASE_URL): SQLite has no row locks and "
            "lets one writer in at a time, so several server processes prove nothing there"
        )
    with scratch_database(tmp_path_factory.mktemp("http-db"), "http") as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine)
            yield url, engine
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def servers(
    database: tuple[str, Engine], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[Server]]:
    """Two gunicorn processes, two workers of four threads each, on the one database."""
    url, _engine = database
    with running_servers(2, database_url=url, folder=tmp_path_factory.mktemp("servers")) as found:
        yield found
        # A traceback in a log is a failed request even if no client noticed it.
        assert not [line for s in found for line in s.errors()], logs(found)


@pytest.fixture
def store(database: tuple[str, Engine]) -> Store:
    return Store(database[1])


@dataclass
class Outcome:
    """What one client saw: each request's method, URL and status, or the error it met."""

    steps: list[tuple[str, str, int]]
    error: BaseException | None = None

    def statuses(self) -> list[int]:
        return [status for _method, _url, status in self.steps]


def create_event(store: Store, slug: str) -> None:
    """An event a month ahead, open for registration now, with CAPACITY seats and a list."""
    today = clock.now().date()
    with store.transaction() as db:
        services.create_event(
            db,
            slug=slug,
            name=f"Race for seats ({slug})",
            timezone="Asia/Baku",
            starts_on=today + timedelta(days=30),
            ends_on=today + timedelta(days=31),
            capacity=CAPACITY,
            waitlist_enabled=True,
        )


def register_people(
    store: Store, slug: str, count: int, *, first: int = 0, now: datetime | None = None
) -> list[str]:
    """``count`` new unconfirmed registrations, registered through the library; their tokens."""
    with store.transaction() as db:
        event = services.get_event(db, slug)
        return [
            register(
                db,
                event,
                SignupDetails(
                    given_name=f"Given{n}",
                    family_name=f"Family{n}",
                    email=f"person{n}@{slug}.example.org",
                ),
                base_url=BASE_URL,
                now=now,
            ).registration.token
            for n in range(first, first + count)
        ]


def by_token(db: DbSession, tokens: Sequence[str]) -> dict[str, Registration]:
    found = db.scalars(select(Registration).where(Registration.token.in_(tokens))).all()
    return {r.token: r for r in found}


def counts(db: DbSession, slug: str) -> dict[Status, int]:
    event = services.get_event(db, slug)
    rows = db.execute(
        select(Registration.status, func.count())
        .where(Registration.event_id == event.id)
        .group_by(Registration.status)
    )
    return {status: count for status, count in rows}


def waiting_list(db: DbSession, slug: str) -> list[Registration]:
    """The waitlisted registrations in the order of ``waitlisted_at``."""
    event = services.get_event(db, slug)
    return list(
        db.scalars(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.status == Status.WAITLISTED)
            .order_by(Registration.waitlisted_at, Registration.id)
        )
    )


def submit_all_at_once(
    servers: Sequence[Server],
    jobs: Sequence[tuple[str, str]],
) -> list[Outcome]:
    """For each (page path, form action suffix): a client GETs the page from one server, then
    every client, released together by a barrier, POSTs that form to the other server."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [Outcome(steps=[]) for _ in jobs]

    def client(index: int, page: str, action: str) -> None:
        outcome = outcomes[index]
        form_server = servers[(index + 1) % len(servers)]
        post_server = servers[index % len(servers)]
        try:
            with requests.Session() as session:
                # The form's connection is closed after it: an idle keep-alive connection would
                # be closed by the server while everyone waits at the barrier.
                answer = session.get(
                    form_server.url + page,
                    headers={"Connection": "close"},
                    timeout=REQUEST_TIMEOUT,
                )
                outcome.steps.append(("GET", answer.url, answer.status_code))
                form = form_posting_to(answer.text, action)
                barrier.wait(timeout=REQUEST_TIMEOUT)
                answer = session.post(
                    post_server.url + action,
                    data={**form.fields, **form.buttons},
                    allow_redirects=False,
                    timeout=REQUEST_TIMEOUT,
                )
                outcome.steps.append(("POST", answer.url, answer.status_code))
                location = answer.headers.get("Location", "")
                answer = session.get(
                    post_server.url + location if location.startswith("/") else location,
                    timeout=REQUEST_TIMEOUT,
                )
                outcome.steps.append(("GET", answer.url, answer.status_code))
        except BaseException as error:  # noqa: BLE001 - reported to the main thread
            outcome.error = error
            barrier.abort()

    threads = [
        threading.Thread(target=client, args=(index, page, action), name=f"client-{index}")
        for index, (page, action) in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(REQUEST_TIMEOUT * 3)
    assert not any(thread.is_alive() for thread in threads), "a client never finished"
    return outcomes


def assert_no_error_pages(outcomes: Sequence[Outcome], servers: Sequence[Server]) -> None:
    errors = [o.error for o in outcomes if o.error is not None]
    assert not errors, f"{len(errors)} clients failed, the first: {errors[0]!r}\n{logs(servers)}"
    for outcome in outcomes:
        assert outcome.statuses() == [200, 303, 200], f"{outcome.steps}\n{logs(servers)}"
        # Every change ends on the attendee's own page.
        assert re.search(r"/r/[\w-]+$", outcome.steps[-1][1]), outcome.steps
    still_running(servers)


def attendee_pages(servers: Sequence[Server], tokens: Sequence[str]) -> dict[str, str]:
    """Every attendee's own page, fetched from both servers in turn."""

    def fetch(index: int, token: str) -> tuple[str, str]:
        url = f"{servers[index % len(servers)].url}/r/{token}"
        with requests.get(url, timeout=REQUEST_TIMEOUT) as answer:
            assert answer.status_code == 200, f"{url}: {answer.status_code}\n{logs(servers)}"
            return token, answer.text

    with ThreadPoolExecutor(16) as pool:
        return dict(pool.map(fetch, range(len(tokens)), tokens))


def shows_status(page: str, registration: Registration, position: int | None) -> bool:
    """Whether the status block of the attendee page says what the database holds."""
    block = re.search(
        r'<div class="status status-(\w+)" role="status">(.*?)</div>', page, flags=re.DOTALL
    )
    if block is None or block.group(1) != registration.status.value:
        return False
    said = " ".join(re.sub(r"<[^>]+>", " ", block.group(2)).split()).lower()
    if registration.status is Status.WAITLISTED:
        return re.search(rf"waiting list\D*\b{position}\b", said) is not None
    return registration.status.value in said


class SeatWatch:
    """Counts the confirmed seats, as committed, every few milliseconds while it runs."""

    def __init__(self, store: Store, slug: str) -> None:
        self.highest = 0
        self._store, self._slug = store, slug
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="seat-watch")

    def _watch(self) -> None:
        with self._store.session() as db:
            event_id = services.get_event(db, self._slug).id
            while not self._stop.is_set():
                confirmed = db.scalar(
                    select(func.count()).where(
                        Registration.event_id == event_id,
                        Registration.status == Status.CONFIRMED,
                    )
                )
                self.highest = max(self.highest, int(confirmed or 0))
                # A new snapshot for the next count.
                db.rollback()
                time.sleep(0.002)

    def __enter__(self) -> SeatWatch:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def highest_in_history(db: DbSession, slug: str) -> int:
    """The most seats ever taken at once, replaying every recorded change in order.

    Changes are stamped under the event's lock, so their order is the order the seats were
    taken and freed; within one transaction a freed seat is recorded before it is given again.
    """
    event = services.get_event(db, slug)
    changes = db.execute(
        select(RegistrationChange.from_status, RegistrationChange.to_status)
        .join(Registration)
        .where(Registration.event_id == event.id)
        .order_by(RegistrationChange.at, RegistrationChange.id)
    )
    taken = highest = 0
    for before, after in changes:
        taken += (after is Status.CONFIRMED) - (before is Status.CONFIRMED)
        highest = max(highest, taken)
    return highest


def test_hundreds_confirm_at_once_through_two_processes(
    servers: list[Server], store: Store
) -> None:
    slug = "confirm-rush"
    create_event(store, slug)
    tokens = register_people(store, slug, FIRST_WAVE)

    outcomes = submit_all_at_once(
        servers, [(f"/r/{token}/confirm", f"/r/{token}/confirm") for token in tokens]
    )

    assert_no_error_pages(outcomes, servers)
    with store.session() as db:
        assert counts(db, slug) == {
            Status.CONFIRMED: CAPACITY,
            Status.WAITLISTED: FIRST_WAVE - CAPACITY,
        }
        waiting = waiting_list(db, slug)
        positions = [waitlist_position(db, r) for r in waiting]
        assert positions == list(range(1, FIRST_WAVE - CAPACITY + 1))
        registrations = by_token(db, tokens)
        confirmed_at = [r.confirmed_at for r in registrations.values() if r.confirmed_at]
        # First come, first served: nobody was put on the list before the last seat was taken.
        assert max(confirmed_at) <= min(r.waitlisted_at for r in waiting if r.waitlisted_at)
        assert highest_in_history(db, slug) == CAPACITY
        position_of = {r.token: p for r, p in zip(waiting, positions, strict=True)}
        pages = attendee_pages(servers, tokens)
        wrong = [
            (registrations[t].status.value, position_of.get(t))
            for t, page in pages.items()
            if not shows_status(page, registrations[t], position_of.get(t))
        ]
        assert not wrong, f"{len(wrong)} attendee pages show the wrong status: {wrong[:5]}"


def test_cancellations_free_seats_for_the_longest_waiting_while_others_confirm(
    servers: list[Server], store: Store
) -> None:
    slug = "cancel-rush"
    create_event(store, slug)
    waiting_count, newcomers = 40, 40
    # Confirmed one by one, a second apart, so the list's order is known before the rush.
    start = clock.now() - timedelta(hours=1)
    seated = register_people(store, slug, CAPACITY + waiting_count, now=start)
    with store.transaction() as db:
        registrations = by_token(db, seated)
        for n, token in enumerate(seated):
            confirm_registration(
                db, registrations[token], base_url=BASE_URL, now=start + timedelta(seconds=n + 1)
            )
    confirmed, waiting = seated[:CAPACITY], seated[CAPACITY:]
    late = register_people(store, slug, newcomers, first=CAPACITY + waiting_count)
    leaving_seats = confirmed[::3]
    # The front of the list leaves too, while seats are freed and handed to it.
    leaving_list = [waiting[i] for i in (0, 1, 2, 4, 7, 11, 16, 22)]
    leaving = leaving_seats + leaving_list

    # Cancelling from the attendee page, confirming from the confirmation page; interleaved,
    # so both kinds reach both servers at once.
    cancels = [(f"/r/{t}", f"/r/{t}/cancel") for t in leaving]
    confirms = [(f"/r/{t}/confirm", f"/r/{t}/confirm") for t in late]
    jobs = [
        job for pair in itertools.zip_longest(cancels, confirms) for job in pair if job is not None
    ]
    with SeatWatch(store, slug) as watch:
        outcomes = submit_all_at_once(servers, jobs)

    assert_no_error_pages(outcomes, servers)
    assert watch.highest <= CAPACITY
    still_waiting = [t for t in waiting if t not in leaving_list]
    promoted = still_waiting[: len(leaving_seats)]
    with store.session() as db:
        assert highest_in_history(db, slug) == CAPACITY
        registrations = by_token(db, seated + late)
        assert {t for t, r in registrations.items() if r.status is Status.CONFIRMED} == (
            set(confirmed) - set(leaving_seats)
        ) | set(promoted)
        assert {t for t, r in registrations.items() if r.status is Status.CANCELLED} == set(leaving)
        # Those still waiting keep their order, and every newcomer queues behind them.
        expected_list = still_waiting[len(leaving_seats) :]
        listed = [r.token for r in waiting_list(db, slug)]
        assert listed[: len(expected_list)] == expected_list
        assert sorted(listed[len(expected_list) :]) == sorted(late)
        assert [waitlist_position(db, registrations[t]) for t in listed] == list(
            range(1, len(listed) + 1)
        )
        pages = attendee_pages(servers, seated + late)
        wrong = [
            (registrations[t].status.value, waitlist_position(db, registrations[t]))
            for t, page in pages.items()
            if not shows_status(page, registrations[t], waitlist_position(db, registrations[t]))
        ]
        assert not wrong, f"{len(wrong)} attendee pages show the wrong status: {wrong[:5]}"


@dataclass
class LoadedForm:
    """A registration form as a browser holds it: its session cookie and its fields."""

    server: Server
    slug: str
    session: requests.Session
    fields: dict[str, str]

    @classmethod
    def load(cls, server: Server, slug: str) -> LoadedForm:
        session = requests.Session()
        page = session.get(f"{server.url}/events/{slug}/register", timeout=REQUEST_TIMEOUT)
        page.raise_for_status()
        form = form_posting_to(page.text, f"/events/{slug}/register")
        return cls(server, slug, session, {**form.fields, **form.buttons})

    def submit(self, email: str, **answers: str) -> requests.Response:
        given = {"given_name": "Given", "family_name": "Family", "email": email, **answers}
        with self.session:
            return self.session.post(
                f"{self.server.url}/events/{self.slug}/register",
                data={**self.fields, **given},
                allow_redirects=False,
                timeout=REQUEST_TIMEOUT,
            )


def test_an_organisers_change_reaches_every_process_at_once(
    servers: list[Server], store: Store
) -> None:
    # Each worker keeps the event read for its first submission; the organisers' change is made
    # elsewhere, and the very next submission to any worker must follow it.
    slug = "kept-event"
    create_event(store, slug)
    rounds = range(12)

    def submit_everywhere(label: str, **answers: str) -> list[requests.Response]:
        return [
            LoadedForm.load(server, slug).submit(f"{label}{n}-{i}@{slug}.example.org", **answers)
            for n in rounds
            for i, server in enumerate(servers)
        ]

    warm = submit_everywhere("warm")
    with store.transaction() as db:
        services.add_question(
            db, services.get_event(db, slug), key="unit", label="Your unit", kind="short_text",
            required=True,
        )  # fmt: skip
    unanswered = submit_everywhere("late")
    answered = submit_everywhere("unit", **{"answers-unit": "G6"})
    loaded = [LoadedForm.load(server, slug) for _ in rounds for server in servers]
    with store.transaction() as db:
        services.configure_registration(
            db, services.get_event(db, slug), closes_at=clock.now() - timedelta(minutes=1)
        )
    closed = [form.submit(f"closed{n}@{slug}.example.org") for n, form in enumerate(loaded)]

    assert {answer.status_code for answer in warm} == {303}
    assert {answer.status_code for answer in unanswered} == {400}
    assert all("Your unit" in answer.text for answer in unanswered)
    assert {answer.status_code for answer in answered} == {303}
    assert {answer.status_code for answer in closed} == {403}
    with store.session() as db:
        stored = db.scalars(
            select(Registration.answers)
            .join(Registration.event)
            .where(Event.slug == slug)
            .order_by(Registration.id)
        ).all()
    assert stored == [{}] * len(warm) + [{"unit": "G6"}] * len(answered)
    still_running(servers)
