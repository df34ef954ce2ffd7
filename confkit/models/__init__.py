"""confkit's domain models. Importing this package registers every table on ``Base.metadata``."""

from confkit.models.events import Event, RegistrationMode, Room, Track, Venue
from confkit.models.people import (
    Affiliation,
    Delegation,
    Organisation,
    OrganisationKind,
    Person,
    delegation_members,
)
from confkit.models.programme import (
    ProgrammeSession,
    RoleKind,
    SessionKind,
    SessionRole,
    SessionStatus,
    Visibility,
)
from confkit.models.registration import (
    Registration,
    RegistrationCategory,
    RegistrationStatus,
)

__all__ = [
    "Affiliation",
    "Delegation",
    "Event",
    "Organisation",
    "OrganisationKind",
    "Person",
    "ProgrammeSession",
    "Registration",
    "RegistrationCategory",
    "RegistrationMode",
    "RegistrationStatus",
    "RoleKind",
    "Room",
    "SessionKind",
    "SessionRole",
    "SessionStatus",
    "Track",
    "Venue",
    "Visibility",
    "delegation_members",
]
