"""Recording the audit log: who changed what, when, with the values before and after.

Every ORM session a :class:`~confkit.db.Store` hands out carries one flush hook
(:func:`install`), so every service is covered without writing the log itself. The hook reads
the acting identity from the session's ``info`` (:func:`acting_as`, :func:`set_actor`); a change
made without one is recorded as the :data:`SYSTEM`'s. The audited models are named by their
tables here, so this module needs no model class and :mod:`confkit.db` can install it.

Registrations are not in the log: each keeps its own history (``RegistrationChange``), and the
event's audit page merges the two.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import InstanceState, Mapper, sessionmaker
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm.unitofwork import UOWTransaction

from confkit import clock

AUDIT_TABLE: Final = "audit_entries"
# Shown instead of a secret's value: the log says that it changed, never what it is.
SECRET: Final = "(secret)"
# Shown for a value the session never loaded before it was overwritten.
UNKNOWN: Final = "(not loaded)"
ACTOR_MAX_LENGTH: Final = 200
LABEL_MAX_LENGTH: Final = 300

_ACTOR_KEY: Final = "confkit.actor"
# Stamps and counters that move with other changes: not worth a line in anyone's diff.
_BOOKKEEPING: Final = frozenset(
    {"created_at", "updated_at", "modified_at", "sequence", "programme_changed_at"}
)


@dataclass(frozen=True)
class Actor:
    """Who makes the changes of a session: a label for the log, and the account if there is one.

    An actor that is not ``recorded`` leaves no entry: attendees changing their own
    registration are recorded in its history instead.
    """

    label: str
    user_id: int | None = None
    recorded: bool = True


SYSTEM: Final = Actor("system")
CLI: Final = Actor("cli")

#: An actor, or a function that names one when a change is first recorded (a web request can
#: then leave the login unread until something is written).
ActorSource = Actor | Callable[[], Actor]


def set_actor(db: DbSession, actor: ActorSource) -> None:
    """Record the session's changes from now on as ``actor``'s."""
    db.info[_ACTOR_KEY] = actor


@contextmanager
def acting_as(db: DbSession, actor: ActorSource) -> Iterator[DbSession]:
    """Record the changes flushed inside the block as ``actor``'s, then restore the previous
    actor."""
    previous = db.info.get(_ACTOR_KEY)
    set_actor(db, actor)
    try:
        yield db
    finally:
        if previous is None:
            db.info.pop(_ACTOR_KEY, None)
        else:
            db.info[_ACTOR_KEY] = previous


def actor_of(db: DbSession) -> Actor:
    """The actor the session's changes are recorded as."""
    source: ActorSource = db.info.get(_ACTOR_KEY, SYSTEM)
    return source() if callable(source) else source


def install(sessions: sessionmaker[DbSession]) -> None:
    """Record the audited changes of every session ``sessions`` makes."""
    event.listen(sessions, "before_flush", _load_deleted)
    event.listen(sessions, "after_flush", _record_flush)


@dataclass(frozen=True)
class _Audited:
    entity_type: str
    label: Callable[[DbSession, Any], str]
    event_id: Callable[[DbSession, Any], int | None]
    ignored: frozenset[str] = frozenset()
    secret: frozenset[str] = frozenset()
    # Many-to-many collections without a model of their own, recorded on their owner.
    collections: frozenset[str] = frozenset()


def _related(db: DbSession, obj: Any, name: str) -> Any:
    """The object a many-to-one relationship points at, also for an object being deleted."""
    state = inspect(obj)
    if name not in state.unloaded:
        attribute = state.attrs[name]
        current = attribute.value
        if current is not None:
            return current
        # A child removed from its parent's collection has already lost its parent here.
        deleted = attribute.history.deleted
        if deleted:
            return deleted[0]
    relationship = state.mapper.relationships[name]
    (column,) = relationship.local_columns
    key = state.mapper.get_property_by_column(column).key
    target_id = state.dict.get(key)
    return None if target_id is None else _instance(db, relationship.mapper.class_, target_id)


def _instance(db: DbSession, model: type[Any], target_id: Any) -> Any:
    """The object with that id. One inserted by the flush being recorded is not in the identity
    map yet: loading it again would put a second copy there, which the flush then replaces with
    a warning. So the flush's new objects are searched first."""
    for candidate in db.new:
        if isinstance(candidate, model) and inspect(candidate).dict.get("id") == target_id:
            return candidate
    return db.get(model, target_id)


