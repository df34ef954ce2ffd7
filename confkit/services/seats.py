"""The registration lifecycle: confirming, the waiting list, approval, cancellation, promotion.

Only a confirmed registration holds a seat. Every change of a registration's status first takes
the event's row lock, then reads the registration and the event again and counts the confirmed
registrations in the database, inside the same transaction, so two requests can never both take
the last seat, nor act on a state another request has just changed, on any number of connections
or processes. A freed seat goes at once, in the same transaction, to whoever has waited longest.

Every function takes the caller's database session, flushes and never commits; each change is
recorded with its actor, and the mail that reports it is written to the outbox in the same
transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.errors import CapacityError, ValidationError
from confkit.i18n import N_, Phrase
from confkit.mail.compose import Notice
from confkit.mail.notify import notify
from confkit.models import (
    Event,
    Registration,
    RegistrationMode,
    RegistrationStatus,
)
from confkit.registration_window import RegistrationState, registration_state
from confkit.services.history import ATTENDEE, SYSTEM, record_change

ALL_SEATS_TAKEN = N_("all %(capacity)s seats are taken")
_EXPIRED = N_("the confirmation link has expired: please register again")
# A status as "is ... and cannot be ..." says it: the stored value, in English.
_STATUS_WORDS = {
    RegistrationStatus.UNCONFIRMED: N_("unconfirmed"),
    RegistrationStatus.CONFIRMED: N_("confirmed"),
    RegistrationStatus.WAITLISTED: N_("waitlisted"),
    RegistrationStatus.AWAITING_APPROVAL: N_("awaiting_approval"),
    RegistrationStatus.REJECTED: N_("rejected"),
    RegistrationStatus.CANCELLED: N_("cancelled"),
}
# What cannot be done to a registration in the wrong status, by the verb the service uses.
_CANNOT_BE = {
    "confirmed": N_("is %(status)s and cannot be confirmed"),
    "approved": N_("is %(status)s and cannot be approved"),
    "placed": N_("is %(status)s and cannot be placed"),
    "rejected": N_("is %(status)s and cannot be rejected"),
    "cancelled": N_("is %(status)s and cannot be cancelled"),
    "promoted": N_("is %(status)s and cannot be promoted"),
}

# How long a confirmation link stays valid.
CONFIRMATION_PERIOD = timedelta(hours=48)

# A registration in these states still wants to attend; the others are over.
ACTIVE_STATUSES = frozenset(
    {
        RegistrationStatus.UNCONFIRMED,
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.AWAITING_APPROVAL,
    }
)


@dataclass(frozen=True)
class SeatCount:
    """How full the event is: confirmed seats, the capacity (None: no limit) and the list."""

    confirmed: int
    capacity: int | None
    waitlisted: int

    @property
    def free(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)


def seat_count(db: DbSession, event: Event) -> SeatCount:
    """The event's seats as stored now (no lock: for showing, not for deciding)."""
    rows = db.execute(
        select(Registration.status, func.count())
        .where(
            Registration.event_id == event.id,
            Registration.status.in_([RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]),
        )
        .group_by(Registration.status)
    )
    counts = {status: number for status, number in rows}
    return SeatCount(
        confirmed=counts.get(RegistrationStatus.CONFIRMED, 0),
        capacity=event.capacity,
        waitlisted=counts.get(RegistrationStatus.WAITLISTED, 0),
    )


def waiting_list(db: DbSession, event: Event) -> Sequence[Registration]:
    """The waitlisted registrations, longest waiting first."""
    return db.scalars(
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.WAITLISTED,
        )
        .order_by(Registration.waitlisted_at, Registration.id)
    ).all()


def waitlist_position(db: DbSession, registration: Registration) -> int | None:
    """1 for the longest-waiting person; None unless the registration is waitlisted."""
    if registration.status is not RegistrationStatus.WAITLISTED:
        return None
    assert registration.waitlisted_at is not None
    ahead = db.scalar(
        select(func.count()).where(
            Registration.event_id == registration.event_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            (Registration.waitlisted_at < registration.waitlisted_at)
            | (
                (Registration.waitlisted_at == registration.waitlisted_at)
                & (Registration.id < registration.id)
            ),
        )
    )
    return int(ahead or 0) + 1


