"""The ``confkit`` command: migrating the configured database and checking it against the models."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import Engine, inspect, text

from confkit import migrate
from confkit.db import make_engine
from tests.databases import scratch_database
from webapp import create_app
from webapp.cli import cli
from webapp.command_errors import reported_database_errors


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


def run_console_script(
    *arguments: str, database_url: str, instance_path: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``confkit`` as an installed console script would, in a new process."""
    environment = dict(os.environ, CONFKIT_DATABASE_URL=database_url)
    if instance_path is not None:
        environment["CONFKIT_INSTANCE_PATH"] = str(instance_path)
    return subprocess.run(
        [sys.executable, "-m", "webapp.cli", *arguments],
        capture_output=True,
        text=True,
        env=environment,
        stdin=subprocess.DEVNULL,
        check=False,
        # Every failure below must be quick: a hang (e.g. a connection timeout) fails the test.
        timeout=60,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The process failed with status 1 and a single ``Error:`` line, without a traceback."""
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output, output
    (error,) = [line for line in output.splitlines() if line.startswith("Error: ")]
    return error


MALFORMED_URL = "nonsense"
MISSING_DRIVER_URL = "mysql://x@h/db"  # the MySQL driver (MySQLdb) is not a confkit dependency
# Nothing listens on port 1, so the connection is refused at once instead of timing out.
UNREACHABLE_URL = "postgresql+psycopg://postgres@127.0.0.1:1/x"

BAD_DATABASE_URLS = {
    MALFORMED_URL: "Could not parse SQLAlchemy URL",
    MISSING_DRIVER_URL: (
        "its driver module 'MySQLdb' is not installed; "
        "pip install -e '.[postgres]' installs the PostgreSQL driver"
    ),
    UNREACHABLE_URL: 'connection to server at "127.0.0.1", port 1 failed',
}


@pytest.mark.parametrize(
    "arguments",
    [["demo", "--load-only"], ["conflicts", "some-event"], ["db", "upgrade"]],
    ids=" ".join,
)
@pytest.mark.parametrize("database_url", list(BAD_DATABASE_URLS))
def test_every_command_reports_a_bad_database_in_one_line(
    tmp_path: Path, arguments: list[str], database_url: str
) -> None:
    result = run_console_script(*arguments, database_url=database_url, instance_path=tmp_path)

    error = assert_one_line_error(result)
    assert error.startswith("Error: cannot use the database: ")
    assert BAD_DATABASE_URLS[database_url] in error


@pytest.mark.parametrize("command", ["routes", "run", "shell"])
@pytest.mark.parametrize("database_url", [MALFORMED_URL, MISSING_DRIVER_URL])
def test_flask_commands_report_an_app_that_cannot_open_its_database_in_one_line(
    tmp_path: Path, command: str, database_url: str
) -> None:
    result = run_console_script(command, database_url=database_url, instance_path=tmp_path)

    error = assert_one_line_error(result)
    assert BAD_DATABASE_URLS[database_url] in error


def test_routes_needs_no_connection_to_the_database(tmp_path: Path) -> None:
    result = run_console_script("routes", database_url=UNREACHABLE_URL, instance_path=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "public.event_page" in result.stdout


def test_help_lists_the_commands_after_a_one_line_error(tmp_path: Path) -> None:
    result = run_console_script("--help", database_url=MALFORMED_URL, instance_path=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: cannot use the database: Could not parse")
    for command in ["conflicts", "db", "demo", "routes", "run", "shell"]:
        assert f"\n  {command} " in result.stdout


def test_a_missing_postgresql_driver_names_the_module_and_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # None in sys.modules makes ``import psycopg`` fail as if it were not installed.
    monkeypatch.setitem(sys.modules, "psycopg", None)

    result = CliRunner().invoke(
        cli,
        ["db", "current"],
        env={"CONFKIT_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:5432/x"},
    )

    assert_clean_failure(result)
    assert (
        "Error: cannot use the database: its driver module 'psycopg' is not installed; "
        "pip install -e '.[postgres]' installs the PostgreSQL driver (psycopg)"
    ) in result.output


def test_a_module_missing_outside_the_database_driver_is_not_disguised() -> None:
    with pytest.raises(ModuleNotFoundError), reported_database_errors():
        import confkit_no_such_module  # type: ignore[import-not-found]  # noqa: F401


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
