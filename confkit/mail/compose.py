"""What each registration mail says, as plain text and the same in HTML, in the language the
person registered in (``Registration.locale``; see confkit.i18n).

Every message leads the attendee to their own page, ``/r/<token>``, which shows the current state;
a mail only reports the change that caused it.
"""

from __future__ import annotations

import enum
import html
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from confkit.formats.ical import event_url, render_event_calendar
from confkit.i18n import DEFAULT_LOCALE, N_, Translator
from confkit.mail.outbox import Attachment, Mail
from confkit.models import Event, Registration, RegistrationStatus
from confkit.translations import translated


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


def event_footer(event: Event, base_url: str, locale: str = DEFAULT_LOCALE) -> str:
    """The line that closes every mail: the event's name, dates and page, in ``locale``."""
    words = Translator(locale)
    return words.gettext(
        "%(event)s, %(dates)s. %(page)s",
        event=translated(event, "name", words.locale),
        dates=words.date_range(event.starts_on, event.ends_on),
        page=event_url(event, base_url),
    )


def compose(
    notice: Notice,
    registration: Registration,
    *,
    base_url: str,
    waitlist_position: int | None = None,
    locale: str | None = None,
) -> Mail:
    """The mail for ``notice`` about ``registration``, addressed to the registered person in the
    language they registered in, or ``locale``; the calendar attachment is the feeds' own, in
    the event's original words."""
    event = registration.event
    person = registration.person
    if not person.email:
        raise ValueError("the registered person has no email address")
    words = Translator(locale or registration.locale)
    text = _text(notice, registration, words, waitlist_position)
    link = (
        confirm_url(registration, base_url)
        if notice in (Notice.CONFIRM_REQUEST,)
        else attendee_url(registration, base_url)
    )
    greeting = words.gettext("Dear %(name)s,", name=person.display_name)
    footer = event_footer(event, base_url, words.locale)
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
        subject=words.gettext(
            "%(subject)s: %(event)s",
            subject=text.subject,
            event=translated(event, "name", words.locale),
        ),
        text_body=text_body,
        html_body=html_body,
        attachments=attachments,
    )


# Each status said as a whole sentence: a status word alone translates badly.
_STATUS_SENTENCES: Final = {
    RegistrationStatus.UNCONFIRMED: N_("Your registration is unconfirmed."),
    RegistrationStatus.CONFIRMED: N_("Your registration is confirmed."),
    RegistrationStatus.WAITLISTED: N_("Your registration is waitlisted."),
    RegistrationStatus.AWAITING_APPROVAL: N_("Your registration is awaiting approval."),
    RegistrationStatus.REJECTED: N_("Your registration is rejected."),
    RegistrationStatus.CANCELLED: N_("Your registration is cancelled."),
}


def _text(
    notice: Notice, registration: Registration, words: Translator, position: int | None
) -> _Text:
    _ = words.gettext
    name = translated(registration.event, "name", words.locale)
    page = _("Your page")
    ticket = _("Your ticket and agenda")
    match notice:
        case Notice.CONFIRM_REQUEST:
            return _Text(
                _("Please confirm your registration"),
                (
                    _(
                        "Thank you for registering for %(event)s. Please confirm that this "
                        "address is yours; until you do, no seat is held for you.",
                        event=name,
                    ),
                    _("If you did not register, ignore this message and nothing will happen."),
                ),
                _("Confirm your registration"),
            )
        case Notice.ALREADY_REGISTERED:
            return _Text(
                _("You are already registered"),
                (
                    _(
                        "Someone, probably you, tried to register this address for %(event)s "
                        "again. You are already registered, so nothing was changed.",
                        event=name,
                    ),
                    _(_STATUS_SENTENCES[registration.status]),
                ),
                page,
            )
        case Notice.CONFIRMED:
            return _Text(
                _("Your registration is confirmed"),
                (
                    _(
                        "Your seat at %(event)s is confirmed. Your ticket and your personal "
                        "agenda are on your page; the event is attached for your calendar.",
                        event=name,
                    ),
                ),
                ticket,
            )
        case Notice.WAITLISTED:
            sentences = [_("%(event)s is full, so you are on its waiting list.", event=name)]
            if position:
                sentences.append(
                    _("You are number %(position)s on the waiting list.", position=position)
                )
            sentences.append(
                _(
                    "When a seat is freed it goes to the person who has waited longest, and "
                    "you will get a mail at once."
                )
            )
            return _Text(_("You are on the waiting list"), (" ".join(sentences),), page)
        case Notice.AWAITING_APPROVAL:
            return _Text(
                _("Your registration awaits approval"),
                (
                    _(
                        "Registrations for %(event)s are approved by the organisers. You will "
                        "get a mail when they have decided.",
                        event=name,
                    ),
                ),
                page,
            )
        case Notice.PROMOTED:
            return _Text(
                _("A seat is yours"),
                (
                    _(
                        "A seat at %(event)s was freed and it is yours: your registration is "
                        "confirmed. The event is attached for your calendar.",
                        event=name,
                    ),
                ),
                ticket,
            )
        case Notice.APPROVED:
            return _Text(
                _("Your registration is approved"),
                (
                    _(
                        "The organisers approved your registration for %(event)s; your seat "
                        "is confirmed. The event is attached for your calendar.",
                        event=name,
                    ),
                ),
                ticket,
            )
        case Notice.REJECTED:
            return _Text(
                _("Your registration was declined"),
                (
                    _(
                        "The organisers of %(event)s could not accept your registration.",
                        event=name,
                    ),
                ),
                page,
            )
        case Notice.CANCELLED:
            return _Text(
                _("Your registration is cancelled"),
                (
                    _(
                        "Your registration for %(event)s is cancelled. If you did not ask for "
                        "this, please contact the organisers.",
                        event=name,
                    ),
                ),
                page,
            )
        case Notice.NEW_LINK:
            return _Text(
                _("Your new link"),
                (
                    _(
                        "Here is the new link to your registration for %(event)s. Earlier "
                        "links and tickets no longer work.",
                        event=name,
                    ),
                ),
                page,
            )
    raise ValueError(f"unknown notice {notice!r}")