def _own_id(_db: DbSession, obj: Any) -> int | None:
    return obj.id  # type: ignore[no-any-return]


def _event_column(_db: DbSession, obj: Any) -> int | None:
    return obj.event_id  # type: ignore[no-any-return]


def _no_event(_db: DbSession, _obj: Any) -> int | None:
    return None


def _via(name: str) -> Callable[[DbSession, Any], int | None]:
    def event_of(db: DbSession, obj: Any) -> int | None:
        parent = _related(db, obj, name)
        return None if parent is None else parent.event_id

    return event_of


def _attribute(name: str) -> Callable[[DbSession, Any], str]:
    def label(_db: DbSession, obj: Any) -> str:
        return str(getattr(obj, name))

    return label


def _person_label(_db: DbSession, person: Any) -> str:
    return " ".join(p for p in (person.honorific, person.given_name, person.family_name) if p)


def _role_label(db: DbSession, role: Any) -> str:
    person = _related(db, role, "person")
    programme_session = _related(db, role, "session")
    who = _person_label(db, person) if person is not None else f"person #{role.person_id}"
    where = programme_session.title if programme_session is not None else "a session"
    return f"{_plain(role.role)}: {who} in {where}"


def _affiliation_label(db: DbSession, affiliation: Any) -> str:
    person = _related(db, affiliation, "person")
    organisation = _related(db, affiliation, "organisation")
    parts = [
        _person_label(db, person) if person is not None else "",
        affiliation.position_title,
        organisation.name if organisation is not None else "",
    ]
    return ", ".join(p for p in parts if p)


def _user_role_label(db: DbSession, user_role: Any) -> str:
    user = _related(db, user_role, "user")
    return f"{user.email if user is not None else 'a user'}: {_plain(user_role.role)}"


def _numbered(kind: str) -> Callable[[DbSession, Any], str]:
    def label(_db: DbSession, obj: Any) -> str:
        return f"{kind} #{obj.id}"

    return label


# By table name; everything else (registrations, their history, mail, login attempts) is
# recorded elsewhere or is not a change anyone makes.
_AUDITED: Final[dict[str, _Audited]] = {
    "events": _Audited("event", _attribute("name"), _own_id),
    "venues": _Audited("venue", _attribute("name"), _no_event),
    "rooms": _Audited("room", _attribute("name"), _event_column),
    "tracks": _Audited("track", _attribute("name"), _event_column),
    "sessions": _Audited("session", _attribute("title"), _event_column),
    "session_roles": _Audited("session_role", _role_label, _via("session")),
    "persons": _Audited("person", _person_label, _no_event),
    "organisations": _Audited("organisation", _attribute("name"), _no_event),
    "affiliations": _Audited("affiliation", _affiliation_label, _no_event),
    "delegations": _Audited(
        "delegation", _attribute("name"), _event_column, collections=frozenset({"members"})
    ),
    "registration_questions": _Audited("registration_question", _attribute("label"), _event_column),
    # The number of uses counts registrations, which have their own history.
    "invitation_codes": _Audited(
        "invitation_code",
        _numbered("Invitation code"),
        _event_column,
        ignored=frozenset({"uses"}),
        secret=frozenset({"code"}),
    ),
    # A login is recorded with the login attempts, not as a change of the account.
    "users": _Audited(
        "user",
        _attribute("email"),
        _no_event,
        ignored=frozenset({"last_login_at"}),
        secret=frozenset({"password_hash"}),
    ),
    "user_roles": _Audited("user_role", _user_role_label, _event_column),
}

#: The entity types the log holds, for filters.
ENTITY_TYPES: Final = tuple(sorted(policy.entity_type for policy in _AUDITED.values()))


def _policy(mapper: Mapper[Any]) -> _Audited | None:
    table = mapper.local_table
    return _AUDITED.get(str(getattr(table, "name", "")))


def _load_deleted(db: DbSession, _flush_context: UOWTransaction, _instances: Any) -> None:
    # What a deleted object held is read for its entry after the flush, when its row is gone:
    # load now what the session has not read yet.
    for obj in db.deleted:
        state = inspect(obj)
        policy = _policy(state.mapper)
        if policy is not None:
            for key in state.unloaded & {*_columns(state, policy), *policy.collections}:
                getattr(obj, key)


