"""Registrations per second through the whole HTTP stack, next to a bare Flask INSERT.

Run: python -m benchmarks.registration [--database-url URL] [--requests N] [--concurrency C]

A gunicorn server with two workers runs the confkit app on a scratch PostgreSQL database, made
next to the one ``--database-url`` names (default: the local server) and dropped afterwards.
Client threads, each with its own cookie jar, GET the registration form once for its CSRF token
and then POST registrations with distinct addresses; only the 303 of a successful registration
counts. The floor is a bare Flask app under the same gunicorn set-up on the same database
(``benchmarks.floor_app``), whose one POST does one INSERT. Then every registration is confirmed
at once over HTTP, and the database is asked whether the confirmed seats ever exceeded the
capacity, both by watching it during the rush and by replaying the registrations' history.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Protocol

import requests
from sqlalchemy import Engine, create_engine, func, make_url, select, text
from sqlalchemy.orm import Session as DbSession

from benchmarks import process_cpu
from benchmarks.floor_app import create_table
from confkit import clock, migrate, services
from confkit.db import Store, make_engine
from confkit.models import Registration, RegistrationChange, RegistrationStatus
from tests.servers import Server, ServerOptions, form_posting_to, running_server

DEFAULT_SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
EVENT_SLUG = "benchmark-registration"
FLOOR_APP = "benchmarks.floor_app:create_app()"
REQUEST_TIMEOUT = 60.0
TARGET_RATIO = 0.5
# The floor and confkit take turns, a share of the requests each time: a shared machine's load
# drifts, and taking turns puts both under the same conditions.
ROUNDS = 3


class Client(Protocol):
    """One simulated user: ``prepare`` runs before the clock starts, ``post`` once per request."""

    def prepare(self) -> None: ...

    def post(self, n: int) -> requests.Response: ...

    def close(self) -> None: ...


@dataclass
class Run:
    """What a batch of clients achieved: successes, failures by kind, latencies, wall time."""

    successes: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    # CPU the clients themselves used: if it nears the wall time, they, not the server, limit.
    client_cpu_seconds: float = 0.0
    # CPU the server's workers and PostgreSQL used meanwhile (None where it cannot be read).
    server_cpu_seconds: float | None = None
    database_cpu_seconds: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def combined(cls, runs: Sequence[Run]) -> Run:
        total = cls()
        for run in runs:
            total.successes += run.successes
            for outcome, count in run.failures.items():
                total.failures[outcome] = total.failures.get(outcome, 0) + count
            total.latencies += run.latencies
            total.seconds += run.seconds
            total.client_cpu_seconds += run.client_cpu_seconds
            total.server_cpu_seconds = _sum(total.server_cpu_seconds, run.server_cpu_seconds)
            total.database_cpu_seconds = _sum(total.database_cpu_seconds, run.database_cpu_seconds)
        return total

    def record(self, outcome: str, latency: float) -> None:
        with self.lock:
            self.latencies.append(latency)
            if outcome == "303":
                self.successes += 1
            else:
                self.failures[outcome] = self.failures.get(outcome, 0) + 1

    @property
    def per_second(self) -> float:
        return self.successes / self.seconds if self.seconds else 0.0

    def percentile_ms(self, percent: int) -> float:
        if len(self.latencies) < 2:
            return sum(self.latencies) * 1000
        cuts = statistics.quantiles(self.latencies, n=100, method="inclusive")
        return cuts[percent - 1] * 1000


def run_clients(
    make_client: Callable[[], Client],
    *,
    concurrency: int,
    total: int,
    server: Server | None = None,
) -> Run:
    """``concurrency`` clients share ``total`` requests, taking the next one as they are free.
    The clock starts once every client is prepared and stops when the last request is done;
    meanwhile the CPU of ``server``'s workers and of PostgreSQL is measured."""
    run = Run()
    handed = iter(range(total))
    handing = threading.Lock()
    prepared = threading.Barrier(concurrency + 1)
    errors: list[BaseException] = []

    def next_job() -> int | None:
        with handing:
            return next(handed, None)

    def body() -> None:
        client = make_client()
        try:
            client.prepare()
            prepared.wait()
            while (n := next_job()) is not None:
                started = time.perf_counter()
                try:
                    with client.post(n) as answer:
                        outcome = str(answer.status_code)
                except requests.RequestException as error:
                    outcome = type(error).__name__
                run.record(outcome, time.perf_counter() - started)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
            prepared.abort()
        finally:
            client.close()

    threads = [threading.Thread(target=body, name=f"client-{n}") for n in range(concurrency)]
    for thread in threads:
        thread.start()
    # A client that failed to prepare breaks the barrier; its error is raised below.
    with suppress(threading.BrokenBarrierError):
        prepared.wait()
    workers = (
        process_cpu.measuring(lambda: process_cpu.children_of(server.process.pid))
        if server is not None
        else None
    )
    database = process_cpu.measuring(lambda: process_cpu.named("postgres"))
    started, cpu_started = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - started
    run.client_cpu_seconds = time.process_time() - cpu_started
    run.server_cpu_seconds = workers() if workers is not None else None
    run.database_cpu_seconds = database() if database is not None else None
    if errors:
        raise errors[0]
    return run


