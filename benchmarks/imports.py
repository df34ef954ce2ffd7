"""Time the CSV imports' preview (every row checked through the services, nothing kept).

Run: python -m benchmarks.imports [--rows 2000] [--runs 3] [--database-url URL]

A sessions file fills 20 rooms over the event's days with one to three speakers a session drawn
from a pool of addresses (each person created on first use, found by address after), half the
rows on a track of their own name; an attendees file registers that many people at 40
organisations (the first ten known, the rest added by the file), a tenth of them in delegations,
with one question answered, for an event whose capacity leaves the last fifth on the waiting list.
Each run previews the file in a fresh ORM session; the best run is reported.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from confkit import migrate, services
from confkit.db import Store, make_engine
from confkit.imports.attendees_csv import preview_attendees_csv
from confkit.imports.plan import ImportPlan
from confkit.imports.sessions_csv import preview_sessions_csv
from confkit.models import Event, OrganisationKind
from confkit.services.registration_settings import add_question

NOW = datetime(2030, 1, 1, tzinfo=UTC)
ROOMS = 20
SLOTS_PER_DAY = 10
ORGANISATIONS = 40
KNOWN_ORGANISATIONS = 10


def sessions_file(rows: int) -> str:
    """``rows`` sessions that neither clash with each other nor double-book a speaker."""
    out = io.StringIO()
    out.write("title,date,start,end,room,track,kind,speakers\n")
    speakers = max(10, rows // 3)
    for n in range(rows):
        day = date(2030, 1, 1) + timedelta(days=n // (ROOMS * SLOTS_PER_DAY))
        slot, room = divmod(n % (ROOMS * SLOTS_PER_DAY), ROOMS)
        start = f"{8 + slot:02d}:00"
        end = f"{8 + slot:02d}:45"
        track = f"Track {n % 8}" if n % 2 else f"Strand {n % 37}"
        # The speakers of one slot are all different people.
        people = "; ".join(
            f"Speaker {p} <speaker{p}@example.org>"
            for p in ((n * 3 + k) % speakers for k in range(1 + n % 3))
        )
        out.write(f"Session {n},{day},{start},{end},Room {room},{track},talk,{people}\n")
    return out.getvalue()


def attendees_file(rows: int) -> str:
    """``rows`` new attendees at 40 organisations, some in delegations, with one answer each."""
    out = io.StringIO()
    out.write("given name,family name,email,organisation,organisation kind,country,")
    out.write("position,delegation,Dietary needs\n")
    for n in range(rows):
        organisation = f"Organisation {n % ORGANISATIONS}"
        delegation = f"Delegation {n // 10 % 20}" if n % 10 == 0 else ""
        out.write(
            f"Given{n},Family{n},person{n}@example.org,{organisation},academia,AZ,"
            f"Analyst,{delegation},none\n"
        )
    return out.getvalue()


def prepare(store: Store, rows: int) -> int:
    """An event with rooms, tracks, known organisations and a question; returns its id."""
    days = max(1, -(-rows // (ROOMS * SLOTS_PER_DAY)))
    with store.transaction() as db:
        event = services.create_event(
            db,
            slug=f"import-bench-{rows}-{time.monotonic_ns()}",
            name="Import benchmark",
            timezone="Asia/Baku",
            starts_on=date(2030, 1, 1),
            ends_on=date(2030, 1, 1) + timedelta(days=days - 1),
            now=NOW,
        )
        services.update_event(db, event, capacity=rows * 4 // 5, waitlist_enabled=True)
        for i in range(ROOMS):
            services.add_room(db, event, slug=f"room-{i}", name=f"Room {i}", now=NOW)
        for i in range(8):
            services.add_track(db, event, slug=f"track-{i}", name=f"Track {i}", now=NOW)
        for i in range(KNOWN_ORGANISATIONS):
            services.create_organisation(
                db, name=f"Organisation {i}", kind=OrganisationKind.ACADEMIA, country="AZ"
            )
        add_question(db, event, key="diet", label="Dietary needs", kind="short_text")
        return event.id


def best_of(runs: int, action: Callable[[], ImportPlan]) -> tuple[float, float, ImportPlan]:
    """The best wall-clock and processor seconds of ``runs`` runs, and the last plan."""
    walls, processor, plan = [], [], None
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        plan = action()
        walls.append(time.perf_counter() - started)
        processor.append(time.process_time() - cpu)
    assert plan is not None
    return min(walls), min(processor), plan


def measure(store: Store, rows: int, runs: int) -> dict[str, tuple[float, float, ImportPlan]]:
    event_id = prepare(store, rows)
    files = {"sessions": sessions_file(rows), "attendees": attendees_file(rows)}
    previews = {"sessions": preview_sessions_csv, "attendees": preview_attendees_csv}
    results = {}
    for kind, preview in previews.items():

        def run(preview: Callable[..., ImportPlan] = preview, kind: str = kind) -> ImportPlan:
            with store.session() as db:
                event = db.get(Event, event_id)
                assert event is not None
                plan = preview(db, event, files[kind], now=NOW)
                db.rollback()
                return plan

        results[kind] = best_of(runs, run)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        results = measure(Store(engine), args.rows, args.runs)
        engine.dispose()
    print(f"database: {engine.dialect.name}, {args.rows} rows, best of {args.runs} runs")
    # Processor time is this process's alone (with SQLite, the database's work too): it varies
    # less than the wall clock on a machine that other programs share.
    print(
        f"{'file':>10} {'seconds':>8} {'rows/s':>8} {'ms/row':>7} {'cpu ms/row':>11} "
        f"{'bad rows':>9}  created"
    )
    for kind, (seconds, cpu, plan) in results.items():
        created = ", ".join(f"{n} {name}" for name, n in sorted(plan.created.items()))
        print(
            f"{kind:>10} {seconds:>8.2f} {args.rows / seconds:>8.0f} "
            f"{1000 * seconds / args.rows:>7.2f} {1000 * cpu / args.rows:>11.2f} "
            f"{len(plan.bad_rows):>9}  {created}"
        )
        for row in plan.bad_rows[:3]:
            print(f"    line {row.line}: {'; '.join(row.problems)}")


if __name__ == "__main__":
    main()
