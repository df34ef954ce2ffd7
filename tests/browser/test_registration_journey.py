"""A newcomer's whole journey in a real browser: register for the demo workshop, confirm by the
mailed link, get the ticket; a second person joins the waiting list and gets the seat the first
one gives up; the door staff let the second person in and refuse the first one's old ticket.

Mail goes through the outbox to a real SMTP server; every page is served over real HTTP with
CSRF protection on, so each button works exactly as it does for a visitor.
"""

from __future__ import annotations

import re
from contextlib import ExitStack
from dataclasses import dataclass
from email.message import EmailMessage

import pytest
from playwright.sync_api import Browser, Locator, Page, Response, expect

from confkit.demo.workshop import SLUG
from confkit.mail.sender import send_pending
from confkit.services import get_event
from confkit.services.seats import seat_count, set_capacity
from tests.browser.conftest import CHECKIN_CODE, CHROMIUM, LiveServer
from tests.smtp_server import SmtpServer

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"needs Debian's chromium at {CHROMIUM} (apt install chromium)"
)

SENDER = "workshop@confkit.test"


@dataclass(frozen=True)
class Newcomer:
    """Someone registering through the public form."""

    given_name: str
    family_name: str
    email: str
    theme: str

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"


GUNAY = Newcomer("Günay", "Əliyeva", "gunay.aliyeva@example.az", "Electricity grids")
SAHIN = Newcomer("Şahin", "Ağaoğlu", "sahin.agaoglu@example.az", "Offshore infrastructure")


def test_register_wait_for_a_freed_seat_and_check_in(
    live_server: LiveServer, browser: Browser, smtp_server: SmtpServer
) -> None:
    leave_one_free_seat(live_server)
    responses: list[Response] = []
    with ExitStack() as contexts:

        def new_visitor() -> Page:
            context = browser.new_context(locale="en-GB")
            contexts.callback(context.close)
            page = context.new_page()
            # Playwright wraps the handler, which a bound built-in method cannot take.
            page.on("response", lambda response: responses.append(response))
            return page

        # The first newcomer takes the last seat.
        gunay = new_visitor()
        register(gunay, live_server.url, GUNAY, new_organisation=True, full=False)
        send_mail(live_server, smtp_server)
        confirm_by_mail(gunay, live_server, smtp_server, GUNAY)
        expect(status(gunay)).to_contain_text("Your registration is confirmed")
        gunay_ticket = ticket_of(gunay)

        # The second one is told the event is full and joins the waiting list.
        sahin = new_visitor()
        register(sahin, live_server.url, SAHIN, new_organisation=False, full=True)
        send_mail(live_server, smtp_server)
        confirm_by_mail(sahin, live_server, smtp_server, SAHIN)
        expect(status(sahin)).to_contain_text("You are on the waiting list, at position 1.")
        expect(sahin.locator(".ticket-payload")).to_have_count(0)
        send_mail(live_server, smtp_server)
        assert subjects_to(smtp_server, SAHIN) == [
            f"Please confirm your registration: {workshop_name(live_server)}",
            f"You are on the waiting list: {workshop_name(live_server)}",
        ]

        # The first one cancels, through the confirm step.
        cancel_for_good = gunay.get_by_role("button", name="Yes, cancel my registration")
        expect(cancel_for_good).to_be_hidden()
        gunay.get_by_text("Cancel my registration", exact=True).click()
        cancel_for_good.click()
        expect(gunay.get_by_role("status").first).to_have_text("Your registration is cancelled.")
        expect(status(gunay)).to_contain_text("Your registration is cancelled.")
        expect(gunay.locator(".ticket-payload")).to_have_count(0)

        # The freed seat goes to the one waiting, who is told by mail with the event attached.
        send_mail(live_server, smtp_server)
        assert subjects_to(smtp_server, GUNAY)[-1] == (
            f"Your registration is cancelled: {workshop_name(live_server)}"
        )
        promotion = last_mail_to(smtp_server, SAHIN)
        assert subject(promotion) == f"A seat is yours: {workshop_name(live_server)}"
        calendars = [
            part
            for part in promotion.iter_attachments()
            if part.get_content_type() == "text/calendar"
        ]
        assert [part.get_filename() for part in calendars] == [f"{SLUG}.ics"]
        assert "BEGIN:VEVENT" in calendars[0].get_content()
        sahin.reload()
        expect(status(sahin)).to_contain_text("Your registration is confirmed")
        sahin_ticket = ticket_of(sahin)

        # At the door.
        desk = new_visitor()
        desk.goto(f"{live_server.url}/events/{SLUG}/check-in")
        desk.get_by_label("Check-in code").fill(CHECKIN_CODE)
        desk.get_by_role("button", name="Open check-in").click()
        scan(desk, sahin_ticket)
        verdict = desk.get_by_role("status")
        expect(verdict).to_contain_text("Welcome: checked in at")
        expect(verdict.locator(".attendee-name")).to_have_text(SAHIN.name)
        first_time = re.search(r"\d\d:\d\d", verdict.locator(".verdict").inner_text())
        assert first_time is not None

        scan(desk, sahin_ticket)
        expect(verdict.locator(".verdict")).to_have_text(
            f"Already checked in at {first_time.group()}"
        )
        expect(verdict).to_contain_text("First check-in")
        expect(verdict.locator(".attendee-name")).to_have_text(SAHIN.name)

        scan(desk, gunay_ticket)
        refusal = desk.get_by_role("alert")
        expect(refusal.locator(".verdict")).to_have_text("Refused: do not let in")
        expect(refusal.locator(".reason")).to_contain_text("cancelled")
        expect(refusal.locator(".attendee-name")).to_have_text(GUNAY.name)

    failed = [f"{r.status} {r.request.method} {r.url}" for r in responses if r.status >= 500]
    assert not failed, failed
    # The listener did hear the journey: every page, form and static file.
    assert len(responses) > 20


