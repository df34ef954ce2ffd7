"""A newcomer's first visit, in Azerbaijani and without JavaScript: from the home page through
the Baku programme, a track, a session and its calendar feed, to registering for the demo
workshop, confirming by the mailed link, the ticket, a session on the personal agenda and the
agenda's own feed.

Every page is served over real HTTP and mail goes through the outbox to a real SMTP server. The
main pages are photographed at a phone's width and a desktop's into the folder named by
``CONFKIT_TEST_ARTEFACTS`` (``test-artefacts/`` at the repository root by default), and none of
them may scroll sideways on the phone.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from babel.dates import format_date
from babel.support import Translations
from icalendar import Calendar
from playwright.sync_api import Browser, Page, ViewportSize, expect

from confkit.demo import pfp30, workshop
from confkit.i18n import Translator
from tests.browser.conftest import CHROMIUM, LiveServer
from tests.browser.test_registration_journey import Newcomer, last_mail_to, send_mail, subject
from tests.smtp_server import SmtpServer

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"needs Debian's chromium at {CHROMIUM} (apt install chromium)"
)

REPOSITORY = Path(__file__).resolve().parents[2]
ARTEFACTS_VARIABLE = "CONFKIT_TEST_ARTEFACTS"
WIDTHS: dict[str, ViewportSize] = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1366, "height": 900},
}
AZ = Translations.load(str(REPOSITORY / "webapp" / "translations"), ["az"])

NARMIN = Newcomer("Nərmin", "Cəfərli", "narmin.cafarli@example.az", "Gas supply and transit")
TRACK_SLUG = "energy-security"
TRACK_NAME = "Energy security in the European region"
PANEL_TITLE = pfp30.TITLE_TRANSLATIONS["panel-energy-security"]["az"]
OPENING_TITLE = pfp30.TITLE_TRANSLATIONS["opening"]["az"]
PANEL_PEOPLE = [
    (
        ("role in a session", "Moderator"),
        "Dr Səbinə Qasımova",
        "Associate Professor of Security Studies, "
        "Shirvan Institute of International Relations (fictional)",
    ),
    (
        ("role in a session", "Panellist"),
        "Aysel Hüseynova",
        "Senior Energy Analyst, Caspian Energy Policy Centre (fictional)",
    ),
    (
        ("role in a session", "Panellist"),
        "Dr Markus Feldmann",
        "Head of Research, Institute for Energy Transit Studies (fictional)",
    ),
]
# The keynote as calendars see it (feeds keep the original) and as the Azerbaijani page shows it.
KEYNOTE_TITLE = "Keynote: energy security in the European region"
KEYNOTE_TITLE_AZ = workshop.SESSION_TRANSLATIONS["keynote"]["az"]["title"]
HREFS = "links => links.map(link => link.getAttribute('href'))"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

# The elements reaching past the right edge of the window, to name what makes a page too wide.
TOO_WIDE = """() => {
  const width = window.innerWidth;
  const wide = [];
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.right > width + 0.5 && box.width > 0) {
      const name = element.tagName.toLowerCase()
        + (element.id ? '#' + element.id : '')
        + [...element.classList].map(c => '.' + c).join('');
      wide.push(`${name} (right edge ${Math.round(box.right)}px)`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width,
          elements: wide.slice(0, 8)};
}"""


def az(message: str) -> str:
    """``message`` as the Azerbaijani catalogue has it; a message it leaves in English would
    let an untranslated page pass, so that is an error of the test's own."""
    translated = AZ.gettext(message)
    assert translated != message, f"no Azerbaijani for {message!r}"
    return translated


def az_label(context: str, message: str) -> str:
    """A word for an enumerated value in Azerbaijani; some are the English word ("Moderator")."""
    return str(AZ.pgettext(context, message))


def az_field(text: str) -> re.Pattern[str]:
    """A form label starting with ``text``, with or without "(required)" after it."""
    return re.compile(rf"^{re.escape(az(text))}(\s|$)")


@dataclass
class Photographer:
    """Photographs a page at each width and notes, at the phone's, a page that scrolls sideways."""

    folder: Path
    taken: list[Path] = field(default_factory=list)
    too_wide: list[str] = field(default_factory=list)

    def capture(self, page: Page, name: str) -> None:
        for width_name, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            if width_name == "phone":
                measure = page.evaluate(TOO_WIDE)
                if measure["scrollWidth"] > measure["innerWidth"]:
                    self.too_wide.append(f"{name}: {measure}")
            path = self.folder / f"newcomer-{len(self.taken) // 2 + 1:02d}-{name}-{width_name}.png"
            page.screenshot(path=str(path), full_page=True)
            self.taken.append(path)
        page.set_viewport_size(WIDTHS["desktop"])


