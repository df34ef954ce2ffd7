"""Schema migrations: upgrade, downgrade and drift checks over the Alembic scripts."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import CheckConstraint, Connection, Engine, inspect
from sqlalchemy.schema import Column, Constraint, Index, Table

import confkit
import confkit.models  # noqa: F401  (registers every table on the metadata)
from confkit.db import Base

MIGRATIONS_DIR_NAME = "migrations"


def migrations_dir() -> Path:
    """Where the Alembic scripts are: beside the package in a checkout, inside it when installed."""
    package_dir = Path(confkit.__file__).resolve().parent
    for candidate in (package_dir / MIGRATIONS_DIR_NAME, package_dir.parent / MIGRATIONS_DIR_NAME):
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError("confkit's migrations folder was not found")


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    return config


@contextmanager
def _connected(bind: Engine | Connection) -> Iterator[Connection]:
    if isinstance(bind, Connection):
        yield bind
    else:
        with bind.begin() as connection:
            yield connection


def upgrade(bind: Engine | Connection, revision: str = "head") -> None:
    """Migrate the database up to ``revision`` (default: the newest)."""
    with _connected(bind) as connection:
        command.upgrade(_config(connection), revision)


def downgrade(bind: Engine | Connection, revision: str) -> None:
    """Migrate the database down to ``revision`` (``base`` empties it)."""
    with _connected(bind) as connection:
        command.downgrade(_config(connection), revision)


def current_revision(bind: Engine | Connection) -> str | None:
    """The revision the database is at, or None for an unmigrated database."""
    with _connected(bind) as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision the scripts know."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return ScriptDirectory.from_config(config).get_current_head()


def schema_differences(bind: Engine | Connection) -> list[Any]:
    """What separates the database's schema from the models; empty when they agree."""
    with _connected(bind) as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": False}
        )
        with warnings.catch_warnings():
            # SQLite cannot reflect an index on an expression, and Alembic skips such indexes
            # there; they are compared by name below instead.
            warnings.filterwarnings("ignore", message=".*expression-based index")
            differences: list[Any] = compare_metadata(context, Base.metadata)
            differences += _expression_index_differences(connection)
        differences += _check_constraint_differences(connection)
    pending = current_revision(bind) != head_revision()
    if pending:
        differences.insert(0, ("revision", current_revision(bind), head_revision()))
    return differences


def _expression_index_differences(connection: Connection) -> list[Any]:
    """Indexes on expressions that the models have and SQLite lacks, by name (PostgreSQL's are
    compared by Alembic itself)."""
    if connection.dialect.name != "sqlite":
        return []
    inspector = inspect(connection)
    existing_tables = set(inspector.get_table_names())
    differences: list[Any] = []
    for table in Base.metadata.sorted_tables:
        if table.name not in existing_tables:
            continue
        in_database = {index["name"] for index in inspector.get_indexes(table.name)}
        found = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (table.name,)
        )
        in_database |= {row[0] for row in found}
        differences += [
            ("add_index", index)
            for index in sorted(table.indexes, key=lambda index: str(index.name))
            if any(not isinstance(e, Column) for e in index.expressions)
            and index.name not in in_database
        ]
    return differences


def _check_constraint_differences(connection: Connection) -> list[Any]:
    """CHECK constraints missing on either side, by name (Alembic does not compare them)."""
    inspector = inspect(connection)
    existing_tables = set(inspector.get_table_names())
    differences: list[Any] = []
    for table in Base.metadata.sorted_tables:
        if table.name not in existing_tables:
            continue
        in_models = {
            str(c.name): c for c in table.constraints if isinstance(c, CheckConstraint) and c.name
        }
        in_database = {
            str(c["name"]) for c in inspector.get_check_constraints(table.name) if c.get("name")
        }
        differences += [
            ("add_constraint", in_models[name]) for name in sorted(set(in_models) - in_database)
        ]
        differences += [
            ("remove_check", table.name, name) for name in sorted(in_database - set(in_models))
        ]
    return differences


# The kinds of schema_differences() entries that name one table, column, index or constraint.
_ONLY_IN_MODELS = {"add_table", "add_column", "add_index", "add_constraint", "add_fk"}
_ONLY_IN_DATABASE = {
    "remove_table",
    "remove_column",
    "remove_index",
    "remove_constraint",
    "remove_fk",
}


def describe_difference(difference: Any) -> str:
    """One line for a person about one entry of :func:`schema_differences`."""
    # Alembic groups the changes to one column into a list of "modify_*" tuples.
    if isinstance(difference, list):
        return "; ".join(describe_difference(change) for change in difference)
    kind, *details = difference
    if kind == "revision":
        current, head = details
        where = f"at revision {current}" if current else "not migrated"
        return f"the database is {where}; the newest migration is {head}"
    if kind in _ONLY_IN_MODELS:
        return f"{_describe_schema_item(details)} is in the models but not in the database"
    if kind in _ONLY_IN_DATABASE:
        return f"{_describe_schema_item(details)} is in the database but not in the models"
    if kind == "remove_check":
        table_name, name = details
        return f"CheckConstraint {name} on {table_name} is in the database but not in the models"
    if kind.startswith("modify_"):
        _schema, table_name, column_name, _existing, in_database, in_models = details
        aspect = kind.removeprefix("modify_")
        return (
            f"column {table_name}.{column_name}: {aspect} is {in_database!r} in the database, "
            f"{in_models!r} in the models"
        )
    return f"{kind}: {details!r}"


def _describe_schema_item(details: list[Any]) -> str:
    item = details[-1]
    if isinstance(item, Table):
        return f"table {item.name}"
    if isinstance(item, Column):
        _schema, table_name, _column = details
        return f"column {table_name}.{item.name}"
    if isinstance(item, Index):
        return f"index {item.name} on {_table_name(item.table)}"
    if isinstance(item, Constraint):
        return f"{type(item).__name__} {item.name} on {_table_name(item.parent)}"
    return repr(item)


def _table_name(table: object) -> str:
    return table.name if isinstance(table, Table) else "an unknown table"
