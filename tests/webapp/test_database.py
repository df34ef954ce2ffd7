"""One ORM session per request, opened on demand, committed once on success, else rolled back."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask, redirect
from flask.testing import FlaskClient
from sqlalchemy import Connection, event, select
from sqlalchemy.orm import Session as DbSession

from confkit.db import Store
from confkit.errors import ValidationError
from confkit.models import Venue
from webapp import create_app
from webapp.database import get_db

VENUE_NAME = "Baku Congress Centre"


class CountingStore(Store):
    """A store that remembers every session it hands out and counts their commits."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self.opened: list[DbSession] = []
        self.commits = 0

    def session(self) -> DbSession:
        db = super().session()
        event.listen(db, "after_commit", self._count_commit)
        self.opened.append(db)
        return db

    def _count_commit(self, _db: DbSession) -> None:
        self.commits += 1


@pytest.fixture
def counting_store(connection: Connection) -> CountingStore:
    return CountingStore(connection)


@pytest.fixture
def app(counting_store: CountingStore) -> Flask:
    app = create_app(
        {
            "SECRET_KEY": "testing",
            "CONFKIT_STORE": counting_store,
            # Let unhandled errors become the 500 page, as in production.
            "PROPAGATE_EXCEPTIONS": False,
        }
    )
    outcomes: dict[str, Callable[[], object]] = {
        "ok": lambda: "added",
        "redirect": lambda: redirect("/"),
        "invalid": raise_validation_error,
        "crash": raise_runtime_error,
    }

    @app.post("/venues/<outcome>")
    def add_venue(outcome: str) -> object:
        db = get_db()
        db.add(Venue(name=VENUE_NAME))
        # Written to the database now, so a rollback has something to undo.
        db.flush()
        assert get_db() is db
        return outcomes[outcome]()

    @app.get("/no-database")
    def no_database() -> str:
        return "nothing stored"

    return app


def raise_validation_error() -> object:
    raise ValidationError.single("name", "is taken")


def raise_runtime_error() -> object:
    raise RuntimeError("unexpected")


def stored_venue_names(connection: Connection) -> list[str]:
    return list(connection.scalars(select(Venue.name)))


@pytest.mark.parametrize(("outcome", "status"), [("ok", 200), ("redirect", 302)])
def test_a_successful_request_is_committed_once(
    client: FlaskClient,
    connection: Connection,
    counting_store: CountingStore,
    outcome: str,
    status: int,
) -> None:
    response = client.post(f"/venues/{outcome}")

    assert response.status_code == status
    assert stored_venue_names(connection) == [VENUE_NAME]
    assert counting_store.commits == 1


@pytest.mark.parametrize(("outcome", "status"), [("invalid", 400), ("crash", 500)])
def test_a_failed_request_is_rolled_back(
    client: FlaskClient,
    connection: Connection,
    counting_store: CountingStore,
    outcome: str,
    status: int,
) -> None:
    response = client.post(f"/venues/{outcome}")

    assert response.status_code == status
    assert stored_venue_names(connection) == []
    assert counting_store.commits == 0


def test_a_request_opens_one_session_and_closes_it(
    client: FlaskClient, counting_store: CountingStore
) -> None:
    client.post("/venues/ok")

    (db,) = counting_store.opened
    assert not db.in_transaction()
    assert len(db.identity_map) == 0, "the session was not closed"


def test_a_request_that_does_not_use_the_database_opens_no_session(
    client: FlaskClient, counting_store: CountingStore
) -> None:
    response = client.get("/no-database")

    assert response.status_code == 200
    assert counting_store.opened == []
