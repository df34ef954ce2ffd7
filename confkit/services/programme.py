"""Organiser services for the programme: sessions, and the roles people hold in them.

Every function takes the caller's database session, flushes, and never commits. Changes a
calendar must see raise the session's SEQUENCE (see ``CALENDAR_FIELDS``).
"""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.errors import ConflictError, NotFound, Problem, ValidationError
from confkit.i18n import N_
from confkit.models import (
    Affiliation,
    Event,
    Person,
    ProgrammeSession,
    RoleKind,
    Room,
    SessionKind,
    SessionRole,
    SessionStatus,
    Track,
    Visibility,
)
from confkit.services.checks import Problems, as_utc, day_bounds
from confkit.services.common import UNSET, Unset, as_enum, resolve, savepoint
from confkit.services.conflicts import clashes_for
from confkit.services.sequence import touch_sessions

# What a subscribed calendar shows of a session; changing any of these raises its SEQUENCE.
# Track and kind are included because feeds carry them as CATEGORIES.
CALENDAR_FIELDS = frozenset(
    {"title", "abstract", "starts_at", "ends_at", "room", "status", "track", "kind"}
)
SESSION_FIELDS = CALENDAR_FIELDS | {
    "language",
    "visibility",
    "signup_capacity",
    "expected_audience",
}
OUTSIDE_THE_DAYS = N_("is outside the event's days")
# A role held twice, said with the role's own word: its form changes with the language.
_ALREADY_IN_ROLE = {
    RoleKind.SPEAKER: N_("is already speaker of this session"),
    RoleKind.CHAIR: N_("is already chair of this session"),
    RoleKind.MODERATOR: N_("is already moderator of this session"),
    RoleKind.PANELLIST: N_("is already panellist of this session"),
    RoleKind.PARTICIPANT: N_("is already participant of this session"),
}
# A number the room cannot hold, by the field that gives it.
_MORE_THAN_THE_ROOM = {
    "expected_audience": N_(
        "expected audience of %(value)s is more than room %(room)s holds (%(capacity)s)"
    ),
    "signup_capacity": N_(
        "sign-up capacity of %(value)s is more than room %(room)s holds (%(capacity)s)"
    ),
}


@dataclass
class SessionResult:
    """A session after a change, with the warnings the organiser should see."""

    session: ProgrammeSession
    warnings: list[Problem] = field(default_factory=list)


def get_session(
    db: DbSession, event: Event, session_uuid: uuid_module.UUID | str
) -> ProgrammeSession:
    """The event's session with that UUID. Raises NotFound."""
    try:
        key = (
            session_uuid
            if isinstance(session_uuid, uuid_module.UUID)
            else uuid_module.UUID(session_uuid)
        )
    except ValueError:
        raise NotFound("session", session_uuid) from None
    found = db.scalar(
        select(ProgrammeSession).where(
            ProgrammeSession.event_id == event.id, ProgrammeSession.uuid == key
        )
    )
    if found is None:
        raise NotFound("session", session_uuid)
    return found


def add_session(
    db: DbSession,
    event: Event,
    *,
    title: str,
    kind: SessionKind | str,
    starts_at: datetime,
    ends_at: datetime,
    room: Room | int | None = None,
    track: Track | int | None = None,
    abstract: str = "",
    language: str | None = None,
    status: SessionStatus | str = SessionStatus.SCHEDULED,
    visibility: Visibility | str = Visibility.PUBLIC,
    signup_capacity: int | None = None,
    expected_audience: int | None = None,
    uuid: uuid_module.UUID | None = None,
    roles: Sequence[tuple[Person, RoleKind | str]] = (),
    now: datetime | None = None,
) -> SessionResult:
    """Add a session to the programme, with ``roles`` (person and role, in display order).

    Raises ValidationError listing every bad field (a role given twice is named
    ``roles.<index>``), then ConflictError listing every clash with a scheduled session (same
    room, or one of the people, at an overlapping time). A room too small for the expected
    audience is a warning in the result, not an error.
    """
    candidate = ProgrammeSession(uuid=uuid or uuid_module.uuid4(), sequence=0)
    # Set before checking so a clash message can name the new session.
    candidate.event_id, candidate.title = event.id, title
    new_roles = _new_roles(roles)
    _lock_programme(db, event)
    values = _check_session(
        db,
        event,
        candidate,
        {
            "title": title,
            "kind": kind,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "room": room,
            "track": track,
            "abstract": abstract,
            "language": language,
            "status": status,
            "visibility": visibility,
            "signup_capacity": signup_capacity,
            "expected_audience": expected_audience,
        },
        people=list({id(person): person for person, _ in new_roles}.values()),
        new_uuid=uuid,
    )
    stamp = now or clock.now()
    with savepoint(db, {"uq_sessions_uuid": "uuid"}):
        candidate.created_at = candidate.modified_at = stamp
        for name, value in values.items():
            setattr(candidate, name, value)
        candidate.event = event
        candidate.roles = [
            SessionRole(person=person, role=role, position=position)
            for position, (person, role) in enumerate(new_roles)
        ]
        db.add(candidate)
        event.programme_changed_at = stamp
    return SessionResult(candidate, _warnings(candidate))


