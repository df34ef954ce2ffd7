"""An organiser's whole journey in a real browser, from an empty database: log in, set up an
event with its venue, rooms and track, add speakers and sessions (a clash is refused, naming the
other session, then fixed), see the day's grid, open registration with approval, approve the
registration that arrives through the public form, and print the attendee's badge.

The organiser only clicks links and buttons and fills forms, from the login page on; every page
is served over real HTTP with CSRF protection on. The registration's confirmation link comes by
mail through a real SMTP server.
"""

from __future__ import annotations

import io
import re
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from babel.dates import format_date
from playwright.sync_api import Browser, Locator, Page, Response, expect
from pypdf import PdfReader

from confkit.db import Store
from confkit.mail.sender import send_pending
from confkit.schedule import day_label
from tests.browser.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, CHROMIUM, LiveServer
from tests.smtp_server import SmtpServer

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"needs Debian's chromium at {CHROMIUM} (apt install chromium)"
)

EVENT_NAME = "Azerbaijan and NATO: 30 years of Partnership for Peace"
SLUG = "pfp30-baku"
SENDER = "pfp30@confkit.test"
NATO = "North Atlantic Treaty Organization"
MINISTRY = "Ministry of Foreign Affairs of the Republic of Azerbaijan"
OPENING = "Opening: thirty years of Partnership for Peace"
REGIONAL = "Regional security in the South Caucasus"


@dataclass(frozen=True)
class Speaker:
    given_name: str
    family_name: str
    organisation: str
    position: str

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"


BURCU = Speaker("Burcu", "San", NATO, "Operations Division")
FUAD = Speaker("Fuad", "Məmmədov", MINISTRY, "Head of the Euro-Atlantic Department")

ATTENDEE_GIVEN_NAME = "Şəbnəm"
ATTENDEE_FAMILY_NAME = "Qasımova"
ATTENDEE_NAME = f"{ATTENDEE_GIVEN_NAME} {ATTENDEE_FAMILY_NAME}"
ATTENDEE_EMAIL = "shabnam.gasimova@example.az"
ATTENDEE_POSITION = "Attaché"


@pytest.fixture
def served_store(admin_store: Store) -> Store:
    """The organiser starts from nothing but their admin account."""
    return admin_store


def test_set_up_an_event_approve_a_registration_and_print_the_badge(
    live_server: LiveServer, browser: Browser, smtp_server: SmtpServer
) -> None:
    # Every form below must carry its token, as in production.
    assert live_server.app.config.get("WTF_CSRF_ENABLED", True)
    # Far enough ahead that registration is open now, whatever day the test runs.
    first_day = date.today() + timedelta(days=60)
    last_day = first_day + timedelta(days=1)
    responses: list[Response] = []
    with ExitStack() as contexts:

        def new_visitor() -> Page:
            context = browser.new_context(locale="en-GB", accept_downloads=True)
            contexts.callback(context.close)
            page = context.new_page()
            # Playwright wraps the handler, which a bound built-in method cannot take.
            page.on("response", lambda response: responses.append(response))
            return page

        organiser = new_visitor()
        log_in(organiser, live_server.url)
        create_event(organiser, first_day, last_day)
        add_rooms_and_track(organiser)
        add_organisations(organiser)
        add_speaker(organiser, BURCU)
        add_speaker(organiser, FUAD)
        schedule_sessions(organiser, first_day)
        see_the_grid(organiser, first_day)
        open_registration(organiser)

        # Someone registers through the public form and confirms their address by mail.
        visitor = new_visitor()
        to_organisers_page(organiser)
        event_page = organiser.get_by_role("link", name="Event page").get_attribute("href")
        assert event_page is not None
        register(visitor, live_server.url + event_page)
        send_mail(live_server, smtp_server)
        confirm_by_mail(visitor, live_server, smtp_server)
        expect(visitor.locator(".status")).to_contain_text(
            "Your registration awaits the organisers’ approval."
        )

        approve(organiser)
        visitor.reload()
        expect(visitor.locator(".status")).to_contain_text("Your registration is confirmed")

        print_badge(organiser)
        see_the_dashboard(organiser)

    failed = [f"{r.status} {r.request.method} {r.url}" for r in responses if r.status >= 500]
    assert not failed, failed
    assert len(responses) > 40


