"""Organiser services for people, organisations, affiliations and delegations.

Every function takes the caller's database session, flushes, and never commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.errors import ValidationError
from confkit.i18n import N_
from confkit.models import (
    Affiliation,
    Delegation,
    Event,
    Organisation,
    OrganisationKind,
    Person,
    ProgrammeSession,
    SessionRole,
)
from confkit.organisation_names import full_names
from confkit.services.checks import Problems
from confkit.services.common import UNSET, Unset, as_enum, resolve, savepoint
from confkit.services.sequence import touch_sessions

EMAIL_MAX_LENGTH = 320
BIO_MAX_LENGTH = 10_000


def create_person(
    db: DbSession,
    *,
    given_name: str,
    family_name: str,
    honorific: str = "",
    email: str | None = None,
    bio: str = "",
    now: datetime | None = None,
) -> Person:
    """Create a person. Names may be in any script. Raises ValidationError."""
    values = {
        "given_name": given_name,
        "family_name": family_name,
        "honorific": honorific,
        "email": _normalise_email(email),
        "bio": bio,
    }
    _check_person(db, values, own_id=None)
    stamp = now or clock.now()
    with savepoint(db, {"uq_persons_email": "email"}):
        person = Person(**values, created_at=stamp, updated_at=stamp)
        db.add(person)
    return person


def update_person(
    db: DbSession,
    person: Person,
    *,
    given_name: str | Unset = UNSET,
    family_name: str | Unset = UNSET,
    honorific: str | Unset = UNSET,
    email: str | None | Unset = UNSET,
    bio: str | Unset = UNSET,
    now: datetime | None = None,
) -> Person:
    """Change a person. A new name reaches every session they hold a role in. Raises
    ValidationError."""
    given = {
        "given_name": given_name,
        "family_name": family_name,
        "honorific": honorific,
        "email": email if email is UNSET else _normalise_email(email),
        "bio": bio,
    }
    values = {k: getattr(person, k) if v is UNSET else v for k, v in given.items()}
    _check_person(db, values, own_id=person.id)
    renamed = any(
        values[k] != getattr(person, k) for k in ("given_name", "family_name", "honorific")
    )
    stamp = now or clock.now()
    with savepoint(db, {"uq_persons_email": "email"}):
        for name, value in values.items():
            setattr(person, name, value)
        person.updated_at = stamp
        if renamed:
            touch_sessions(db, _sessions_of(db, person_ids=[person.id]), stamp)
    return person


def _normalise_email(email: str | None) -> str | None:
    if email is None or not email.strip():
        return None
    local, _, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}" if local else email.strip()


def _check_person(db: DbSession, values: dict[str, Any], *, own_id: int | None) -> None:
    problems = Problems()
    problems.text("given_name", values["given_name"], max_length=200, required=False)
    problems.text("family_name", values["family_name"], max_length=200)
    problems.text("honorific", values["honorific"], max_length=100, required=False)
    # PostgreSQL refuses a NUL byte outright: without this check it would fail the transaction.
    problems.text("bio", values["bio"], max_length=BIO_MAX_LENGTH, required=False)
    email = values["email"]
    if email is not None:
        local, at, domain = email.rpartition("@")
        if not at or not local or "." not in domain or len(email) > EMAIL_MAX_LENGTH:
            problems.add("email", N_("%(email)s is not an email address"), email=repr(email))
        else:
            query = select(Person.id).where(Person.email == email)
            if own_id is not None:
                query = query.where(Person.id != own_id)
            with db.no_autoflush:
                if db.scalar(query) is not None:
                    problems.add("email", N_("belongs to another person"))
    problems.raise_if_any()


@dataclass(frozen=True)
class OrganisationChoice:
    """An organisation as a list offers it: its id and its full name."""

    id: int
    full_name: str


def organisation_choices(db: DbSession) -> list[OrganisationChoice]:
    """Every organisation with its full name ("Department X, Ministry Y"), sorted by that name,
    read in one query however deep the departments go."""
    rows = db.execute(select(Organisation.id, Organisation.parent_id, Organisation.name))
    organisations = {row.id: (row.parent_id, row.name) for row in rows}
    names = full_names(organisations, organisations)
    choices = [OrganisationChoice(key, name) for key, name in names.items()]
    return sorted(choices, key=lambda choice: (choice.full_name.casefold(), choice.id))


def create_organisation(
    db: DbSession,
    *,
    name: str,
    kind: OrganisationKind | str,
    country: str | None = None,
    short_name: str | None = None,
    parent: Organisation | int | None = None,
) -> Organisation:
    """Create an organisation, optionally inside a parent (a department of a ministry).
    Raises ValidationError."""
    values = _organisation_values(
        db, name=name, kind=kind, country=country, short_name=short_name, parent=parent, own=None
    )
    with savepoint(db):
        organisation = Organisation(**values)
        db.add(organisation)
    return organisation


def update_organisation(
    db: DbSession,
    organisation: Organisation,
    *,
    name: str | Unset = UNSET,
    kind: OrganisationKind | str | Unset = UNSET,
    country: str | None | Unset = UNSET,
    short_name: str | None | Unset = UNSET,
    parent: Organisation | int | None | Unset = UNSET,
    now: datetime | None = None,
) -> Organisation:
    """Change an organisation; a parent that would make a cycle is refused. A new name or parent
    reaches every session showing a position there. Raises ValidationError."""
    values = _organisation_values(
        db,
        name=organisation.name if name is UNSET else name,
        kind=organisation.kind if kind is UNSET else kind,
        country=organisation.country if country is UNSET else country,
        short_name=organisation.short_name if short_name is UNSET else short_name,
        parent=organisation.parent if parent is UNSET else parent,
        own=organisation,
    )
    relabelled = values["name"] != organisation.name or values["parent"] is not organisation.parent
    with savepoint(db):
        if relabelled:
            # Positions are shown with the organisation's full name, parents included.
            touch_sessions(
                db, _sessions_showing(db, _with_departments(organisation)), now or clock.now()
            )
        for attribute, value in values.items():
            setattr(organisation, attribute, value)
    return organisation


def _with_departments(organisation: Organisation) -> list[int]:
    """The ids of the organisation and every department below it."""
    ids, pending = [], [organisation]
    while pending:
        current = pending.pop()
        ids.append(current.id)
        pending.extend(current.departments)
    return ids


def _sessions_showing(db: DbSession, organisation_ids: list[int]) -> list[ProgrammeSession]:
    """Sessions in which someone holds a role in a position at one of these organisations."""
    shown_in = (
        select(SessionRole.session_id)
        .join(Affiliation, SessionRole.affiliation_id == Affiliation.id)
        .where(Affiliation.organisation_id.in_(organisation_ids))
    )
    return list(db.scalars(select(ProgrammeSession).where(ProgrammeSession.id.in_(shown_in))))


def _organisation_values(
    db: DbSession,
    *,
    name: str,
    kind: OrganisationKind | str,
    country: str | None,
    short_name: str | None,
    parent: Organisation | int | None,
    own: Organisation | None,
) -> dict[str, Any]:
    problems = Problems()
    problems.text("name", name, max_length=300)
    problems.text("short_name", short_name, max_length=50, required=False)
    problems.country("country", country)
    values: dict[str, Any] = {"name": name, "country": country, "short_name": short_name}
    try:
        values["kind"] = as_enum(OrganisationKind, kind, field="kind")
    except ValidationError as error:
        problems.items.extend(error.problems)
    values["parent"] = None
    if parent is not None:
        try:
            resolved = resolve(db, Organisation, parent, field="parent")
        except ValidationError as error:
            problems.items.extend(error.problems)
        else:
            ancestor: Organisation | None = resolved
            while ancestor is not None:
                if own is not None and ancestor is own:
                    problems.add("parent", N_("would make the organisation its own parent"))
                    break
                ancestor = ancestor.parent
            values["parent"] = resolved
    problems.raise_if_any()
    return values


def add_affiliation(
    db: DbSession,
    person: Person | int,
    organisation: Organisation | int,
    *,
    position_title: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Affiliation:
    """Record a person's position at an organisation. Raises ValidationError."""
    problems = Problems()
    resolved_person = problems.collect(lambda: resolve(db, Person, person, field="person"))
    resolved_organisation = problems.collect(
        lambda: resolve(db, Organisation, organisation, field="organisation")
    )
    _check_period(problems, position_title, starts_on, ends_on)
    problems.raise_if_any()
    with savepoint(db):
        affiliation = Affiliation(
            person=resolved_person,
            organisation=resolved_organisation,
            position_title=position_title.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
        )
        db.add(affiliation)
    return affiliation


