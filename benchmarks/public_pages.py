"""Time the public pages of a large event through the web app.

Run: python -m benchmarks.public_pages [--sessions 2000] [--runs 5] [--database-url URL]

For a generated programme (see benchmarks/programmes.py) it prints, for the event page, the
programme page (whole and filtered), the speakers page, the participants page and one session
page: the best render time of a GET through ``app.test_client()``, the SQL statements it ran
and the size of the page.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import Engine, select

from benchmarks.measure import best_of, count_statements
from benchmarks.programmes import generate_programme
from confkit import migrate
from confkit.db import Store, make_engine
from confkit.models import Event, ProgrammeSession
from webapp import create_app


def pages(store: Store, event_id: int) -> dict[str, str]:
    """The paths to measure for the generated event."""
    with store.session() as db:
        conference = db.get(Event, event_id)
        assert conference is not None
        first = db.scalar(
            select(ProgrammeSession.uuid)
            .where(ProgrammeSession.event_id == event_id)
            .order_by(ProgrammeSession.id)
        )
        base = f"/events/{conference.slug}"
    return {
        "event": f"{base}/",
        "programme": f"{base}/schedule",
        "programme, one track": f"{base}/schedule?track=track-0&kind=talk",
        "speakers": f"{base}/speakers",
        "participants": f"{base}/participants",
        "session": f"{base}/sessions/{first}",
    }


def measure(engine: Engine, client: FlaskClient, path: str, runs: int) -> tuple[float, int, int]:
    def get() -> bytes:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.get_data()

    size = len(get())  # warm: templates compiled, caches filled
    return best_of(runs, get), count_statements(engine, get), size


def main() -> None:
    # The app would otherwise make its instance folder inside the checkout.
    os.environ.setdefault("CONFKIT_INSTANCE_PATH", tempfile.mkdtemp(prefix="confkit-bench-"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite'}")
        migrate.upgrade(engine)
        store = Store(engine)
        event_id = generate_programme(store, args.sessions)
        app = create_app({"TESTING": True, "SECRET_KEY": "benchmark", "CONFKIT_STORE": store})
        client = app.test_client()
        results = {
            name: measure(engine, client, path, args.runs)
            for name, path in pages(store, event_id).items()
        }
        engine.dispose()
    print(f"database: {engine.dialect.name}, {args.sessions} sessions, best of {args.runs} runs")
    print(f"{'page':<22} {'render (s)':>10} {'SQL':>4} {'bytes':>11}")
    for name, (seconds, statements, size) in results.items():
        print(f"{name:<22} {seconds:>10.3f} {statements:>4} {size:>11,}")


if __name__ == "__main__":
    main()
