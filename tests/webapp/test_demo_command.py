"""``confkit demo --load-only``: migrates a new database, loads the demo, lists the event URLs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import Engine, func, select

from confkit import migrate
from confkit.db import Base, make_engine
from confkit.models import Event
from tests.databases import scratch_database
from webapp import create_app
from webapp.database import get_store
from webapp.demo_command import demo_command

PFP30_URL = "http://127.0.0.1:5000/events/pfp30-baku/"
WORKSHOP_URL = "http://127.0.0.1:5000/events/baku-energy-security-workshop/"


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A new, empty database for the command to work on (it shadows the suite's one)."""
    with scratch_database(tmp_path, "demo") as url:
        yield url


@pytest.fixture
def database(database_url: str) -> Iterator[Engine]:
    """An engine to look at what the command did."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "testing", "CONFKIT_DATABASE_URL": database_url}
    )
    yield app
    # The scratch database is dropped next: let go of the app's connections first.
    with app.app_context():
        engine = get_store().bind
    assert isinstance(engine, Engine)
    engine.dispose()


def demo(runner: FlaskCliRunner, *arguments: str) -> Result:
    return runner.invoke(demo_command, ["--load-only", *arguments])


def row_counts(database: Engine) -> dict[str, int]:
    with database.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def test_load_only_migrates_loads_and_lists_both_urls(
    runner: FlaskCliRunner, database: Engine
) -> None:
    result = demo(runner)

    assert result.exit_code == 0, result.output
    assert PFP30_URL in result.output
    assert WORKSHOP_URL in result.output
    assert migrate.current_revision(database) == migrate.head_revision()
    with database.connect() as connection:
        slugs = connection.scalars(select(Event.slug).order_by(Event.slug)).all()
    assert slugs == ["baku-energy-security-workshop", "pfp30-baku"]


def test_urls_use_the_given_host_and_port(runner: FlaskCliRunner) -> None:
    result = demo(runner, "--host", "0.0.0.0", "--port", "8080")

    assert result.exit_code == 0, result.output
    assert "http://0.0.0.0:8080/events/pfp30-baku/" in result.output


def test_running_twice_changes_nothing(runner: FlaskCliRunner, database: Engine) -> None:
    first = demo(runner)
    counts = row_counts(database)

    second = demo(runner)

    assert second.exit_code == 0, second.output
    assert second.output == first.output
    assert row_counts(database) == counts
