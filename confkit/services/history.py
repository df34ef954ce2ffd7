"""The record of what happened to each registration, by whom and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session as DbSession

from confkit.models import Registration, RegistrationChange, RegistrationStatus

# Who acts when nobody does: expiry of unconfirmed registrations, promotion from the list.
SYSTEM = "system"
ATTENDEE = "attendee"


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
    change = RegistrationChange(
        registration=registration,
        at=at,
        actor=actor[:200],
        action=action,
        from_status=from_status,
        to_status=registration.status,
        note=note,
    )
    db.add(change)
    return change
