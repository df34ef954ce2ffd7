"""How the ``confkit`` commands report database and migration failures: one line, no traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from alembic.util import CommandError
from sqlalchemy.exc import DBAPIError, SQLAlchemyError


@contextmanager
def reported_database_errors() -> Iterator[None]:
    """Turn migration and database errors raised inside into a ``click.ClickException``."""
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


def one_line(message: str) -> str:
    """``message`` on one line, without SQLAlchemy's link to its error pages."""
    lines = (line.strip() for line in message.splitlines())
    return " ".join(line for line in lines if line and not line.startswith("(Background on"))
