"""Telling a registered person about a change: the notice's mail, written to the outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session as DbSession

from confkit.mail.compose import Notice, compose, mail_host
from confkit.mail.outbox import enqueue, insert_message
from confkit.models import Registration


def notify(
    db: DbSession,
    registration: Registration,
    notice: Notice,
    *,
    base_url: str,
    now: datetime,
    waitlist_position: int | None = None,
    at_once: bool = False,
    locale: str | None = None,
) -> None:
    """Queue the mail for ``notice``; a person registered without an address gets none.

    The mail is in the registration's language unless ``locale`` names another. ``at_once``
    writes it with one INSERT instead of at the next flush: for a registration already in the
    database.
    """
    if not registration.person.email:
        return
    mail = compose(
        notice,
        registration,
        base_url=base_url,
        waitlist_position=waitlist_position,
        locale=locale,
    )
    host = mail_host(base_url)
    if at_once:
        insert_message(
            db, mail, kind=notice.value, host=host, now=now, registration_id=registration.id
        )
    else:
        enqueue(db, mail, kind=notice.value, host=host, now=now, registration=registration)
