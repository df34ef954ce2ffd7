"""A new person's registration from the public form, written in as few round trips as the
database allows.

An address nobody has used yet writes four rows: the person, the unconfirmed registration, its
first history entry and the confirmation mail. PostgreSQL takes the four INSERTs as one
statement (each a data-modifying CTE feeding its id to the next), so the registrations of a
busy form cost one round trip for their writes; SQLite, running in the process, takes them one
after the other.

Either way the person is only written when no person has the address yet, in any letter case,
and a person with exactly that address stored by another transaction meanwhile makes the
insert do nothing rather than fail: nothing at all is then written. On PostgreSQL the rows can
also be written only if the event still has a given fingerprint
(:mod:`confkit.services.kept_events`); otherwise, again, nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Executable, Integer, Table, Text, bindparam, exists, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session as DbSession

from confkit.db import table_of
from confkit.models import OutboxMessage, Person, Registration, RegistrationChange
from confkit.services.kept_events import fingerprint_of

_PERSONS = table_of(Person)
_REGISTRATIONS = table_of(Registration)
_CHANGES = table_of(RegistrationChange)
_MESSAGES = table_of(OutboxMessage)


@dataclass(frozen=True)
class FirstRegistrationRows:
    """The columns of the four rows, each without the ids the database gives the rows before it:
    ``registration`` has no ``person_id``, ``change`` and ``message`` no ``registration_id``."""

    person: Mapping[str, Any]
    registration: Mapping[str, Any]
    change: Mapping[str, Any]
    message: Mapping[str, Any]


def insert_first_registration(
    db: DbSession, rows: FirstRegistrationRows, *, event_fingerprint: str | None = None
) -> tuple[int, int] | None:
    """Write the four rows; (person id, registration id), or None, writing nothing, when a
    person has the address already or, given ``event_fingerprint`` (PostgreSQL only), when
    the registration's event no longer has that fingerprint."""
    email = rows.person["email"]
    if db.get_bind().dialect.name == "postgresql":
        statement = _one_statement(
            tuple(rows.person),
            tuple(rows.registration),
            tuple(rows.change),
            tuple(rows.message),
            guarded=event_fingerprint is not None,
        )
        parameters = {
            **_prefixed("p_", rows.person),
            "p_email_lower": email.lower(),
            **_prefixed("r_", rows.registration),
            **_prefixed("c_", rows.change),
            **_prefixed("m_", rows.message),
        }
        if event_fingerprint is not None:
            parameters["p_event_id"] = rows.registration["event_id"]
            parameters["p_event_fingerprint"] = event_fingerprint
        written = db.connection().execute(statement, parameters).first()
        return None if written is None else (written.person_id, written.id)
    if event_fingerprint is not None:
        raise ValueError("only PostgreSQL gives rows the ids a fingerprint is made of")
    connection = db.connection()
    person_id = connection.scalar(
        _new_person("sqlite", tuple(rows.person), ""), {**rows.person, "email_lower": email.lower()}
    )
    if person_id is None:
        return None
    registration_id = connection.scalar(
        insert(_REGISTRATIONS).returning(_REGISTRATIONS.c.id),
        {**rows.registration, "person_id": person_id},
    )
    connection.execute(insert(_CHANGES), {**rows.change, "registration_id": registration_id})
    connection.execute(insert(_MESSAGES), {**rows.message, "registration_id": registration_id})
    return person_id, registration_id


def _prefixed(prefix: str, values: Mapping[str, Any]) -> dict[str, Any]:
    return {prefix + name: value for name, value in values.items()}


def _bound(table: Table, columns: Sequence[str], prefix: str) -> list[Any]:
    return [bindparam(prefix + name, type_=table.c[name].type) for name in columns]


@cache
def _new_person(
    dialect: str, columns: tuple[str, ...], prefix: str, *, guarded: bool = False
) -> Any:
    same_address = func.lower(_PERSONS.c.email) == bindparam(prefix + "email_lower")
    values = select(*_bound(_PERSONS, columns, prefix)).where(~exists().where(same_address))
    if guarded:
        event_id = bindparam(prefix + "event_id", type_=Integer)
        values = values.where(
            fingerprint_of(event_id) == bindparam(prefix + "event_fingerprint", type_=Text)
        )
    statement = (
        postgresql.insert(_PERSONS) if dialect == "postgresql" else sqlite.insert(_PERSONS)
    ).from_select(columns, values)
    return statement.on_conflict_do_nothing(index_elements=[_PERSONS.c.email]).returning(
        _PERSONS.c.id
    )


@cache
def _one_statement(
    person: tuple[str, ...],
    registration: tuple[str, ...],
    change: tuple[str, ...],
    message: tuple[str, ...],
    *,
    guarded: bool,
) -> Executable:
    # Built once per set of columns, which is once per process.
    new_person = _new_person("postgresql", person, "p_", guarded=guarded).cte("new_person")
    new_registration = (
        insert(_REGISTRATIONS)
        .from_select(
            [*registration, "person_id"],
            select(*_bound(_REGISTRATIONS, registration, "r_"), new_person.c.id),
        )
        .returning(_REGISTRATIONS.c.id, _REGISTRATIONS.c.person_id)
        .cte("new_registration")
    )
    new_change = (
        insert(_CHANGES)
        .from_select(
            [*change, "registration_id"],
            select(*_bound(_CHANGES, change, "c_"), new_registration.c.id),
        )
        .cte("new_change")
    )
    new_message = (
        insert(_MESSAGES)
        .from_select(
            [*message, "registration_id"],
            select(*_bound(_MESSAGES, message, "m_"), new_registration.c.id),
        )
        .cte("new_message")
    )
    # PostgreSQL runs every data-modifying CTE to completion whether or not the main query
    # reads it; add_cte puts the two nobody reads into the statement.
    return select(new_registration.c.person_id, new_registration.c.id).add_cte(
        new_change, new_message
    )
