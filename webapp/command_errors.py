"""How the ``confkit`` commands report database and migration failures: one line, no traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

import click
from alembic.util import CommandError
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

POSTGRES_DRIVER_HINT = "pip install -e '.[postgres]' installs the PostgreSQL driver (psycopg)"


@contextmanager
def reported_database_errors() -> Iterator[None]:
    """Turn migration, database and missing-driver errors raised inside into a ClickException."""
    try:
        yield
    except CommandError as error:
        raise click.ClickException(f"cannot migrate: {one_line(str(error))}") from error
    except DBAPIError as error:
        # The driver's own message says what went wrong; SQLAlchemy's wrapper adds the SQL.
        reason = one_line(str(error.orig))
        raise click.ClickException(f"cannot use the database: {reason}") from error
    except SQLAlchemyError as error:
        raise click.ClickException(f"cannot use the database: {one_line(str(error))}") from error
    except ModuleNotFoundError as error:
        # Only a driver SQLAlchemy failed to import; any other missing module is a bug to show.
        if not raised_inside_sqlalchemy(error.__traceback__):
            raise
        raise click.ClickException(
            f"cannot use the database: its driver module {error.name!r} is not installed; "
            f"{POSTGRES_DRIVER_HINT}"
        ) from error


def raised_inside_sqlalchemy(traceback: TracebackType | None) -> bool:
    """Whether the traceback passes through SQLAlchemy, as the import of a dialect's driver does."""
    while traceback is not None:
        module = traceback.tb_frame.f_globals.get("__name__", "")
        if module == "sqlalchemy" or module.startswith("sqlalchemy."):
            return True
        traceback = traceback.tb_next
    return False


def one_line(message: str) -> str:
    """``message`` on one line, without SQLAlchemy's link to its error pages."""
    lines = (line.strip() for line in message.splitlines())
    return " ".join(line for line in lines if line and not line.startswith("(Background on"))
