"""Time the programme's iCal feed against bare icalendar serialising the same events.

Run: python -m benchmarks.feeds [--sizes 2000 20000] [--database-url URL]

For each generated programme it prints: the full feed's build time (queries, read model and
rendering), the time the icalendar library alone takes to build and serialise the same events
from plain values (the floor for any exporter on that library) and their ratio, the number of
SQL statements per feed, and the peak memory of one build; the same for frab XML and JSON;
and, through the web app, a full GET against a conditional GET answered 304.
"""

from __future__ import annotations

import argparse
import gc
import os
import tempfile
import tracemalloc
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Timezone, vDuration, vText
from icalendar import Event as VEvent
from sqlalchemy import Engine

from benchmarks.measure import best_of, count_statements
from benchmarks.programmes import generate_programme
from confkit import feeds, migrate
from confkit.db import Store, make_engine
from confkit.formats.frab import render_frab_json, render_frab_xml
from confkit.models import Event
from confkit.schedule import build_schedule
from webapp import create_app

BASE_URL = "https://conf.example.org"


def plain_values(store: Store, event_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The values the feed holds, as plain data, so the floor measures icalendar alone."""
    with store.session() as db:
        conference = db.get(Event, event_id)
        assert conference is not None
        zone = ZoneInfo(conference.timezone)
        rows = []
        for slot in build_schedule(db, conference).slots:
            s = slot.session
            rows.append(
                {
                    "uid": f"{s.uuid}@conf.example.org",
                    "dtstamp": s.modified_at,
                    "created": s.created_at,
                    "last-modified": s.modified_at,
                    "sequence": s.sequence,
                    "dtstart": s.starts_at.astimezone(zone),
                    "dtend": s.ends_at.astimezone(zone),
                    "summary": s.title,
                    "description": s.abstract
                    + "\n\n"
                    + "\n".join(
                        f"{h.role.value.capitalize()}: {h.person.display_name}, {h.affiliation}"
                        for h in slot.people
                    )
                    + f"\n\n{BASE_URL}/events/{conference.slug}/sessions/{s.uuid}",
                    "location": f"{slot.room.name if slot.room else ''}, Benchmark venue, Baku",
                    "categories": [
                        slot.track.name if slot.track else "",
                        s.kind.value.capitalize(),
                    ],
                    "url": f"{BASE_URL}/events/{conference.slug}/sessions/{s.uuid}",
                    "status": "CANCELLED" if slot.cancelled else "CONFIRMED",
                    "transp": "TRANSPARENT" if slot.cancelled else "OPAQUE",
                }
            )
        calendar = {
            "zone": conference.timezone,
            "name": conference.name,
            "url": f"{BASE_URL}/events/{conference.slug}/",
            # The feed's VTIMEZONE covers the event's days with a day's margin each side.
            "first": conference.starts_on - timedelta(days=1),
            "last": conference.ends_on + timedelta(days=2),
        }
        return calendar, rows


def bare_icalendar(values: dict[str, Any], rows: list[dict[str, Any]]) -> bytes:
    """The same bytes as the feed, from plain values, with nothing but icalendar."""
    zone, name, url = values["zone"], values["name"], values["url"]
    calendar = Calendar()
    for key, value, parameters in (
        ("version", "2.0", None),
        ("prodid", "-//confkit//confkit programme feed//EN", None),
        ("calscale", "GREGORIAN", None),
        ("method", "PUBLISH", None),
        ("name", vText(name), None),
        ("x-wr-calname", vText(name), None),
        ("description", f"The programme of {name}.", None),
        ("x-wr-caldesc", vText(f"The programme of {name}."), None),
        ("url", url, {"VALUE": "URI"}),
        ("refresh-interval", vDuration(timedelta(hours=1)), {"VALUE": "DURATION"}),
        ("x-published-ttl", vDuration(timedelta(hours=1)), None),
        ("x-wr-timezone", zone, None),
    ):
        calendar.add(key, value, parameters=parameters)
    calendar.add_component(
        Timezone.from_tzid(zone, first_date=values["first"], last_date=values["last"])
    )
    for row in rows:
        vevent = VEvent()
        for key, value in row.items():
            vevent.add(key, value, parameters={"VALUE": "URI"} if key == "url" else None)
        calendar.add_component(vevent)
    return bytes(calendar.to_ical())


def peak_memory(action: Callable[[], Any]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(engine: Engine, store: Store, size: int, runs: int) -> dict[str, float]:
    event_id = generate_programme(store, size)

    def full_feed() -> bytes:
        with store.session() as db:
            conference = db.get(Event, event_id)
            assert conference is not None
            return feeds.programme_feed(db, conference, base_url=BASE_URL)

    def frab(render: Callable[..., bytes]) -> Callable[[], bytes]:
        def build() -> bytes:
            with store.session() as db:
                conference = db.get(Event, event_id)
                assert conference is not None
                return render(build_schedule(db, conference), base_url=BASE_URL)

        return build

    calendar_values, rows = plain_values(store, event_id)
    feed = full_feed()
    if bare_icalendar(calendar_values, rows) != feed:
        raise SystemExit("the floor does not build the same bytes as the feed: fix the benchmark")
    size_bytes = len(feed)
    results: dict[str, float] = {
        "sessions": size,
        "bytes": size_bytes,
        "feed_s": best_of(runs, full_feed),
        "floor_s": best_of(runs, lambda: bare_icalendar(calendar_values, rows)),
        "statements": count_statements(engine, full_feed),
        "peak_mib": peak_memory(full_feed) / 2**20,
    }
    for label, render in (("xml", render_frab_xml), ("json", render_frab_json)):
        build = frab(render)
        results[f"{label}_s"] = best_of(runs, build)
        results[f"{label}_statements"] = count_statements(engine, build)
        results[f"{label}_peak_mib"] = peak_memory(build) / 2**20
    results.update(over_http(store, event_id, runs))
    return results


def over_http(store: Store, event_id: int, runs: int) -> dict[str, float]:
    """A full GET of the feed through the app, and a conditional GET answered 304."""
    app = create_app({"TESTING": True, "SECRET_KEY": "benchmark", "CONFKIT_STORE": store})
    client = app.test_client()
    with store.session() as db:
        conference = db.get(Event, event_id)
        assert conference is not None
        path = f"/events/{conference.slug}/schedule.ics"
    etag = client.get(path).headers["ETag"]

    def full() -> None:
        assert client.get(path).status_code == 200

    def not_modified() -> None:
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304

    return {"get_s": best_of(runs, full), "not_modified_s": best_of(runs * 10, not_modified)}


def main() -> None:
    # The app would otherwise make its instance folder inside the checkout.
    os.environ.setdefault("CONFKIT_INSTANCE_PATH", tempfile.mkdtemp(prefix="confkit-bench-"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite'}")
        migrate.upgrade(engine)
        store = Store(engine)
        results = [measure(engine, store, size, args.runs) for size in args.sizes]
        engine.dispose()
    print(f"database: {engine.dialect.name}, best of {args.runs} runs")
    print(
        f"{'sessions':>9} {'feed (s)':>9} {'icalendar (s)':>14} {'ratio':>6} "
        f"{'SQL':>4} {'peak MiB':>9} {'bytes':>11}"
    )
    for r in results:
        print(
            f"{r['sessions']:>9} {r['feed_s']:>9.3f} {r['floor_s']:>14.3f} "
            f"{r['feed_s'] / r['floor_s']:>6.2f} {r['statements']:>4} "
            f"{r['peak_mib']:>9.1f} {r['bytes']:>11,}"
        )
    print("target: ratio at most 1.3; SQL statements the same for every size")
    print()
    print(f"{'sessions':>9} {'format':>9} {'build (s)':>10} {'SQL':>4} {'peak MiB':>9}")
    for r in results:
        for label in ("xml", "json"):
            print(
                f"{r['sessions']:>9} {'frab ' + label:>9} {r[label + '_s']:>10.3f} "
                f"{r[label + '_statements']:>4} {r[label + '_peak_mib']:>9.1f}"
            )
    print()
    print(f"{'sessions':>9} {'GET 200 (ms)':>13} {'GET 304 (ms)':>13} {'speed-up':>9}")
    for r in results:
        print(
            f"{r['sessions']:>9} {r['get_s'] * 1000:>13.1f} {r['not_modified_s'] * 1000:>13.2f} "
            f"{r['get_s'] / r['not_modified_s']:>8.0f}x"
        )


if __name__ == "__main__":
    main()
