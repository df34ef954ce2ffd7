"""The organisers' accounts: creating them, granting roles, logging in, and who may do what.

Roles: an admin may do everything on every event; an organiser manages the events they are
organiser of; check-in staff may only check people in at their events. An organiser may also
check people in at their own events.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, selectinload
from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.errors import ConfkitError, ValidationError
from confkit.i18n import N_
from confkit.models import AccountRole, Event, LoginAttempt, User, UserRole
from confkit.passwords import hash_password, needs_rehash, verify_password
from confkit.services.common import as_enum, savepoint

# Failed attempts allowed within the window, per address typed and per client address.
MAX_FAILURES_PER_EMAIL: Final = 5
MAX_FAILURES_PER_ADDRESS: Final = 20
ATTEMPT_WINDOW: Final = timedelta(minutes=15)

EMAIL_MAX_LENGTH: Final = 320
REMOTE_ADDRESS_MAX_LENGTH: Final = 64
# Stands for the address typed in a try at a check-in door code: no account can have it.
DOOR_CODE_ATTEMPT: Final = "(check-in door code)"


class LoginFailed(ConfkitError):
    """The email and password do not open an account; on purpose, it never says why."""

    def __init__(self) -> None:
        super().__init__("Wrong email address or password.")


class TooManyAttempts(ConfkitError):
    """Too many failed logins lately; ``retry_after`` is how many seconds to wait."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"Too many failed logins: try again in {retry_after} seconds.")


@dataclass(frozen=True)
class EventAccess:
    """An event a user may work on, and how: manage it, or only check people in."""

    event: Event
    manage: bool
    check_in: bool


def account_email(email: str) -> str:
    """The address as accounts store and look it up: trimmed and lower-cased."""
    return email.strip().lower()


def find_user(db: DbSession, email: str) -> User | None:
    """The account with this address, whatever its case, or None."""
    return db.scalars(select(User).where(User.email == account_email(email))).one_or_none()


def create_user(
    db: DbSession,
    email: str,
    password: str | None,
    *,
    role: AccountRole | str,
    event: Event | None = None,
    now: datetime | None = None,
) -> User:
    """Create an account with ``role``, or grant ``role`` to the existing account with this
    address (then ``password`` must be None: an existing password is not changed here).
    Raises ValidationError."""
    address = account_email(email)
    if "@" not in address or len(address) > EMAIL_MAX_LENGTH or any(c.isspace() for c in address):
        raise ValidationError.single("email", N_("this is not an email address"))
    # Checked before anything is written, so a refused role leaves no account behind.
    _checked_role(role, event)
    user = find_user(db, address)
    if user is None:
        if password is None:
            raise ValidationError.single("password", N_("a new account needs a password"))
        user = User(
            email=address, password_hash=hash_password(password), created_at=now or clock.now()
        )
        with savepoint(db, {"uq_users_email": "email"}):
            db.add(user)
    elif password is not None:
        raise ValidationError.single(
            "password",
            N_("%(email)s already has an account; its password is not changed here"),
            email=address,
        )
    grant_role(db, user, role, event)
    return user


def grant_role(
    db: DbSession, user: User, role: AccountRole | str, event: Event | None = None
) -> UserRole:
    """Give ``user`` the role (admin: global, no event; organiser, checkin: for ``event``);
    granting a role twice changes nothing. Raises ValidationError."""
    kind = _checked_role(role, event)
    for existing in user.roles:
        if existing.role is kind and existing.event is event:
            return existing
    granted = UserRole(role=kind, event=event)
    user.roles.append(granted)
    db.flush()
    return granted


def _checked_role(role: AccountRole | str, event: Event | None) -> AccountRole:
    kind = as_enum(AccountRole, role, field="role")
    if kind is AccountRole.ADMIN and event is not None:
        raise ValidationError.single("event", N_("an admin is admin of every event: give no event"))
    if kind is not AccountRole.ADMIN and event is None:
        raise ValidationError.single(
            "event", N_("the role %(role)s needs an event"), role=kind.value
        )
    return kind


