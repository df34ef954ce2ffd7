"""Bulk decisions on registrations: each through the seats service, a refusal undoing only its own
registration's change."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session as DbSession

from confkit import ValidationError
from confkit.models import Event, Registration, RegistrationStatus
from confkit.services.registration_actions import RegistrationAction, apply_action
from tests.factories import BASE_URL

Status = RegistrationStatus
ACTOR = "organiser:aysel@example.org"


def test_one_refusal_leaves_the_other_approvals_applied(
    db: DbSession,
    open_event_for_registration: Callable[..., Event],
    make_registration: Callable[..., Registration],
) -> None:
    event = open_event_for_registration(capacity=None, mode="approval")
    first, second = make_registration(event), make_registration(event)
    already = make_registration(event)
    apply_action(db, event, [already.id], "approve", actor=ACTOR, base_url=BASE_URL)

    outcome = apply_action(
        db, event, [first.id, already.id, second.id, first.id], "approve",
        actor=ACTOR, base_url=BASE_URL,
    )  # fmt: skip

    assert outcome.done == [first, second]
    assert [(r.registration, r.reason) for r in outcome.refused] == [
        (already, "is confirmed and cannot be approved")
    ]
    db.expire_all()
    assert [r.status for r in (first, second, already)] == [Status.CONFIRMED] * 3
    assert first.changes[-1].actor == ACTOR
    assert first.changes[-1].action == "approve"
    # The refusal left no trace in the history.
    assert [c.action for c in already.changes] == ["register", "confirm", "approve"]


def test_promotion_is_refused_when_the_event_is_full(
    db: DbSession,
    open_event_for_registration: Callable[..., Event],
    make_registration: Callable[..., Registration],
) -> None:
    event = open_event_for_registration(capacity=1)
    make_registration(event)
    waiting = make_registration(event)

    outcome = apply_action(db, event, [waiting.id], RegistrationAction.PROMOTE, actor=ACTOR,
                           base_url=BASE_URL)  # fmt: skip

    assert outcome.done == []
    assert [r.reason for r in outcome.refused] == ["all 1 seats are taken"]
    assert waiting.status is Status.WAITLISTED


def test_cancelling_a_seat_promotes_the_next_waiting(
    db: DbSession,
    open_event_for_registration: Callable[..., Event],
    make_registration: Callable[..., Registration],
) -> None:
    event = open_event_for_registration(capacity=1)
    seated = make_registration(event)
    waiting = make_registration(event)

    outcome = apply_action(db, event, [seated.id], "cancel", actor=ACTOR, base_url=BASE_URL)

    assert outcome.done == [seated]
    assert outcome.promoted == [waiting]
    assert (seated.status, waiting.status) == (Status.CANCELLED, Status.CONFIRMED)


@pytest.mark.parametrize(
    ("which", "action", "field"),
    [
        ("none", "approve", "registrations"),
        ("other event", "approve", "registrations"),
        ("this event", "fly", "action"),
    ],
)
def test_bad_requests_change_nothing(
    db: DbSession,
    open_event_for_registration: Callable[..., Event],
    make_registration: Callable[..., Registration],
    which: str,
    action: str,
    field: str,
) -> None:
    event = open_event_for_registration(capacity=None, mode="approval")
    registration = make_registration(event)
    elsewhere = make_registration(open_event_for_registration(capacity=None, mode="approval"))
    ids = {
        "none": [],
        "other event": [registration.id, elsewhere.id],
        "this event": [registration.id],
    }[which]

    with pytest.raises(ValidationError) as raised:
        apply_action(db, event, ids, action, actor=ACTOR, base_url=BASE_URL)

    assert raised.value.fields == {field}
    assert registration.status is Status.AWAITING_APPROVAL
    assert not [c for c in registration.changes if c.action == "approve"]
