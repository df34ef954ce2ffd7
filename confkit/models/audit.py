"""The audit log: one entry per change to the programme, the people, the registration settings
and the accounts, with who made it, when, and the values before and after."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from confkit.db import Base
from confkit.models._types import constrained_enum


class AuditAction(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


class AuditEntry(Base):
    """One change to one object. Never updated or deleted.

    ``event_id`` is deliberately not a foreign key: the trail of an event outlives the event, so
    an admin can still read who deleted it and what it held. ``changes`` maps each field to its
    ``[before, after]`` pair rendered as JSON text values (instants in ISO 8601 UTC, enums by
    value, secrets masked).
    """

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    # "user:alice@example.org", "cli", "system": a label that stays readable after the account
    # it names is gone.
    actor: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    event_id: Mapped[int | None]
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int]
    label: Mapped[str] = mapped_column(String(300))
    action: Mapped[AuditAction] = mapped_column(constrained_enum(AuditAction, "audit_action"))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (
        # An event's page reads its newest entries first; the admins' page reads everyone's.
        Index("ix_audit_entries_event_id_at", "event_id", "at"),
        Index("ix_audit_entries_at", "at"),
        Index("ix_audit_entries_entity_type_entity_id", "entity_type", "entity_id"),
    )
