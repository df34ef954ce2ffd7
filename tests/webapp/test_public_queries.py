"""The public pages read a programme in a fixed number of SQL statements, whatever its size.

Each page is rendered for a programme of 20 and of 400 sessions; the statements counted through
the app must be the same in number (and few). A lazy load in a template or a query per session,
speaker or organisation would make the larger programme's count grow.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Connection, insert
from sqlalchemy.orm import Session as DbSession

from confkit import clock, services
from confkit.models import (
    Affiliation,
    Event,
    Organisation,
    Person,
    ProgrammeSession,
    Registration,
    SessionRole,
)
from tests.confkit.test_schedule import counting_queries

NOW = datetime(2024, 11, 1, 12, 0, tzinfo=UTC)
ROLES = ("chair", "speaker", "panellist", "moderator", "participant")


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


def insert_rows(db: DbSession, model: type, rows: list[dict]) -> list[int]:
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)  # type: ignore[attr-defined]
    return list(db.scalars(statement, rows))


def build_programme(
    db: DbSession,
    make_event: Callable[..., Event],
    make_registration: Callable[..., Registration],
    n: int,
) -> tuple[Event, uuid.UUID]:
    """An event of ``n`` sessions in four rooms over three days, every fourth one cancelled and
    every seventh closed, each with three people at departments two levels inside a ministry;
    ``n // 20`` confirmed registrations and ``n // 40 + 1`` delegations. Returns the event and the
    UUID of a public session with people and a track."""
    event = make_event(
        starts_on=date(2024, 11, 25), ends_on=date(2024, 11, 27), languages=["en", "az"]
    )
    services.update_event(db, event, capacity=None)
    rooms = [services.add_room(db, event, slug=f"room-{i}", name=f"Room {i}").id for i in range(4)]
    tracks = [
        services.add_track(db, event, slug=f"track-{i}", name=f"Track {i}").id for i in range(3)
    ]
    ministry = services.create_organisation(db, name="Ministry", kind="government", country="AZ")
    departments = insert_rows(
        db,
        Organisation,
        [
            {
                "name": f"Department {i}",
                "kind": "government",
                "country": "AZ",
                "parent_id": ministry.id,
            }
            for i in range(n)
        ],
    )
    units = insert_rows(
        db,
        Organisation,
        [
            {"name": f"Unit {i}", "kind": "academia", "country": "GE", "parent_id": department}
            for i, department in enumerate(departments)
        ],
    )
    people = insert_rows(
        db,
        Person,
        [
            {"given_name": "Person", "family_name": f"Number {i}", "honorific": "Dr", "bio": "",
             "created_at": NOW, "updated_at": NOW}
            for i in range(3 * n)
        ],
    )  # fmt: skip
    positions = insert_rows(
        db,
        Affiliation,
        [
            {"person_id": person, "organisation_id": units[i // 3], "position_title": "Head"}
            for i, person in enumerate(people)
        ],
    )
    starts = datetime(2024, 11, 25, 5, tzinfo=UTC)
    sessions = insert_rows(
        db,
        ProgrammeSession,
        [
            {
                "uuid": uuid.uuid4(),
                "event_id": event.id,
                "kind": ("talk", "panel", "plenary", "break")[i % 4],
                "title": f"Session {i}",
                "abstract": "About it.",
                "starts_at": starts + timedelta(days=i % 3, minutes=20 * (i // 12)),
                "ends_at": starts + timedelta(days=i % 3, minutes=20 * (i // 12) + 40),
                "room_id": rooms[i % 4] if i % 5 else None,
                "track_id": tracks[i % 3],
                "language": ("en", "az", None)[i % 3],
                "status": "cancelled" if i % 4 == 1 else "scheduled",
                "visibility": "closed" if i % 7 == 6 else "public",
                "sequence": 0,
                "created_at": NOW,
                "modified_at": NOW,
            }
            for i in range(n)
        ],
    )
    db.execute(
        insert(SessionRole),
        [
            {
                "session_id": session,
                "person_id": people[3 * i + k],
                "role": ROLES[(i + k) % len(ROLES)],
                "position": k,
                "affiliation_id": positions[3 * i + k],
            }
            for i, session in enumerate(sessions)
            for k in range(3)
        ],
    )
    for i in range(n // 20):
        registration = make_registration(event)
        registration.affiliation_id = positions[i]
    for i in range(n // 40 + 1):
        services.create_delegation(
            db,
            event,
            name=f"Delegation {i}",
            head=people[i],
            members=people[i : i + 5],
            organisation=departments[i],
        )
    db.flush()
    db.expunge_all()
    return event, db.get(ProgrammeSession, sessions[0]).uuid  # type: ignore[union-attr]


PAGES = {
    "event": lambda slug, _session: f"/events/{slug}/",
    "programme": lambda slug, _session: f"/events/{slug}/schedule",
    "filtered programme": lambda slug, _session: (
        f"/events/{slug}/schedule?track=track-0&kind=talk&language=en"
    ),
    "bad filter": lambda slug, _session: f"/events/{slug}/schedule?kind=concert",
    "session": lambda slug, session: f"/events/{slug}/sessions/{session}",
    "speakers": lambda slug, _session: f"/events/{slug}/speakers",
    "participants": lambda slug, _session: f"/events/{slug}/participants",
}  # fmt: skip


# What each page reads, besides the SAVEPOINT and RELEASE the tests' transaction adds: the event,
# then for the programme its tracks, the kinds and languages it has, the sessions, rooms, roles,
# people, positions and organisations (one recursive query); for a session the same for one
# session plus the rest of its track; for the speakers their roles, people, positions and
# organisations; for the participants the organisations taking part, their parents, the
# delegations, their members and those people. The event page counts the registrations.
MOST_STATEMENTS = {
    "event": 2 + 2,
    "programme": 2 + 9,
    "filtered programme": 2 + 9,
    "bad filter": 2 + 3,
    "session": 2 + 9,
    "speakers": 2 + 5,
    "participants": 2 + 6,
}


@pytest.mark.parametrize("page", PAGES)
def test_a_page_runs_as_many_statements_for_20_as_for_400_sessions(
    page: str,
    client: FlaskClient,
    connection: Connection,
    db: DbSession,
    make_event,
    make_registration,
) -> None:
    counts = []
    sizes = []
    for n in (20, 400):
        event, session_uuid = build_programme(db, make_event, make_registration, n)
        path = PAGES[page](event.slug, session_uuid)
        with counting_queries(connection) as statements:
            response = client.get(path)
        assert response.status_code == (400 if page == "bad filter" else 200)
        counts.append(len(statements))
        sizes.append(len(response.get_data()))

    assert counts[0] == counts[1], f"{page}: {counts[0]} statements for 20, {counts[1]} for 400"
    assert counts[0] <= MOST_STATEMENTS[page], f"{page}: {counts[0]} statements"
    if page not in ("event", "bad filter"):
        assert sizes[1] > sizes[0]  # the larger programme was really read
