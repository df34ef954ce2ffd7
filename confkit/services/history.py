"""The record of what happened to each registration, by whom and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session as DbSession

from confkit.db import table_of
from confkit.models import Registration, RegistrationChange, RegistrationStatus

# Who acts when nobody does: expiry of unconfirmed registrations, promotion from the list.
SYSTEM = "system"
ATTENDEE = "attendee"
_INSERT_CHANGE = insert(table_of(RegistrationChange))


def record_change(
    db: DbSession,
    registration: Registration,
    *,
    actor: str,
    action: str,
    at: datetime,
    from_status: RegistrationStatus | None,
    note: str = "",
) -> RegistrationChange:
    """Append one entry to the registration's history; the new status is the current one."""
    values = change_row(
        registration, actor=actor, action=action, at=at, from_status=from_status, note=note
    )
    change = RegistrationChange(registration=registration, **values)
    db.add(change)
    return change


def insert_change(
    db: DbSession,
    registration: Registration,
    *,
    actor: str,
    action: str,
    at: datetime,
    from_status: RegistrationStatus | None,
    note: str = "",
) -> None:
    """Like :func:`record_change`, but written at once with one INSERT, outside the unit of
    work: for a registration already in the database, on a path where every statement counts."""
    values = change_row(
        registration, actor=actor, action=action, at=at, from_status=from_status, note=note
    )
    db.execute(_INSERT_CHANGE, {**values, "registration_id": registration.id})


def change_row(
    registration: Registration,
    *,
    actor: str,
    action: str,
    at: datetime,
    from_status: RegistrationStatus | None,
    note: str = "",
) -> dict[str, Any]:
    """The columns of a history entry for ``registration``, all but its ``registration_id``."""
    return {
        "at": at,
        "actor": actor[:200],
        "action": action,
        "from_status": from_status,
        "to_status": registration.status,
        "note": note,
    }
