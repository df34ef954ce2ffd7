"""The clash sweep, checked against a brute-force oracle on random programmes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from confkit.scheduling.clashes import Clash, ClashKind, Slot, find_clashes, overlaps

BASE = datetime(2024, 11, 26, 5, 0, tzinfo=UTC)


def brute_force(slots: list[Slot]) -> list[Clash]:
    found = set()
    for a, b in combinations(slots, 2):
        if not overlaps(a.starts_at, a.ends_at, b.starts_at, b.ends_at):
            continue
        first, second = sorted((a.key, b.key))
        if a.room is not None and a.room == b.room:
            found.add(Clash(ClashKind.ROOM, a.room, first, second))
        for person in a.people & b.people:
            found.add(Clash(ClashKind.PERSON, person, first, second))
    return sorted(found)


@st.composite
def programmes(draw: st.DrawFn) -> list[Slot]:
    count = draw(st.integers(min_value=0, max_value=40))
    slots = []
    for key in range(count):
        start = draw(st.integers(min_value=0, max_value=48)) * 15
        length = draw(st.integers(min_value=1, max_value=12)) * 15
        room = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=4)))
        people = draw(st.frozensets(st.integers(min_value=1, max_value=8), max_size=3))
        slots.append(
            Slot(
                key,
                BASE + timedelta(minutes=start),
                BASE + timedelta(minutes=start + length),
                room,
                people,
            )
        )
    return slots


@settings(max_examples=300, deadline=None)
@given(programmes())
def test_sweep_finds_exactly_the_pairs_the_oracle_finds(slots: list[Slot]) -> None:
    assert sorted(find_clashes(slots)) == brute_force(slots)


def test_back_to_back_sessions_do_not_clash() -> None:
    hour = timedelta(hours=1)
    slots = [
        Slot(1, BASE, BASE + hour, "hall", frozenset({7})),
        Slot(2, BASE + hour, BASE + 2 * hour, "hall", frozenset({7})),
    ]
    assert find_clashes(slots) == []


def test_a_long_session_clashes_with_each_one_inside_it() -> None:
    day = Slot(0, BASE, BASE + timedelta(hours=8), "hall")
    inside = [
        Slot(i, BASE + timedelta(hours=i), BASE + timedelta(hours=i, minutes=30), "hall")
        for i in range(1, 4)
    ]
    clashes = find_clashes([day, *inside])
    assert [(c.first, c.second) for c in clashes] == [(0, 1), (0, 2), (0, 3)]
    assert {c.kind for c in clashes} == {ClashKind.ROOM}