def _record_flush(db: DbSession, flush_context: UOWTransaction) -> None:
    rows: list[dict[str, Any]] = []
    actor: Actor | None = None
    at = clock.now()
    new = db.new
    for state, (is_delete, list_only) in list(flush_context.states.items()):
        if list_only:
            continue
        policy = _policy(state.mapper)
        if policy is None:
            continue
        obj = state.obj()
        if obj is None:
            continue
        if actor is None:
            actor = actor_of(db)
            if not actor.recorded:
                return
        if is_delete:
            action, changes = "deleted", _snapshot(db, state, policy, deleted=True)
        elif obj in new:
            action, changes = "created", _snapshot(db, state, policy, deleted=False)
        else:
            action, changes = "updated", _differences(db, state, policy)
            if not changes:
                continue
        rows.append(
            {
                "at": at,
                "actor": actor.label[:ACTOR_MAX_LENGTH],
                "user_id": actor.user_id,
                "event_id": policy.event_id(db, obj),
                "entity_type": policy.entity_type,
                "entity_id": obj.id,
                "label": policy.label(db, obj)[:LABEL_MAX_LENGTH],
                "action": action,
                "changes": changes,
            }
        )
    if rows:
        metadata = state.mapper.local_table.metadata
        db.connection().execute(insert(metadata.tables[AUDIT_TABLE]), rows)


def _columns(state: InstanceState[Any], policy: _Audited) -> Iterator[str]:
    for prop in state.mapper.column_attrs:
        if prop.key not in _BOOKKEEPING and prop.key not in policy.ignored and prop.key != "id":
            yield prop.key


def _snapshot(
    db: DbSession, state: InstanceState[Any], policy: _Audited, *, deleted: bool
) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for key in _columns(state, policy):
        value = state.dict.get(key)
        if value is None:
            continue
        shown = _shown(db, state, key, value, policy)
        changes[key] = [shown, None] if deleted else [None, shown]
    for key in policy.collections:
        members = _listed(db, state.dict.get(key) or ())
        if members:
            changes[key] = [members, None] if deleted else [None, members]
    return changes


def _differences(
    db: DbSession, state: InstanceState[Any], policy: _Audited
) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for key in _columns(state, policy):
        history = state.attrs[key].history
        if not history.added and not history.deleted:
            continue
        after = history.added[0] if history.added else None
        if history.deleted:
            before = _shown(db, state, key, history.deleted[0], policy)
        else:
            before = None if history.unchanged else UNKNOWN
        changes[key] = [before, _shown(db, state, key, after, policy)]
    for key in policy.collections:
        history = state.attrs[key].history
        if history.added or history.deleted:
            kept = list(history.unchanged)
            changes[key] = [
                _listed(db, kept + list(history.deleted)),
                _listed(db, kept + list(history.added)),
            ]
    return changes


def _shown(db: DbSession, state: InstanceState[Any], key: str, value: Any, policy: _Audited) -> Any:
    if value is None:
        return None
    if key in policy.secret:
        return SECRET
    column = state.mapper.columns[key]
    if column.foreign_keys and not column.primary_key:
        return _reference(db, state.mapper, key, value)
    return plain(value)


def _reference(db: DbSession, mapper: Mapper[Any], key: str, target_id: Any) -> str:
    """A foreign key as "Label (#id)", or "#id" for an object that is gone."""
    for relationship in mapper.relationships:
        if [c.key for c in relationship.local_columns] == [key]:
            target = _instance(db, relationship.mapper.class_, target_id)
            policy = _policy(relationship.mapper)
            if target is not None and policy is not None:
                return f"{policy.label(db, target)} (#{target_id})"
    return f"#{target_id}"


def _listed(db: DbSession, objects: Iterable[Any]) -> list[str]:
    shown = []
    for obj in objects:
        policy = _policy(inspect(obj).mapper)
        label = policy.label(db, obj) if policy is not None else str(obj)
        shown.append(f"{label} (#{obj.id})")
    return sorted(shown)


def plain(value: Any) -> Any:
    """``value`` as JSON: instants in ISO 8601 UTC, dates in ISO 8601, enums by value."""
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return str(value)


def _plain(value: Any) -> str:
    return str(plain(value))
