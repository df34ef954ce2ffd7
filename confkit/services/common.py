"""Plumbing shared by the services: looking objects up by id and flushing with named errors."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from confkit.db import Base
from confkit.errors import ValidationError
from confkit.i18n import N_

ModelT = TypeVar("ModelT", bound=Base)
EnumT = TypeVar("EnumT", bound=enum.Enum)


class Unset(enum.Enum):
    """Marks an argument the caller did not give, as distinct from None."""

    UNSET = "unset"


UNSET = Unset.UNSET
# Said wherever a value must be one of a fixed list.
NOT_A_CHOICE = N_("%(value)s is not one of: %(choices)s")
# An id that names nothing, by the kind of thing looked up: its name has a case in a sentence.
_NO_SUCH_ID = {
    "person": N_("no person with id %(id)s"),
    "affiliation": N_("no affiliation with id %(id)s"),
    "organisation": N_("no organisation with id %(id)s"),
    "delegation": N_("no delegation with id %(id)s"),
    "venue": N_("no venue with id %(id)s"),
    "room": N_("no room with id %(id)s"),
    "track": N_("no track with id %(id)s"),
}


def resolve(db: DbSession, model: type[ModelT], value: ModelT | int, *, field: str) -> ModelT:
    """The object itself, or the one with that id; a ValidationError naming ``field`` if none."""
    if isinstance(value, model):
        return value
    is_id = isinstance(value, int) and not isinstance(value, bool)
    found = db.get(model, value) if is_id else None
    if found is None:
        kind = model.__name__.lower()
        template = _NO_SUCH_ID.get(kind, N_("no %(kind)s with id %(id)s"))
        raise ValidationError.single(field, template, kind=kind, id=repr(value))
    return found


def as_enum(enum_class: type[EnumT], value: EnumT | str, *, field: str) -> EnumT:
    """Accept an enum member or its value; a ValidationError listing the choices otherwise."""
    if isinstance(value, enum_class):
        return value
    try:
        return enum_class(value)
    except ValueError:
        choices = ", ".join(str(m.value) for m in enum_class)
        raise ValidationError.single(
            field, NOT_A_CHOICE, value=repr(value), choices=choices
        ) from None


@contextmanager
def savepoint(db: DbSession, unique_fields: Mapping[str, str] | None = None) -> Iterator[None]:
    """Apply a change inside a savepoint and flush it, turning a unique violation (a race another
    transaction won) into a ValidationError naming the field.

    ``unique_fields`` maps a constraint name to the field it guards. Work flushed before the
    block stays; only the block's own change is undone, so the caller's transaction stays usable
    (PostgreSQL would otherwise refuse every further statement).
    """
    db.flush()
    try:
        with db.begin_nested():
            yield
            db.flush()
    except IntegrityError as error:
        message = str(error.orig)
        for constraint, field in (unique_fields or {}).items():
            if constraint in message or _sqlite_names(constraint, message):
                raise ValidationError.single(field, N_("is already taken")) from None
        raise


def _sqlite_names(constraint_name: str, message: str) -> bool:
    # SQLite reports "UNIQUE constraint failed: rooms.event_id, rooms.slug", not the name.
    for table in Base.metadata.tables.values():
        for constraint in table.constraints:
            if constraint.name == constraint_name and isinstance(constraint, UniqueConstraint):
                columns = ", ".join(f"{table.name}.{column.name}" for column in constraint.columns)
                return message.endswith(f"UNIQUE constraint failed: {columns}")
    return False


def changed_fields(target: Base, changes: Mapping[str, Any]) -> set[str]:
    """The names in ``changes`` whose value differs from the object's current one."""
    return {name for name, value in changes.items() if getattr(target, name) != value}
