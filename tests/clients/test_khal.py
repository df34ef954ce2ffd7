"""khal, a command-line calendar set to New York time, imports each feed, lists every session at
the right local time, and takes a moved and a cancelled session in place."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session as DbSession

from tests.clients.programmes import Programme, expected, feed, move_and_cancel, uid

# Not the events' zone (Asia/Baku, always UTC+4): New York is eight or nine hours behind, so
# sessions change local date, and the generated programme's days span the end of summer time.
LOCAL_ZONE = ZoneInfo("America/New_York")
# ISO-like formats with the UTC offset, so that the hour New York repeats when summer time
# ends is not ambiguous in khal's output.
DATETIME_FORMAT = "%Y-%m-%dT%H:%M%z"
CONFIG = """\
[calendars]
[[programme]]
path = {vdir}
type = calendar

[locale]
local_timezone = America/New_York
default_timezone = America/New_York
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = {datetime_format}
longdatetimeformat = {datetime_format}

[sqlite]
path = {cache}
"""


class Khal:
    """khal run as a user would, with its own config, calendar folder and HOME."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.vdir = home / "calendars" / "programme"
        self.vdir.mkdir(parents=True)
        self.config = home / "khal.conf"
        self.config.write_text(
            CONFIG.format(vdir=self.vdir, cache=home / "khal.db", datetime_format=DATETIME_FORMAT),
            encoding="utf-8",
        )

    def run(self, *arguments: str) -> str:
        """khal's output; fails the test on an error or on anything khal complains about."""
        environment = {
            name: value for name, value in os.environ.items() if not name.startswith("XDG_")
        }
        environment.update(HOME=str(self.home), PYTHONUTF8="1", TZ="UTC")
        done = subprocess.run(
            [sys.executable, "-m", "khal", "-c", str(self.config), *arguments],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=environment,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"khal {arguments[0]} failed:\n{done.stderr}"
        # khal logs skipped or unreadable events on stderr and still succeeds.
        assert not done.stderr.strip(), f"khal {arguments[0]} complained:\n{done.stderr}"
        return done.stdout

    def import_feed(self, data: bytes) -> None:
        path = self.home / "feed.ics"
        path.write_bytes(data)
        self.run("import", "--batch", "-a", "programme", str(path))

    def list(self, first: date, last: date) -> list[dict[str, str]]:
        """Every event khal lists from ``first`` to ``last``, as it formats them."""
        output = self.run(
            "list",
            "-a",
            "programme",
            # An event across local midnight would otherwise be listed on both days.
            "--once",
            *("--json", "uid", "--json", "start-long", "--json", "end-long", "--json", "status"),
            first.isoformat(),
            last.isoformat(),
        )
        # One JSON array per day with events.
        return [row for line in output.splitlines() if line.strip() for row in json.loads(line)]


@pytest.fixture
def khal(tmp_path: Path) -> Khal:
    return Khal(tmp_path)


def in_new_york(programme: Programme) -> dict[str, tuple[str, str, str]]:
    """What khal must list for each public session: local start and end, and status."""
    return {
        key: (
            shown.starts_at.astimezone(LOCAL_ZONE).strftime(DATETIME_FORMAT),
            shown.ends_at.astimezone(LOCAL_ZONE).strftime(DATETIME_FORMAT),
            shown.status,
        )
        for key, shown in expected(programme).items()
    }


def listed(khal: Khal, programme: Programme) -> dict[str, tuple[str, str, str]]:
    """What khal lists over the event's days and a day either side, each UID exactly once."""
    event = programme.event
    rows = khal.list(event.starts_on - timedelta(days=1), event.ends_on + timedelta(days=1))
    twice = [key for key, count in Counter(row["uid"] for row in rows).items() if count > 1]
    assert not twice, f"khal lists {twice} more than once"
    return {row["uid"]: (row["start-long"], row["end-long"], row["status"]) for row in rows}


def test_khal_lists_every_session_in_local_time_and_takes_changes_in_place(
    db: DbSession, programme: Programme, khal: Khal
) -> None:
    khal.import_feed(feed(db, programme))

    assert listed(khal, programme) == in_new_york(programme)

    before = in_new_york(programme)
    moved, cancelled = move_and_cancel(db, programme)
    khal.import_feed(feed(db, programme))

    after = listed(khal, programme)
    assert after == in_new_york(programme)
    # One event file per session in khal's calendar folder: the import replaced, never added.
    # (khal 0.14.1 also leaves a temporary file, "<uid>.ics<random>", each time it replaces an
    # event: its atomic_write does not remove it when os.link finds the file there. khal reads
    # only "*.ics", so they change nothing it shows.)
    assert len(list(khal.vdir.glob("*.ics"))) == len(programme.public)
    assert after[uid(moved)][:2] != before[uid(moved)][:2]
    # khal keeps a cancelled event and reports its STATUS (it does not drop it).
    assert before[uid(cancelled)][2] == "CONFIRMED"
    assert after[uid(cancelled)][2] == "CANCELLED"
