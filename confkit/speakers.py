"""The people on an event's public programme: speakers, chairs, moderators and panellists, each
with the positions they appear in and their sessions.

Only roles in sessions the public programme shows count (scheduled or cancelled, not closed, not
drafts); participants of a session are not speakers. Read in four queries whatever the size of
the programme.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from confkit.models import Event, Person, RoleKind, SessionRole, SessionStatus
from confkit.schedule import affiliation_labels, event_zone, sessions_query

SPEAKING_ROLES = (RoleKind.SPEAKER, RoleKind.CHAIR, RoleKind.MODERATOR, RoleKind.PANELLIST)


@dataclass(frozen=True)
class SpeakerSession:
    """A session someone speaks in, with their role and the times in the event's zone."""

    uuid: uuid.UUID
    title: str
    # The title in other languages, as on the session (confkit.translations).
    translations: dict[str, dict[str, str]]
    role: RoleKind
    starts_at: datetime
    ends_at: datetime
    cancelled: bool


@dataclass(frozen=True)
class Speaker:
    """A person with the positions they speak in (each said once) and their sessions in order."""

    person: Person
    positions: tuple[str, ...]
    sessions: tuple[SpeakerSession, ...]

    @property
    def roles(self) -> tuple[RoleKind, ...]:
        """The roles the person holds, in the programme's order of importance."""
        held = {s.role for s in self.sessions}
        return tuple(role for role in SPEAKING_ROLES if role in held)


def event_speakers(db: DbSession, event: Event) -> tuple[Speaker, ...]:
    """The event's speakers, chairs, moderators and panellists, by family then given name."""
    published = sessions_query(event).order_by(None).subquery()
    rows = db.execute(
        select(
            SessionRole.person_id,
            SessionRole.role,
            SessionRole.affiliation_id,
            published.c.uuid,
            published.c.title,
            published.c.translations,
            published.c.starts_at,
            published.c.ends_at,
            published.c.status,
        )
        .join(published, SessionRole.session_id == published.c.id)
        .where(SessionRole.role.in_(SPEAKING_ROLES))
        .order_by(published.c.starts_at, published.c.ends_at, published.c.id, SessionRole.position)
    ).all()
    if not rows:
        return ()
    persons = {
        person.id: person
        for person in db.scalars(select(Person).where(Person.id.in_({r.person_id for r in rows})))
    }
    labels = affiliation_labels(db, {r.affiliation_id for r in rows if r.affiliation_id})
    zone = event_zone(event)
    sessions: dict[int, list[SpeakerSession]] = defaultdict(list)
    positions: dict[int, dict[str, None]] = defaultdict(dict)  # a dict keeps the first order
    for row in rows:
        sessions[row.person_id].append(
            SpeakerSession(
                uuid=row.uuid,
                title=row.title,
                translations=row.translations or {},
                role=row.role,
                starts_at=row.starts_at.astimezone(zone),
                ends_at=row.ends_at.astimezone(zone),
                cancelled=row.status is SessionStatus.CANCELLED,
            )
        )
        if row.affiliation_id in labels:
            positions[row.person_id][labels[row.affiliation_id]] = None
    speakers = [
        Speaker(
            person=persons[person_id],
            positions=tuple(positions[person_id]),
            sessions=tuple(held),
        )
        for person_id, held in sessions.items()
    ]
    speakers.sort(
        key=lambda s: (
            s.person.family_name.casefold(),
            s.person.given_name.casefold(),
            s.person.id,
        )
    )
    return tuple(speakers)
