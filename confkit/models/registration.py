"""Registrations: a person attending an event."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confkit.db import Base
from confkit.models._types import constrained_enum

if TYPE_CHECKING:
    from confkit.models.events import Event
    from confkit.models.people import Delegation, Person


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
    """A person at an event, with a secret token for their self-service links."""

    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="RESTRICT"))
    delegation_id: Mapped[int | None] = mapped_column(
        ForeignKey("delegations.id", ondelete="SET NULL")
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
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    consent_given_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    event: Mapped[Event] = relationship(back_populates="registrations")
    person: Mapped[Person] = relationship()
    delegation: Mapped[Delegation | None] = relationship()

    __table_args__ = (UniqueConstraint("event_id", "person_id"),)
