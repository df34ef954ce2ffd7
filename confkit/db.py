"""Database plumbing: the declarative base, the UTC datetime type, engines and transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, DateTime, Engine, MetaData, Table, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, sessionmaker
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.types import TypeDecorator

from confkit import auditing

# Stable constraint names keep Alembic migrations identical on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant, stored in UTC, that comes back aware on every database.

    SQLite has no time zone support and returns naive values; PostgreSQL returns values in the
    connection's zone. Both are normalised to UTC so a value round-trips identically.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"naive datetime {value.isoformat()} cannot be stored: give a time zone"
            )
        as_utc = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return as_utc.replace(tzinfo=None)
        return as_utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every confkit model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


def table_of(model: type[Base]) -> Table:
    """The Core table of ``model``, for plain statements that skip the ORM's unit of work."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _prepare_sqlite(engine: Engine) -> None:
    # pysqlite starts transactions lazily and ignores SAVEPOINT semantics; take over BEGIN
    # ourselves so transactions, savepoints and foreign keys behave as on PostgreSQL.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")


def make_engine(url: str, **options: Any) -> Engine:
    """Create an engine for ``url`` with the settings confkit relies on."""
    engine = create_engine(url, **options)
    if engine.dialect.name == "sqlite":
        _prepare_sqlite(engine)
    return engine


class Store:
    """A database confkit works on: hands out sessions and transactions."""

    def __init__(self, bind: Engine | Connection) -> None:
        self.bind = bind
        # A bound Connection means an outer transaction owns the work (tests, nested use):
        # commits then only release a savepoint.
        join_mode = "create_savepoint" if isinstance(bind, Connection) else "conditional_savepoint"
        self._sessions = sessionmaker(
            bind=bind, expire_on_commit=False, join_transaction_mode=join_mode
        )
        auditing.install(self._sessions)
        self._statement_sessions = self._sessions
        if isinstance(bind, Engine) and bind.dialect.name == "postgresql":
            self._statement_sessions = sessionmaker(
                bind=bind.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False
            )
            auditing.install(self._statement_sessions)

    def session(self) -> DbSession:
        """A new ORM session; the caller commits or rolls back."""
        return self._sessions()

    def statement_session(self) -> DbSession:
        """A session for work that one statement does whole, such as
        ``signup.register_new_address``.

        On a PostgreSQL engine every statement commits as it runs, which spares the BEGIN and
        COMMIT round trips; anything of two statements or more belongs in :meth:`session`.
        Elsewhere (SQLite, or a store inside an outer transaction) it is an ordinary session.
        Either way the caller commits, which on PostgreSQL then sends nothing.
        """
        return self._statement_sessions()

    @contextmanager
    def transaction(self, *, actor: auditing.ActorSource | None = None) -> Iterator[DbSession]:
        """A session whose work is committed at the end of the block, or rolled back on error;
        the audit log names ``actor`` (by default the system) for its changes."""
        with self._sessions() as db, db.begin():
            if actor is not None:
                auditing.set_actor(db, actor)
            yield db


def open_store(url: str, **engine_options: Any) -> Store:
    """Open the database at ``url`` (``sqlite:///conf.db``, ``postgresql+psycopg://...``)."""
    return Store(make_engine(url, **engine_options))
