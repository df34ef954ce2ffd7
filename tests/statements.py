"""What a test's code sends to the database: for tests whose contract includes the statements."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy import event as sa_event


@contextmanager
def statements_sent(bind: Connection | Engine) -> Iterator[list[str]]:
    """The first three words of every statement sent through ``bind`` meanwhile, in order."""
    sent: list[str] = []

    def record(*args: Any) -> None:
        sent.append(" ".join(str(args[2]).split(None, 3)[:3]))

    sa_event.listen(bind, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa_event.remove(bind, "before_cursor_execute", record)
