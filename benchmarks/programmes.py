"""Generated programmes for the benchmarks, inserted in bulk (the services would check each row).

20 rooms are filled from 08:00 with sessions of 30 to 120 minutes, some shifted to overlap their
neighbour, each with one to four people drawn from a pool a quarter the size of the programme,
every person holding a position at one of 50 organisations.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert

from confkit import services
from confkit.db import Store
from confkit.models import Affiliation, Organisation, Person, ProgrammeSession, SessionRole

ROOMS = 20
TRACKS = 8
SESSIONS_PER_ROOM_AND_DAY = 8
NOW = datetime(2030, 1, 1, tzinfo=UTC)
KINDS = ("talk", "panel", "workshop", "keynote")
ABSTRACT = (
    "A discussion of energy security, partnership and the practice of peacekeeping, with "
    "questions from the floor. Ətraflı müzakirə; обсуждение."
)


def generate_programme(
    store: Store, sessions: int, *, overlap_rate: float = 0.0, timezone: str = "Asia/Baku"
) -> int:
    """Insert an event with ``sessions`` public sessions; return the event's id."""
    rng = random.Random(f"{sessions}-{overlap_rate}-{timezone}")
    days = max(1, -(-sessions // (ROOMS * SESSIONS_PER_ROOM_AND_DAY)))
    with store.transaction() as db:
        venue = services.create_venue(db, name="Benchmark venue", city="Baku", country="AZ")
        event = services.create_event(
            db,
            slug=f"bench-{sessions}-{uuid.UUID(int=rng.getrandbits(128)).hex[:8]}",
            name=f"Benchmark conference of {sessions} sessions",
            timezone=timezone,
            starts_on=date(2030, 1, 1),
            ends_on=date(2030, 1, 1) + timedelta(days=days - 1),
            venue=venue,
            now=NOW,
        )
        rooms = [
            services.add_room(db, event, slug=f"room-{i}", name=f"Room {i}", now=NOW).id
            for i in range(ROOMS)
        ]
        tracks = [
            services.add_track(db, event, slug=f"track-{i}", name=f"Track {i}", now=NOW).id
            for i in range(TRACKS)
        ]
        organisations = _insert(
            db,
            Organisation,
            [{"name": f"Institute {i}", "kind": "academia", "country": "AZ"} for i in range(50)],
        )
        pool = max(10, sessions // 4)
        people = _insert(
            db,
            Person,
            [
                {
                    "given_name": "Speaker",
                    "family_name": f"Number {i}",
                    "honorific": "Dr",
                    "bio": "",
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for i in range(pool)
            ],
        )
        positions = _insert(
            db,
            Affiliation,
            [
                {
                    "person_id": person,
                    "organisation_id": rng.choice(organisations),
                    "position_title": "Senior Fellow",
                }
                for person in people
            ],
        )
        position_of = dict(zip(people, positions, strict=True))
        rows, ends = [], {}
        first_day = datetime(2030, 1, 1, 8, tzinfo=UTC)
        for index in range(sessions):
            room = rooms[index % ROOMS]
            day = (index // ROOMS) // SESSIONS_PER_ROOM_AND_DAY
            start = ends.get((room, day)) or first_day + timedelta(days=day)
            if rng.random() < overlap_rate:
                start -= timedelta(minutes=15)
            length = timedelta(minutes=rng.choice((30, 45, 60, 90, 120)))
            ends[(room, day)] = start + length
            rows.append(
                {
                    "uuid": uuid.UUID(int=rng.getrandbits(128)),
                    "event_id": event.id,
                    "kind": rng.choice(KINDS),
                    "title": f"Session {index}: Ölkələr və tərəfdaşlıq",
                    "abstract": ABSTRACT,
                    "starts_at": start,
                    "ends_at": start + length,
                    "room_id": room,
                    "track_id": rng.choice(tracks),
                    "status": "cancelled" if rng.random() < 0.02 else "scheduled",
                    "visibility": "public",
                    "sequence": 0,
                    "created_at": NOW,
                    "modified_at": NOW,
                }
            )
        session_ids = _insert(db, ProgrammeSession, rows)
        roles = []
        for session_id in session_ids:
            for position, person in enumerate(rng.sample(people, rng.randint(1, 4))):
                roles.append(
                    {
                        "session_id": session_id,
                        "person_id": person,
                        "role": "speaker",
                        "position": position,
                        "affiliation_id": position_of[person],
                    }
                )
        db.execute(insert(SessionRole), roles)
        return event.id


def _insert(db: Any, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    ordered = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.scalars(ordered, rows).all())
