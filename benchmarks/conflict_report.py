"""Time the whole-programme conflict report for generated programmes of growing size.

Run: python -m benchmarks.conflict_report [--sizes 2000 20000] [--database-url URL]

The programmes come from benchmarks.programmes, with about one session in twelve overlapping its
neighbour; people are shared across sessions, so some of them clash too.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
from collections import defaultdict
from pathlib import Path

from sqlalchemy import select

from benchmarks.measure import best_of
from benchmarks.programmes import generate_programme
from confkit import migrate, services
from confkit.db import Store, make_engine
from confkit.models import Event, ProgrammeSession, SessionRole
from confkit.scheduling.clashes import Slot, find_clashes

# About one session in twelve starts a quarter of an hour before its neighbour ends.
OVERLAP_RATE = 1 / 12


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
    event_id = generate_programme(store, size, overlap_rate=OVERLAP_RATE)
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
