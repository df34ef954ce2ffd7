"""Building a demo event from plain data, only through the confkit services.

The demo events are written as specs (organisations, people, sessions) and loaded by
``DemoBuilder``, which calls the same services an organiser's form does, so every rule they
check (clashes, zones, capacities, unique slugs) also holds for the demo.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from confkit import services
from confkit.models import (
    Affiliation,
    Event,
    Organisation,
    OrganisationKind,
    Person,
    ProgrammeSession,
    Registration,
    RegistrationCategory,
    RegistrationStatus,
    RoleKind,
    Room,
    SessionKind,
    Track,
    Venue,
    Visibility,
)
from confkit.services.content_translations import set_event_translation, set_session_translation

# Fixed forever: session UUIDs are iCal UIDs and frab guids that calendars keep, so the demo's
# sessions get the same UUID on every machine and every load.
DEMO_NAMESPACE = uuid.UUID("61a4eccb-8bbc-40bc-bd36-d558a0607b4b")

FICTIONAL_PANELLIST_BIO = "Fictional panellist for the demo."
FICTIONAL_MODERATOR_BIO = "Fictional moderator for the demo."
FICTIONAL_SPEAKER_BIO = "Fictional speaker for the demo."
FICTIONAL_ATTENDEE_BIO = "Fictional attendee for the demo."

# Content in other languages: language code -> field ("name", "title", ...) -> text.
Texts = Mapping[str, Mapping[str, str]]


def demo_session_uuid(event_slug: str, key: str) -> uuid.UUID:
    """The permanent UUID of the demo session ``key`` of the event ``event_slug``."""
    return uuid.uuid5(DEMO_NAMESPACE, f"{event_slug}/{key}")


@dataclass(frozen=True)
class OrganisationSpec:
    """An organisation; ``parent`` is the key of another spec (a department's ministry)."""

    key: str
    name: str
    kind: OrganisationKind
    country: str | None = None
    short_name: str | None = None
    parent: str | None = None


@dataclass(frozen=True)
class PositionSpec:
    """A position a person holds at the organisation with key ``organisation``."""

    organisation: str
    title: str


@dataclass(frozen=True)
class PersonSpec:
    """A person, known across events by ``email``; the first position is shown in sessions."""

    email: str
    given_name: str
    family_name: str
    honorific: str = ""
    bio: str = ""
    positions: tuple[PositionSpec, ...] = ()


@dataclass(frozen=True)
class RoleSpec:
    """``person`` (an email of a PersonSpec) holds ``role`` in a session."""

    person: str
    role: RoleKind


@dataclass(frozen=True)
class SessionSpec:
    """A session on ``day`` from ``starts`` to ``ends``, wall-clock times in the event's zone."""

    key: str
    title: str
    kind: SessionKind
    day: date
    starts: time
    ends: time
    room: str | None = None
    track: str | None = None
    abstract: str = ""
    visibility: Visibility = Visibility.PUBLIC
    signup_capacity: int | None = None
    expected_audience: int | None = None
    roles: tuple[RoleSpec, ...] = ()


@dataclass(frozen=True)
class RegistrationSpec:
    """``person`` (an email of a PersonSpec) attends, optionally in the event's delegation
    named ``delegation``."""

    person: str
    category: RegistrationCategory = RegistrationCategory.DELEGATE
    status: RegistrationStatus = RegistrationStatus.CONFIRMED
    delegation: str | None = None


@dataclass
class DemoBuilder:
    """Loads specs into one event, reusing people and organisations other events already have."""

    db: DbSession
    now: datetime
    organisations: dict[str, Organisation] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    _person_specs: dict[str, PersonSpec] = field(default_factory=dict)

    def venue(self, *, name: str, city: str, country: str, address: str = "") -> Venue:
        """The venue with that name in that city, created if no event uses it yet."""
        existing = self.db.scalar(
            select(Venue)
            .where(Venue.name == name, Venue.city == city, Venue.country == country)
            .order_by(Venue.id)
        )
        if existing is not None:
            return existing
        return services.create_venue(
            self.db, name=name, address=address, city=city, country=country
        )

    def add_organisations(self, specs: Sequence[OrganisationSpec]) -> None:
        """Find or create each organisation, parents first (specs list a parent before its
        departments)."""
        for spec in specs:
            parent = self.organisations[spec.parent] if spec.parent is not None else None
            self.organisations[spec.key] = self._organisation(spec, parent)

    def _organisation(self, spec: OrganisationSpec, parent: Organisation | None) -> Organisation:
        # Name and parent identify an organisation: two ministries may each have a department
        # of the same name.
        parent_matches = (
            Organisation.parent_id.is_(None)
            if parent is None
            else Organisation.parent_id == parent.id
        )
        existing = self.db.scalar(
            select(Organisation)
            .where(Organisation.name == spec.name, parent_matches)
            .order_by(Organisation.id)
        )
        if existing is not None:
            return existing
        return services.create_organisation(
            self.db,
            name=spec.name,
            kind=spec.kind,
            country=spec.country,
            short_name=spec.short_name,
            parent=parent,
        )

    def add_people(self, specs: Sequence[PersonSpec]) -> None:
        """Find each person by email or create them, then make sure they hold their positions."""
        for spec in specs:
            person = self.db.scalar(select(Person).where(Person.email == spec.email))
            if person is None:
                person = services.create_person(
                    self.db,
                    given_name=spec.given_name,
                    family_name=spec.family_name,
                    honorific=spec.honorific,
                    email=spec.email,
                    bio=spec.bio,
                    now=self.now,
                )
            for position in spec.positions:
                self._position(person, position)
            self.people[spec.email] = person
            self._person_specs[spec.email] = spec

    def _position(self, person: Person, position: PositionSpec) -> Affiliation:
        organisation = self.organisations[position.organisation]
        for affiliation in person.affiliations:
            if (
                affiliation.organisation_id == organisation.id
                and affiliation.position_title == position.title
            ):
                return affiliation
        return services.add_affiliation(
            self.db, person, organisation, position_title=position.title
        )

    def _shown_affiliation(self, email: str) -> Affiliation | None:
        """The affiliation a role shows: the person's first position in this demo's specs."""
        positions = self._person_specs[email].positions
        if not positions:
            return None
        return self._position(self.people[email], positions[0])

    def add_sessions(self, event: Event, specs: Sequence[SessionSpec]) -> list[ProgrammeSession]:
        """Add each session with its roles; the services refuse any room or person clash."""
        zone = ZoneInfo(event.timezone)
        rooms: dict[str, Room] = {room.slug: room for room in event.rooms}
        tracks: dict[str, Track] = {track.slug: track for track in event.tracks}
        added: list[ProgrammeSession] = []
        for spec in specs:
            result = services.add_session(
                self.db,
                event,
                title=spec.title,
                kind=spec.kind,
                starts_at=datetime.combine(spec.day, spec.starts, zone),
                ends_at=datetime.combine(spec.day, spec.ends, zone),
                room=rooms[spec.room] if spec.room is not None else None,
                track=tracks[spec.track] if spec.track is not None else None,
                abstract=spec.abstract,
                visibility=spec.visibility,
                signup_capacity=spec.signup_capacity,
                expected_audience=spec.expected_audience,
                uuid=demo_session_uuid(event.slug, spec.key),
                now=self.now,
            )
            if result.warnings:
                # Demo data an organiser would be warned about is a mistake in the specs.
                problems = "; ".join(str(warning) for warning in result.warnings)
                raise ValueError(f"demo session {spec.key!r}: {problems}")
            for role in spec.roles:
                services.assign_role(
                    self.db,
                    result.session,
                    self.people[role.person],
                    role.role,
                    affiliation=self._shown_affiliation(role.person),
                    now=self.now,
                )
            added.append(result.session)
        return added

    def translate(
        self, event: Event, texts: Texts, sessions: Mapping[ProgrammeSession, Texts]
    ) -> None:
        """Set the event's name and description, and each session's title and abstract, in
        the languages ``texts`` and ``sessions`` give."""
        for language, fields in texts.items():
            set_event_translation(
                self.db,
                event,
                language,
                name=fields.get("name", ""),
                description=fields.get("description", ""),
                now=self.now,
            )
        for programme_session, session_texts in sessions.items():
            for language, fields in session_texts.items():
                set_session_translation(
                    self.db,
                    programme_session,
                    language,
                    title=fields.get("title", ""),
                    abstract=fields.get("abstract", ""),
                )

    def add_registrations(
        self,
        event: Event,
        specs: Sequence[RegistrationSpec],
        *,
        first_registered_at: datetime | None = None,
    ) -> list[Registration]:
        """Register each person for the event, skipping anyone already registered for it.

        With ``first_registered_at``, the registrations are stamped from then on, an hour apart
        (an event that has already happened was registered for before it, not when loaded).
        """
        delegations = {delegation.name: delegation for delegation in event.delegations}
        registered = set(
            self.db.scalars(select(Registration.person_id).where(Registration.event_id == event.id))
        )
        added: list[Registration] = []
        for number, spec in enumerate(specs):
            person = self.people[spec.person]
            if person.id in registered:
                continue
            stamp = (
                first_registered_at + timedelta(hours=number)
                if first_registered_at is not None
                else self.now
            )
            registration = services.add_registration(
                self.db,
                event,
                person,
                category=spec.category,
                status=spec.status,
                delegation=delegations[spec.delegation] if spec.delegation is not None else None,
                now=stamp,
            )
            registered.add(person.id)
            added.append(registration)
        return added


def existing_event(db: DbSession, slug: str) -> Event | None:
    """The event with that slug, if it has been loaded already."""
    return db.scalar(select(Event).where(Event.slug == slug))
