"""Events kept between requests for the public registration form, trusted only as far as
PostgreSQL vouches for them.

Every submission of the form needs its event and the event's questions. Reading them is a round
trip and ORM work on each request of a busy form, although they almost never change. An
:class:`EventKeeper` keeps a copy read by an earlier request, with the *fingerprint* of the rows
it was read from: each row's id, transaction id and command id (``xmin``, ``cmin``), which every
insert, update and delete of the event or of its questions changes (row locks change neither).
``signup.register_new_address`` writes with a kept copy only while the rows still have that
fingerprint, checked in the same statement as the write, and raises :class:`StaleEvent`
otherwise: the caller reads the event afresh and asks again.

SQLite keeps no copies: it has no such ids, and it runs inside the process, where a read is
cheap.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Final

from sqlalchemy import ColumnElement, Table, Text, cast, func, literal, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm.util import identity_key

from confkit.db import Store, table_of
from confkit.errors import ConfkitError
from confkit.models import Event, RegistrationQuestion
from confkit.services.events import get_event

_EVENTS: Final = table_of(Event)
_QUESTIONS: Final = table_of(RegistrationQuestion)
# Events of a site with far more than this keep only the most recently used.
DEFAULT_SIZE: Final = 64


class StaleEvent(ConfkitError):
    """The event (or one of its questions) changed since the copy given was read."""


@dataclass(frozen=True)
class KeptEvent:
    """An event with its questions loaded, and the fingerprint of the rows it was read from."""

    event: Event
    fingerprint: str


def fingerprint_of(event_id: ColumnElement[int]) -> ColumnElement[str]:
    """SQL for the fingerprint of the event ``event_id`` and its questions; NULL when there is
    no such event. PostgreSQL only."""
    event_row = select(_row_version(_EVENTS)).where(_EVENTS.c.id == event_id).scalar_subquery()
    question_rows = (
        select(
            func.string_agg(
                _row_version(_QUESTIONS), aggregate_order_by(_text(","), _QUESTIONS.c.id)
            )
        )
        .where(_QUESTIONS.c.event_id == event_id)
        .scalar_subquery()
    )
    return event_row + _text(";") + func.coalesce(question_rows, _text(""))


def current_fingerprint(db: DbSession, event_id: int) -> str | None:
    """The fingerprint the event's rows have now; None when the event is gone."""
    fingerprint: str | None = db.scalar(select(fingerprint_of(literal(event_id))))
    return fingerprint


def keeps_copies(db: DbSession) -> bool:
    """Whether the database of ``db`` gives rows the ids a fingerprint is made of."""
    return db.get_bind().dialect.name == "postgresql"


class EventKeeper:
    """Copies of events read for earlier requests, one per slug, the most recently used kept.

    One keeper serves one database and every thread of a process; the copies it keeps are
    never attached to a session, so no request can change them.
    """

    def __init__(self, store: Store, *, size: int = DEFAULT_SIZE) -> None:
        self._store = store
        self._size = size
        self._copies: OrderedDict[str, KeptEvent] = OrderedDict()
        self._lock = threading.Lock()

    def event(self, db: DbSession, slug: str) -> KeptEvent | None:
        """The event with that slug, in ``db``, with the fingerprint of the copy it was made
        from. Its attributes are the copy's, read without a query when a copy is kept: pass
        the fingerprint to ``signup.register_new_address``. None when the database keeps no
        fingerprints, or when ``db`` holds the event already (the copy would overwrite what it
        holds).

        Raises NotFound when there is no such event, and StaleEvent in the rare case of one
        created or deleted while it was being read.
        """
        if not keeps_copies(db):
            return None
        with self._lock:
            kept = self._copies.get(slug)
            if kept is not None:
                self._copies.move_to_end(slug)
        if kept is None:
            kept = self._read(slug)
            with self._lock:
                self._copies[slug] = kept
                while len(self._copies) > self._size:
                    self._copies.popitem(last=False)
        if db.identity_map.get(identity_key(Event, kept.event.id)) is not None:
            return None
        # load=False copies the kept state in without a query; the copy itself stays detached.
        return KeptEvent(db.merge(kept.event, load=False), kept.fingerprint)

    def forget(self, slug: str) -> None:
        """Drop the copy of that event, so that the next request reads it again."""
        with self._lock:
            self._copies.pop(slug, None)

    def _read(self, slug: str) -> KeptEvent:
        # A session of its own, so that the copy kept is no object of a request's session.
        with self._store.session() as reader:
            # The fingerprint is read before the rows: a change committed in between gives the
            # copy an older fingerprint than its state, which the first write then refuses.
            # Read the other way round, the copy could be older than its fingerprint says.
            event_id = select(_EVENTS.c.id).where(_EVENTS.c.slug == slug).scalar_subquery()
            fingerprint = reader.scalar(select(fingerprint_of(event_id)))
            event = get_event(reader, slug, with_questions=True)
        if fingerprint is None:
            # Made between the two reads: the next request reads it again.
            raise StaleEvent(f"event {slug!r} changed while it was read")
        return KeptEvent(event, fingerprint)


def _row_version(table: Table) -> ColumnElement[str]:
    # xmin alone does not change when the same transaction writes a row twice; cmin does.
    version: ColumnElement[str] = (
        cast(table.c.id, Text)
        + _text("@")
        + cast(literal_column(f"{table.name}.xmin"), Text)
        + _text(".")
        + cast(literal_column(f"{table.name}.cmin"), Text)
    )
    return version


def _text(constant: str) -> ColumnElement[str]:
    # Written into the SQL rather than bound: the statement that writes a registration carries
    # this expression, and psycopg re-parses a statement of more than 50 parameters each time.
    return literal_column(f"'{constant}'", Text)
