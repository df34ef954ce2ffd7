"""An attendee's secret link: finding a registration by its token, and replacing the token.

The token in ``/r/<token>`` is the only key to an attendee's page, ticket and personal feed, so
whoever holds an old link can be shut out by asking for a new one: the token and the ticket are
replaced together, and the new link goes to the registered address only.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.errors import NotFound
from confkit.mail.compose import Notice
from confkit.mail.notify import notify
from confkit.models import Registration
from confkit.services.history import ATTENDEE, record_change
from confkit.services.signup import new_token

# What a token can look like (URL-safe base64, at most the column's length). Anything else names
# no registration, and is not sent to the database at all: PostgreSQL refuses a NUL outright.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def registration_by_token(db: DbSession, token: str) -> Registration:
    """The registration whose secret link carries ``token``. Raises NotFound, also for a token
    that could never have been issued."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise NotFound("registration", "with this link")
    found = db.scalar(select(Registration).where(Registration.token == token))
    if found is None:
        raise NotFound("registration", "with this link")
    return found


def renew_token(
    db: DbSession,
    registration: Registration,
    *,
    base_url: str,
    now: datetime | None = None,
) -> Registration:
    """Give the registration a new secret link and a new ticket, and mail the link.

    Every earlier link stops working at once, and every earlier ticket is refused at check-in
    (its generation is behind). The change is recorded as the attendee's.
    """
    stamp = now or clock.now()
    registration.token = new_token()
    registration.ticket_generation += 1
    registration.updated_at = stamp
    record_change(
        db,
        registration,
        actor=ATTENDEE,
        action="new link",
        at=stamp,
        from_status=registration.status,
    )
    # A person registered by the organisers may have no address: the new page is still shown.
    notify(db, registration, Notice.NEW_LINK, base_url=base_url, now=stamp)
    db.flush()
    return registration