def update_affiliation(
    db: DbSession,
    affiliation: Affiliation,
    *,
    position_title: str | Unset = UNSET,
    starts_on: date | None | Unset = UNSET,
    ends_on: date | None | Unset = UNSET,
    now: datetime | None = None,
) -> Affiliation:
    """Change a position or its period; sessions that show it are updated. Raises
    ValidationError."""
    title = affiliation.position_title if position_title is UNSET else position_title
    start = affiliation.starts_on if starts_on is UNSET else starts_on
    end = affiliation.ends_on if ends_on is UNSET else ends_on
    problems = Problems()
    _check_period(problems, title, start, end)
    problems.raise_if_any()
    retitled = title.strip() != affiliation.position_title
    with savepoint(db):
        if retitled and affiliation.id is not None:
            shown_in = select(SessionRole.session_id).where(
                SessionRole.affiliation_id == affiliation.id
            )
            sessions = db.scalars(select(ProgrammeSession).where(ProgrammeSession.id.in_(shown_in)))
            touch_sessions(db, sessions.all(), now or clock.now())
        affiliation.position_title, affiliation.starts_on, affiliation.ends_on = (
            title.strip(),
            start,
            end,
        )
    return affiliation


def _check_period(
    problems: Problems, title: str, starts_on: date | None, ends_on: date | None
) -> None:
    problems.text("position_title", title, max_length=300, required=False)
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        problems.add("ends_on", N_("is before the position starts"))


