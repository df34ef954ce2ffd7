"""The ``confkit`` command: migrating the configured database and checking it against the models."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import Engine, inspect, text

from confkit import migrate
from confkit.db import make_engine
from tests.databases import scratch_database
from webapp import create_app
from webapp.cli import cli


@pytest.fixture
def scratch_url(tmp_path: Path) -> Iterator[str]:
    """A new, empty database for the commands to work on."""
    with scratch_database(tmp_path, "cli") as url:
        yield url


@pytest.fixture
def database(scratch_url: str) -> Iterator[Engine]:
    """An engine to look at what the command did."""
    engine = make_engine(scratch_url)
    yield engine
    engine.dispose()


@pytest.fixture
def app(scratch_url: str) -> Flask:
    return create_app(
        {"TESTING": True, "SECRET_KEY": "testing", "CONFKIT_DATABASE_URL": scratch_url}
    )


def confkit(runner: FlaskCliRunner, *arguments: str) -> Result:
    return runner.invoke(cli, list(arguments))


def assert_clean_failure(result: Result) -> None:
    """Failed with a one-line message, not a traceback."""
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    (error,) = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert error


def test_upgrade_migrates_an_empty_database_to_the_newest_revision(
    runner: FlaskCliRunner, database: Engine
) -> None:
    result = confkit(runner, "db", "upgrade")

    assert result.exit_code == 0, result.output
    assert migrate.current_revision(database) == migrate.head_revision()
    assert f"to revision {migrate.head_revision()}" in result.output


def test_check_passes_after_upgrade(runner: FlaskCliRunner) -> None:
    confkit(runner, "db", "upgrade")

    result = confkit(runner, "db", "check")

    assert result.exit_code == 0, result.output
    assert result.output == "No differences between the models and the migrations.\n"


def test_check_fails_naming_a_column_added_behind_the_migrations_back(
    runner: FlaskCliRunner, database: Engine
) -> None:
    confkit(runner, "db", "upgrade")
    with database.begin() as connection:
        connection.execute(text("ALTER TABLE venues ADD COLUMN drift_marker INTEGER"))

    result = confkit(runner, "db", "check")

    assert_clean_failure(result)
    assert "column venues.drift_marker is in the database but not in the models" in result.output


def test_check_fails_on_an_unmigrated_database(runner: FlaskCliRunner) -> None:
    result = confkit(runner, "db", "check")

    assert_clean_failure(result)
    assert "the database is not migrated" in result.output
    assert "table events is in the models but not in the database" in result.output


def test_downgrade_to_base_removes_every_table(runner: FlaskCliRunner, database: Engine) -> None:
    confkit(runner, "db", "upgrade")

    result = confkit(runner, "db", "downgrade", "base")

    assert result.exit_code == 0, result.output
    assert set(inspect(database).get_table_names()) == {"alembic_version"}


def test_downgrade_needs_a_revision(runner: FlaskCliRunner) -> None:
    result = confkit(runner, "db", "downgrade")

    assert result.exit_code != 0
    assert "Missing argument 'REVISION'" in result.output


@pytest.mark.parametrize("command", ["upgrade", "downgrade"])
def test_an_unknown_revision_is_a_clear_error(runner: FlaskCliRunner, command: str) -> None:
    confkit(runner, "db", "upgrade")

    result = confkit(runner, "db", command, "no-such-revision")

    assert_clean_failure(result)
    assert "no-such-revision" in result.output


def test_current_shows_the_revision(runner: FlaskCliRunner) -> None:
    before = confkit(runner, "db", "current")
    confkit(runner, "db", "upgrade")
    after = confkit(runner, "db", "current")

    assert before.output == "base (not migrated)\n"
    assert after.output == f"{migrate.head_revision()} (head)\n"


def test_an_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    unreachable = f"sqlite:///{tmp_path / 'missing-folder' / 'confkit.sqlite'}"
    app = create_app({"SECRET_KEY": "testing", "CONFKIT_DATABASE_URL": unreachable})

    result = confkit(app.test_cli_runner(), "db", "upgrade")

    assert_clean_failure(result)
    assert "Error: cannot use the database: unable to open database file" in result.output


def test_flask_commands_are_available(runner: FlaskCliRunner) -> None:
    result = confkit(runner, "routes")

    assert result.exit_code == 0, result.output
    assert "Endpoint" in result.output


def run_console_script(*arguments: str, database_url: str) -> subprocess.CompletedProcess[str]:
    """Run ``confkit`` as an installed console script would, in a new process."""
    environment = dict(os.environ, CONFKIT_DATABASE_URL=database_url)
    return subprocess.run(
        [sys.executable, "-c", "from webapp.cli import main; main()", *arguments],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


def test_the_console_script_migrates_the_database_named_by_the_environment(
    scratch_url: str, database: Engine
) -> None:
    result = run_console_script("db", "upgrade", database_url=scratch_url)

    assert result.returncode == 0, result.stderr
    assert migrate.current_revision(database) == migrate.head_revision()


def test_the_console_script_reports_a_malformed_database_url_in_one_line() -> None:
    result = run_console_script("db", "current", database_url="not a url")

    assert result.returncode != 0
    assert result.stderr == (
        "Error: cannot use the database: Could not parse SQLAlchemy URL from given URL string\n"
    )
