"""Check-in at the door: a ticket's QR payload in, the person or the reason for refusal out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.errors import ConfkitError
from confkit.models import Event, Registration, RegistrationStatus
from confkit.services.history import record_change
from confkit.tickets import TicketRefused, read_ticket


class CheckInRefused(ConfkitError):
    """The ticket does not let anyone in; ``reason`` says why, for the person at the door."""

    def __init__(self, reason: str, registration: Registration | None = None) -> None:
        self.reason = reason
        self.registration = registration
        super().__init__(reason)


@dataclass(frozen=True)
class CheckIn:
    """A person let in: ``first_at`` is when they were first checked in, ``again`` says that
    this scan was not the first."""

    registration: Registration
    first_at: datetime
    again: bool


def check_in(
    db: DbSession,
    event: Event,
    payload: str,
    *,
    secret_key: str | bytes,
    actor: str,
    now: datetime | None = None,
) -> CheckIn:
    """Check in the holder of the ticket ``payload`` at ``event``.

    A second scan reports the first check-in time and records nothing. Raises CheckInRefused
    for a forged or altered ticket, a ticket of another event, a revoked ticket (the attendee
    asked for a new link), and a registration that is not confirmed.
    """
    try:
        claim = read_ticket(payload, secret_key)
    except TicketRefused as refused:
        raise CheckInRefused(str(refused)) from None
    if claim.event_id != event.id:
        raise CheckInRefused("this ticket is for another event")
    registration = db.get(Registration, claim.registration_id)
    if registration is None or registration.event_id != event.id:
        raise CheckInRefused("no such registration: it may have been deleted")
    if claim.generation != registration.ticket_generation:
        raise CheckInRefused(
            "this ticket was replaced by a newer one: ask for the latest", registration
        )
    if registration.status is not RegistrationStatus.CONFIRMED:
        raise CheckInRefused(_not_confirmed(registration.status), registration)
    stamp = now or clock.now()
    # Only the first scan sets the time, even when two devices scan the same ticket at once.
    first = db.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.checked_in_at.is_(None))
        .values(checked_in_at=stamp, updated_at=stamp)
        .execution_options(synchronize_session=False)
    )
    db.refresh(registration)
    assert registration.checked_in_at is not None
    if first.rowcount == 1:  # type: ignore[attr-defined]
        record_change(
            db,
            registration,
            actor=actor,
            action="check in",
            at=stamp,
            from_status=registration.status,
        )
        db.flush()
        return CheckIn(registration, registration.checked_in_at, again=False)
    return CheckIn(registration, registration.checked_in_at, again=True)


def _not_confirmed(status: RegistrationStatus) -> str:
    match status:
        case RegistrationStatus.CANCELLED:
            return "the registration was cancelled"
        case RegistrationStatus.REJECTED:
            return "the registration was declined"
        case RegistrationStatus.WAITLISTED:
            return "the attendee is on the waiting list, without a seat"
        case RegistrationStatus.AWAITING_APPROVAL:
            return "the registration still awaits approval"
        case _:
            return "the registration was never confirmed"
