"""Words for the audit log's codes: what kind of thing changed, how, which field, and the
values of the fields that hold one of confkit's enumerations, in the request's locale.

The log stores entity types, actions and field names as confkit writes them ("user_role",
"created", "registration_opens_at"); a code this module does not know is shown as written.
"""

from __future__ import annotations

import enum
from typing import Any, Final

from flask_babel import LazyString, lazy_pgettext

from confkit.auditing import SECRET, UNKNOWN
from confkit.models import (
    AccountRole,
    OrganisationKind,
    QuestionKind,
    RegistrationCategory,
    RegistrationMode,
    RoleKind,
    SessionKind,
    SessionStatus,
    Visibility,
)
from confkit.services.audit import REGISTRATION
from webapp.admin.history_words import HISTORY_ACTIONS, status_label
from webapp.labels import LABELS

ENTITY_TYPES: Final[dict[str, LazyString]] = {
    "event": lazy_pgettext("audited thing", "Event"),
    "venue": lazy_pgettext("audited thing", "Venue"),
    "room": lazy_pgettext("audited thing", "Room"),
    "track": lazy_pgettext("audited thing", "Track"),
    "session": lazy_pgettext("audited thing", "Session"),
    "session_role": lazy_pgettext("audited thing", "Session role"),
    "person": lazy_pgettext("audited thing", "Person"),
    "organisation": lazy_pgettext("audited thing", "Organisation"),
    "affiliation": lazy_pgettext("audited thing", "Affiliation"),
    "delegation": lazy_pgettext("audited thing", "Delegation"),
    "registration_question": lazy_pgettext("audited thing", "Registration question"),
    "invitation_code": lazy_pgettext("audited thing", "Invitation code"),
    "user": lazy_pgettext("audited thing", "User"),
    "user_role": lazy_pgettext("audited thing", "User role"),
    REGISTRATION: lazy_pgettext("audited thing", "Registration"),
}

AUDIT_ACTIONS: Final[dict[str, LazyString]] = {
    "created": lazy_pgettext("audit action", "created"),
    "updated": lazy_pgettext("audit action", "updated"),
    "deleted": lazy_pgettext("audit action", "deleted"),
}

# The fields of every audited table (stamps and counters that move by themselves are not
# logged, so they need no words).
FIELDS: Final[dict[str, LazyString]] = {
    "abstract": lazy_pgettext("audited field", "abstract"),
    "address": lazy_pgettext("audited field", "address"),
    "affiliation_id": lazy_pgettext("audited field", "affiliation"),
    "bio": lazy_pgettext("audited field", "bio"),
    "capacity": lazy_pgettext("audited field", "capacity"),
    "category": lazy_pgettext("audited field", "category"),
    "choices": lazy_pgettext("audited field", "choices"),
    "city": lazy_pgettext("audited field", "city"),
    "code": lazy_pgettext("audited field", "code"),
    "colour": lazy_pgettext("audited field", "colour"),
    "consent_text": lazy_pgettext("audited field", "consent text"),
    "country": lazy_pgettext("audited field", "country"),
    "description": lazy_pgettext("audited field", "description"),
    "email": lazy_pgettext("audited field", "email"),
    "ends_at": lazy_pgettext("audited field", "end"),
    "ends_on": lazy_pgettext("audited field", "last day"),
    "event_id": lazy_pgettext("audited field", "event"),
    "expected_audience": lazy_pgettext("audited field", "expected audience"),
    "family_name": lazy_pgettext("audited field", "family name"),
    "given_name": lazy_pgettext("audited field", "given name"),
    "head_id": lazy_pgettext("audited field", "head"),
    "honorific": lazy_pgettext("audited field", "honorific"),
    "is_active": lazy_pgettext("audited field", "active"),
    "key": lazy_pgettext("audited field", "key"),
    "kind": lazy_pgettext("audited field", "kind"),
    "label": lazy_pgettext("audited field", "label"),
    "language": lazy_pgettext("audited field", "language"),
    "languages": lazy_pgettext("audited field", "languages"),
    "max_uses": lazy_pgettext("audited field", "most uses"),
    "members": lazy_pgettext("audited field", "members"),
    "name": lazy_pgettext("audited field", "name"),
    "organisation_id": lazy_pgettext("audited field", "organisation"),
    "parent_id": lazy_pgettext("audited field", "parent organisation"),
    "password_hash": lazy_pgettext("audited field", "password"),
    "person_id": lazy_pgettext("audited field", "person"),
    "position": lazy_pgettext("audited field", "order"),
    "position_title": lazy_pgettext("audited field", "position"),
    "registration_categories": lazy_pgettext("audited field", "registration categories"),
    "registration_closes_at": lazy_pgettext("audited field", "registration closes"),
    "registration_mode": lazy_pgettext("audited field", "registration mode"),
    "registration_opens_at": lazy_pgettext("audited field", "registration opens"),
    "required": lazy_pgettext("audited field", "required"),
    "role": lazy_pgettext("audited field", "role"),
    "room_id": lazy_pgettext("audited field", "room"),
    "session_id": lazy_pgettext("audited field", "session"),
    "short_name": lazy_pgettext("audited field", "short name"),
    "signup_capacity": lazy_pgettext("audited field", "sign-up capacity"),
    "slug": lazy_pgettext("audited field", "short name in web addresses"),
    "starts_at": lazy_pgettext("audited field", "start"),
    "starts_on": lazy_pgettext("audited field", "first day"),
    "status": lazy_pgettext("audited field", "status"),
    "timezone": lazy_pgettext("audited field", "time zone"),
    "title": lazy_pgettext("audited field", "title"),
    "track_id": lazy_pgettext("audited field", "track"),
    "translations": lazy_pgettext("audited field", "translations"),
    "user_id": lazy_pgettext("audited field", "user"),
    "venue_id": lazy_pgettext("audited field", "venue"),
    "visibility": lazy_pgettext("audited field", "visibility"),
    "waitlist_enabled": lazy_pgettext("audited field", "waiting list"),
}