def update_session(
    db: DbSession,
    programme_session: ProgrammeSession,
    *,
    now: datetime | None = None,
    **changes: Any,
) -> SessionResult:
    """Change any of ``SESSION_FIELDS``. Raises ValidationError, then ConflictError."""
    unknown = sorted(set(changes) - SESSION_FIELDS)
    if unknown:
        raise ValidationError(Problem(name, N_("is not a field of a session")) for name in unknown)
    _lock_programme(db, programme_session.event)
    current = {name: getattr(programme_session, name) for name in SESSION_FIELDS}
    proposed = current | changes
    values = _check_session(
        db,
        programme_session.event,
        programme_session,
        proposed,
        people=[role.person for role in programme_session.roles],
    )
    changed = {name for name, value in values.items() if current[name] != value}
    if not changed:
        return SessionResult(programme_session, _warnings(programme_session))
    stamp = now or clock.now()
    with savepoint(db):
        for name in changed:
            setattr(programme_session, name, values[name])
        if changed & CALENDAR_FIELDS:
            touch_sessions(db, [programme_session], stamp)
        programme_session.event.programme_changed_at = stamp
    return SessionResult(programme_session, _warnings(programme_session))


def move_session(
    db: DbSession,
    programme_session: ProgrammeSession,
    *,
    starts_at: datetime,
    ends_at: datetime | None = None,
    room: Room | int | None | Unset = UNSET,
    now: datetime | None = None,
) -> SessionResult:
    """Move a session to a new time (keeping its length unless ``ends_at`` is given) and
    optionally a new room. Raises ValidationError, then ConflictError."""
    changes: dict[str, Any] = {"starts_at": starts_at}
    if ends_at is not None:
        changes["ends_at"] = ends_at
    elif isinstance(starts_at, datetime) and starts_at.utcoffset() is not None:
        length = programme_session.ends_at - programme_session.starts_at
        changes["ends_at"] = as_utc(starts_at) + length
    if room is not UNSET:
        changes["room"] = room
    return update_session(db, programme_session, now=now, **changes)


def cancel_session(
    db: DbSession, programme_session: ProgrammeSession, *, now: datetime | None = None
) -> SessionResult:
    """Cancel a session. It stays in the programme and its feeds, marked cancelled."""
    return update_session(db, programme_session, status=SessionStatus.CANCELLED, now=now)


def uncancel_session(
    db: DbSession, programme_session: ProgrammeSession, *, now: datetime | None = None
) -> SessionResult:
    """Put a cancelled session back on the programme. Raises ConflictError if its room or
    people are taken meanwhile."""
    if programme_session.status is not SessionStatus.CANCELLED:
        raise ValidationError.single("status", N_("the session is not cancelled"))
    return update_session(db, programme_session, status=SessionStatus.SCHEDULED, now=now)


