"""What each registration mail says, as plain text and the same in HTML.

Every message leads the attendee to their own page, ``/r/<token>``, which shows the current state;
a mail only reports the change that caused it.
"""

from __future__ import annotations

import enum
import html
from dataclasses import dataclass
from urllib.parse import urlsplit

from confkit.formats.ical import event_url, render_event_calendar
from confkit.mail.outbox import Attachment, Mail
from confkit.models import Event, Registration
from confkit.schedule import date_range_label


class Notice(enum.StrEnum):
    CONFIRM_REQUEST = "confirm_request"
    ALREADY_REGISTERED = "already_registered"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    AWAITING_APPROVAL = "awaiting_approval"
    PROMOTED = "promoted"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    NEW_LINK = "new_link"


# Notices that mean "you have a seat": they carry the event for the attendee's calendar.
_WITH_CALENDAR = frozenset({Notice.CONFIRMED, Notice.PROMOTED, Notice.APPROVED})


@dataclass(frozen=True)
class _Text:
    subject: str
    paragraphs: tuple[str, ...]
    action: str


def attendee_url(registration: Registration, base_url: str) -> str:
    """The attendee's own page."""
    return f"{base_url.rstrip('/')}/r/{registration.token}"


def confirm_url(registration: Registration, base_url: str) -> str:
    """The page on which the attendee confirms their address."""
    return f"{attendee_url(registration, base_url)}/confirm"


def mail_host(base_url: str) -> str:
    """The host named in Message-IDs and UIDs."""
    return urlsplit(base_url).hostname or "localhost"


def event_footer(event: Event, base_url: str) -> str:
    """The line that closes every mail: the event's name, dates and page."""
    when = date_range_label(event.starts_on, event.ends_on)
    return f"{event.name}, {when}. {event_url(event, base_url)}"


def compose(
    notice: Notice,
    registration: Registration,
    *,
    base_url: str,
    waitlist_position: int | None = None,
) -> Mail:
    """The mail for ``notice`` about ``registration``, addressed to the registered person."""
    event = registration.event
    person = registration.person
    if not person.email:
        raise ValueError("the registered person has no email address")
    text = _text(notice, registration, base_url, waitlist_position)
    link = (
        confirm_url(registration, base_url)
        if notice in (Notice.CONFIRM_REQUEST,)
        else attendee_url(registration, base_url)
    )
    greeting = f"Dear {person.display_name},"
    footer = event_footer(event, base_url)
    text_body = "\n\n".join(
        [greeting, *text.paragraphs, f"{text.action}:\n{link}", "--\n" + footer]
    )
    html_body = (
        "<!doctype html><html><body>"
        f"<p>{html.escape(greeting)}</p>"
        + "".join(f"<p>{html.escape(p)}</p>" for p in text.paragraphs)
        + f'<p><a href="{html.escape(link)}">{html.escape(text.action)}</a></p>'
        + f"<hr><p><small>{html.escape(footer)}</small></p>"
        + "</body></html>"
    )
    attachments: tuple[Attachment, ...] = ()
    if notice in _WITH_CALENDAR:
        calendar = render_event_calendar(event, base_url=base_url).decode()
        attachments = (Attachment(f"{event.slug}.ics", "text/calendar; method=PUBLISH", calendar),)
    return Mail(
        recipient=person.email,
        subject=f"{text.subject}: {event.name}",
        text_body=text_body,
        html_body=html_body,
        attachments=attachments,
    )


def _text(notice: Notice, registration: Registration, base_url: str, position: int | None) -> _Text:
    event = registration.event
    place = f" You are number {position} on the waiting list." if position else ""
    page = "Your page"
    match notice:
        case Notice.CONFIRM_REQUEST:
            return _Text(
                "Please confirm your registration",
                (
                    f"Thank you for registering for {event.name}. Please confirm that this "
                    "address is yours; until you do, no seat is held for you.",
                    "If you did not register, ignore this message and nothing will happen.",
                ),
                "Confirm your registration",
            )
        case Notice.ALREADY_REGISTERED:
            return _Text(
                "You are already registered",
                (
                    f"Someone, probably you, tried to register this address for {event.name} "
                    "again. You are already registered, so nothing was changed.",
                    f"Your registration is {registration.status.value.replace('_', ' ')}.",
                ),
                page,
            )
        case Notice.CONFIRMED:
            return _Text(
                "Your registration is confirmed",
                (
                    f"Your seat at {event.name} is confirmed. Your ticket and your personal "
                    "agenda are on your page; the event is attached for your calendar.",
                ),
                "Your ticket and agenda",
            )
        case Notice.WAITLISTED:
            return _Text(
                "You are on the waiting list",
                (
                    f"{event.name} is full, so you are on its waiting list.{place} When a seat "
                    "is freed it goes to the person who has waited longest, and you will get "
                    "a mail at once.",
                ),
                page,
            )
        case Notice.AWAITING_APPROVAL:
            return _Text(
                "Your registration awaits approval",
                (
                    f"Registrations for {event.name} are approved by the organisers. You will "
                    "get a mail when they have decided.",
                ),
                page,
            )
        case Notice.PROMOTED:
            return _Text(
                "A seat is yours",
                (
                    f"A seat at {event.name} was freed and it is yours: your registration is "
                    "confirmed. The event is attached for your calendar.",
                ),
                "Your ticket and agenda",
            )
        case Notice.APPROVED:
            return _Text(
                "Your registration is approved",
                (
                    f"The organisers approved your registration for {event.name}; your seat "
                    "is confirmed. The event is attached for your calendar.",
                ),
                "Your ticket and agenda",
            )
        case Notice.REJECTED:
            return _Text(
                "Your registration was declined",
                (f"The organisers of {event.name} could not accept your registration.",),
                page,
            )
        case Notice.CANCELLED:
            return _Text(
                "Your registration is cancelled",
                (
                    f"Your registration for {event.name} is cancelled. If you did not ask for "
                    "this, please contact the organisers.",
                ),
                page,
            )
        case Notice.NEW_LINK:
            return _Text(
                "Your new link",
                (
                    f"Here is the new link to your registration for {event.name}. Earlier "
                    "links and tickets no longer work.",
                ),
                page,
            )
    raise ValueError(f"unknown notice {notice!r}")
