"""Announcements: one message from the organisers to a chosen set of an event's attendees,
written to the outbox in the caller's transaction and noted in each recipient's history."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Final

from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.i18n import Translator
from confkit.mail.compose import attendee_url, event_footer, mail_host
from confkit.mail.outbox import Mail, enqueue
from confkit.models import Event, Registration
from confkit.services.checks import Problems
from confkit.services.history import record_change

KIND: Final = "announcement"
SUBJECT_MAX_LENGTH: Final = 200
BODY_MAX_LENGTH: Final = 20_000
# A subject becomes a mail header: a line break there would let the text forge other headers.
SUBJECT_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f]")
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def announce(
    db: DbSession,
    event: Event,
    registrations: Iterable[Registration],
    *,
    subject: str,
    body: str,
    actor: str,
    base_url: str,
    now: datetime | None = None,
) -> int:
    """Queue one mail with ``subject`` and ``body`` to each of the event's ``registrations``
    whose person has an email address, and return how many mails were written.

    An address is mailed once however often it is listed; registrations of other events and
    people without an address are skipped. Each recipient's history gets an "announcement"
    entry with the subject as note. Raises ValidationError naming ``subject`` (1 to 200
    characters, no control character) or ``body`` (1 to 20,000 characters) before writing
    anything.
    """
    check_announcement(subject, body)
    stamp = now or clock.now()
    host = mail_host(base_url)
    subject = subject.strip()
    # Mail programs send "\r\n"; one kind of line break keeps the paragraphs apart.
    text = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    chosen = recipients(event, registrations)
    for registration in chosen:
        address = registration.person.email or ""
        link = attendee_url(registration, base_url)
        # The organisers' words as they wrote them; confkit's own around them in the
        # language each person registered in.
        words = Translator(registration.locale)
        page = words.gettext("Your page")
        footer = event_footer(event, base_url, words.locale)
        mail = Mail(
            recipient=address,
            subject=subject,
            text_body=f"{text}\n\n{page}:\n{link}\n\n--\n{footer}",
            html_body=_html(text, page, link, footer),
        )
        enqueue(db, mail, kind=KIND, host=host, now=stamp, registration=registration)
        record_change(
            db,
            registration,
            actor=actor,
            action=KIND,
            at=stamp,
            from_status=registration.status,
            note=subject,
        )
    db.flush()
    return len(chosen)


def recipients(event: Event, registrations: Iterable[Registration]) -> list[Registration]:
    """The registrations :func:`announce` mails, in the order given: those of ``event`` whose
    person has an address, each address once."""
    chosen: list[Registration] = []
    seen: set[str] = set()
    for registration in registrations:
        address = registration.person.email
        if registration.event_id != event.id or not address:
            continue
        # Addresses differ in case only when typed differently: they reach the same person.
        if address.casefold() not in seen:
            seen.add(address.casefold())
            chosen.append(registration)
    return chosen


def check_announcement(subject: str, body: str) -> None:
    """Raise ValidationError naming ``subject`` or ``body`` if :func:`announce` refuses them."""
    problems = Problems()
    problems.text("subject", subject, max_length=SUBJECT_MAX_LENGTH)
    if "subject" not in problems and SUBJECT_FORBIDDEN.search(subject):
        problems.add("subject", "contains a control character such as a line break")
    problems.text("body", body, max_length=BODY_MAX_LENGTH)
    problems.raise_if_any()


def _html(text: str, page: str, link: str, footer: str) -> str:
    paragraphs = "".join(
        "<p>" + html.escape(paragraph).replace("\n", "<br>\n") + "</p>"
        for paragraph in PARAGRAPH_BREAK.split(text)
    )
    return (
        "<!doctype html><html><body>"
        + paragraphs
        + f'<p><a href="{html.escape(link)}">{html.escape(page)}</a></p>'
        + f"<hr><p><small>{html.escape(footer)}</small></p>"
        + "</body></html>"
    )
