"""confkit's domain models. Importing this package registers every table on ``Base.metadata``."""

from confkit.models.accounts import AccountRole, LoginAttempt, User, UserRole
from confkit.models.audit import AuditAction, AuditEntry
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
    "AccountRole",
    "Affiliation",
    "AgendaEntry",
    "AuditAction",
    "AuditEntry",
    "Delegation",
    "Event",
    "InvitationCode",
    "LoginAttempt",
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
    "User",
    "UserRole",
    "Venue",
    "Visibility",
    "delegation_members",
]