@pytest.fixture
def artefacts() -> Path:
    """The folder for screenshots, kept after the run for people to look at."""
    folder = Path(os.environ.get(ARTEFACTS_VARIABLE) or REPOSITORY / "test-artefacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def visitor(browser: Browser) -> Iterator[Page]:
    """A tab of a browser set to British English, with JavaScript switched off."""
    context = browser.new_context(
        locale="en-GB", java_script_enabled=False, viewport=WIDTHS["desktop"]
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def test_a_newcomer_browses_in_azerbaijani_registers_and_builds_an_agenda(
    live_server: LiveServer, visitor: Page, smtp_server: SmtpServer, artefacts: Path
) -> None:
    page = visitor
    camera = Photographer(artefacts)
    host = urlsplit(live_server.url).netloc
    # Session UIDs name the host without the port (see confkit.formats.ical.session_uid).
    uid_host = urlsplit(live_server.url).hostname or ""

    # The home page, in the browser's English, and the switch to Azerbaijani.
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Azərbaycanca").click()
    expect(page.locator("html")).to_have_attribute("lang", "az")
    expect(page.get_by_role("heading", level=1)).to_have_text(az("Upcoming events"))
    camera.capture(page, "home")

    # The Baku conference, under its Azerbaijani name.
    page.get_by_role("link", name=pfp30.NAME_TRANSLATIONS["az"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(pfp30.NAME_TRANSLATIONS["az"])
    expect(page.locator(".registration")).to_have_text(az("Registration is closed."))
    camera.capture(page, "event")

    # Its programme: Azerbaijani headings, the day as Babel writes it, translated titles.
    page.get_by_role("link", name=az("See the programme")).click()
    expect(page.locator("html")).to_have_attribute("lang", "az")
    expect(page.get_by_role("heading", level=1)).to_have_text(az("Programme"))
    conference_day = format_date(pfp30.CONFERENCE_DAY, "full", locale="az")
    expect(page.get_by_role("heading", level=2)).to_have_text([conference_day])
    expect(page.get_by_role("link", name=OPENING_TITLE)).to_be_visible()
    expect(page.get_by_role("link", name=PANEL_TITLE)).to_be_visible()
    programme_uuids = set(
        re.findall(UUID, " ".join(page.locator(".slot .what a").evaluate_all(HREFS)))
    )
    assert len(programme_uuids) == page.locator(".slot").count() > 5
    camera.capture(page, "programme")

    # The programme's calendar feed: webcal for subscribing, the same address over http.
    subscribe = page.locator("p.feed-links").get_by_role("link", name=az("Subscribe"))
    webcal = urlsplit(subscribe.get_attribute("href") or "")
    assert (webcal.scheme, webcal.netloc, webcal.path) == (
        "webcal",
        host,
        f"/events/{pfp30.SLUG}/schedule.ics",
    )
    programme_feed = fetch_calendar(page, webcal._replace(scheme="http").geturl())
    assert programme_feed.walk("VTIMEZONE")[0]["TZID"] == pfp30.TIMEZONE
    assert feed_uuids(programme_feed, uid_host) == programme_uuids

    # One track, through the filter form: a plain GET, no script needed.
    page.get_by_label(az("Track"), exact=True).select_option(label=TRACK_NAME)
    page.get_by_role("button", name=az("Show")).click()
    assert parse_qs(urlsplit(page.url).query) == {"track": [TRACK_SLUG]}
    expect(page.locator(".slot")).to_have_count(1)
    expect(page.locator(".slot .track")).to_have_text([TRACK_NAME])
    expect(page.get_by_role("link", name=OPENING_TITLE)).to_have_count(0)
    track_subscribe = page.locator("p.feed-links").get_by_role("link", name=az("Subscribe"))
    expect(track_subscribe).to_have_attribute(
        "href", f"webcal://{host}/events/{pfp30.SLUG}/tracks/{TRACK_SLUG}.ics"
    )
    camera.capture(page, "programme-track")

    # The session: its people, each with a position and an organisation.
    page.get_by_role("link", name=PANEL_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PANEL_TITLE)
    expect(page.get_by_role("heading", name=az("People"))).to_be_visible()
    people = page.locator("ul.people > li")
    expect(people).to_have_count(len(PANEL_PEOPLE))
    for index, (role, name, affiliation) in enumerate(PANEL_PEOPLE):
        person = people.nth(index)
        expect(person.locator(".role")).to_have_text(f"{az_label(*role)}:")
        expect(person.get_by_role("link", name=name, exact=True)).to_be_visible()
        expect(person.locator(".affiliation")).to_have_text(affiliation)
    session_uuid = re.search(UUID, page.url)
    assert session_uuid is not None
    session_subscribe = page.locator("p.feed-links").get_by_role("link", name=az("Subscribe"))
    expect(session_subscribe).to_have_attribute(
        "href", f"webcal://{host}/events/{pfp30.SLUG}/sessions/{session_uuid.group()}.ics"
    )
    camera.capture(page, "session")

    # Over to the workshop, still in Azerbaijani, and its registration form.
    page.get_by_role("navigation", name=az("Site")).get_by_role("link", name=az("Events")).click()
    page.get_by_role("link", name=workshop.TRANSLATIONS["az"]["name"]).click()
    page.get_by_role("link", name=az("Register"), exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "az")
    camera.capture(page, "registration-form")
    fill_registration(page, NARMIN)
    page.get_by_role("button", name=az("Register")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(az("Check your mail"))

    # The mail, and the link in it.
    send_mail(live_server, smtp_server)
    confirmation = last_mail_to(smtp_server, NARMIN)
    # Written in the language of the form, from confkit's own catalogue.
    mail_subject = Translator("az").gettext("Please confirm your registration")
    assert mail_subject != "Please confirm your registration"
    assert subject(confirmation).startswith(mail_subject)
    body = confirmation.get_body(preferencelist=("plain",))
    assert body is not None
    link = re.search(re.escape(live_server.url) + r"/r/[\w-]+/confirm", body.get_content())
    assert link is not None, body.get_content()
    page.goto(link.group())
    expect(page.get_by_role("heading", level=1)).to_have_text(az("Confirm your registration"))
    page.get_by_role("button", name=az("Confirm my registration")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(az("Your registration"))
    expect(page.locator(".attendee-name")).to_have_text(NARMIN.name)
    expect(page.locator(".status")).to_contain_text(
        az("Your registration is confirmed: your seat is reserved.")
    )

    # The ticket.
    ticket = page.get_by_role("region", name=az("Your ticket"))
    expect(ticket.get_by_role("img", name=az("Ticket QR code"))).to_be_visible()
    expect(ticket.locator("code.ticket-payload")).not_to_be_empty()

    # A session onto the agenda.
    agenda = page.get_by_role("region", name=az("Your agenda"))
    keynote = agenda.locator("li.slot").filter(
        has=page.get_by_role("link", name=KEYNOTE_TITLE_AZ, exact=True)
    )
    keynote.get_by_role("button", name=az("Add to my agenda")).click()
    expect(keynote.locator(".on-agenda")).to_have_text(az("On your agenda."))
    expect(agenda.locator("li.chosen")).to_have_count(1)
    camera.capture(page, "attendee-ticket")
    keynote_uuid = re.search(UUID, keynote.get_by_role("link").get_attribute("href") or "")
    assert keynote_uuid is not None

    # The agenda's own feed, at the address the page gives.
    download = agenda.locator("p.feed-links").get_by_role("link", name=az("Download (.ics)"))
    feed_url = download.get_attribute("href") or ""
    assert re.fullmatch(re.escape(live_server.url) + r"/r/[\w-]+/agenda\.ics", feed_url)
    agenda_feed = fetch_calendar(page, feed_url)
    events = agenda_feed.walk("VEVENT")
    assert [(str(e["UID"]), str(e["SUMMARY"])) for e in events] == [
        (f"{keynote_uuid.group()}@{uid_host}", KEYNOTE_TITLE)
    ]

    assert len(camera.taken) == 2 * 7
    assert all(path.stat().st_size > 0 for path in camera.taken)
    assert not camera.too_wide, "pages scroll sideways on a phone:\n" + "\n".join(camera.too_wide)


def fill_registration(page: Page, person: Newcomer) -> None:
    """The form, in Azerbaijani: an organisation from the list and the workshop's questions."""
    page.get_by_label(az_field("Given name")).fill(person.given_name)
    page.get_by_label(az_field("Family name")).fill(person.family_name)
    page.get_by_label(az_field("Email address")).fill(person.email)
    page.get_by_label(az_field("Organisation")).select_option(label="Kür Grid Company (fictional)")
    page.get_by_label(az_field("Position")).fill("Aparıcı mühəndis")
    page.get_by_label(az_field("I attend as")).select_option(
        label=az_label("registration category", "Observer")
    )
    page.get_by_role("radio", name=person.theme).check()
    page.get_by_role("checkbox", name=az_field("I agree to the text above")).check()


def fetch_calendar(page: Page, url: str) -> Calendar:
    """Fetch ``url`` as a calendar app would; it must be a valid iCalendar."""
    response = page.request.get(url)
    assert response.status == 200, f"{url} answered {response.status}"
    assert response.headers["content-type"].startswith("text/calendar"), response.headers
    calendar = Calendar.from_ical(response.body())
    assert calendar.name == "VCALENDAR"
    assert str(calendar["VERSION"]) == "2.0"
    return calendar


def feed_uuids(calendar: Calendar, host: str) -> set[str]:
    """The session UUIDs a feed carries, from UIDs of the form ``<uuid>@<host>``."""
    uids = [str(event["UID"]) for event in calendar.walk("VEVENT")]
    assert all(uid.endswith(f"@{host}") for uid in uids), uids
    return {uid.removesuffix(f"@{host}") for uid in uids}
