"""Events and their places: venue, rooms, tracks."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confkit.db import Base
from confkit.models._types import constrained_enum

if TYPE_CHECKING:
    from confkit.models.people import Delegation
    from confkit.models.programme import ProgrammeSession
    from confkit.models.registration import Registration
    from confkit.models.registration_settings import InvitationCode, RegistrationQuestion


class RegistrationMode(enum.StrEnum):
    OPEN = "open"
    APPROVAL = "approval"
    INVITATION = "invitation"


class Venue(Base):
    """A building or site where events take place."""

    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    address: Mapped[str] = mapped_column(Text, default="")
    city: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str | None] = mapped_column(String(2))

    events: Mapped[list[Event]] = relationship(back_populates="venue")

    __table_args__ = (CheckConstraint("length(country) = 2", name="country_iso2"),)


class Event(Base):
    """A conference: its dates and time zone, its programme and its registration settings."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    timezone: Mapped[str] = mapped_column(String(64))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="SET NULL"))
    description: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The name and description in other languages (confkit.translations); feeds use neither.
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict)
    registration_opens_at: Mapped[datetime | None]
    registration_closes_at: Mapped[datetime | None]
    capacity: Mapped[int | None]
    registration_mode: Mapped[RegistrationMode] = mapped_column(
        constrained_enum(RegistrationMode, "registration_mode"), default=RegistrationMode.OPEN
    )
    waitlist_enabled: Mapped[bool] = mapped_column(default=True)
    # The categories people may choose on the public form; organisers can register anyone as any.
    registration_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    consent_text: Mapped[str] = mapped_column(Text, default="")
    # Moves on every change to anything a feed shows, so feeds can answer 304 from it alone.
    programme_changed_at: Mapped[datetime]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    venue: Mapped[Venue | None] = relationship(back_populates="events")
    rooms: Mapped[list[Room]] = relationship(
        back_populates="event", order_by="Room.position, Room.id", passive_deletes=True
    )
    tracks: Mapped[list[Track]] = relationship(
        back_populates="event", order_by="Track.position, Track.id", passive_deletes=True
    )
    sessions: Mapped[list[ProgrammeSession]] = relationship(
        back_populates="event", passive_deletes=True
    )
    delegations: Mapped[list[Delegation]] = relationship(
        back_populates="event", passive_deletes=True
    )
    registrations: Mapped[list[Registration]] = relationship(
        back_populates="event", passive_deletes=True
    )
    questions: Mapped[list[RegistrationQuestion]] = relationship(
        back_populates="event",
        order_by="RegistrationQuestion.position, RegistrationQuestion.id",
        passive_deletes=True,
    )
    invitation_codes: Mapped[list[InvitationCode]] = relationship(
        back_populates="event", passive_deletes=True
    )

    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_on_or_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        CheckConstraint(
            "registration_closes_at IS NULL OR registration_opens_at IS NULL"
            " OR registration_closes_at > registration_opens_at",
            name="registration_window_ordered",
        ),
    )


class Room(Base):
    """A room of an event, with the number of people it holds."""

    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="rooms")

    __table_args__ = (
        UniqueConstraint("event_id", "slug"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
    )


class Track(Base):
    """A topic strand of an event's programme, e.g. "Energy security"."""

    __tablename__ = "tracks"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    colour: Mapped[str | None] = mapped_column(String(7))
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="tracks")

    __table_args__ = (UniqueConstraint("event_id", "slug"),)