def confirm_registration(
    db: DbSession,
    registration: Registration,
    *,
    base_url: str,
    now: datetime | None = None,
) -> Registration:
    """The attendee confirms their address: a seat if one is free, else the waiting list (if the
    event keeps one); in approval mode, the registration awaits the organisers.

    Confirming again changes nothing. Raises ValidationError for an expired link (field
    ``token``), a registration that is over (``registration``) or an event whose registration
    has closed (``event``), and CapacityError when the event is full and keeps no waiting list
    (the registration stays unconfirmed).
    """
    event = _lock_and_reload(db, registration)
    # Stamped after the lock: the waiting list is then in the order the confirmations ran.
    stamp = now or clock.now()
    expired = registration.confirm_by is not None and stamp > registration.confirm_by
    if registration.status is not RegistrationStatus.UNCONFIRMED:
        if registration.status in ACTIVE_STATUSES:
            return registration
        # Never confirmed and past its link's time: expired, whether or not the expiry has
        # been recorded yet, which is what the person needs to hear.
        if expired and registration.confirmed_at is None:
            raise ValidationError.single("token", _EXPIRED)
        _refuse(registration, "confirmed")
    if expired:
        raise ValidationError.single("token", _EXPIRED)
    if registration_state(event, stamp) is not RegistrationState.OPEN:
        raise ValidationError.single("event", N_("registration for this event is closed"))
    previous = registration.status
    if event.registration_mode is RegistrationMode.APPROVAL:
        _set_status(registration, RegistrationStatus.AWAITING_APPROVAL, stamp)
        record_change(
            db, registration, actor=ATTENDEE, action="confirm", at=stamp, from_status=previous
        )
        _notify(db, registration, Notice.AWAITING_APPROVAL, base_url, stamp)
        return registration
    notice = _take_seat_or_wait(db, registration, stamp, base_url=base_url)
    record_change(
        db, registration, actor=ATTENDEE, action="confirm", at=stamp, from_status=previous
    )
    _notify(db, registration, notice, base_url, stamp)
    return registration


def approve_registration(
    db: DbSession,
    registration: Registration,
    *,
    actor: str,
    base_url: str,
    now: datetime | None = None,
) -> Registration:
    """An organiser approves a registration awaiting approval: a seat if one is free, else the
    waiting list. Raises ValidationError for any other state, CapacityError when full and the
    event keeps no waiting list."""
    _lock_and_reload(db, registration)
    _require(registration, {RegistrationStatus.AWAITING_APPROVAL}, "approved")
    stamp = now or clock.now()
    notice = _take_seat_or_wait(db, registration, stamp, base_url=base_url)
    record_change(
        db,
        registration,
        actor=actor,
        action="approve",
        at=stamp,
        from_status=RegistrationStatus.AWAITING_APPROVAL,
    )
    _notify(
        db,
        registration,
        Notice.APPROVED if notice is Notice.CONFIRMED else notice,
        base_url,
        stamp,
    )
    return registration


def place_registration(
    db: DbSession,
    registration: Registration,
    *,
    actor: str,
    base_url: str,
    notify_attendee: bool = True,
    now: datetime | None = None,
) -> Registration:
    """An organiser places an unconfirmed registration they added: a seat if one is free, else
    the waiting list, under the same lock as every other seat decision. The registration window
    and mode do not apply to the organisers' own additions. The attendee is mailed their link
    (and ticket) unless ``notify_attendee`` is False. Raises ValidationError for a registration
    that is not unconfirmed, CapacityError when full and the event keeps no waiting list."""
    _lock_and_reload(db, registration)
    _require(registration, {RegistrationStatus.UNCONFIRMED}, "placed")
    stamp = now or clock.now()
    notice = _take_seat_or_wait(db, registration, stamp, base_url=base_url)
    registration.confirm_by = None
    record_change(
        db,
        registration,
        actor=actor,
        action="place",
        at=stamp,
        from_status=RegistrationStatus.UNCONFIRMED,
    )
    if notify_attendee:
        _notify(db, registration, notice, base_url, stamp)
    return registration


def reject_registration(
    db: DbSession,
    registration: Registration,
    *,
    actor: str,
    base_url: str,
    note: str = "",
    now: datetime | None = None,
) -> Registration:
    """An organiser declines a registration that holds no seat (use cancel for one that does).
    Raises ValidationError for any other state."""
    allowed = {
        RegistrationStatus.UNCONFIRMED,
        RegistrationStatus.AWAITING_APPROVAL,
        RegistrationStatus.WAITLISTED,
    }
    _lock_and_reload(db, registration)
    _require(registration, allowed, "rejected")
    stamp = now or clock.now()
    previous = registration.status
    _set_status(registration, RegistrationStatus.REJECTED, stamp)
    record_change(
        db, registration, actor=actor, action="reject", at=stamp, from_status=previous, note=note
    )
    _notify(db, registration, Notice.REJECTED, base_url, stamp)
    return registration


