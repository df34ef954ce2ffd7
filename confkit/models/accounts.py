"""The organisers' accounts: who may log in to the back-office, in which roles, and the record
of login attempts that rate-limits guessing across every app process."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from confkit.db import Base
from confkit.models._types import constrained_enum

if TYPE_CHECKING:
    from confkit.models.events import Event


class AccountRole(enum.StrEnum):
    ADMIN = "admin"
    ORGANISER = "organiser"
    CHECKIN = "checkin"


class User(Base):
    """A person who logs in to the back-office; the email is stored lower-cased, so it is unique
    whatever the case it is typed in."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="UserRole.id"
    )

    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower_case"),)


class UserRole(Base):
    """One role of a user: admin everywhere, or organiser or check-in staff of one event."""

    __tablename__ = "user_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[AccountRole] = mapped_column(constrained_enum(AccountRole, "account_role"))
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )

    user: Mapped[User] = relationship(back_populates="roles")
    event: Mapped[Event | None] = relationship()

    __table_args__ = (
        # A NULL event never equals another, so this cannot stop a second admin row; the
        # service grants each role once.
        UniqueConstraint("user_id", "role", "event_id"),
        CheckConstraint("(role = 'admin') = (event_id IS NULL)", name="admin_is_global"),
    )


class LoginAttempt(Base):
    """One try at logging in, kept in the database so the limit holds across processes."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    remote_address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    succeeded: Mapped[bool]

    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_remote_address_at", "remote_address", "at"),
    )
