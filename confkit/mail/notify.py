"""Telling a registered person about a change: the notice's mail, written to the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session as DbSession

from confkit.mail.compose import Notice, compose, mail_host
from confkit.mail.outbox import enqueue
from confkit.models import Registration


def notify(
    db: DbSession,
    registration: Registration,
    notice: Notice,
    *,
    base_url: str,
    now: datetime,
    waitlist_position: int | None = None,
) -> None:
    """Queue the mail for ``notice``; a person registered without an address gets none."""
    if not registration.person.email:
        return
    mail = compose(notice, registration, base_url=base_url, waitlist_position=waitlist_position)
    enqueue(
        db, mail, kind=notice.value, host=mail_host(base_url), now=now, registration=registration
    )
