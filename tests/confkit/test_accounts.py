"""Accounts: one per address whatever its case, roles per event, and logins that are limited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from confkit.errors import ValidationError
from confkit.models import AccountRole, Event, LoginAttempt, User, UserRole
from confkit.services.accounts import (
    ATTEMPT_WINDOW,
    DOOR_CODE_ATTEMPT,
    MAX_FAILURES_PER_ADDRESS,
    MAX_FAILURES_PER_EMAIL,
    LoginFailed,
    TooManyAttempts,
    authenticate,
    can,
    create_user,
    door_code_tried,
    events_for,
    roles_of,
)

NOW = datetime(2024, 11, 20, 9, 0, tzinfo=UTC)
PASSWORD = "a long enough passphrase"
ADDRESS = "192.0.2.10"


def login(db: DbSession, email: str, password: str = PASSWORD, **options: object) -> User:
    values: dict[str, object] = {"remote_address": ADDRESS, "now": NOW}
    values.update(options)
    return authenticate(db, email, password, **values)  # type: ignore[arg-type]


@pytest.fixture
def organiser(db: DbSession, make_event: Callable[..., Event]) -> User:
    return create_user(
        db, "Aysel@Example.ORG", PASSWORD, role="organiser", event=make_event(), now=NOW
    )


# Accounts and roles


def test_the_address_is_stored_lower_case_and_unique_whatever_the_case(
    db: DbSession, organiser: User, make_event: Callable[..., Event]
) -> None:
    assert organiser.email == "aysel@example.org"
    assert organiser.created_at == NOW
    assert organiser.is_active
    with pytest.raises(ValidationError, match="already has an account"):
        create_user(db, "AYSEL@example.org", PASSWORD, role="checkin", event=make_event())


def test_the_database_refuses_an_address_that_is_not_lower_case(db: DbSession) -> None:
    db.add(User(email="Upper@example.org", password_hash="x", created_at=NOW))
    with pytest.raises(IntegrityError):
        db.flush()


def test_a_role_is_added_to_an_existing_account_once(
    db: DbSession, organiser: User, make_event: Callable[..., Event]
) -> None:
    other = make_event()
    for _ in range(2):
        assert create_user(db, "aysel@EXAMPLE.org", None, role="checkin", event=other) is organiser

    assert [(r.role, r.event) for r in roles_of(db, organiser)] == [
        (AccountRole.ORGANISER, organiser.roles[0].event),
        (AccountRole.CHECKIN, other),
    ]


def test_admin_is_global_and_the_other_roles_need_an_event(
    db: DbSession, make_event: Callable[..., Event]
) -> None:
    with pytest.raises(ValidationError, match="give no event"):
        create_user(db, "a@example.org", PASSWORD, role="admin", event=make_event())
    with pytest.raises(ValidationError, match="needs an event"):
        create_user(db, "a@example.org", PASSWORD, role="checkin")
    with pytest.raises(ValidationError, match="is not one of"):
        create_user(db, "a@example.org", PASSWORD, role="owner")
    with pytest.raises(ValidationError, match="at least 12"):
        create_user(db, "a@example.org", "short", role="admin")
    with pytest.raises(ValidationError, match="not an email"):
        create_user(db, "nobody", PASSWORD, role="admin")
    assert db.scalars(select(User)).all() == []


def test_the_database_refuses_an_admin_role_tied_to_an_event(
    db: DbSession, organiser: User, make_event: Callable[..., Event]
) -> None:
    db.add(UserRole(user=organiser, role=AccountRole.ADMIN, event=make_event()))
    with pytest.raises(IntegrityError):
        db.flush()


def test_roles_hold_per_event(
    db: DbSession, organiser: User, make_event: Callable[..., Event]
) -> None:
    own = organiser.roles[0].event
    other = make_event()
    door = create_user(db, "door@example.org", PASSWORD, role="checkin", event=own)
    admin = create_user(db, "admin@example.org", PASSWORD, role="admin")

    assert can(organiser, "organiser", own)
    assert can(organiser, "checkin", own)
    assert not can(organiser, "organiser", other)
    assert not can(organiser, "checkin", other)
    assert not can(organiser, "admin")
    assert can(door, "checkin", own)
    assert not can(door, "organiser", own)
    assert not can(door, "checkin", other)
    assert all(can(admin, role, event) for role in AccountRole for event in (own, other))
    assert not can(None, "checkin", own)
    organiser.is_active = False
    assert not can(organiser, "organiser", own)


def test_each_user_is_offered_the_events_of_their_roles(
    db: DbSession, organiser: User, make_event: Callable[..., Event]
) -> None:
    own = organiser.roles[0].event
    other = make_event()
    door = create_user(db, "door@example.org", PASSWORD, role="checkin", event=other)
    admin = create_user(db, "admin@example.org", PASSWORD, role="admin")

    assert [(a.event, a.manage, a.check_in) for a in events_for(db, organiser)] == [
        (own, True, True)
    ]
    assert [(a.event, a.manage, a.check_in) for a in events_for(db, door)] == [(other, False, True)]
    assert {a.event for a in events_for(db, admin)} >= {own, other}


# Logging in


def test_the_right_password_logs_in_whatever_the_case_of_the_address(
    db: DbSession, organiser: User
) -> None:
    assert login(db, " AYSEL@example.org ") is organiser
    assert organiser.last_login_at == NOW
    attempt = db.scalars(select(LoginAttempt)).one()
    assert (attempt.email, attempt.remote_address, attempt.succeeded) == (
        "aysel@example.org",
        ADDRESS,
        True,
    )


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("aysel@example.org", "a wrong passphrase!"),
        ("nobody@example.org", PASSWORD),
        ("inactive", PASSWORD),
    ],
)
def test_every_failure_says_the_same_and_is_recorded(
    db: DbSession, organiser: User, email: str, password: str
) -> None:
    if email == "inactive":
        organiser.is_active = False
        email = organiser.email
    with pytest.raises(LoginFailed) as raised:
        login(db, email, password)

    assert str(raised.value) == "Wrong email address or password."
    assert organiser.last_login_at is None
    assert [a.succeeded for a in db.scalars(select(LoginAttempt))] == [False]


def test_failures_for_one_address_are_limited_until_the_window_passes(
    db: DbSession, organiser: User
) -> None:
    for minute in range(MAX_FAILURES_PER_EMAIL):
        with pytest.raises(LoginFailed):
            login(db, organiser.email, "a wrong passphrase!", now=NOW + timedelta(minutes=minute))

    # Even the right password is refused now, from another client too.
    later = NOW + timedelta(minutes=5)
    with pytest.raises(TooManyAttempts) as raised:
        login(db, organiser.email.upper(), remote_address="198.51.100.7", now=later)
    assert raised.value.retry_after == (ATTEMPT_WINDOW - timedelta(minutes=5)).total_seconds()
    # The refused try is not recorded, so waiting is enough.
    assert db.scalars(select(LoginAttempt)).all()[-1].at < later

    assert login(db, organiser.email, now=NOW + ATTEMPT_WINDOW) is organiser


def test_tries_at_a_door_code_are_limited_per_client_with_its_failed_logins(
    db: DbSession, organiser: User
) -> None:
    for n in range(MAX_FAILURES_PER_ADDRESS - 1):
        door_code_tried(db, right=False, remote_address=ADDRESS, now=NOW + timedelta(seconds=n))
    with pytest.raises(LoginFailed):
        login(db, "guess@example.org", now=NOW + timedelta(minutes=1))

    # The right code is refused too now, and the refused try is not recorded.
    with pytest.raises(TooManyAttempts) as raised:
        door_code_tried(db, right=True, remote_address=ADDRESS, now=NOW + timedelta(minutes=2))
    assert 0 < raised.value.retry_after <= ATTEMPT_WINDOW.total_seconds()
    tries = db.scalars(select(LoginAttempt).where(LoginAttempt.email == DOOR_CODE_ATTEMPT)).all()
    assert [t.succeeded for t in tries] == [False] * (MAX_FAILURES_PER_ADDRESS - 1)
    # Other door staff, and the organiser's own login from elsewhere, are not locked out.
    door_code_tried(db, right=True, remote_address="198.51.100.7", now=NOW + timedelta(minutes=2))
    assert login(db, organiser.email, remote_address="198.51.100.7") is organiser
    door_code_tried(db, right=True, remote_address=ADDRESS, now=NOW + ATTEMPT_WINDOW)


def test_a_success_starts_the_count_for_the_address_again(db: DbSession, organiser: User) -> None:
    for minute in range(MAX_FAILURES_PER_EMAIL - 1):
        with pytest.raises(LoginFailed):
            login(db, organiser.email, "a wrong passphrase!", now=NOW + timedelta(minutes=minute))
    login(db, organiser.email, now=NOW + timedelta(minutes=4))

    with pytest.raises(LoginFailed):
        login(db, organiser.email, "a wrong passphrase!", now=NOW + timedelta(minutes=5))


def test_failures_from_one_client_are_limited_across_addresses(
    db: DbSession, organiser: User
) -> None:
    for n in range(MAX_FAILURES_PER_ADDRESS):
        with pytest.raises(LoginFailed):
            login(db, f"guess{n}@example.org", now=NOW + timedelta(seconds=n))

    with pytest.raises(TooManyAttempts):
        login(db, organiser.email, now=NOW + timedelta(minutes=1))
    assert login(db, organiser.email, remote_address="198.51.100.7") is organiser
