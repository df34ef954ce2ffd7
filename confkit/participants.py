"""Who takes part in an event, as the public may see it: organisations and delegations.

What is shown, and why:

- An organisation takes part when someone holds a role in a public session on its behalf (the
  position given with the role), when a confirmed registration names a position at it, or when
  a delegation of the event represents it. Only the organisation is shown for a registration,
  never the attendee: registering does not make anyone's name public.
- Departments are shown under the organisation they belong to (a ministry, an alliance), and the
  organisations are grouped by kind, then country.
- Delegations are published by the organisers when they record them for the event: their name,
  the organisation they represent, their head and their members by name. No address, category or
  registration detail of anyone is read here.

Read in five queries whatever the number of people.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select, union
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import aliased

from confkit.models import (
    Affiliation,
    Delegation,
    Event,
    Organisation,
    OrganisationKind,
    Person,
    Registration,
    RegistrationStatus,
    SessionRole,
)
from confkit.models.people import delegation_members
from confkit.organisation_names import full_names
from confkit.schedule import sessions_query


@dataclass(frozen=True)
class TakingPart:
    """An organisation, and the departments inside it that take part (their names below it)."""

    name: str
    departments: tuple[str, ...]


@dataclass(frozen=True)
class CountryGroup:
    """The organisations of one kind from one country; ``country`` (ISO 3166-1) is None for
    those without one, such as international organisations."""

    country: str | None
    organisations: tuple[TakingPart, ...]


@dataclass(frozen=True)
class OrganisationGroup:
    """The organisations of one kind, by country."""

    kind: OrganisationKind
    countries: tuple[CountryGroup, ...]


@dataclass(frozen=True)
class DelegationEntry:
    """A delegation as published: its name, whom it represents, its head and its members."""

    name: str
    organisation: str | None
    head: Person | None
    members: tuple[Person, ...]


@dataclass(frozen=True)
class Participants:
    """The organisations by kind (in the order of OrganisationKind) and country, and the
    delegations by name."""

    groups: tuple[OrganisationGroup, ...]
    delegations: tuple[DelegationEntry, ...]


def event_participants(db: DbSession, event: Event) -> Participants:
    """The organisations and delegations taking part in the event."""
    published = sessions_query(event).order_by(None).subquery()
    speaking_for = (
        select(Affiliation.organisation_id)
        .join(SessionRole, SessionRole.affiliation_id == Affiliation.id)
        .join(published, SessionRole.session_id == published.c.id)
    )
    registered_for = (
        select(Affiliation.organisation_id)
        .join(Registration, Registration.affiliation_id == Affiliation.id)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )
    represented = select(Delegation.organisation_id).where(
        Delegation.event_id == event.id, Delegation.organisation_id.is_not(None)
    )
    wanted = set(db.scalars(select(union(speaking_for, registered_for, represented).subquery())))
    organisations = _with_parents(db, wanted)
    return Participants(
        groups=_groups(organisations, wanted), delegations=_delegations(db, event, organisations)
    )


# id -> (parent id, name, kind, country)
OrganisationRows = dict[int, tuple[int | None, str, OrganisationKind, str | None]]


def _with_parents(db: DbSession, wanted: set[int]) -> OrganisationRows:
    """The organisations and all their parents, in one recursive query."""
    if not wanted:
        return {}
    columns = (Organisation.id, Organisation.parent_id, Organisation.name)
    chain = (
        select(*columns, Organisation.kind, Organisation.country)
        .where(Organisation.id.in_(wanted))
        .cte("chain", recursive=True)
    )
    parent = aliased(Organisation)
    chain = chain.union(
        select(parent.id, parent.parent_id, parent.name, parent.kind, parent.country).join(
            chain, parent.id == chain.c.parent_id
        )
    )
    return {
        row.id: (row.parent_id, row.name, row.kind, row.country)
        for row in db.execute(select(chain))
    }


def _chain(organisations: OrganisationRows, organisation_id: int) -> list[int]:
    """The organisation and its parents, innermost first."""
    chain = [organisation_id]
    while (parent := organisations[chain[-1]][0]) is not None and parent in organisations:
        if parent in chain:  # a cycle written into the table by hand
            break
        chain.append(parent)
    return chain


def _groups(organisations: OrganisationRows, wanted: set[int]) -> tuple[OrganisationGroup, ...]:
    departments: dict[int, set[str]] = {}
    for organisation_id in wanted:
        *inside, root = _chain(organisations, organisation_id)
        named = departments.setdefault(root, set())
        if inside:
            # "Unit, Department": the name down to, but not including, the organisation.
            named.add(", ".join(organisations[oid][1] for oid in inside))
    grouped: dict[tuple[OrganisationKind, str | None], list[TakingPart]] = defaultdict(list)
    for root, named in departments.items():
        _parent, name, kind, country = organisations[root]
        grouped[(kind, country)].append(
            TakingPart(name=name, departments=tuple(sorted(named, key=str.casefold)))
        )
    return tuple(
        OrganisationGroup(
            kind=kind,
            countries=tuple(
                CountryGroup(
                    country=country,
                    organisations=tuple(sorted(parts, key=lambda p: p.name.casefold())),
                )
                for (of_kind, country), parts in sorted(
                    grouped.items(), key=lambda item: item[0][1] or ""
                )
                if of_kind is kind
            ),
        )
        for kind in OrganisationKind
        if any(of_kind is kind for of_kind, _country in grouped)
    )


def _delegations(
    db: DbSession, event: Event, organisations: OrganisationRows
) -> tuple[DelegationEntry, ...]:
    delegations = db.execute(
        select(Delegation.id, Delegation.name, Delegation.organisation_id, Delegation.head_id)
        .where(Delegation.event_id == event.id)
        .order_by(Delegation.name, Delegation.id)
    ).all()
    if not delegations:
        return ()
    membership = db.execute(
        select(delegation_members.c.delegation_id, delegation_members.c.person_id).where(
            delegation_members.c.delegation_id.in_([d.id for d in delegations])
        )
    ).all()
    person_ids = {row.person_id for row in membership} | {
        d.head_id for d in delegations if d.head_id is not None
    }
    persons = {
        person.id: person for person in db.scalars(select(Person).where(Person.id.in_(person_ids)))
    }
    members: dict[int, list[Person]] = defaultdict(list)
    for row in membership:
        members[row.delegation_id].append(persons[row.person_id])
    names = full_names(
        {oid: (parent, name) for oid, (parent, name, _k, _c) in organisations.items()},
        {d.organisation_id for d in delegations if d.organisation_id is not None},
    )
    entries = []
    for delegation in delegations:
        head = persons.get(delegation.head_id) if delegation.head_id is not None else None
        others = sorted(
            (p for p in members[delegation.id] if p is not head),
            key=lambda p: (p.family_name.casefold(), p.given_name.casefold(), p.id),
        )
        entries.append(
            DelegationEntry(
                name=delegation.name,
                organisation=(
                    names.get(delegation.organisation_id)
                    if delegation.organisation_id is not None
                    else None
                ),
                head=head,
                members=tuple(others),
            )
        )
    return tuple(entries)