def authenticate(
    db: DbSession, email: str, password: str, *, remote_address: str, now: datetime | None = None
) -> User:
    """The account ``email`` and ``password`` open; every attempt is recorded.
    Raises LoginFailed (unknown address, wrong password, inactive account alike) or
    TooManyAttempts."""
    stamp = now or clock.now()
    address = account_email(email)[:EMAIL_MAX_LENGTH]
    remote = remote_address[:REMOTE_ADDRESS_MAX_LENGTH]
    _refuse_when_limited(db, address, remote, stamp)
    user = find_user(db, address)
    # The hash runs for an unknown address too, so the time taken does not tell them apart.
    matches = verify_password(password, user.password_hash if user is not None else None)
    succeeded = user is not None and matches and user.is_active
    db.add(LoginAttempt(email=address, remote_address=remote, at=stamp, succeeded=succeeded))
    db.flush()
    if not succeeded or user is None:
        raise LoginFailed()
    user.last_login_at = stamp
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.flush()
    return user


def door_code_tried(
    db: DbSession, *, right: bool, remote_address: str, now: datetime | None = None
) -> None:
    """Record one try at a check-in door code (``right``: whether it was the code) with the
    login attempts, so that guessing it is limited like guessing passwords: a client with too
    many failures lately, at logins and door codes together, is refused with TooManyAttempts,
    and its try is neither recorded nor to be acted on.

    Only the client's own count applies: one count for the code itself would let anybody lock
    the door staff out with a few wrong tries."""
    stamp = now or clock.now()
    remote = remote_address[:REMOTE_ADDRESS_MAX_LENGTH]
    since = stamp - ATTEMPT_WINDOW
    _refuse_after_failures(
        db, LoginAttempt.remote_address, remote, since, MAX_FAILURES_PER_ADDRESS, stamp
    )
    db.add(LoginAttempt(email=DOOR_CODE_ATTEMPT, remote_address=remote, at=stamp, succeeded=right))
    db.flush()


def _refuse_when_limited(db: DbSession, email: str, remote: str, stamp: datetime) -> None:
    since = stamp - ATTEMPT_WINDOW
    last_success = db.scalar(
        select(func.max(LoginAttempt.at)).where(LoginAttempt.email == email, LoginAttempt.succeeded)
    )
    # A success ends the count for the address typed; the client's count runs on, so one
    # known password cannot reset the guessing of others.
    email_since = max(since, last_success) if last_success is not None else since
    _refuse_after_failures(
        db, LoginAttempt.email, email, email_since, MAX_FAILURES_PER_EMAIL, stamp
    )
    _refuse_after_failures(
        db, LoginAttempt.remote_address, remote, since, MAX_FAILURES_PER_ADDRESS, stamp
    )


def _refuse_after_failures(
    db: DbSession,
    column: InstrumentedAttribute[str],
    value: str,
    since: datetime,
    limit: int,
    stamp: datetime,
) -> None:
    failures = db.scalars(
        select(LoginAttempt.at)
        .where(column == value, ~LoginAttempt.succeeded, LoginAttempt.at > since)
        .order_by(LoginAttempt.at.desc())
        .limit(limit)
    ).all()
    if len(failures) >= limit:
        # Wait until the oldest of the last ``limit`` failures leaves the window.
        free_at = failures[-1] + ATTEMPT_WINDOW
        raise TooManyAttempts(max(1, math.ceil((free_at - stamp).total_seconds())))


def roles_of(db: DbSession, user: User) -> list[UserRole]:
    """The user's roles, with their events."""
    return list(
        db.scalars(
            select(UserRole)
            .where(UserRole.user_id == user.id)
            .options(selectinload(UserRole.event))
            .order_by(UserRole.id)
        )
    )


def can(user: User | None, role: AccountRole | str, event: Event | None = None) -> bool:
    """Whether ``user`` may act as ``role`` on ``event``: admin may do everything, an organiser
    everything on their events, check-in staff only check-in at theirs."""
    if user is None or not user.is_active:
        return False
    wanted = AccountRole(role)
    held = {(r.role, r.event_id) for r in user.roles}
    if (AccountRole.ADMIN, None) in held:
        return True
    if wanted is AccountRole.ADMIN or event is None:
        return False
    if (AccountRole.ORGANISER, event.id) in held:
        return True
    return wanted is AccountRole.CHECKIN and (AccountRole.CHECKIN, event.id) in held


def events_for(db: DbSession, user: User) -> list[EventAccess]:
    """The events ``user`` may work on (an admin: all of them), newest first."""
    query = select(Event).order_by(Event.starts_on.desc(), Event.name)
    if not can(user, AccountRole.ADMIN):
        mine = select(UserRole.event_id).where(UserRole.user_id == user.id)
        query = query.where(Event.id.in_(mine))
    return [
        EventAccess(
            event=event,
            manage=can(user, AccountRole.ORGANISER, event),
            check_in=can(user, AccountRole.CHECKIN, event),
        )
        for event in db.scalars(query)
    ]
