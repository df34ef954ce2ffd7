"""confkit's domain models. Importing this package registers every table on ``Base.metadata``."""

from confkit.models.events import Event, RegistrationMode, Room, Track, Venue
from confkit.models.outbox import OutboxMessage, OutboxStatus
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
    AgendaEntry,
    Registration,
    RegistrationCategory,
    RegistrationChange,
    RegistrationStatus,
)
from confkit.models.registration_settings import (
    InvitationCode,
    QuestionKind,
    RegistrationQuestion,
)

__all__ = [
    "Affiliation",
    "AgendaEntry",
    "Delegation",
    "Event",
    "InvitationCode",
    "Organisation",
    "OrganisationKind",
    "OutboxMessage",
    "OutboxStatus",
    "Person",
    "ProgrammeSession",
    "QuestionKind",
    "Registration",
    "RegistrationCategory",
    "RegistrationChange",
    "RegistrationMode",
    "RegistrationQuestion",
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
