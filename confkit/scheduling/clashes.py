"""Clash detection: which scheduled items share a room or a person at the same time.

A sweep over each room's and each person's items in start order finds every overlapping pair
in O(n log n + k) for n items and k clashes, so a whole programme is checked at once.
"""

from __future__ import annotations

import enum
import heapq
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class ClashKind(enum.StrEnum):
    ROOM = "room"
    PERSON = "person"


@dataclass(frozen=True)
class Slot:
    """A scheduled item: its identity, its time, its room and the people in it."""

    key: Any
    starts_at: datetime
    ends_at: datetime
    room: Hashable | None = None
    people: frozenset[Hashable] = field(default_factory=frozenset)


@dataclass(frozen=True, order=True)
class Clash:
    """Two items that overlap in time and share ``resource`` (a room or a person)."""

    kind: ClashKind
    resource: Any
    first: Any
    second: Any


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open intervals: one item may start the moment another ends."""
    return a_start < b_end and b_start < a_end


def find_clashes(slots: Iterable[Slot]) -> list[Clash]:
    """Every pair of slots sharing a room or a person while overlapping in time, sorted."""
    by_room: dict[Hashable, list[Slot]] = defaultdict(list)
    by_person: dict[Hashable, list[Slot]] = defaultdict(list)
    for slot in slots:
        if slot.room is not None:
            by_room[slot.room].append(slot)
        for person in slot.people:
            by_person[person].append(slot)
    clashes: list[Clash] = []
    for kind, groups in ((ClashKind.ROOM, by_room), (ClashKind.PERSON, by_person)):
        for resource, group in groups.items():
            for first, second in _overlapping_pairs(group):
                clashes.append(Clash(kind, resource, *_ordered(first.key, second.key)))
    clashes.sort(key=_sort_key)
    return clashes


def _overlapping_pairs(group: list[Slot]) -> Iterable[tuple[Slot, Slot]]:
    group.sort(key=lambda slot: (slot.starts_at, slot.ends_at))
    active: list[tuple[datetime, int, Slot]] = []  # a heap by end time
    for index, slot in enumerate(group):
        while active and active[0][0] <= slot.starts_at:
            heapq.heappop(active)
        for _end, _index, other in active:
            yield other, slot
        heapq.heappush(active, (slot.ends_at, index, slot))


def _ordered(a: Any, b: Any) -> tuple[Any, Any]:
    try:
        return (a, b) if a <= b else (b, a)
    except TypeError:
        return (a, b) if repr(a) <= repr(b) else (b, a)


def _sort_key(clash: Clash) -> tuple[str, str, str, str]:
    return (clash.kind.value, repr(clash.resource), repr(clash.first), repr(clash.second))