def log_in(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/admin/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisers: log in")
    page.get_by_label("Email").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisers")
    expect(page.get_by_text(f"Logged in as {ADMIN_EMAIL}.")).to_be_visible()
    expect(page.get_by_text("You have no event to work on yet.")).to_be_visible()


def to_organisers_page(page: Page) -> None:
    page.get_by_role("link", name="Organisers", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisers")


def create_event(page: Page, first_day: date, last_day: date) -> None:
    page.get_by_role("link", name="New event").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New event")
    page.get_by_label("Name (required)", exact=True).fill(EVENT_NAME)
    page.get_by_label("Short name in web addresses").fill(SLUG)
    page.get_by_label("Time zone").select_option("Asia/Baku")
    page.get_by_label("First day").fill(first_day.isoformat())
    page.get_by_label("Last day").fill(last_day.isoformat())
    page.get_by_label("Venue", exact=True).select_option(label="A new venue…")
    page.get_by_label("Name of the new venue").fill("Baku Congress Centre")
    page.get_by_label("Address", exact=True).fill("1 Heydar Aliyev Avenue")
    page.get_by_label("City", exact=True).fill("Baku")
    page.get_by_label("Country", exact=True).select_option(label="Azerbaijan")
    page.get_by_label("Description", exact=True).fill(
        "A conference on three decades of partnership."
    )
    page.get_by_label("Languages").fill("en, az")
    submit(page, "Create the event", expected=303)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Event: {EVENT_NAME}")
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Baku")
    expect(page.get_by_label("First day")).to_have_value(first_day.isoformat())
    expect(page.get_by_label("Venue", exact=True)).to_have_value(re.compile(r"^\d+$"))
    expect(page.get_by_text(SLUG, exact=True)).to_be_visible()


def add_rooms_and_track(page: Page) -> None:
    page.get_by_role("link", name="Rooms", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rooms: {EVENT_NAME}")
    expect(page.get_by_text("No rooms yet.")).to_be_visible()
    for name, slug, seats in (
        ("Plenary Hall", "plenary", "300"),
        ("Meeting Room", "meeting", "40"),
    ):
        page.get_by_label("Name (required)", exact=True).fill(name)
        page.get_by_label("Short name in web addresses").fill(slug)
        page.get_by_label("Seats", exact=True).fill(seats)
        submit(page, "Add the room", expected=303)
        row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))
        expect(row.get_by_role("cell")).to_have_text([slug, seats, re.compile("Remove")])

    page.get_by_role("link", name="Tracks", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Tracks: {EVENT_NAME}")
    page.get_by_label("Name (required)", exact=True).fill("Regional security")
    page.get_by_label("Short name in web addresses").fill("regional-security")
    page.get_by_label("Colour").fill("#1f6feb")
    submit(page, "Add the track", expected=303)
    expect(page.get_by_role("rowheader", name="Regional security")).to_be_visible()


def add_organisations(page: Page) -> None:
    to_organisers_page(page)
    page.get_by_role("link", name="People and organisations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    page.get_by_role("link", name="Organisations").click()
    expect(page.get_by_text("No organisation yet.")).to_be_visible()
    for name, short_name, kind, country in (
        (NATO, "NATO", "International organisation", "None (international)"),
        (MINISTRY, "MFA", "Government", "Azerbaijan (AZ)"),
    ):
        page.get_by_role("link", name="Add an organisation").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("New organisation")
        page.get_by_label("Name (required)", exact=True).fill(name)
        page.get_by_label("Short name").fill(short_name)
        page.get_by_label("Kind").select_option(label=kind)
        page.get_by_label("Country", exact=True).select_option(label=country)
        submit(page, "Add the organisation", expected=303)
        expect(page.get_by_role("status")).to_have_text("Organisation added.")
        expect(page.get_by_role("rowheader", name=f"{name} ({short_name})")).to_be_visible()


def add_speaker(page: Page, speaker: Speaker) -> None:
    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_role("link", name="Add a person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New person")
    page.get_by_label("Given name").fill(speaker.given_name)
    page.get_by_label("Family name").fill(speaker.family_name)
    submit(page, "Add the person", expected=303)
    expect(page.get_by_role("heading", level=1)).to_have_text(speaker.name)
    expect(page.get_by_role("status")).to_have_text("Person added.")
    expect(page.get_by_text("No position recorded.")).to_be_visible()
    page.get_by_label("Organisation").select_option(label=speaker.organisation)
    page.get_by_label("Position").fill(speaker.position)
    submit(page, "Add the position", expected=303)
    expect(page.get_by_role("status")).to_have_text("Position added.")
    expect(page.locator(".affiliations")).to_have_text(
        f"{speaker.position}, {speaker.organisation}"
    )


def schedule_sessions(page: Page, day: date) -> None:
    """Two sessions with a speaker each; the second first asks for the room the first holds."""
    page.get_by_role("link", name="People", exact=True).click()
    to_organisers_page(page)
    page.get_by_role("link", name="Sessions", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Sessions: {EVENT_NAME}")
    expect(page.get_by_text("The programme has no session yet.")).to_be_visible()

    page.get_by_role("link", name="Add a session").click()
    fill_session(page, OPENING, "Plenary", day, "10:00", "11:30", "Plenary Hall (300)")
    submit(page, "Add the session", expected=303)
    expect(page.get_by_role("heading", level=1)).to_have_text(OPENING)
    expect(page.get_by_role("status")).to_have_text("Session added.")
    add_to_session(page, BURCU)

    page.get_by_role("link", name=f"Sessions of {EVENT_NAME}").click()
    page.get_by_role("link", name="Add a session").click()
    fill_session(page, REGIONAL, "Panel", day, "11:00", "12:30", "Plenary Hall (300)")
    submit(page, "Add the session", expected=400)
    expect(page.get_by_role("alert")).to_contain_text("Please check the form: nothing was saved.")
    clash = page.locator("#room-errors")
    expect(clash).to_contain_text('Clash: room "Plenary Hall"')
    expect(clash).to_contain_text(f'"{OPENING}" ({day:%d %b} 10:00–11:30)')
    expect(page.get_by_label("Title (required)")).to_have_value(REGIONAL)

    page.get_by_label("Room").select_option(label="Meeting Room (40)")
    submit(page, "Add the session", expected=303)
    expect(page.get_by_role("heading", level=1)).to_have_text(REGIONAL)
    expect(page.get_by_role("status")).to_have_text("Session added.")
    expect(page.get_by_label("Room").locator("option:checked")).to_have_text("Meeting Room (40)")
    add_to_session(page, FUAD)

    page.get_by_role("link", name=f"Sessions of {EVENT_NAME}").click()
    rows = page.locator("table.admin-sessions tbody tr")
    expect(rows).to_have_count(2)
    for row, (title, when, kind, room) in zip(
        rows.all(),
        (
            (OPENING, f"{long_date(day)}, 10:00–11:30", "Plenary", "Plenary Hall"),
            (REGIONAL, f"{long_date(day)}, 11:00–12:30", "Panel", "Meeting Room"),
        ),
        strict=True,
    ):
        expect(row.get_by_role("rowheader")).to_have_text(title)
        expect(row.get_by_role("cell")).to_have_text([when, kind, room, "Scheduled", "1"])


def long_date(day: date) -> str:
    """A date as the English pages write it: "27 January 2027"."""
    return format_date(day, "long", locale="en_GB")


def fill_session(
    page: Page, title: str, kind: str, day: date, start: str, end: str, room: str
) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("New session")
    page.get_by_label("Kind").select_option(label=kind)
    page.get_by_label("Title (required)").fill(title)
    page.get_by_label("Day").fill(day.isoformat())
    page.get_by_label("Start").fill(start)
    page.get_by_label("End").fill(end)
    page.get_by_label("Room").select_option(label=room)
    page.get_by_label("Track").select_option(label="Regional security")
    page.get_by_label("Language (e.g. en, az)").fill("en")


def add_to_session(page: Page, speaker: Speaker) -> None:
    people = page.locator(".session-people")
    page.get_by_label("Person (required)").select_option(
        label=f"{speaker.family_name}, {speaker.given_name}"
    )
    page.get_by_label("Role").select_option(label="Speaker")
    page.get_by_label("Shown as").select_option(
        label=f"{speaker.name}: {speaker.position}, {speaker.organisation}"
    )
    submit(page, "Add", expected=303)
    expect(page.get_by_role("status")).to_have_text("Person added.")
    expect(people.locator("ol.roles > li")).to_contain_text(
        [f"Speaker: {speaker.name}, {speaker.position}, {speaker.organisation}"]
    )


def see_the_grid(page: Page, day: date) -> None:
    """Both sessions side by side on their day, each under its own room."""
    page.get_by_role("link", name=OPENING).click()
    page.get_by_role("link", name="Its day in the grid").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Programme grid: {EVENT_NAME}")
    days = page.get_by_role("navigation", name="Days")
    expect(days.locator("[aria-current=page]")).to_have_text(day_label(day))
    expect(days.get_by_role("link")).to_have_text([day_label(day + timedelta(days=1))])
    expect(page.locator(".grid-clashes")).to_have_count(0)
    for title, room, other, times in (
        (OPENING, "Plenary Hall", "Meeting Room", "10:00–11:30"),
        (REGIONAL, "Meeting Room", "Plenary Hall", "11:00–12:30"),
    ):
        cell = page.locator("td.grid-session").filter(
            has=page.get_by_role("link", name=title, exact=True)
        )
        expect(cell.locator(".grid-when")).to_have_text(times)
        assert same_column(cell, page.get_by_role("columnheader", name=room, exact=True)), room
        assert not same_column(cell, page.get_by_role("columnheader", name=other, exact=True))


def same_column(cell: Locator, header: Locator) -> bool:
    """Whether the cell is laid out right under the header: the table's real columns."""
    cell_box, header_box = cell.bounding_box(), header.bounding_box()
    assert cell_box is not None
    assert header_box is not None
    return (
        abs(cell_box["x"] - header_box["x"]) < 2
        and abs(cell_box["width"] - header_box["width"]) < 2
    )


def open_registration(page: Page) -> None:
    page.get_by_role("link", name=f"Sessions of {EVENT_NAME}").click()
    to_organisers_page(page)
    page.get_by_role("link", name="Registration settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Registration settings: {EVENT_NAME}"
    )
    page.get_by_label("Registration opens").fill("")
    page.get_by_label("Registration closes").fill("")
    page.get_by_label("Seats", exact=True).fill("120")
    page.get_by_role("radio", name="Approval: the organisers approve each registration").check()
    page.get_by_label("Keep a waiting list when the seats are taken").check()
    submit(page, "Save", expected=303)
    expect(page.get_by_role("status")).to_have_text("The registration settings are saved.")
    expect(page.locator(".seats")).to_have_text(
        re.compile(r"Now:\s*0 confirmed of 120 seats;\s*0 on the waiting list\.")
    )
    expect(
        page.get_by_role("radio", name="Approval: the organisers approve each registration")
    ).to_be_checked()


def register(page: Page, event_url: str) -> None:
    page.goto(event_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(EVENT_NAME)
    expect(page.locator(".facts")).to_contain_text(
        "Baku Congress Centre, 1 Heydar Aliyev Avenue, Baku"
    )
    expect(page.locator(".registration")).to_contain_text("Registration is open until")
    page.get_by_role("link", name="Register", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Register for {EVENT_NAME}")
    expect(page.get_by_text("The organisers approve each registration")).to_be_visible()
    page.get_by_label("Given name").fill(ATTENDEE_GIVEN_NAME)
    page.get_by_label("Family name").fill(ATTENDEE_FAMILY_NAME)
    page.get_by_label("Email address").fill(ATTENDEE_EMAIL)
    page.get_by_label("Organisation", exact=True).select_option(label=MINISTRY)
    page.get_by_label("Position").fill(ATTENDEE_POSITION)
    page.get_by_label("I attend as").select_option(label="Delegate")
    submit(page, "Register", expected=303)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your mail")


def send_mail(server: LiveServer, smtp_server: SmtpServer) -> None:
    """Deliver the outbox, as the mail command does; everything due must go out."""
    result = send_pending(server.store, smtp_server.url, sender=SENDER)
    assert (result.failed, result.deferred, result.waiting) == (0, 0, 0), result.problems


def confirm_by_mail(page: Page, server: LiveServer, smtp_server: SmtpServer) -> None:
    received = [r.message for r in smtp_server.received if r.rcpt_tos == (ATTENDEE_EMAIL,)]
    assert len(received) == 1, received
    assert str(received[0]["Subject"]).strip().startswith("Please confirm your registration")
    text = received[0].get_body(preferencelist=("plain",))
    assert text is not None
    link = re.search(re.escape(server.url) + r"/r/[\w-]+/confirm", text.get_content())
    assert link is not None, text.get_content()
    page.goto(link.group())
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your registration")
    page.get_by_role("button", name="Confirm my registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration")


def approve(page: Page) -> None:
    """From the organisers' page, tick the registration awaiting approval on the list and
    press Approve."""
    page.get_by_role("link", name="Registrations", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Registrations: {EVENT_NAME}")
    row = attendee_row(page)
    expect(row.get_by_role("cell").nth(5)).to_have_text("Awaiting approval")
    expect(row.get_by_role("cell").nth(2)).to_have_text(MINISTRY)
    page.get_by_role("checkbox", name=f"Choose {ATTENDEE_NAME}").check()
    submit(page, "Approve", expected=200)
    expect(page.locator(".action-outcome")).to_have_text("Approve: 1 registration done.")
    page.get_by_role("link", name="Back").click()
    expect(attendee_row(page).get_by_role("cell").nth(5)).to_have_text("Confirmed")
    expect(page.locator(".seats")).to_contain_text("1 confirmed of 120")


def attendee_row(page: Page) -> Locator:
    return page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=f"{ATTENDEE_FAMILY_NAME}, {ATTENDEE_GIVEN_NAME}")
    )


def print_badge(page: Page) -> None:
    page.get_by_role("checkbox", name=f"Choose {ATTENDEE_NAME}").check()
    submit(page, "Print badges", expected=200)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Badges: {EVENT_NAME}")
    expect(page.locator(".badge-count")).to_have_text("1 badge to print.")
    expect(page.locator(".badge-names")).to_have_text(f"{ATTENDEE_NAME} (Delegate)")
    with (
        page.expect_download() as download_info,
        page.expect_response(lambda r: r.url.endswith("/badges.pdf")) as response_info,
    ):
        page.get_by_role("button", name="Download 1 badge (PDF)").click()
    response = response_info.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    download = download_info.value
    assert download.suggested_filename == f"{SLUG}-badges-a4.pdf"
    path = download.path()
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)
    assert text == f"{EVENT_NAME} {ATTENDEE_NAME} {ATTENDEE_POSITION}, {MINISTRY} DELEGATE"


def see_the_dashboard(page: Page) -> None:
    to_organisers_page(page)
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Dashboard: {EVENT_NAME}")
    figures = page.locator(".dashboard-figures")
    expect(figures.locator("dt")).to_have_text(
        ["Confirmed", "Free seats", "Waiting list", "Checked in"]
    )
    expect(figures.locator("dd")).to_have_text(["1 of 120", "119", "0", "0 of 1"])


def submit(page: Page, button: str, *, expected: int) -> None:
    """Press a form's button and check the status the form's answer came with."""
    with page.expect_response(is_form_post) as answer:
        page.get_by_role("button", name=button, exact=True).click()
    assert answer.value.status == expected, (answer.value.url, answer.value.status)
    page.wait_for_load_state()


def is_form_post(response: Response) -> bool:
    return response.request.method == "POST" and response.request.resource_type == "document"