def assign_role(
    db: DbSession,
    programme_session: ProgrammeSession,
    person: Person | int,
    role: RoleKind | str,
    *,
    affiliation: Affiliation | int | None = None,
    position: int | None = None,
    now: datetime | None = None,
) -> SessionRole:
    """Give a person a role in a session, shown with one of their affiliations.

    Raises ValidationError (unknown person, an affiliation of someone else, the same role twice),
    then ConflictError if the person is in another scheduled session at the same time.
    """
    problems = Problems()
    resolved_person = problems.collect(lambda: resolve(db, Person, person, field="person"))
    resolved_role = problems.collect(lambda: as_enum(RoleKind, role, field="role"))
    resolved_affiliation = None
    if affiliation is not None:
        resolved_affiliation = problems.collect(
            lambda: resolve(db, Affiliation, affiliation, field="affiliation")
        )
        if (
            resolved_affiliation is not None
            and resolved_person is not None
            and (resolved_affiliation.person_id != resolved_person.id)
        ):
            problems.add("affiliation", N_("is a position of another person"))
    problems.not_negative("position", position)
    if (
        resolved_person is not None
        and resolved_role is not None
        and any(
            r.person_id == resolved_person.id and r.role == resolved_role
            for r in programme_session.roles
        )
    ):
        problems.add("person", _ALREADY_IN_ROLE[resolved_role])
    problems.raise_if_any()
    assert resolved_person is not None
    assert resolved_role is not None
    already_in = any(r.person_id == resolved_person.id for r in programme_session.roles)
    _lock_programme(db, programme_session.event)
    if programme_session.is_scheduled and not already_in:
        clashes = clashes_for(
            db,
            programme_session.event,
            programme_session,
            starts_at=programme_session.starts_at,
            ends_at=programme_session.ends_at,
            room=None,
            people=[resolved_person],
        )
        if clashes:
            raise ConflictError(clashes)
    next_position = max((r.position for r in programme_session.roles), default=-1) + 1
    with savepoint(db, {"uq_session_roles_session_id_person_id_role": "person"}):
        session_role = SessionRole(
            person=resolved_person,
            role=resolved_role,
            affiliation=resolved_affiliation,
            position=next_position if position is None else position,
        )
        programme_session.roles.append(session_role)
        touch_sessions(db, [programme_session], now or clock.now())
    return session_role


def remove_role(db: DbSession, session_role: SessionRole, *, now: datetime | None = None) -> None:
    """Take a person's role in a session away."""
    programme_session = session_role.session
    with savepoint(db):
        programme_session.roles.remove(session_role)
        touch_sessions(db, [programme_session], now or clock.now())


def reorder_roles(
    db: DbSession,
    programme_session: ProgrammeSession,
    ordered: Sequence[SessionRole | int],
    *,
    now: datetime | None = None,
) -> list[SessionRole]:
    """Put the session's roles in the given order (all of them, each once). Raises
    ValidationError."""
    by_id = {r.id: r for r in programme_session.roles}
    ids = [item.id if isinstance(item, SessionRole) else item for item in ordered]
    if not all(isinstance(i, int) for i in ids) or sorted(ids) != sorted(by_id):
        raise ValidationError.single(
            "roles", N_("must list each of the session's roles exactly once")
        )
    if ids == [r.id for r in programme_session.roles]:
        return list(programme_session.roles)
    with savepoint(db):
        for index, role_id in enumerate(ids):
            by_id[role_id].position = index
        programme_session.roles.sort(key=lambda r: r.position)
        touch_sessions(db, [programme_session], now or clock.now())
    return list(programme_session.roles)


def shift_event(
    db: DbSession, event: Event, *, starts_on: date, now: datetime | None = None
) -> Event:
    """Move a whole event to begin on ``starts_on``, every session the same number of days.

    Sessions keep their local clock times (a 09:30 session is at 09:30 on its new day, whatever
    the clock changes between) and raise their SEQUENCE, so subscribed calendars move them. The
    registration deadline moves with the event; the opening stays. Raises ValidationError.
    """
    if not isinstance(starts_on, date) or isinstance(starts_on, datetime):
        raise ValidationError.single("starts_on", N_("must be a date"))
    days = starts_on - event.starts_on
    if not days:
        return event
    _lock_programme(db, event)
    zone = ZoneInfo(event.timezone)

    def shifted(instant: datetime) -> datetime:
        local = instant.astimezone(zone).replace(tzinfo=None) + days
        return as_utc(local.replace(tzinfo=zone))

    stamp = now or clock.now()
    closes = event.registration_closes_at
    with savepoint(db):
        event.starts_on, event.ends_on = event.starts_on + days, event.ends_on + days
        if closes is not None:
            event.registration_closes_at = shifted(closes)
        for programme_session in event.sessions:
            programme_session.starts_at = shifted(programme_session.starts_at)
            programme_session.ends_at = shifted(programme_session.ends_at)
        touch_sessions(db, event.sessions, stamp)
        event.updated_at = event.programme_changed_at = stamp
    return event


def event_bounds(event: Event) -> tuple[datetime, datetime]:
    """The first and last instants of the event's days, midnight to midnight in its zone."""
    return day_bounds(event.timezone, event.starts_on, event.ends_on)


