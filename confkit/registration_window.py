"""Whether an event takes registrations at a given moment, from its registration window."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from confkit.models import Event
from confkit.services.programme import event_bounds


class RegistrationState(enum.StrEnum):
    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class RegistrationWindow:
    """The state at one moment, with the window's ends in the event's zone.

    ``closes_at`` is never None: without a closing time, registration closes when the event ends.
    """

    state: RegistrationState
    opens_at: datetime | None
    closes_at: datetime


def registration_window(event: Event, now: datetime) -> RegistrationWindow:
    """The event's registration window and its state at ``now``. Raises ValueError for a naive
    ``now``."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    zone = ZoneInfo(event.timezone)
    opens_at = event.registration_opens_at
    closes_at = event.registration_closes_at or event_bounds(event)[1]
    if opens_at is not None and now < opens_at:
        state = RegistrationState.NOT_YET_OPEN
    elif now >= closes_at:
        state = RegistrationState.CLOSED
    else:
        state = RegistrationState.OPEN
    return RegistrationWindow(
        state=state,
        opens_at=opens_at.astimezone(zone) if opens_at is not None else None,
        closes_at=closes_at.astimezone(zone),
    )


def registration_state(event: Event, now: datetime) -> RegistrationState:
    """Open, closed or not yet open at ``now``. Raises ValueError for a naive ``now``."""
    return registration_window(event, now).state
