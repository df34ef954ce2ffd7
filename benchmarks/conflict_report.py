"""Time the whole-programme conflict report for generated programmes of growing size.

Run: python -m benchmarks.conflict_report [--sizes 2000 20000] [--database-url URL]

Each programme has 20 rooms filled from 08:00 with sessions of 30-120 minutes, about one in
twelve shifted to overlap its neighbour, and 1-4 people per session drawn from a pool a quarter
the size of the programme, so people are shared across sessions and some clash.
"""

from __future__ import annotations

import argparse
import gc
import random
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from confkit import migrate, services
from confkit.db import Store, make_engine
from confkit.models import Event, Person, ProgrammeSession, SessionRole
from confkit.scheduling.clashes import Slot, find_clashes

ROOMS = 20
NOW = datetime(2030, 1, 1, tzinfo=UTC)


def generate(store: Store, sessions: int, seed: int = 7) -> int:
    """Insert an event with ``sessions`` scheduled sessions; return the event's id."""
    rng = random.Random(f"{seed}-{sessions}")
    per_room_day = 8
    days = max(1, -(-sessions // (ROOMS * per_room_day)))
    with store.transaction() as db:
        event = services.create_event(
            db,
            slug=f"bench-{sessions}",
            name=f"Benchmark {sessions}",
            timezone="UTC",
            starts_on=date(2030, 1, 1),
            ends_on=date(2030, 1, 1) + timedelta(days=days - 1),
            now=NOW,
        )
        rooms = [
            services.add_room(db, event, slug=f"room-{i}", name=f"Room {i}", now=NOW)
            for i in range(ROOMS)
        ]
        pool = max(10, sessions // 4)
        person_ids = db.scalars(
            insert(Person).returning(Person.id),
            [
                {
                    "given_name": "Speaker",
                    "family_name": str(i),
                    "honorific": "",
                    "bio": "",
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for i in range(pool)
            ],
        ).all()
        rows, cursor = [], {}
        for index in range(sessions):
            room = rooms[index % ROOMS]
            day = (index // ROOMS) // per_room_day
            start = cursor.get((room.id, day)) or datetime(2030, 1, 1, 8, tzinfo=UTC) + timedelta(
                days=day
            )
            length = timedelta(minutes=rng.choice((30, 45, 60, 90, 120)))
            if rng.random() < 1 / 12:
                start -= timedelta(minutes=15)
            cursor[(room.id, day)] = start + length
            rows.append(
                {
                    "uuid": uuid.UUID(int=rng.getrandbits(128)),
                    "event_id": event.id,
                    "kind": "talk",
                    "title": f"Session {index}",
                    "abstract": "",
                    "starts_at": start,
                    "ends_at": start + length,
                    "room_id": room.id,
                    "status": "scheduled",
                    "visibility": "public",
                    "sequence": 0,
                    "created_at": NOW,
                    "modified_at": NOW,
                }
            )
        session_ids = db.scalars(
            insert(ProgrammeSession).returning(ProgrammeSession.id), rows
        ).all()
        roles = []
        for session_id in session_ids:
            for position, person_id in enumerate(rng.sample(person_ids, rng.randint(1, 4))):
                roles.append(
                    {
                        "session_id": session_id,
                        "person_id": person_id,
                        "role": "speaker",
                        "position": position,
                    }
                )
        db.execute(insert(SessionRole), roles)
        return event.id


def best_of(runs: int, action) -> float:  # type: ignore[no-untyped-def]
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings)


def load_slots(store: Store, event_id: int) -> list[Slot]:
    """The event's sessions as plain slots, read the way the conflict report reads them."""
    with store.session() as db:
        people: dict[int, set[int]] = defaultdict(set)
        roles = select(SessionRole.session_id, SessionRole.person_id).join(ProgrammeSession)
        for session_id, person_id in db.execute(roles.where(ProgrammeSession.event_id == event_id)):
            people[session_id].add(person_id)
        rows = db.execute(
            select(
                ProgrammeSession.id,
                ProgrammeSession.starts_at,
                ProgrammeSession.ends_at,
                ProgrammeSession.room_id,
            ).where(ProgrammeSession.event_id == event_id)
        )
        return [Slot(i, start, end, room, frozenset(people[i])) for i, start, end, room in rows]


def measure(store: Store, size: int, runs: int) -> dict[str, float]:
    event_id = generate(store, size)
    with store.session() as db:

        def report() -> int:
            db.expunge_all()
            event = db.get(Event, event_id)
            assert event is not None
            return len(services.conflict_report(db, event))

        clashes = report()
        full = best_of(runs, report)
    slots = load_slots(store, event_id)
    # Start the pure sweep with no garbage left from the ORM runs, so it times the sweep alone.
    gc.collect()
    sweep = best_of(runs, lambda: find_clashes(slots))
    return {"sessions": size, "clashes": clashes, "report_s": full, "sweep_s": sweep}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        store = Store(engine)
        results = [measure(store, size, args.runs) for size in args.sizes]
        engine.dispose()
    print(f"database: {engine.dialect.name}, best of {args.runs} runs")
    print(f"{'sessions':>9} {'clashes':>8} {'report (s)':>11} {'sweep only (s)':>15}")
    for r in results:
        print(f"{r['sessions']:>9} {r['clashes']:>8} {r['report_s']:>11.3f} {r['sweep_s']:>15.4f}")
    if len(results) >= 2:
        small, large = results[0], results[-1]
        factor = large["sessions"] / small["sessions"]
        print(
            f"ratio for {factor:g}x sessions: report {large['report_s'] / small['report_s']:.1f}, "
            f"sweep {large['sweep_s'] / small['sweep_s']:.1f} (target: below 15)"
        )


if __name__ == "__main__":
    main()
