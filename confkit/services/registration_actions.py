"""An organiser's decision applied to several registrations at once: approve, reject, cancel or
promote, each through the seats service, each in its own savepoint.

A refusal (a registration in the wrong state, no seat left) undoes only that registration's
change: the others stay applied, and the outcome names each refusal with its reason. The caller's
session is flushed, never committed.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.errors import CapacityError, ValidationError
from confkit.i18n import DEFAULT_LOCALE, N_
from confkit.models import Event, Registration
from confkit.services.common import NOT_A_CHOICE
from confkit.services.seats import (
    approve_registration,
    cancel_registration,
    promote_registration,
    reject_registration,
)


class RegistrationAction(enum.StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    CANCEL = "cancel"
    PROMOTE = "promote"


@dataclass(frozen=True)
class Refusal:
    """A registration the action was not applied to, and why, in words for the organiser."""

    registration: Registration
    error: ValidationError | CapacityError

    @property
    def reason(self) -> str:
        """Why, in English."""
        return self.in_language(DEFAULT_LOCALE)

    def in_language(self, locale: str) -> str:
        """Why, in ``locale``."""
        if isinstance(self.error, ValidationError):
            # The seats service names the field "registration": the organiser knows which one.
            return "; ".join(problem.in_language(locale) for problem in self.error.problems)
        return self.error.in_language(locale)


@dataclass
class ActionOutcome:
    """What one bulk action did: ``done`` in the order asked, the ``refused`` ones with their
    reasons, and the waitlisted people ``promoted`` into seats that cancellations freed."""

    action: RegistrationAction
    done: list[Registration] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    promoted: list[Registration] = field(default_factory=list)


def apply_action(
    db: DbSession,
    event: Event,
    registration_ids: Iterable[int],
    action: RegistrationAction | str,
    *,
    actor: str,
    base_url: str,
    now: datetime | None = None,
) -> ActionOutcome:
    """Apply ``action`` to each of the event's registrations with these ids, in the order given
    (an id given twice counts once).

    Raises ValidationError, before changing anything, for an unknown action (field ``action``),
    no id at all, or an id that is not a registration of this event (``registrations``). The
    refusals of the seats service (ValidationError, CapacityError) do not raise: they are listed
    in the outcome.
    """
    try:
        chosen = RegistrationAction(action)
    except ValueError:
        choices = ", ".join(a.value for a in RegistrationAction)
        raise ValidationError.single(
            "action", NOT_A_CHOICE, value=repr(action), choices=choices
        ) from None
    wanted = list(dict.fromkeys(registration_ids))
    if not wanted:
        raise ValidationError.single("registrations", N_("choose at least one registration"))
    found = {
        registration.id: registration
        for registration in db.scalars(
            select(Registration).where(
                Registration.event_id == event.id, Registration.id.in_(wanted)
            )
        )
    }
    missing = [str(registration_id) for registration_id in wanted if registration_id not in found]
    if missing:
        raise ValidationError.single(
            "registrations",
            N_("no registration of this event with id %(ids)s"),
            ids=", ".join(missing),
        )
    stamp = now or clock.now()
    outcome = ActionOutcome(action=chosen)
    db.flush()
    for registration_id in wanted:
        registration = found[registration_id]
        try:
            with db.begin_nested():
                promoted = _run(db, registration, chosen, actor, base_url, stamp)
        except (ValidationError, CapacityError) as refusal:
            outcome.refused.append(Refusal(registration, refusal))
            continue
        outcome.done.append(registration)
        outcome.promoted.extend(promoted)
    return outcome


def _run(
    db: DbSession,
    registration: Registration,
    action: RegistrationAction,
    actor: str,
    base_url: str,
    stamp: datetime,
) -> list[Registration]:
    """The seats service's call for ``action``; returns whoever a freed seat went to."""
    if action is RegistrationAction.APPROVE:
        approve_registration(db, registration, actor=actor, base_url=base_url, now=stamp)
    elif action is RegistrationAction.REJECT:
        reject_registration(db, registration, actor=actor, base_url=base_url, now=stamp)
    elif action is RegistrationAction.PROMOTE:
        promote_registration(db, registration, actor=actor, base_url=base_url, now=stamp)
    else:
        return cancel_registration(db, registration, actor=actor, base_url=base_url, now=stamp)
    return []
