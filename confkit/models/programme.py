"""The programme: sessions and the roles people hold in them."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confkit.db import Base
from confkit.models._types import constrained_enum

if TYPE_CHECKING:
    from confkit.models.events import Event, Room, Track
    from confkit.models.people import Affiliation, Person


class SessionKind(enum.StrEnum):
    PLENARY = "plenary"
    KEYNOTE = "keynote"
    PANEL = "panel"
    TALK = "talk"
    WORKSHOP = "workshop"
    MEETING = "meeting"
    BREAK = "break"
    RECEPTION = "reception"


class SessionStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Visibility(enum.StrEnum):
    PUBLIC = "public"
    CLOSED = "closed"


class RoleKind(enum.StrEnum):
    SPEAKER = "speaker"
    CHAIR = "chair"
    MODERATOR = "moderator"
    PANELLIST = "panellist"
    PARTICIPANT = "participant"


class ProgrammeSession(Base):
    """One item of an event's programme (the domain's "session"; not a database session).

    ``uuid`` is permanent: it is the iCal UID and the frab guid. ``sequence`` and
    ``modified_at`` move on every change a calendar must see.
    """

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(unique=True, default=uuid.uuid4)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    kind: Mapped[SessionKind] = mapped_column(constrained_enum(SessionKind, "session_kind"))
    title: Mapped[str] = mapped_column(String(500))
    abstract: Mapped[str] = mapped_column(Text, default="")
    # The title and abstract in other languages (confkit.translations); feeds use neither.
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # A room in use cannot be deleted: its sessions must be moved first, visibly to calendars.
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="RESTRICT"))
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="SET NULL"))
    language: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[SessionStatus] = mapped_column(
        constrained_enum(SessionStatus, "session_status"), default=SessionStatus.DRAFT
    )
    visibility: Mapped[Visibility] = mapped_column(
        constrained_enum(Visibility, "visibility"), default=Visibility.PUBLIC
    )
    signup_capacity: Mapped[int | None]
    expected_audience: Mapped[int | None]
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    modified_at: Mapped[datetime]

    event: Mapped[Event] = relationship(back_populates="sessions")
    room: Mapped[Room | None] = relationship()
    track: Mapped[Track | None] = relationship()
    roles: Mapped[list[SessionRole]] = relationship(
        back_populates="session",
        order_by="SessionRole.position, SessionRole.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(
            "signup_capacity IS NULL OR signup_capacity >= 0", name="signup_capacity_not_negative"
        ),
        CheckConstraint(
            "expected_audience IS NULL OR expected_audience >= 0",
            name="expected_audience_not_negative",
        ),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        Index("ix_sessions_event_id_starts_at", "event_id", "starts_at"),
        Index("ix_sessions_room_id", "room_id"),
    )

    @property
    def is_scheduled(self) -> bool:
        return self.status is SessionStatus.SCHEDULED


class SessionRole(Base):
    """A person's part in a session (speaker, chair, ...), in display order."""

    __tablename__ = "session_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    # People who hold roles cannot vanish from a published programme silently.
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="RESTRICT"))
    role: Mapped[RoleKind] = mapped_column(constrained_enum(RoleKind, "role_kind"))
    position: Mapped[int] = mapped_column(default=0)
    # Which of the person's positions they hold this role in, shown next to their name.
    affiliation_id: Mapped[int | None] = mapped_column(
        ForeignKey("affiliations.id", ondelete="SET NULL")
    )

    session: Mapped[ProgrammeSession] = relationship(back_populates="roles")
    person: Mapped[Person] = relationship(back_populates="roles")
    affiliation: Mapped[Affiliation | None] = relationship()

    __table_args__ = (
        UniqueConstraint("session_id", "person_id", "role"),
        CheckConstraint("position >= 0", name="position_not_negative"),
        Index("ix_session_roles_person_id", "person_id"),
    )
