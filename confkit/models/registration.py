"""Registrations: a person attending an event, what happened to it, and the sessions they chose."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confkit.db import Base
from confkit.i18n import DEFAULT_LOCALE
from confkit.models._types import constrained_enum

if TYPE_CHECKING:
    from confkit.models.events import Event
    from confkit.models.people import Affiliation, Delegation, Person
    from confkit.models.programme import ProgrammeSession
    from confkit.models.registration_settings import InvitationCode


class RegistrationCategory(enum.StrEnum):
    DELEGATE = "delegate"
    SPEAKER = "speaker"
    PRESS = "press"
    OBSERVER = "observer"
    STAFF = "staff"


class RegistrationStatus(enum.StrEnum):
    UNCONFIRMED = "unconfirmed"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    AWAITING_APPROVAL = "awaiting_approval"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class Registration(Base):
    """A person at an event, with a secret token for their self-service links.

    Only a confirmed registration holds a seat. ``waitlisted_at`` orders the waiting list;
    ``ticket_generation`` grows when the attendee asks for a new link, which revokes old tickets.
    """

    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="RESTRICT"))
    affiliation_id: Mapped[int | None] = mapped_column(
        ForeignKey("affiliations.id", ondelete="SET NULL")
    )
    delegation_id: Mapped[int | None] = mapped_column(
        ForeignKey("delegations.id", ondelete="SET NULL")
    )
    invitation_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation_codes.id", ondelete="SET NULL")
    )
    category: Mapped[RegistrationCategory] = mapped_column(
        constrained_enum(RegistrationCategory, "registration_category"),
        default=RegistrationCategory.DELEGATE,
    )
    status: Mapped[RegistrationStatus] = mapped_column(
        constrained_enum(RegistrationStatus, "registration_status"),
        default=RegistrationStatus.UNCONFIRMED,
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)
    ticket_generation: Mapped[int] = mapped_column(default=1)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The language the person registered in: their mails are written in it (confkit.i18n).
    locale: Mapped[str] = mapped_column(String(16), default=DEFAULT_LOCALE)
    consent_given_at: Mapped[datetime | None]
    confirm_by: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    waitlisted_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    event: Mapped[Event] = relationship(back_populates="registrations")
    person: Mapped[Person] = relationship()
    affiliation: Mapped[Affiliation | None] = relationship()
    delegation: Mapped[Delegation | None] = relationship()
    invitation_code: Mapped[InvitationCode | None] = relationship()
    changes: Mapped[list[RegistrationChange]] = relationship(
        back_populates="registration",
        order_by="RegistrationChange.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    agenda: Mapped[list[AgendaEntry]] = relationship(
        back_populates="registration",
        order_by="AgendaEntry.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __table_args__ = (
        UniqueConstraint("event_id", "person_id"),
        CheckConstraint("ticket_generation >= 1", name="ticket_generation_positive"),
        # The seat count and the waiting list are read by event and status under the event's lock.
        Index("ix_registrations_event_id_status", "event_id", "status"),
    )


class RegistrationChange(Base):
    """One change to a registration: what, by whom and when. Never updated or deleted alone."""

    __tablename__ = "registration_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[RegistrationStatus | None] = mapped_column(
        constrained_enum(RegistrationStatus, "registration_change_from_status")
    )
    to_status: Mapped[RegistrationStatus | None] = mapped_column(
        constrained_enum(RegistrationStatus, "registration_change_to_status")
    )
    note: Mapped[str] = mapped_column(Text, default="")

    registration: Mapped[Registration] = relationship(back_populates="changes")


class AgendaEntry(Base):
    """A session an attendee has chosen; for a session with a sign-up capacity, a seat in it."""

    __tablename__ = "agenda_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]

    registration: Mapped[Registration] = relationship(back_populates="agenda")
    session: Mapped[ProgrammeSession] = relationship()

    __table_args__ = (UniqueConstraint("registration_id", "session_id"),)