class RegistrationClient:
    """GETs the registration form once, then POSTs it with a new person each time."""

    def __init__(self, server: Server, prefix: str) -> None:
        self.session = requests.Session()
        self.url = f"{server.url}/events/{EVENT_SLUG}/register"
        self.prefix = prefix
        self.fields: dict[str, str] = {}

    def prepare(self) -> None:
        with self.session.get(self.url, timeout=REQUEST_TIMEOUT) as answer:
            answer.raise_for_status()
            form = form_posting_to(answer.text, f"/events/{EVENT_SLUG}/register")
        self.fields = {**form.fields, **form.buttons}

    def post(self, n: int) -> requests.Response:
        data = self.fields | {
            "given_name": f"Given{n}",
            "family_name": f"Family{n}",
            "email": f"{self.prefix}{n}@benchmark.example.org",
        }
        return self.session.post(
            self.url, data=data, allow_redirects=False, timeout=REQUEST_TIMEOUT
        )

    def close(self) -> None:
        self.session.close()


class FloorClient:
    """POSTs the same three fields to the floor app: one INSERT each."""

    def __init__(self, server: Server, prefix: str) -> None:
        self.session = requests.Session()
        self.url = f"{server.url}/signup"
        self.prefix = prefix

    def prepare(self) -> None:
        pass

    def post(self, n: int) -> requests.Response:
        data = {
            "given_name": f"Given{n}",
            "family_name": f"Family{n}",
            "email": f"{self.prefix}{n}@benchmark.example.org",
        }
        return self.session.post(
            self.url, data=data, allow_redirects=False, timeout=REQUEST_TIMEOUT
        )

    def close(self) -> None:
        self.session.close()


class ConfirmClient:
    """Loads one confirmation page for a CSRF token, then confirms a registration per request:
    the token belongs to the client's session cookie, not to one page."""

    def __init__(self, server: Server, tokens: Sequence[str]) -> None:
        self.session = requests.Session()
        self.base = server.url
        self.tokens = tokens
        self.fields: dict[str, str] = {}

    def prepare(self) -> None:
        sample = self.tokens[0]
        with self.session.get(f"{self.base}/r/{sample}/confirm", timeout=REQUEST_TIMEOUT) as page:
            page.raise_for_status()
            form = form_posting_to(page.text, f"/r/{sample}/confirm")
        self.fields = {**form.fields, **form.buttons}

    def post(self, n: int) -> requests.Response:
        return self.session.post(
            f"{self.base}/r/{self.tokens[n]}/confirm",
            data=self.fields,
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT,
        )

    def close(self) -> None:
        self.session.close()


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """A new database on the server of ``server_url``, dropped afterwards, whatever happens."""
    url = make_url(server_url)
    if url.get_backend_name() != "postgresql":
        raise SystemExit("the benchmark needs PostgreSQL: several processes share the database")
    name = f"confkit_bench_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield url.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def prepare_database(engine: Engine, capacity: int) -> None:
    """Migrate, add the floor's table and an event open for registration with a waiting list."""
    migrate.upgrade(engine)
    create_table(engine)
    today = clock.now().date()
    with Store(engine).transaction() as db:
        services.create_event(
            db,
            slug=EVENT_SLUG,
            name="Benchmark workshop",
            timezone="Asia/Baku",
            starts_on=today + timedelta(days=60),
            ends_on=today + timedelta(days=60),
            capacity=capacity,
            waitlist_enabled=True,
        )


