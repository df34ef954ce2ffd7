"""What an event asks of the people who register: its own questions, and invitation codes."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confkit.db import Base
from confkit.models._types import constrained_enum
from confkit.models.registration import RegistrationCategory

if TYPE_CHECKING:
    from confkit.models.events import Event


class QuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    CHECKBOX = "checkbox"
    COUNTRY = "country"


class RegistrationQuestion(Base):
    """A question of the event's own on its registration form; answers are kept by ``key``."""

    __tablename__ = "registration_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(300))
    kind: Mapped[QuestionKind] = mapped_column(constrained_enum(QuestionKind, "question_kind"))
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="questions")

    __table_args__ = (UniqueConstraint("event_id", "key"),)


class InvitationCode(Base):
    """A code that lets its holders register for an invitation-only event, a set number of times.

    The database refuses more uses than allowed, so two people racing for the last use cannot
    both have it.
    """

    __tablename__ = "invitation_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    max_uses: Mapped[int] = mapped_column(default=1)
    uses: Mapped[int] = mapped_column(default=0)
    category: Mapped[RegistrationCategory | None] = mapped_column(
        constrained_enum(RegistrationCategory, "invitation_category")
    )

    event: Mapped[Event] = relationship(back_populates="invitation_codes")

    __table_args__ = (
        UniqueConstraint("event_id", "code"),
        CheckConstraint("uses >= 0 AND uses <= max_uses", name="uses_within_limit"),
    )