def _new_roles(roles: Sequence[tuple[Person, RoleKind | str]]) -> list[tuple[Person, RoleKind]]:
    """The roles of a new session; raises ValidationError for an unknown role or one given
    twice to the same person."""
    problems = Problems()
    checked: list[tuple[Person, RoleKind]] = []
    for index, (person, role) in enumerate(roles):
        name = f"roles.{index}"
        try:
            kind = as_enum(RoleKind, role, field=name)
        except ValidationError as error:
            problems.items.extend(error.problems)
            continue
        if any(p is person and k is kind for p, k in checked):
            problems.add(name, _ALREADY_IN_ROLE[kind])
            continue
        checked.append((person, kind))
    problems.raise_if_any()
    return checked


def _lock_programme(db: DbSession, event: Event) -> None:
    """Take the event's row lock, so concurrent changes to one programme check clashes in turn.

    Without it two transactions could each find a room free and both book it. SQLite has no row
    locks and serialises writers on its own.
    """
    if event.id is not None:
        db.execute(select(Event.id).where(Event.id == event.id).with_for_update())


def _check_session(
    db: DbSession,
    event: Event,
    programme_session: ProgrammeSession,
    values: dict[str, Any],
    *,
    people: list[Person],
    new_uuid: uuid_module.UUID | None = None,
) -> dict[str, Any]:
    """The session's fields after the change, once every rule holds.

    Raises ValidationError listing every bad field, then ConflictError listing every clash.
    """
    problems = Problems()
    if new_uuid is not None:
        with db.no_autoflush:
            if db.scalar(select(ProgrammeSession.id).where(ProgrammeSession.uuid == new_uuid)):
                problems.add(
                    "uuid", N_("%(uuid)s is already used by another session"), uuid=new_uuid
                )
    problems.text("title", values["title"], max_length=500)
    problems.text("abstract", values["abstract"], max_length=20_000, required=False)
    problems.text("language", values["language"], max_length=16, required=False)
    problems.not_negative("signup_capacity", values["signup_capacity"])
    problems.not_negative("expected_audience", values["expected_audience"])
    result = dict(values)
    result["kind"] = problems.collect(lambda: as_enum(SessionKind, values["kind"], field="kind"))
    result["status"] = problems.collect(
        lambda: as_enum(SessionStatus, values["status"], field="status")
    )
    result["visibility"] = problems.collect(
        lambda: as_enum(Visibility, values["visibility"], field="visibility")
    )
    result["room"] = _place(db, problems, Room, values["room"], event, "room")
    result["track"] = _place(db, problems, Track, values["track"], event, "track")
    starts_at, ends_at = values["starts_at"], values["ends_at"]
    times_valid = problems.aware("starts_at", starts_at) & problems.aware("ends_at", ends_at)
    if times_valid:
        starts_at = result["starts_at"] = as_utc(starts_at)
        ends_at = result["ends_at"] = as_utc(ends_at)
    if times_valid and ends_at <= starts_at:
        problems.add("ends_at", N_("must be after the start"))
        times_valid = False
    if times_valid and result["status"] is SessionStatus.SCHEDULED:
        first, after_last = event_bounds(event)
        if starts_at < first or starts_at >= after_last:
            problems.add("starts_at", OUTSIDE_THE_DAYS)
        if ends_at > after_last or ends_at <= first:
            problems.add("ends_at", OUTSIDE_THE_DAYS)
    problems.raise_if_any()
    if result["status"] is SessionStatus.SCHEDULED:
        clashes = clashes_for(
            db,
            event,
            programme_session,
            starts_at=starts_at,
            ends_at=ends_at,
            room=result["room"],
            people=people,
        )
        if clashes:
            raise ConflictError(clashes)
    return result


def _place(
    db: DbSession,
    problems: Problems,
    model: type[Room] | type[Track],
    value: Room | Track | int | None,
    event: Event,
    field_name: str,
) -> Any:
    if value is None:
        return None
    found = problems.collect(lambda: resolve(db, model, value, field=field_name))
    if found is not None and found.event_id != event.id:
        problems.add(
            field_name, N_("belongs to another event than %(slug)s"), slug=repr(event.slug)
        )
        return None
    return found


def _warnings(programme_session: ProgrammeSession) -> list[Problem]:
    warnings: list[Problem] = []
    room = programme_session.room
    if room is None or room.capacity is None:
        return warnings
    for name, template in _MORE_THAN_THE_ROOM.items():
        value = getattr(programme_session, name)
        if value is not None and value > room.capacity:
            warnings.append(
                Problem(
                    name,
                    template,
                    {"value": value, "room": repr(room.name), "capacity": room.capacity},
                )
            )
    return warnings