def leave_one_free_seat(server: LiveServer) -> None:
    """Shrink the workshop so that exactly one seat is left."""
    with server.store.transaction() as db:
        event = get_event(db, SLUG)
        seats = seat_count(db, event)
        assert seats.waitlisted == 0
        set_capacity(db, event, seats.confirmed + 1, base_url=server.url)
        assert seat_count(db, event).free == 1


def workshop_name(server: LiveServer) -> str:
    with server.store.transaction() as db:
        return get_event(db, SLUG).name


def register(
    page: Page, base_url: str, person: Newcomer, *, new_organisation: bool, full: bool
) -> None:
    """From the event page through the form to the page that says to check one's mail; the
    form says whether every seat is taken."""
    page.goto(f"{base_url}/events/{SLUG}/")
    page.get_by_role("link", name="Register", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Register for")
    expect(page.get_by_text("All seats are taken.")).to_have_count(1 if full else 0)
    page.get_by_label("Given name").fill(person.given_name)
    page.get_by_label("Family name").fill(person.family_name)
    page.get_by_label("Email address").fill(person.email)
    organisation = page.get_by_label("Organisation", exact=True)
    if new_organisation:
        organisation.select_option(label="Another organisation: I name it below")
        page.get_by_label("Name of the organisation").fill("Gəncə Enerji İnstitutu")
        page.get_by_label("Kind of organisation").select_option(label="Think tank")
        page.get_by_label("Country of the organisation").select_option(label="Azerbaijan")
    else:
        organisation.select_option(label="Kür Grid Company (fictional)")
    page.get_by_label("Position").fill("Baş mütəxəssis")
    page.get_by_label("I attend as").select_option(label="Observer")
    page.get_by_role("radio", name=person.theme).check()
    page.get_by_label("Do you have any dietary requirements for lunch?").fill("Vegetarian")
    page.get_by_label("I would like to take part in the tabletop exercise").check()
    page.get_by_label("I agree to the text above").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your mail")


def send_mail(server: LiveServer, smtp_server: SmtpServer) -> None:
    """Deliver the outbox, as the mail command does; everything due must go out."""
    result = send_pending(server.store, smtp_server.url, sender=SENDER)
    assert (result.failed, result.deferred, result.waiting) == (0, 0, 0), result.problems


def mails_to(smtp_server: SmtpServer, person: Newcomer) -> list[EmailMessage]:
    return [r.message for r in smtp_server.received if r.rcpt_tos == (person.email,)]


def subjects_to(smtp_server: SmtpServer, person: Newcomer) -> list[str]:
    return [subject(message) for message in mails_to(smtp_server, person)]


def subject(message: EmailMessage) -> str:
    # A subject too long for one line is folded right after "Subject:", and Python's parser
    # keeps the fold's space at the start of the value; mail programs drop it.
    return str(message["Subject"]).strip()


def last_mail_to(smtp_server: SmtpServer, person: Newcomer) -> EmailMessage:
    received = mails_to(smtp_server, person)
    assert received, f"no mail to {person.email}"
    return received[-1]


def confirm_by_mail(
    page: Page, server: LiveServer, smtp_server: SmtpServer, person: Newcomer
) -> None:
    """Follow the link in the confirmation request and press Confirm."""
    request = last_mail_to(smtp_server, person)
    assert subject(request).startswith("Please confirm your registration")
    text = request.get_body(preferencelist=("plain",))
    assert text is not None
    content = text.get_content()
    assert f"Dear {person.name}," in content
    link = re.search(re.escape(server.url) + r"/r/[\w-]+/confirm", content)
    assert link is not None, content
    page.goto(link.group())
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your registration")
    page.get_by_role("button", name="Confirm my registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration")
    expect(page.locator(".attendee-name")).to_have_text(person.name)


def status(page: Page) -> Locator:
    return page.locator(".status")


def ticket_of(page: Page) -> str:
    """The ticket's QR code must be there; its payload is the text printed under it."""
    ticket = page.get_by_role("region", name="Your ticket")
    expect(ticket.get_by_role("img", name="Ticket QR code")).to_be_visible()
    expect(ticket.locator("svg")).to_have_count(1)
    payload = ticket.locator("code.ticket-payload").inner_text().strip()
    assert re.fullmatch(r"[\x21-\x7e]+", payload), payload
    return payload


def scan(desk: Page, payload: str) -> None:
    """Type a ticket into the check-in form, as a handheld scanner does, and send it."""
    desk.get_by_label("Ticket code").fill(payload)
    desk.get_by_role("button", name="Check in", exact=True).click()
