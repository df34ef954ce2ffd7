"""CPU time used by other processes on this machine, read from Linux's /proc: the gunicorn
workers serving a benchmark and the PostgreSQL server processes.

A benchmark whose clients, app server and database share a few cores is limited by the CPU all
of them use; these figures say where a request's CPU goes. Where /proc is missing, every
figure is None.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

_PROC = Path("/proc")
_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name, in brackets, may hold spaces: the fields follow its closing bracket.
    return text.rsplit(")", 1)[1].split()


def _all_pids() -> list[int]:
    return [int(entry.name) for entry in _PROC.iterdir() if entry.name.isdigit()]


def children_of(parent: int) -> list[int]:
    """The processes whose parent is ``parent`` (a gunicorn master's workers)."""
    return [
        pid for pid in _all_pids() if (fields := _stat_fields(pid)) and int(fields[1]) == parent
    ]


def named(command: str) -> list[int]:
    """The processes whose command name is ``command`` ("postgres")."""
    found = []
    for pid in _all_pids():
        try:
            if (_PROC / str(pid) / "comm").read_text().strip() == command:
                found.append(pid)
        except OSError:
            continue
    return found


def cpu_seconds(pids: Iterable[int]) -> float:
    """User and system CPU the processes have used so far (those that ended are left out)."""
    total = 0
    for pid in pids:
        fields = _stat_fields(pid)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICKS_PER_SECOND


def measuring(pids: Callable[[], list[int]]) -> Callable[[], float] | None:
    """A stopwatch of the CPU the processes ``pids()`` names use from now on: call it to read
    the seconds used since. None where /proc cannot be read."""
    if not _PROC.is_dir():
        return None
    watched = pids()
    start = cpu_seconds(watched)
    return lambda: cpu_seconds(watched) - start
