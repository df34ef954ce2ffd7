"""Alembic environment for confkit: runs on the connection confkit hands over."""

from __future__ import annotations

from typing import Any

from alembic import context

import confkit.models  # noqa: F401  (registers every table)
from confkit.db import Base, UTCDateTime, make_engine


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    # Migrations must not depend on model code that may change later: write the plain type.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=_render_item,
    )


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database: pass a connection or set sqlalchemy.url")
    engine = make_engine(url)
    with engine.begin() as connection:
        _configure(connection)
        context.run_migrations()


run_migrations()
