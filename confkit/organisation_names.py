"""Organisations' full names, "Department X, Ministry Y", read without loading parents lazily."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import aliased

from confkit.models import Organisation


def full_names(
    organisations: Mapping[int, tuple[int | None, str]], wanted: Iterable[int]
) -> dict[int, str]:
    """Each wanted organisation's name with its parents', innermost first, from a map of
    id -> (parent id, name); a parent missing from the map ends the chain."""
    names: dict[int, str] = {}
    for organisation_id in wanted:
        parts: list[str] = []
        # ``seen`` ends a cycle someone wrote into the table by hand.
        seen: set[int] = set()
        current: int | None = organisation_id
        while current is not None and current in organisations and current not in seen:
            seen.add(current)
            parent_id, name = organisations[current]
            parts.append(name)
            current = parent_id
        names[organisation_id] = ", ".join(parts)
    return names


def organisation_full_names(db: DbSession, organisation_ids: Iterable[int]) -> dict[int, str]:
    """The full names of the organisations by id, their parents read in one recursive query."""
    wanted = set(organisation_ids)
    if not wanted:
        return {}
    # UNION (not UNION ALL) drops rows already seen, so even a cycle ends the recursion.
    chain = (
        select(Organisation.id, Organisation.parent_id, Organisation.name)
        .where(Organisation.id.in_(wanted))
        .cte("chain", recursive=True)
    )
    parent = aliased(Organisation)
    chain = chain.union(
        select(parent.id, parent.parent_id, parent.name).join(chain, parent.id == chain.c.parent_id)
    )
    rows = {row.id: (row.parent_id, row.name) for row in db.execute(select(chain))}
    return full_names(rows, wanted)
