"""Measuring helpers the benchmarks share: the best time of several runs, SQL statements run."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from sqlalchemy import Engine, event


def best_of(runs: int, action: Callable[[], object]) -> float:
    """The fastest of ``runs`` calls of ``action``, in seconds, each after a garbage collection."""
    timings = []
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings)


def count_statements(engine: Engine, action: Callable[[], object]) -> int:
    """How many SQL statements ``action`` runs on ``engine``."""
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return statements