def cancel_registration(
    db: DbSession,
    registration: Registration,
    *,
    actor: str = ATTENDEE,
    base_url: str,
    note: str = "",
    now: datetime | None = None,
) -> list[Registration]:
    """Cancel a registration. A freed seat goes at once to the longest-waiting person, who is told
    by mail; the agenda's seats are freed too. Returns the registrations promoted.

    Cancelling again changes nothing. Raises ValidationError for a rejected registration.
    """
    # Whether a seat is freed is only known under the lock: a waitlisted registration may
    # have been promoted a moment ago by another request.
    event = _lock_and_reload(db, registration)
    if registration.status is RegistrationStatus.CANCELLED:
        return []
    _require(registration, set(ACTIVE_STATUSES), "cancelled")
    held_seat = registration.status is RegistrationStatus.CONFIRMED
    stamp = now or clock.now()
    previous = registration.status
    _set_status(registration, RegistrationStatus.CANCELLED, stamp)
    registration.cancelled_at = stamp
    _free_agenda(db, registration)
    record_change(
        db, registration, actor=actor, action="cancel", at=stamp, from_status=previous, note=note
    )
    _notify(db, registration, Notice.CANCELLED, base_url, stamp)
    db.flush()
    return fill_free_seats(db, event, base_url=base_url, now=stamp) if held_seat else []


def promote_registration(
    db: DbSession,
    registration: Registration,
    *,
    actor: str,
    base_url: str,
    now: datetime | None = None,
) -> Registration:
    """An organiser gives a waitlisted person a free seat, out of turn if they choose.

    Raises ValidationError unless the registration is waitlisted, CapacityError when no seat is
    free: promotion never exceeds the capacity.
    """
    event = _lock_and_reload(db, registration)
    _require(registration, {RegistrationStatus.WAITLISTED}, "promoted")
    stamp = now or clock.now()
    if not _seat_free(db, event):
        raise CapacityError(ALL_SEATS_TAKEN, capacity=event.capacity)
    _set_status(registration, RegistrationStatus.CONFIRMED, stamp)
    registration.confirmed_at = stamp
    record_change(
        db,
        registration,
        actor=actor,
        action="promote",
        at=stamp,
        from_status=RegistrationStatus.WAITLISTED,
    )
    _notify(db, registration, Notice.PROMOTED, base_url, stamp)
    return registration


def set_capacity(
    db: DbSession,
    event: Event,
    capacity: int | None,
    *,
    base_url: str,
    now: datetime | None = None,
) -> list[Registration]:
    """Change the event's capacity (None: no limit). New seats go to the waiting list in order;
    a capacity below the seats already confirmed cancels nobody, it only stops new
    confirmations. Returns the registrations promoted. Raises ValidationError for a negative
    capacity."""
    if capacity is not None and (
        isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 0
    ):
        raise ValidationError.single("capacity", N_("must be a whole number, 0 or more"))
    lock_seats(db, event)
    stamp = now or clock.now()
    event.capacity = capacity
    event.updated_at = stamp
    db.flush()
    return fill_free_seats(db, event, base_url=base_url, now=stamp)


def fill_free_seats(
    db: DbSession, event: Event, *, base_url: str, now: datetime | None = None
) -> list[Registration]:
    """Give every free seat to the longest-waiting people, in order. The caller must hold the
    event's lock (``lock_seats``). Returns the registrations promoted."""
    stamp = now or clock.now()
    promoted: list[Registration] = []
    while _seat_free(db, event):
        first = db.scalars(
            select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.WAITLISTED,
            )
            .order_by(Registration.waitlisted_at, Registration.id)
            .limit(1)
        ).first()
        if first is None:
            break
        _set_status(first, RegistrationStatus.CONFIRMED, stamp)
        first.confirmed_at = stamp
        record_change(
            db,
            first,
            actor=SYSTEM,
            action="promote",
            at=stamp,
            from_status=RegistrationStatus.WAITLISTED,
            note="a seat was freed",
        )
        _notify(db, first, Notice.PROMOTED, base_url, stamp)
        db.flush()
        promoted.append(first)
    return promoted


