"""Scratch databases for the test suite: a SQLite file, or a new database on a PostgreSQL server."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

POSTGRES_URL_VARIABLE = "CONFKIT_TEST_DATABASE_URL"


def postgres_server_url() -> str | None:
    """The PostgreSQL server the suite should use, if one is configured."""
    return os.environ.get(POSTGRES_URL_VARIABLE) or None


@contextmanager
def scratch_database(folder: Path, label: str) -> Iterator[str]:
    """Yield the URL of a new, empty database and remove it afterwards.

    On PostgreSQL a database of its own is created next to the configured one, so the configured
    database is never touched and parallel runs never see each other's tables.
    """
    server_url = postgres_server_url()
    if server_url is None:
        path = folder / f"{label}-{secrets.token_hex(4)}.sqlite"
        yield f"sqlite:///{path}"
        return
    url = make_url(server_url)
    name = f"confkit_{label}_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
