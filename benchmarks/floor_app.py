"""The floor of the registration benchmark: a bare Flask app whose one POST does one INSERT.

It runs under the same gunicorn set-up and on the same database as confkit, so the distance
between the two is what confkit's registration adds: forms, CSRF, checks, the person, the
history, the outbox. Run it as ``gunicorn 'benchmarks.floor_app:create_app()'`` with
``CONFKIT_DATABASE_URL`` set; ``create_table`` must have made its table first.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from flask import Flask, redirect, request
from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
)
from werkzeug.wrappers import Response

metadata = MetaData()

floor_signups = Table(
    "floor_signups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("given_name", String(200), nullable=False),
    Column("family_name", String(200), nullable=False),
    Column("email", String(320), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def create_table(engine: Engine) -> None:
    """Create the floor's one table (the benchmark does it before starting the server)."""
    metadata.create_all(engine)


def create_app() -> Flask:
    """The floor app, on the database named by ``CONFKIT_DATABASE_URL``."""
    engine = create_engine(os.environ["CONFKIT_DATABASE_URL"])
    app = Flask(__name__)

    @app.get("/")
    def ready() -> str:
        return "ready"

    @app.post("/signup")
    def signup() -> Response:
        with engine.begin() as connection:
            connection.execute(
                insert(floor_signups).values(
                    given_name=request.form["given_name"],
                    family_name=request.form["family_name"],
                    email=request.form["email"],
                    created_at=datetime.now(UTC),
                )
            )
        # The same answer as a successful registration, so clients count both alike.
        return redirect("/", code=303)

    return app
