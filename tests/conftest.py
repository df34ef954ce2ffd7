"""Fixtures shared by the whole suite: one migrated database per run, one transaction per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session as DbSession

from confkit import migrate
from confkit.db import Store, make_engine
from tests.databases import postgres_server_url, scratch_database

pytest_plugins = ["tests.factories", "tests.smtp_server"]


def pytest_report_header() -> str:
    server = postgres_server_url()
    return f"confkit database: {'PostgreSQL ' + server if server else 'SQLite'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with scratch_database(tmp_path_factory.mktemp("db"), "suite") as url:
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back when the test ends."""
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            yield connection
        finally:
            transaction.rollback()


@pytest.fixture
def store(connection: Connection) -> Store:
    """A store whose commits only release savepoints of the test's transaction."""
    return Store(connection)


@pytest.fixture
def db(store: Store) -> Iterator[DbSession]:
    with store.session() as session:
        yield session
