"""Whether an event takes registrations: its window, or until the event ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from confkit import services
from confkit.registration_window import (
    RegistrationState,
    registration_state,
    registration_window,
)
from tests.factories import baku


@pytest.fixture
def event(make_event):
    return make_event()


def test_without_a_window_registration_is_open_until_the_event_ends(event) -> None:
    end_of_event = baku(27, 0)

    assert registration_state(event, baku(1, 9)) is RegistrationState.OPEN
    assert registration_state(event, end_of_event - timedelta(seconds=1)) == "open"
    assert registration_state(event, end_of_event) is RegistrationState.CLOSED
    window = registration_window(event, baku(1, 9))
    assert window.opens_at is None
    assert window.closes_at == end_of_event
    assert window.closes_at.isoformat() == "2024-11-27T00:00:00+04:00"


def test_the_window_decides_when_it_is_set(db, event) -> None:
    services.update_event(
        db, event, registration_opens_at=baku(5, 9), registration_closes_at=baku(20, 18)
    )

    assert registration_state(event, baku(5, 8, 59)) is RegistrationState.NOT_YET_OPEN
    assert registration_state(event, baku(5, 9)) is RegistrationState.OPEN
    assert registration_state(event, baku(20, 17, 59)) is RegistrationState.OPEN
    assert registration_state(event, baku(20, 18)) is RegistrationState.CLOSED
    assert registration_state(event, baku(26, 10)) is RegistrationState.CLOSED


def test_the_window_is_given_in_the_event_zone(db, event) -> None:
    services.update_event(
        db,
        event,
        registration_opens_at=datetime(2024, 11, 5, 5, tzinfo=UTC),
        registration_closes_at=datetime(2024, 11, 20, 14, tzinfo=UTC),
    )

    window = registration_window(event, datetime(2024, 11, 1, tzinfo=UTC))

    assert window.state is RegistrationState.NOT_YET_OPEN
    assert window.opens_at is not None
    assert window.opens_at.isoformat() == "2024-11-05T09:00:00+04:00"
    assert window.closes_at.isoformat() == "2024-11-20T18:00:00+04:00"


def test_a_naive_now_is_refused(event) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        registration_state(event, datetime(2024, 11, 1, 12))
