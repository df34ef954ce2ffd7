"""A Radicale CalDAV server accepts every session of a feed through the caldav client, gives back
the same UIDs and instants, and takes a moved and a cancelled session in place."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import caldav
import pytest
from sqlalchemy.orm import Session as DbSession

from tests.clients.calendars import shown, split_feed
from tests.clients.programmes import Programme, Shown, expected, feed, move_and_cancel, uid

STARTUP_TIMEOUT = 30.0


def free_port() -> int:
    """A TCP port nothing listens on now (Radicale needs an explicit one)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_listening(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Radicale exited with {process.returncode}:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"Radicale did not answer within {STARTUP_TIMEOUT} s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def radicale_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Radicale server on 127.0.0.1 for this module: no authentication, storage in a temp
    folder, no configuration file read (``--config`` with no value)."""
    folder = tmp_path_factory.mktemp("radicale")
    port = free_port()
    log = folder / "radicale.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "radicale",
                "--config",
                "--server-hosts",
                f"127.0.0.1:{port}",
                "--auth-type",
                "none",
                "--rights-type",
                "owner_only",
                "--storage-filesystem-folder",
                str(folder / "collections"),
                # Judge its item cache by mtime and size, not by hashing each file: every new
                # item makes Radicale read all the others (to refuse a duplicate UID).
                "--storage-use-mtime-and-size-for-item-cache",
                "True",
                "--logging-level",
                "warning",
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=folder,
        )
    try:
        wait_until_listening(port, process, log)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def calendar(radicale_url: str) -> Iterator[caldav.Calendar]:
    """A new, empty calendar on the server for one test."""
    # With authentication off Radicale takes any user name; the password is never checked.
    with caldav.DAVClient(url=radicale_url, username="user", password="x") as client:
        yield client.get_principal().make_calendar(name="Programme", cal_id=uuid.uuid4().hex)


def upload(calendar: caldav.Calendar, items: dict[str, bytes]) -> None:
    """Store calendar objects as a CalDAV client subscribing to the feed would: each session a
    resource of its own, the same UID going to the same resource and replacing it."""
    for item in items.values():
        # The feed's own bytes, not caldav's re-serialisation of them (which would also raise
        # SEQUENCE on every save); the resource's URL comes from the UID.
        caldav.Event(client=calendar.client, parent=calendar).save(raw_data=item)


def read_back(calendar: caldav.Calendar) -> dict[str, Shown]:
    """Every event the server holds, by UID, each UID exactly once."""
    vevents = [item.icalendar_component for item in calendar.get_events()]
    twice = [key for key, count in Counter(str(v["UID"]) for v in vevents).items() if count > 1]
    assert not twice, f"the server holds {twice} more than once"
    return {str(vevent["UID"]): shown(vevent) for vevent in vevents}


def test_radicale_holds_the_programme_and_takes_changes_in_place(
    db: DbSession, programme: Programme, calendar: caldav.Calendar
) -> None:
    first = split_feed(feed(db, programme))
    upload(calendar, first)

    before = read_back(calendar)
    assert before == expected(programme)

    moved, cancelled = move_and_cancel(db, programme)
    second = split_feed(feed(db, programme))
    # Every other session keeps its bytes, so a syncing client puts only these two again
    # (putting all 500 again would double the time Radicale takes here, and prove nothing more).
    changed = {key: item for key, item in second.items() if first.get(key) != item}
    assert changed.keys() == {uid(moved), uid(cancelled)}
    upload(calendar, changed)

    after = read_back(calendar)
    assert after == expected(programme)
    assert len(after) == len(before)
    assert after[uid(moved)].starts_at == moved.starts_at != before[uid(moved)].starts_at
    assert after[uid(moved)].sequence > before[uid(moved)].sequence
    assert (before[uid(cancelled)].status, after[uid(cancelled)].status) == (
        "CONFIRMED",
        "CANCELLED",
    )
    assert after[uid(cancelled)].sequence > before[uid(cancelled)].sequence