def expire_unconfirmed(db: DbSession, *, now: datetime | None = None) -> int:
    """Cancel the unconfirmed registrations whose confirmation link has expired; returns how
    many. They held no seat, so nobody is promoted and nobody is mailed."""
    stamp = now or clock.now()
    overdue = (
        Registration.status == RegistrationStatus.UNCONFIRMED,
        Registration.confirm_by < stamp,
    )
    event_ids = db.scalars(
        select(Registration.event_id).where(*overdue).distinct().order_by(Registration.event_id)
    ).all()
    expired: list[Registration] = []
    # Event by event, in id order (so two runs at once cannot deadlock), under the event's lock:
    # a registration confirmed a moment ago by another request is read again and left alone.
    for event_id in event_ids:
        event = db.get(Event, event_id)
        if event is None:
            continue
        lock_seats(db, event)
        expired.extend(
            db.scalars(
                select(Registration)
                .where(Registration.event_id == event_id, *overdue)
                .order_by(Registration.id)
                .execution_options(populate_existing=True)
            )
        )
    for registration in expired:
        _set_status(registration, RegistrationStatus.CANCELLED, stamp)
        registration.cancelled_at = stamp
        record_change(
            db,
            registration,
            actor=SYSTEM,
            action="expire",
            at=stamp,
            from_status=RegistrationStatus.UNCONFIRMED,
            note="not confirmed in time",
        )
    db.flush()
    return len(expired)


def lock_seats(db: DbSession, event: Event) -> None:
    """Take the event's row lock: every seat decision for the event runs in turn after this.
    The event's settings (capacity, mode, waiting list) are read again under the lock, as
    another request may have changed them while this one waited.

    PostgreSQL holds the lock until the transaction ends. SQLite has no row locks and lets one
    writer at a time commit on its own.
    """
    db.flush()
    # FOR NO KEY UPDATE, not FOR UPDATE: the foreign-key check of every new registration takes
    # a KEY SHARE lock on the event row, which FOR UPDATE would conflict with. Two transactions
    # that each add a registration and then confirm one would deadlock; this way seat
    # decisions still run one at a time, and adding a registration never waits for them.
    db.scalars(
        select(Event)
        .where(Event.id == event.id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).one()


def _lock_and_reload(db: DbSession, registration: Registration) -> Event:
    """Take the event's lock, then read the registration again: what the caller loaded may be
    out of date by the time the lock is granted (a double click, an organiser acting at the
    same moment)."""
    event = registration.event
    lock_seats(db, event)
    db.refresh(registration)
    return event


def _take_seat_or_wait(
    db: DbSession, registration: Registration, stamp: datetime, *, base_url: str
) -> Notice:
    event = registration.event
    # Seats freed without anyone promoted (a capacity raised by hand) go to the list first, so
    # a newcomer never overtakes someone waiting.
    fill_free_seats(db, event, base_url=base_url, now=stamp)
    if _seat_free(db, event):
        _set_status(registration, RegistrationStatus.CONFIRMED, stamp)
        registration.confirmed_at = stamp
        return Notice.CONFIRMED
    if not event.waitlist_enabled:
        raise CapacityError(ALL_SEATS_TAKEN, capacity=event.capacity)
    # Placed before its own status changes, so that the line it joins is the one before it.
    joined = _place_in_line(db, event, stamp)
    _set_status(registration, RegistrationStatus.WAITLISTED, stamp)
    registration.waitlisted_at = joined
    return Notice.WAITLISTED


def _place_in_line(db: DbSession, event: Event, stamp: datetime) -> datetime:
    """When a registration joins the waiting list: ``stamp``, unless someone already waiting
    joined later by their server's clock. The event's lock decides the order; the clocks of
    several app servers may disagree by a little, and a clock behind must not put a newcomer
    ahead of people who joined before. (Equal instants keep the registration order.)"""
    last = db.scalar(
        select(func.max(Registration.waitlisted_at)).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.WAITLISTED,
        )
    )
    if last is not None and last > stamp:
        return last + timedelta(microseconds=1)
    return stamp


def _seat_free(db: DbSession, event: Event) -> bool:
    if event.capacity is None:
        return True
    confirmed = db.scalar(
        select(func.count()).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )
    return int(confirmed or 0) < event.capacity


def _free_agenda(db: DbSession, registration: Registration) -> None:
    # The entries are orphans now and deleted on flush, which frees their session seats.
    registration.agenda.clear()
    db.flush()


def _require(registration: Registration, allowed: set[RegistrationStatus], verb: str) -> None:
    if registration.status not in allowed:
        _refuse(registration, verb)


def _refuse(registration: Registration, verb: str) -> NoReturn:
    raise ValidationError.single(
        "registration", _CANNOT_BE[verb], status=Phrase(_STATUS_WORDS[registration.status])
    )


def _set_status(registration: Registration, status: RegistrationStatus, stamp: datetime) -> None:
    registration.status = status
    registration.updated_at = stamp


def _notify(
    db: DbSession, registration: Registration, notice: Notice, base_url: str, stamp: datetime
) -> None:
    position = waitlist_position(db, registration) if notice is Notice.WAITLISTED else None
    notify(db, registration, notice, base_url=base_url, now=stamp, waitlist_position=position)