def create_delegation(
    db: DbSession,
    event: Event,
    *,
    name: str,
    head: Person | int | None = None,
    members: Iterable[Person | int] = (),
    organisation: Organisation | int | None = None,
) -> Delegation:
    """Create a delegation of an event; its head is always one of its members. Raises
    ValidationError."""
    problems = Problems()
    problems.text("name", name, max_length=300)
    member_list = _resolve_members(db, problems, members)
    resolved_head = None
    if head is not None:
        resolved_head = problems.collect(lambda: resolve(db, Person, head, field="head"))
    resolved_organisation = None
    if organisation is not None:
        resolved_organisation = problems.collect(
            lambda: resolve(db, Organisation, organisation, field="organisation")
        )
    problems.raise_if_any()
    if resolved_head is not None and resolved_head not in member_list:
        member_list.insert(0, resolved_head)
    with savepoint(db):
        delegation = Delegation(
            event=event,
            name=name.strip(),
            head=resolved_head,
            organisation=resolved_organisation,
            members=member_list,
        )
        db.add(delegation)
    return delegation


def update_delegation(
    db: DbSession,
    delegation: Delegation,
    *,
    name: str | Unset = UNSET,
    head: Person | int | None | Unset = UNSET,
    members: Iterable[Person | int] | Unset = UNSET,
    organisation: Organisation | int | None | Unset = UNSET,
) -> Delegation:
    """Rename a delegation, change its head or replace its members. Raises ValidationError."""
    problems = Problems()
    new_name = delegation.name if name is UNSET else name
    problems.text("name", new_name, max_length=300)
    member_list = (
        list(delegation.members) if members is UNSET else _resolve_members(db, problems, members)
    )
    new_head = delegation.head
    if head is not UNSET:
        new_head = (
            None
            if head is None
            else problems.collect(lambda: resolve(db, Person, head, field="head"))
        )
    new_organisation = delegation.organisation
    if organisation is not UNSET:
        new_organisation = (
            None
            if organisation is None
            else problems.collect(
                lambda: resolve(db, Organisation, organisation, field="organisation")
            )
        )
    problems.raise_if_any()
    if new_head is not None and new_head not in member_list:
        member_list.insert(0, new_head)
    with savepoint(db):
        delegation.name, delegation.head = new_name.strip(), new_head
        delegation.members, delegation.organisation = member_list, new_organisation
    return delegation


def _resolve_members(
    db: DbSession, problems: Problems, members: Iterable[Person | int]
) -> list[Person]:
    resolved: list[Person] = []
    for index, member in enumerate(members):
        try:
            person = resolve(db, Person, member, field=f"members[{index}]")
        except ValidationError as error:
            problems.items.extend(error.problems)
            continue
        if person not in resolved:
            resolved.append(person)
    return resolved


def _sessions_of(db: DbSession, *, person_ids: list[int]) -> list[ProgrammeSession]:
    holding = select(SessionRole.session_id).where(SessionRole.person_id.in_(person_ids))
    return list(db.scalars(select(ProgrammeSession).where(ProgrammeSession.id.in_(holding))))
