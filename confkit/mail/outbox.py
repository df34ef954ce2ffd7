"""Writing mail to the outbox, in the caller's transaction, so a message exists exactly when the
change it reports does."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session as DbSession

from confkit.db import table_of
from confkit.models import OutboxMessage, OutboxStatus, Registration


@dataclass(frozen=True)
class Attachment:
    """A text attachment, such as an iCalendar file."""

    filename: str
    content_type: str
    content: str


@dataclass(frozen=True)
class Mail:
    """A message ready to be queued: a plain-text body and the same in HTML."""

    recipient: str
    subject: str
    text_body: str
    html_body: str
    attachments: Sequence[Attachment] = field(default_factory=tuple)


_INSERT_MESSAGE = insert(table_of(OutboxMessage))


def enqueue(
    db: DbSession,
    mail: Mail,
    *,
    kind: str,
    host: str,
    now: datetime,
    registration: Registration | None = None,
) -> OutboxMessage:
    """Add ``mail`` to the outbox, to be sent as soon as possible.

    The Message-ID is fixed here, so a message sent again after a lost acknowledgement carries
    the same one and the receiving side can tell the two apart.
    """
    message = OutboxMessage(
        **message_row(mail, kind=kind, host=host, now=now), registration=registration
    )
    db.add(message)
    return message


def insert_message(
    db: DbSession,
    mail: Mail,
    *,
    kind: str,
    host: str,
    now: datetime,
    registration_id: int | None = None,
) -> None:
    """Like :func:`enqueue`, but written at once with one INSERT, outside the unit of work."""
    db.execute(
        _INSERT_MESSAGE,
        {**message_row(mail, kind=kind, host=host, now=now), "registration_id": registration_id},
    )


def message_row(mail: Mail, *, kind: str, host: str, now: datetime) -> dict[str, Any]:
    """The columns of an outbox message for ``mail``, all but its ``registration_id``."""
    return {
        "message_id": f"<{uuid.uuid4()}@{host}>",
        "kind": kind,
        "recipient": mail.recipient,
        "subject": mail.subject,
        "text_body": mail.text_body,
        "html_body": mail.html_body,
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type, "content": a.content}
            for a in mail.attachments
        ],
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": "",
        "created_at": now,
        "sent_at": None,
    }