# Values of enumerations the shared labels do not cover, as the audit log shows them.
_MORE_VALUES: Final[dict[enum.Enum, LazyString]] = {
    RegistrationMode.OPEN: lazy_pgettext("registration mode", "open"),
    RegistrationMode.APPROVAL: lazy_pgettext("registration mode", "approval"),
    RegistrationMode.INVITATION: lazy_pgettext("registration mode", "invitation"),
    Visibility.PUBLIC: lazy_pgettext("session visibility", "public"),
    Visibility.CLOSED: lazy_pgettext("session visibility", "closed"),
    AccountRole.ADMIN: lazy_pgettext("account role", "admin"),
    AccountRole.ORGANISER: lazy_pgettext("account role", "organiser"),
    AccountRole.CHECKIN: lazy_pgettext("account role", "check-in"),
    QuestionKind.SHORT_TEXT: lazy_pgettext("question kind", "short text"),
    QuestionKind.LONG_TEXT: lazy_pgettext("question kind", "long text"),
    QuestionKind.SINGLE_CHOICE: lazy_pgettext("question kind", "one choice"),
    QuestionKind.MULTIPLE_CHOICE: lazy_pgettext("question kind", "several choices"),
    QuestionKind.CHECKBOX: lazy_pgettext("question kind", "check box"),
    QuestionKind.COUNTRY: lazy_pgettext("question kind", "country"),
}

# Which enumeration a field of a kind of thing holds.
_ENUM_FIELDS: Final[dict[tuple[str, str], type[enum.Enum]]] = {
    ("event", "registration_mode"): RegistrationMode,
    ("event", "registration_categories"): RegistrationCategory,
    ("session", "kind"): SessionKind,
    ("session", "status"): SessionStatus,
    ("session", "visibility"): Visibility,
    ("session_role", "role"): RoleKind,
    ("organisation", "kind"): OrganisationKind,
    ("invitation_code", "category"): RegistrationCategory,
    ("registration_question", "kind"): QuestionKind,
    ("user_role", "role"): AccountRole,
}
_MARKERS: Final[dict[str, LazyString]] = {
    SECRET: lazy_pgettext("audited value", "(secret)"),
    UNKNOWN: lazy_pgettext("audited value", "(not loaded)"),
}


def entity_label(entity_type: str) -> str:
    """What kind of thing changed: "User role"."""
    word = ENTITY_TYPES.get(entity_type)
    return entity_type.replace("_", " ").capitalize() if word is None else str(word)


def change_label(entity_type: str, action: str) -> str:
    """How it changed: "created" for an audited thing, "approve" for a registration."""
    words = HISTORY_ACTIONS if entity_type == REGISTRATION else AUDIT_ACTIONS
    word = words.get(action)
    return action if word is None else str(word)


def field_label(name: str) -> str:
    """A changed field in words: "registration opens"."""
    word = FIELDS.get(name)
    return name.replace("_", " ") if word is None else str(word)


def value_label(entity_type: str, field: str, value: Any) -> Any:
    """A field's value before or after, with the values of enumerations and the log's own
    markers in words; any other value as it is."""
    if entity_type == REGISTRATION and field == "status":
        return status_label(value)
    if isinstance(value, list):
        return [value_label(entity_type, field, item) for item in value]
    if not isinstance(value, str):
        return value
    marker = _MARKERS.get(value)
    if marker is not None:
        return str(marker)
    kind = _ENUM_FIELDS.get((entity_type, field))
    if kind is None:
        return value
    try:
        member = kind(value)
    except ValueError:
        return value
    word = LABELS.get(member) or _MORE_VALUES.get(member)
    return value if word is None else str(word)
