"""The migrations build exactly the models' schema, on an empty database, both ways."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

import confkit.models  # noqa: F401  (registers every table on the metadata)
from confkit import migrate
from confkit.db import Base, make_engine
from tests.databases import scratch_database

VERSION_TABLE = "alembic_version"


@pytest.fixture
def empty_engine(tmp_path: Path) -> Iterator[Engine]:
    """An engine on a new database without any table."""
    with scratch_database(tmp_path, "migrations") as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def test_upgrading_an_empty_database_builds_the_models_schema(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)

    assert migrate.current_revision(empty_engine) == migrate.head_revision()
    assert migrate.schema_differences(empty_engine) == []


def test_downgrading_to_base_removes_every_table(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)

    migrate.downgrade(empty_engine, "base")

    assert table_names(empty_engine) == {VERSION_TABLE}
    assert migrate.current_revision(empty_engine) is None


def test_upgrading_again_after_a_downgrade_matches_the_models(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    migrate.downgrade(empty_engine, "base")

    migrate.upgrade(empty_engine)

    assert migrate.current_revision(empty_engine) == migrate.head_revision()
    assert migrate.schema_differences(empty_engine) == []


def test_head_revision_is_the_newest_script() -> None:
    revisions = {}
    for script in (migrate.migrations_dir() / "versions").glob("*.py"):
        assignments = module_assignments(script)
        revisions[assignments["revision"]] = assignments["down_revision"]
    revised = set()
    for down_revision in revisions.values():
        if isinstance(down_revision, tuple):
            revised.update(down_revision)
        else:
            revised.add(down_revision)

    heads = set(revisions) - revised

    assert heads == {migrate.head_revision()}


def module_assignments(script: Path) -> dict[str, object]:
    """The literal values a migration script assigns at module level, read without running it."""
    values: dict[str, object] = {}
    for statement in ast.parse(script.read_text(encoding="utf-8")).body:
        if isinstance(statement, ast.AnnAssign | ast.Assign) and statement.value is not None:
            targets = (
                [statement.target] if isinstance(statement, ast.AnnAssign) else statement.targets
            )
            for target in targets:
                if isinstance(target, ast.Name):
                    values[target.id] = ast.literal_eval(statement.value)
    return values


def test_a_column_added_behind_the_migrations_back_is_reported(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    with empty_engine.begin() as connection:
        connection.execute(text("ALTER TABLE venues ADD COLUMN drift_marker INTEGER"))

    differences = migrate.schema_differences(empty_engine)

    assert [migrate.describe_difference(d) for d in differences] == [
        "column venues.drift_marker is in the database but not in the models"
    ]


def test_check_constraints_missing_on_either_side_are_reported(empty_engine: Engine) -> None:
    # Alembic's own comparison ignores CHECK constraints; confkit compares them by name.
    migrate.upgrade(empty_engine)
    with empty_engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE venues DROP CONSTRAINT ck_venues_country_iso2"))
            connection.execute(
                text(
                    "ALTER TABLE venues ADD CONSTRAINT ck_venues_name_short"
                    " CHECK (length(name) < 400)"
                )
            )
        else:
            # SQLite cannot alter constraints: rebuild the table, as its own documentation says.
            connection.execute(text("PRAGMA foreign_keys=OFF"))
            connection.execute(text("DROP TABLE venues"))
            connection.execute(
                text(
                    "CREATE TABLE venues (id INTEGER NOT NULL, name VARCHAR(300) NOT NULL,"
                    " address TEXT NOT NULL, city VARCHAR(200) NOT NULL, country VARCHAR(2),"
                    " CONSTRAINT pk_venues PRIMARY KEY (id),"
                    " CONSTRAINT ck_venues_name_short CHECK (length(name) < 400))"
                )
            )

    described = [migrate.describe_difference(d) for d in migrate.schema_differences(empty_engine)]

    assert described == [
        "CheckConstraint ck_venues_country_iso2 on venues is in the models but not in the database",
        "CheckConstraint ck_venues_name_short on venues is in the database but not in the models",
    ]


def test_a_missing_index_on_an_expression_is_reported(empty_engine: Engine) -> None:
    # SQLite cannot reflect such an index and Alembic skips it there: confkit checks its name.
    migrate.upgrade(empty_engine)
    assert migrate.schema_differences(empty_engine) == []
    with empty_engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_persons_email_lower"))

    described = [migrate.describe_difference(d) for d in migrate.schema_differences(empty_engine)]

    assert described == [
        "index ix_persons_email_lower on persons is in the models but not in the database"
    ]


def test_an_unmigrated_database_is_reported_with_every_missing_table(empty_engine: Engine) -> None:
    descriptions = [
        migrate.describe_difference(d) for d in migrate.schema_differences(empty_engine)
    ]

    assert descriptions[0] == (
        f"the database is not migrated; the newest migration is {migrate.head_revision()}"
    )
    assert "table events is in the models but not in the database" in descriptions


def test_a_database_behind_the_newest_migration_is_reported(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)
    with empty_engine.begin() as connection:
        connection.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = 'older'"))

    differences = migrate.schema_differences(empty_engine)

    assert differences == [("revision", "older", migrate.head_revision())]


def test_a_changed_column_is_described_with_both_sides() -> None:
    change = [("modify_nullable", None, "venues", "name", {}, True, False)]

    assert migrate.describe_difference(change) == (
        "column venues.name: nullable is True in the database, False in the models"
    )


def test_a_missing_index_and_constraint_are_described_by_name() -> None:
    sessions = Base.metadata.tables["sessions"]
    index = next(iter(sessions.indexes))
    foreign_key = next(iter(sessions.foreign_key_constraints))

    assert migrate.describe_difference(("add_index", index)) == (
        f"index {index.name} on sessions is in the models but not in the database"
    )
    assert migrate.describe_difference(("remove_fk", foreign_key)) == (
        f"ForeignKeyConstraint {foreign_key.name} on sessions"
        " is in the database but not in the models"
    )
