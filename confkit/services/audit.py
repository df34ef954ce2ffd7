"""Reading the audit log: an event's timeline, or everyone's, newest first and a page at a time.

The timeline merges the audit entries with the registrations' own history, so organisers see
in one list who changed the programme and who changed which registration's status. Whatever
the page and filters, it takes the same few queries.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, func, literal, or_, select, union_all
from sqlalchemy.orm import Session as DbSession

from confkit.auditing import ENTITY_TYPES, Actor
from confkit.errors import Problem, ValidationError
from confkit.i18n import N_
from confkit.models import (
    AuditAction,
    AuditEntry,
    Event,
    Person,
    Registration,
    RegistrationChange,
    User,
)
from confkit.services.common import NOT_A_CHOICE

PAGE_SIZE: Final = 100
#: The entity type of the registrations' history in a timeline.
REGISTRATION: Final = "registration"
#: Every entity type a timeline can be filtered by.
TIMELINE_TYPES: Final = tuple(sorted((*ENTITY_TYPES, REGISTRATION)))
ACTOR_FILTER_MAX_LENGTH: Final = 200

_AUDIT: Final = "audit"
# Which table, which row, and when: enough to order and page the merged timeline.
_Keys = Select[str, int, datetime]


def user_actor(user: User) -> Actor:
    """How the audit log names changes ``user`` makes."""
    return Actor(f"user:{user.email}", user_id=user.id)


@dataclass(frozen=True)
class EventRef:
    """The event an item belongs to; ``name`` is None once the event is deleted."""

    id: int
    name: str | None = None
    slug: str | None = None
    timezone: str | None = None


@dataclass(frozen=True)
class TimelineItem:
    """One change: who, when (UTC), to what, and each field's value before and after."""

    at: datetime
    actor: str
    entity_type: str
    entity_id: int
    label: str
    action: str
    changes: dict[str, list[Any]] = field(default_factory=dict)
    note: str = ""
    event: EventRef | None = None


@dataclass(frozen=True)
class TimelinePage:
    """One page of a timeline, and where it stands among the others."""

    items: list[TimelineItem]
    page: int
    pages: int
    total: int
    page_size: int


def event_timeline(
    db: DbSession,
    event: Event,
    *,
    page: int = 1,
    entity_type: str | None = None,
    actor: str | None = None,
    page_size: int = PAGE_SIZE,
) -> TimelinePage:
    """The event's changes, newest first: its audit entries and its registrations' history.

    ``actor`` keeps the changes whose actor contains it, whatever the case. Raises
    ValidationError for an unknown entity type or a page that does not exist.
    """
    return _timeline(
        db, event_id=event.id, page=page, entity_type=entity_type, actor=actor, size=page_size
    )


def full_timeline(
    db: DbSession,
    *,
    page: int = 1,
    entity_type: str | None = None,
    actor: str | None = None,
    page_size: int = PAGE_SIZE,
) -> TimelinePage:
    """Every change of every event, and those that belong to none (people, accounts), newest
    first. Raises ValidationError like :func:`event_timeline`."""
    return _timeline(
        db, event_id=None, page=page, entity_type=entity_type, actor=actor, size=page_size
    )


def _timeline(
    db: DbSession,
    *,
    event_id: int | None,
    page: int,
    entity_type: str | None,
    actor: str | None,
    size: int,
) -> TimelinePage:
    _check_filters(entity_type, actor)
    sources: list[_Keys] = []
    if entity_type != REGISTRATION:
        sources.append(_audit_keys(event_id, entity_type, actor))
    if entity_type is None or entity_type == REGISTRATION:
        sources.append(_history_keys(event_id, actor))
    keys = union_all(*sources).subquery() if len(sources) > 1 else sources[0].subquery()
    total = db.scalar(select(func.count()).select_from(keys)) or 0
    pages = max(1, math.ceil(total / size))
    if page < 1 or page > pages:
        raise ValidationError.single(
            "page",
            N_("there is no page %(page)s: pages go from 1 to %(pages)s"),
            page=page,
            pages=pages,
        )
    rows = db.execute(
        select(keys.c.source, keys.c.id)
        .order_by(keys.c.at.desc(), keys.c.source, keys.c.id.desc())
        .limit(size)
        .offset((page - 1) * size)
    ).all()
    audit_ids = [row.id for row in rows if row.source == _AUDIT]
    history_ids = [row.id for row in rows if row.source == REGISTRATION]
    found = {(_AUDIT, item_id): item for item_id, item in _audit_items(db, audit_ids)}
    found |= {(REGISTRATION, item_id): item for item_id, item in _history_items(db, history_ids)}
    items = [found[(row.source, row.id)] for row in rows]
    return TimelinePage(
        items=_with_events(db, items), page=page, pages=pages, total=total, page_size=size
    )


