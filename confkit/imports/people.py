"""What every importer needs to place names it reads: people found or split, and free slugs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from confkit.models import Person
from confkit.text import slugify

T = TypeVar("T")

# Keeps each IN list well below the parameter limits of SQLite and PostgreSQL.
IN_CHUNKS_OF = 500
# Words that open a display name as a title rather than a given name.
HONORIFICS = frozenset(
    {
        "dr",
        "prof",
        "professor",
        "mr",
        "mrs",
        "ms",
        "h.e",
        "colonel",
        "col",
        "general",
        "gen",
        "major",
        "captain",
        "admiral",
        "ambassador",
        "sir",
        "dame",
    }
)


def existing_persons(db: DbSession, names: Sequence[str]) -> dict[str, Person]:
    """The existing person for each name: the first (oldest) whose name with honorific is
    exactly it, else whose name without honorific is."""
    # A family name is a run of words at the end of a name, so ask only for those.
    tails = sorted(
        {" ".join(words[i:]) for words in (n.split(" ") for n in names) for i in range(len(words))}
    )
    candidates: list[Person] = []
    for chunk in chunks(tails):
        candidates += db.scalars(select(Person).where(Person.family_name.in_(chunk)))
    candidates.sort(key=lambda person: person.id)
    found: dict[str, Person] = {}
    for attribute in ("name", "display_name"):  # the later, better match wins
        for person in reversed(candidates):
            found[getattr(person, attribute)] = person
    return {name: found[name] for name in names if name in found}


def split_display_name(display_name: str) -> tuple[str, str, str]:
    """(honorific, given name, family name) of "Dr Anar Mutallimov"; the last word is the family
    name, leading titles the honorific."""
    words = display_name.split()
    titles = []
    while len(words) > 1 and words[0].rstrip(".").lower() in HONORIFICS:
        titles.append(words.pop(0))
    return " ".join(titles), " ".join(words[:-1]), words[-1] if words else ""


def free_slug(name: str, taken: set[str], *, fallback: str) -> str:
    """A slug for ``name`` that is not in ``taken`` ("room", "room-2", ...); it is added there."""
    base = slugify(name, fallback=fallback, max_length=90)
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def chunks(items: Sequence[T]) -> list[list[T]]:
    """``items`` in lists of at most ``IN_CHUNKS_OF``."""
    return [list(items[i : i + IN_CHUNKS_OF]) for i in range(0, len(items), IN_CHUNKS_OF)]


def person_by_email(db: DbSession, email: str) -> Person | None:
    """The person with that address, whatever its letter case (the oldest if several)."""
    return db.scalars(
        select(Person).where(func.lower(Person.email) == email.strip().lower()).order_by(Person.id)
    ).first()