class SeatWatch:
    """Counts the committed confirmed seats every 10 ms while it runs."""

    def __init__(self, store: Store) -> None:
        self.highest = 0
        self._store = store
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="seat-watch")

    def _watch(self) -> None:
        with self._store.session() as db:
            while not self._stop.is_set():
                self.highest = max(self.highest, confirmed_now(db))
                db.rollback()  # a fresh snapshot for the next count
                # Often enough to catch a state between two requests; the history replay
                # afterwards sees every state anyway.
                time.sleep(0.01)

    def __enter__(self) -> SeatWatch:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def confirmed_now(db: DbSession) -> int:
    return int(
        db.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.status == RegistrationStatus.CONFIRMED)
        )
        or 0
    )


def seats_in_history(store: Store) -> tuple[int, int, int]:
    """Confirmed and waitlisted now, and the most seats ever taken at once, replaying every
    recorded change in order (changes are stamped under the event's lock)."""
    with store.session() as db:
        changes = db.execute(
            select(RegistrationChange.from_status, RegistrationChange.to_status).order_by(
                RegistrationChange.at, RegistrationChange.id
            )
        )
        taken = highest = 0
        for before, after in changes:
            confirmed = RegistrationStatus.CONFIRMED
            taken += (after is confirmed) - (before is confirmed)
            highest = max(highest, taken)
        by_status = {
            status: count
            for status, count in db.execute(
                select(Registration.status, func.count()).group_by(Registration.status)
            )
        }
    return (
        by_status.get(RegistrationStatus.CONFIRMED, 0),
        by_status.get(RegistrationStatus.WAITLISTED, 0),
        highest,
    )


def unconfirmed_tokens(store: Store) -> list[str]:
    with store.session() as db:
        return list(
            db.scalars(
                select(Registration.token)
                .where(Registration.status == RegistrationStatus.UNCONFIRMED)
                .order_by(Registration.id)
            )
        )


def _sum(total: float | None, more: float | None) -> float | None:
    return None if more is None else (total or 0.0) + more