def _check_filters(entity_type: str | None, actor: str | None) -> None:
    problems = []
    if entity_type is not None and entity_type not in TIMELINE_TYPES:
        problems.append(
            Problem(
                "type",
                NOT_A_CHOICE,
                {"value": repr(entity_type), "choices": ", ".join(TIMELINE_TYPES)},
            )
        )
    if actor is not None and len(actor) > ACTOR_FILTER_MAX_LENGTH:
        problems.append(
            Problem(
                "actor",
                N_("is longer than %(limit)s characters"),
                {"limit": ACTOR_FILTER_MAX_LENGTH},
            )
        )
    if problems:
        raise ValidationError(problems)


def _actor_matches(column: Any, actor: str | None) -> ColumnElement[bool]:
    if not actor:
        return literal(True)
    return func.lower(column).contains(actor.lower(), autoescape=True)


def _audit_keys(event_id: int | None, entity_type: str | None, actor: str | None) -> _Keys:
    query = select(
        literal(_AUDIT).label("source"), AuditEntry.id.label("id"), AuditEntry.at.label("at")
    ).where(_actor_matches(AuditEntry.actor, actor))
    if entity_type is not None:
        query = query.where(AuditEntry.entity_type == entity_type)
    if event_id is not None:
        query = query.where(AuditEntry.event_id == event_id, _after_earlier_holder(event_id))
    return query


def _after_earlier_holder(event_id: int) -> ColumnElement[bool]:
    """Entries written after the last deletion of an event with this id: SQLite hands a deleted
    row's id to the next event, which must not inherit the old event's trail."""
    last_deletion = (
        select(func.max(AuditEntry.id))
        .where(
            AuditEntry.entity_type == "event",
            AuditEntry.entity_id == event_id,
            AuditEntry.action == AuditAction.DELETED,
        )
        .scalar_subquery()
    )
    return or_(last_deletion.is_(None), AuditEntry.id > last_deletion)


def _history_keys(event_id: int | None, actor: str | None) -> _Keys:
    query = (
        select(
            literal(REGISTRATION).label("source"),
            RegistrationChange.id.label("id"),
            RegistrationChange.at.label("at"),
        )
        .join(Registration, Registration.id == RegistrationChange.registration_id)
        .where(_actor_matches(RegistrationChange.actor, actor))
    )
    if event_id is not None:
        query = query.where(Registration.event_id == event_id)
    return query


def _audit_items(db: DbSession, ids: Sequence[int]) -> list[tuple[int, TimelineItem]]:
    if not ids:
        return []
    entries = db.scalars(select(AuditEntry).where(AuditEntry.id.in_(ids)))
    return [
        (
            entry.id,
            TimelineItem(
                at=entry.at,
                actor=entry.actor,
                entity_type=entry.entity_type,
                entity_id=entry.entity_id,
                label=entry.label,
                action=entry.action.value,
                changes=dict(entry.changes),
                event=EventRef(entry.event_id) if entry.event_id is not None else None,
            ),
        )
        for entry in entries
    ]


def _history_items(db: DbSession, ids: Sequence[int]) -> list[tuple[int, TimelineItem]]:
    if not ids:
        return []
    rows = db.execute(
        select(RegistrationChange, Registration.event_id, Person.given_name, Person.family_name)
        .join(Registration, Registration.id == RegistrationChange.registration_id)
        .join(Person, Person.id == Registration.person_id)
        .where(RegistrationChange.id.in_(ids))
    ).all()
    items = []
    for change, event_id, given_name, family_name in rows:
        statuses = [
            change.from_status.value if change.from_status else None,
            change.to_status.value if change.to_status else None,
        ]
        items.append(
            (
                change.id,
                TimelineItem(
                    at=change.at,
                    actor=change.actor,
                    entity_type=REGISTRATION,
                    entity_id=change.registration_id,
                    label=f"{given_name} {family_name}".strip(),
                    action=change.action,
                    changes={"status": statuses} if statuses != [None, None] else {},
                    note=change.note,
                    event=EventRef(event_id),
                ),
            )
        )
    return items


def _with_events(db: DbSession, items: list[TimelineItem]) -> list[TimelineItem]:
    """The items with their events' names, read in one query; a deleted event keeps its id."""
    wanted = {item.event.id for item in items if item.event is not None}
    if not wanted:
        return items
    events = {
        row.id: EventRef(row.id, row.name, row.slug, row.timezone)
        for row in db.execute(
            select(Event.id, Event.name, Event.slug, Event.timezone).where(Event.id.in_(wanted))
        )
    }
    return [
        item if item.event is None else replace(item, event=events.get(item.event.id, item.event))
        for item in items
    ]
