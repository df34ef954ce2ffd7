"""Words for confkit's enumerated values (kinds, roles, categories, statuses) in the locale.

Each value is translated in the context of its enumeration, because the same English word may
need different words elsewhere ("cancelled" for a registration and for a session, say).
"""

from __future__ import annotations

import enum
from typing import Final

from flask_babel import LazyString, lazy_pgettext

from confkit.models import (
    OrganisationKind,
    RegistrationCategory,
    RegistrationStatus,
    RoleKind,
    SessionKind,
    SessionStatus,
)

LABELS: Final[dict[enum.Enum, LazyString]] = {
    SessionKind.PLENARY: lazy_pgettext("session kind", "Plenary"),
    SessionKind.KEYNOTE: lazy_pgettext("session kind", "Keynote"),
    SessionKind.PANEL: lazy_pgettext("session kind", "Panel"),
    SessionKind.TALK: lazy_pgettext("session kind", "Talk"),
    SessionKind.WORKSHOP: lazy_pgettext("session kind", "Workshop"),
    SessionKind.MEETING: lazy_pgettext("session kind", "Meeting"),
    SessionKind.BREAK: lazy_pgettext("session kind", "Break"),
    SessionKind.RECEPTION: lazy_pgettext("session kind", "Reception"),
    SessionStatus.DRAFT: lazy_pgettext("session status", "Draft"),
    SessionStatus.SCHEDULED: lazy_pgettext("session status", "Scheduled"),
    SessionStatus.CANCELLED: lazy_pgettext("session status", "Cancelled"),
    RoleKind.SPEAKER: lazy_pgettext("role in a session", "Speaker"),
    RoleKind.CHAIR: lazy_pgettext("role in a session", "Chair"),
    RoleKind.MODERATOR: lazy_pgettext("role in a session", "Moderator"),
    RoleKind.PANELLIST: lazy_pgettext("role in a session", "Panellist"),
    RoleKind.PARTICIPANT: lazy_pgettext("role in a session", "Participant"),
    RegistrationCategory.DELEGATE: lazy_pgettext("registration category", "Delegate"),
    RegistrationCategory.SPEAKER: lazy_pgettext("registration category", "Speaker"),
    RegistrationCategory.PRESS: lazy_pgettext("registration category", "Press"),
    RegistrationCategory.OBSERVER: lazy_pgettext("registration category", "Observer"),
    RegistrationCategory.STAFF: lazy_pgettext("registration category", "Staff"),
    RegistrationStatus.UNCONFIRMED: lazy_pgettext("registration status", "Unconfirmed"),
    RegistrationStatus.CONFIRMED: lazy_pgettext("registration status", "Confirmed"),
    RegistrationStatus.WAITLISTED: lazy_pgettext("registration status", "Waitlisted"),
    RegistrationStatus.AWAITING_APPROVAL: lazy_pgettext("registration status", "Awaiting approval"),
    RegistrationStatus.REJECTED: lazy_pgettext("registration status", "Rejected"),
    RegistrationStatus.CANCELLED: lazy_pgettext("registration status", "Cancelled"),
    OrganisationKind.GOVERNMENT: lazy_pgettext("organisation kind", "Government"),
    OrganisationKind.INTERNATIONAL: lazy_pgettext(
        "organisation kind", "International organisation"
    ),
    OrganisationKind.ARMED_FORCES: lazy_pgettext("organisation kind", "Armed forces"),
    OrganisationKind.ACADEMIA: lazy_pgettext("organisation kind", "Academia"),
    OrganisationKind.THINK_TANK: lazy_pgettext("organisation kind", "Think tank"),
    OrganisationKind.MEDIA: lazy_pgettext("organisation kind", "Media"),
    OrganisationKind.NGO: lazy_pgettext("organisation kind", "NGO"),
    OrganisationKind.COMPANY: lazy_pgettext("organisation kind", "Company"),
}


def label(value: enum.Enum) -> str:
    """The value in words in the request's locale; an unlisted value as it is written."""
    text = LABELS.get(value)
    if text is not None:
        return str(text)
    return str(value.value).replace("_", " ").capitalize()