def row(label: str, run: Run) -> str:
    failed = sum(run.failures.values())
    requests_made = run.successes + failed

    def per_request_ms(seconds: float | None) -> str:
        if seconds is None or not requests_made:
            return "n/a"
        return f"{seconds / requests_made * 1000:.2f}"

    return (
        f"{label:<26} {requests_made:>8} {run.successes:>6} {failed:>6} {run.per_second:>9.1f} "
        f"{run.percentile_ms(50):>8.1f} {run.percentile_ms(99):>8.1f} "
        f"{per_request_ms(run.client_cpu_seconds):>7} {per_request_ms(run.server_cpu_seconds):>7} "
        f"{per_request_ms(run.database_cpu_seconds):>7}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=DEFAULT_SERVER_URL,
        help="a PostgreSQL server; a scratch database is made beside the one named "
        f"(default: {DEFAULT_SERVER_URL})",
    )
    parser.add_argument("--requests", type=int, default=1000, help="registrations to time")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--capacity", type=int, default=100, help="the event's seats")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker (above 1: gthread workers)"
    )
    args = parser.parse_args()
    warm_up = args.concurrency * 5
    options = ServerOptions(
        workers=args.workers,
        worker_class="gthread" if args.threads > 1 else "sync",
        threads=args.threads,
    )
    with (
        tempfile.TemporaryDirectory(prefix="confkit-bench-") as folder,
        scratch_database(args.database_url) as url,
    ):
        engine = make_engine(url)
        store = Store(engine)
        try:
            prepare_database(engine, args.capacity)
            with (
                running_server(
                    name="floor",
                    database_url=url,
                    folder=Path(folder),
                    options=replace(options, app=FLOOR_APP),
                ) as floor,
                running_server(
                    name="confkit", database_url=url, folder=Path(folder), options=options
                ) as server,
            ):
                # Every worker loads its app and opens its connections before the clock runs.
                run_clients(
                    lambda: FloorClient(floor, "warm-"),
                    concurrency=args.concurrency,
                    total=warm_up,
                )
                run_clients(
                    lambda: RegistrationClient(server, "warm-"),
                    concurrency=args.concurrency,
                    total=warm_up,
                )
                floor_runs, register_runs = [], []
                for turn in range(ROUNDS):
                    share = args.requests // ROUNDS + (turn < args.requests % ROUNDS)
                    prefix = f"turn{turn}-"
                    floor_runs.append(
                        run_clients(
                            partial(FloorClient, floor, prefix),
                            concurrency=args.concurrency,
                            total=share,
                            server=floor,
                        )
                    )
                    register_runs.append(
                        run_clients(
                            partial(RegistrationClient, server, prefix),
                            concurrency=args.concurrency,
                            total=share,
                            server=server,
                        )
                    )
                floor_run = Run.combined(floor_runs)
                register_run = Run.combined(register_runs)
                tokens = unconfirmed_tokens(store)
                with SeatWatch(store) as watch:
                    confirm_run = run_clients(
                        lambda: ConfirmClient(server, tokens),
                        concurrency=args.concurrency,
                        total=len(tokens),
                        server=server,
                    )
                server_errors = floor.errors() + server.errors()
            confirmed, waitlisted, highest = seats_in_history(store)
        finally:
            engine.dispose()

    ratio = register_run.per_second / floor_run.per_second if floor_run.per_second else 0.0
    threads = f" x {options.threads} threads" if options.threads > 1 else ""
    print(
        f"PostgreSQL; gunicorn {options.worker_class}, {options.workers} workers{threads} per "
        f"server; {args.concurrency} client threads; floor and registration in {ROUNDS} turns "
        f"each; {warm_up} warm-up requests each, not counted"
    )
    print(
        f"{'':<26} {'requests':>8} {'303':>6} {'failed':>6} {'per sec':>9} "
        f"{'p50 ms':>8} {'p99 ms':>8} {'CPU ms per request: client, workers, PostgreSQL':>25}"
    )
    print(row("floor: Flask + one INSERT", floor_run))
    print(row("confkit registration", register_run))
    print(row("confkit confirmation", confirm_run))
    print(
        f"registration / floor: {ratio:.2f} "
        f"({'meets' if ratio >= TARGET_RATIO else 'misses'} the target of {TARGET_RATIO})"
    )
    runs = {"floor": floor_run, "registration": register_run, "confirmation": confirm_run}
    for label, run in runs.items():
        if run.failures:
            print(f"{label} failures: {run.failures}")
    if server_errors:
        print(f"server errors logged: {len(server_errors)}; the first: {server_errors[0]}")
    exceeded = max(highest, watch.highest) > args.capacity
    print(
        f"capacity {args.capacity}: confirmed {confirmed}, waitlisted {waitlisted}; highest "
        f"confirmed seen during the rush {watch.highest}, in the history {highest}: "
        f"{'EXCEEDED' if exceeded else 'never exceeded'}"
    )
    if exceeded or confirmed != min(args.capacity, len(tokens)):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
