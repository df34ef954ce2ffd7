"""Every public and attendee page, checked by axe-core inside Chromium at a phone's width and a
desktop's; the registration form's errors tied to their fields; the keyboard alone reaching
every control of the form and of the attendee's page, in order and with a visible focus.

axe-core comes from the npm registry at the version package-lock.json pins (``npm ci`` at the
repository root); it is injected into each page as served, after its own scripts have run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect
from sqlalchemy import select

from confkit.demo import pfp30, workshop
from confkit.models import (
    AgendaEntry,
    Person,
    ProgrammeSession,
    Registration,
    RegistrationStatus,
    SessionStatus,
    Track,
    Visibility,
)
from confkit.services import get_event
from confkit.services.agenda import add_to_agenda
from confkit.services.programme import cancel_session
from confkit.services.registration_by_hand import RegistrationByHand, register_by_hand
from confkit.tickets import ticket_payload
from tests.browser.conftest import (
    ADMIN_EMAIL,
    CHECKIN_CODE,
    CHROMIUM,
    SECRET_KEY,
    LiveServer,
)
from tests.browser.test_registration_journey import GUNAY, register

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"needs Debian's chromium at {CHROMIUM} (apt install chromium)"
)

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# Moderate and minor findings are advice; these two levels stop someone from using the page.
BLOCKING_IMPACTS = {"serious", "critical"}
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}


@dataclass(frozen=True)
class Attendee:
    """A confirmed registration with sessions on its agenda, and its ticket."""

    token: str
    ticket: str


@dataclass(frozen=True)
class Violation:
    """One blocking axe-core finding on one page."""

    url: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.impact} {self.rule} at {self.url}: {self.help}; {', '.join(self.targets)}"


class Audit:
    """Runs axe-core on the pages a browser tab visits and keeps every blocking finding."""

    def __init__(self, page: Page, base_url: str, axe_source: str) -> None:
        self.page = page
        self.base_url = base_url
        self.axe_source = axe_source
        self.violations: list[Violation] = []
        self.pages: list[str] = []

    def visit(self, path: str, *, status: int = 200) -> None:
        """Open ``path`` (expecting ``status``) and check the page as it stands."""
        response = self.page.goto(self.base_url + path)
        assert response is not None, path
        assert response.status == status, f"{path} answered {response.status}"
        self.check()

    def check(self) -> None:
        """Check the page the tab shows now (after a form was sent, say)."""
        self.page.add_script_tag(content=self.axe_source)
        results = self.page.evaluate(
            """tags => axe.run(document, {runOnly: {type: "tag", values: tags}})""", AXE_TAGS
        )
        url = self.page.url.removeprefix(self.base_url)
        self.pages.append(url)
        self.violations.extend(
            Violation(
                url=url,
                rule=finding["id"],
                impact=finding["impact"],
                help=finding["help"],
                targets=tuple(json.dumps(node["target"]) for node in finding["nodes"]),
            )
            for finding in results["violations"]
            if finding["impact"] in BLOCKING_IMPACTS
        )


@pytest.fixture
def axe_source() -> str:
    """axe-core's browser build; missing it is a broken set-up, never a reason to skip."""
    if not AXE_SCRIPT.exists():
        pytest.fail(
            f"axe-core is not installed ({AXE_SCRIPT} is missing): "
            "run `npm ci` at the repository root (Node.js and npm from apt: nodejs, npm)"
        )
    return AXE_SCRIPT.read_text(encoding="utf-8")


@pytest.fixture
def attendee(live_server: LiveServer) -> Attendee:
    """A confirmed workshop attendee with two sessions on their agenda."""
    with live_server.store.transaction() as db:
        event = get_event(db, workshop.SLUG)
        registration = register_by_hand(
            db,
            event,
            RegistrationByHand("Aynur", "Quliyeva", "aynur.quliyeva@example.az"),
            actor="organiser@confkit.test",
            base_url=live_server.url,
        )
        assert registration.status is RegistrationStatus.CONFIRMED
        for programme_session in public_sessions(db, event.id)[:2]:
            add_to_agenda(db, registration, programme_session)
        return Attendee(registration.token, ticket_payload(registration, SECRET_KEY))


@pytest.fixture
def cancelled_session(live_server: LiveServer, attendee: Attendee) -> str:
    """A workshop session called off, kept in the programme; after the agenda is filled, so
    the attendee's page shows it too. Its UUID."""
    with live_server.store.transaction() as db:
        event = get_event(db, workshop.SLUG)
        chosen = set(db.scalars(select(AgendaEntry.session_id)))
        last = next(s for s in reversed(public_sessions(db, event.id)) if s.id not in chosen)
        cancel_session(db, last)
        return str(last.uuid)


@pytest.fixture
def tab(browser: Browser) -> Iterator[Page]:
    """A browser tab in a fresh context, for the test to size."""
    context: BrowserContext = browser.new_context(locale="en-GB")
    try:
        yield context.new_page()
    finally:
        context.close()


def public_sessions(db: Any, event_id: int) -> list[ProgrammeSession]:
    return list(
        db.scalars(
            select(ProgrammeSession)
            .where(
                ProgrammeSession.event_id == event_id,
                ProgrammeSession.visibility == Visibility.PUBLIC,
                ProgrammeSession.status == SessionStatus.SCHEDULED,
            )
            .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
        )
    )


def send_unchecked(page: Page, button: str = "Register") -> None:
    """Send the form as a browser that checks nothing itself would: the server's messages are
    what is on trial."""
    page.locator("form:has([type=submit])").evaluate_all(
        "forms => forms.forEach(form => { form.noValidate = true; })"
    )
    page.get_by_role("button", name=button).click()


def first_track(live_server: LiveServer, slug: str) -> str:
    with live_server.store.transaction() as db:
        event = get_event(db, slug)
        track = db.scalar(select(Track.slug).where(Track.event_id == event.id).order_by(Track.id))
        assert track is not None, f"{slug} has no track"
        return track


def first_session(live_server: LiveServer, slug: str) -> str:
    with live_server.store.transaction() as db:
        return str(public_sessions(db, get_event(db, slug).id)[0].uuid)


def token_of(live_server: LiveServer, email: str) -> str:
    with live_server.store.transaction() as db:
        token = db.scalar(
            select(Registration.token).join(Person).where(Person.email == email.lower())
        )
        assert token is not None, email
        return token


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_no_page_has_a_serious_or_critical_violation(
    live_server: LiveServer,
    tab: Page,
    axe_source: str,
    attendee: Attendee,
    cancelled_session: str,
    viewport: ViewportSize,
) -> None:
    tab.set_viewport_size(viewport)
    audit = Audit(tab, live_server.url, axe_source)
    audit.visit("/")
    for slug in (pfp30.SLUG, workshop.SLUG):
        audit.visit(f"/events/{slug}/")
        audit.visit(f"/events/{slug}/schedule")
        audit.visit(f"/events/{slug}/schedule?track={first_track(live_server, slug)}")
        audit.visit(f"/events/{slug}/sessions/{first_session(live_server, slug)}")
    audit.visit(f"/events/{workshop.SLUG}/sessions/{cancelled_session}")
    # Its registration is over: the page says so.
    audit.visit(f"/events/{pfp30.SLUG}/register")

    audit.visit(f"/events/{workshop.SLUG}/register")
    send_unchecked(tab)
    expect(tab.get_by_role("alert")).to_contain_text("Please check the form")
    audit.check()
    register(tab, live_server.url, GUNAY, new_organisation=False, full=False)
    audit.check()
    audit.visit(f"/r/{token_of(live_server, GUNAY.email)}/confirm")
    tab.get_by_role("button", name="Confirm my registration").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Your registration")
    audit.check()
    audit.visit(f"/r/{attendee.token}")
    tab.get_by_text("Cancel my registration", exact=True).click()
    audit.check()
    audit.visit("/r/no-such-link-at-all", status=404)
    audit.visit(f"/events/{workshop.SLUG}/data-erased")

    desk = f"/events/{workshop.SLUG}/check-in"
    audit.visit(desk)
    tab.get_by_label("Check-in code").fill("not the code")
    tab.get_by_role("button", name="Open check-in").click()
    expect(tab.get_by_role("alert")).to_have_text("That is not the check-in code.")
    audit.check()
    tab.get_by_label("Check-in code").fill(CHECKIN_CODE)
    tab.get_by_role("button", name="Open check-in").click()
    audit.check()
    for payload, outcome in [
        (attendee.ticket, "status"),
        (attendee.ticket, "status"),
        ("not a ticket", "alert"),
    ]:
        tab.get_by_label("Ticket code").fill(payload)
        tab.get_by_role("button", name="Check in", exact=True).click()
        expect(tab.locator(".check-in-result")).to_have_attribute("role", outcome)
        audit.check()

    audit.visit("/events/no-such-event/", status=404)
    audit.visit("/no/such/page", status=404)
    audit.visit("/admin/login")
    tab.get_by_label("Email").fill(ADMIN_EMAIL)
    tab.get_by_label("Password").fill("not the password")
    tab.get_by_role("button", name="Log in").click()
    audit.check()

    # Every page above was checked, none lost on the way.
    assert len(audit.pages) == 30, audit.pages
    assert not audit.violations, "\n".join(map(str, audit.violations))


def test_form_errors_are_tied_to_their_fields(live_server: LiveServer, tab: Page) -> None:
    tab.goto(f"{live_server.url}/events/{workshop.SLUG}/register")
    tab.get_by_label("Email address").fill("not an address")
    send_unchecked(tab)
    summary = tab.get_by_role("alert")
    expect(summary).to_contain_text("Please check the form")

    invalid = tab.locator("[aria-invalid=true]")
    names = invalid.evaluate_all("fields => fields.map(field => field.name)")
    # Every button of the group of choices is marked, so each one says what is wrong.
    theme = ["answers-main_interest"] * 3
    assert sorted(names) == sorted(["given_name", "family_name", "email", *theme, "consent"])
    for index in range(invalid.count()):
        field = invalid.nth(index)
        name = field.get_attribute("name")
        described = (field.get_attribute("aria-describedby") or "").split()
        errors = [part for part in described if part.endswith("-errors")]
        assert len(errors) == 1, f"{name} is described by {described}"
        message = tab.locator(f"[id='{errors[0]}']")
        expect(message).to_have_class("field-errors")
        expect(message).to_be_visible()
        expect(field).to_have_accessible_description(
            re.compile(re.escape(message.inner_text().strip()))
        )
    # A field in order is not marked as in error.
    expect(tab.get_by_label("Position")).to_have_attribute("aria-invalid", "false")
    expect(tab.locator(".field-errors")).to_have_count(5)

    # Each entry of the summary leads to a field in error, or to its group of choices.
    targets = summary.get_by_role("link").evaluate_all("links => links.map(l => l.hash)")
    assert len(targets) == 5
    for target in targets:
        expect(
            tab.locator(f"{target}[aria-invalid=true], {target} [aria-invalid=true]")
        ).not_to_have_count(0)


def test_login_and_check_in_code_errors_are_tied_to_their_fields(
    live_server: LiveServer, tab: Page
) -> None:
    tab.goto(f"{live_server.url}/admin/login")
    send_unchecked(tab, "Log in")
    for label in ("Email", "Password"):
        field = tab.get_by_label(label, exact=True)
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description("This field is required.")
    # Nothing says the page was open too long when it was not.
    expect(tab.get_by_role("alert")).to_have_count(0)

    tab.goto(f"{live_server.url}/events/{workshop.SLUG}/check-in")
    code = tab.get_by_label("Check-in code")
    expect(code).not_to_have_attribute("aria-invalid", "true")
    code.fill("not the code")
    tab.get_by_role("button", name="Open check-in").click()
    expect(tab.get_by_role("alert")).to_have_text("That is not the check-in code.")
    expect(code).to_have_attribute("aria-invalid", "true")
    expect(code).to_have_accessible_description("That is not the check-in code.")


# The controls a Tab key stops at, in order: visible, enabled, not taken out of the order, and
# one stop for each group of radio buttons (the checked one, else the first).
TAB_STOPS = """() => {
  const candidates = document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]');
  const seenRadios = new Set();
  const stops = [];
  for (const element of candidates) {
    if (element.disabled || element.tabIndex < 0 || !element.checkVisibility()) continue;
    if (element.type === 'radio') {
      if (seenRadios.has(element.name)) continue;
      seenRadios.add(element.name);
      const group = document.querySelectorAll(`input[type=radio][name="${element.name}"]`);
      const chosen = [...group].find(radio => radio.checked) || group[0];
      stops.push(chosen);
      continue;
    }
    stops.push(element);
  }
  return stops.map(describe);
}"""

DESCRIBE = """function describe(element) {
  if (!element || element === document.body) return 'body';
  return element.id ? `#${element.id}` : `${element.tagName.toLowerCase()}:${(element.name
    || element.textContent || '').trim().slice(0, 40)}`;
}"""

FOCUS_LOOK = """() => {
  const focused = document.activeElement;
  const style = getComputedStyle(focused);
  return {
    element: describe(focused),
    focusVisible: focused.matches(':focus-visible'),
    outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    outlineColor: style.outlineColor,
    boxShadow: style.boxShadow,
  };
}"""

MARK_FOCUSED = """() => {
  document.querySelectorAll('[data-tab-stop]').forEach(e => e.removeAttribute('data-tab-stop'));
  document.activeElement.dataset.tabStop = '';
  return '[data-tab-stop]';
}"""

LOOK_OF = """selector => {
  const style = getComputedStyle(document.querySelector(selector));
  return {outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
          boxShadow: style.boxShadow};
}"""


def install_describe(page: Page) -> None:
    page.evaluate(f"() => {{ window.describe = {DESCRIBE}; }}")


def focus_is_visible(look: dict[str, Any], unfocused: dict[str, str]) -> bool:
    """An outline at least 2px wide that shows, or a shadow the control does not have without
    the focus. A browser's own thin ring does not count: the site draws its own, the same in
    every browser."""
    outline_shows = (
        look["outlineStyle"] not in ("none", "auto")
        and look["outlineWidth"] >= 2
        and not str(look["outlineColor"]).endswith(", 0)")
        and look["outlineColor"] != "transparent"
    )
    shadow_added = look["boxShadow"] != "none" and look["boxShadow"] != unfocused["boxShadow"]
    return bool(outline_shows or shadow_added)


def tab_through(page: Page) -> list[dict[str, Any]]:
    """Press Tab from the top of the page until the focus leaves it; each stop's look, with the
    same control's look once the focus has moved on."""
    install_describe(page)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.evaluate("() => window.scrollTo(0, 0)")
    stops: list[dict[str, Any]] = []
    previous_id: str | None = None
    for _ in range(200):
        page.keyboard.press("Tab")
        look = page.evaluate(FOCUS_LOOK)
        if previous_id is not None:
            stops[-1]["unfocused"] = page.evaluate(LOOK_OF, previous_id)
        if look["element"] == "body" or (stops and look["element"] == stops[0]["element"]):
            break
        # Mark the control so its unfocused look can be read after the next Tab.
        previous_id = page.evaluate(MARK_FOCUSED)
        stops.append(look)
    return stops


def check_keyboard_journey(page: Page) -> None:
    install_describe(page)
    expected = page.evaluate(TAB_STOPS)
    stops = tab_through(page)
    assert [stop["element"] for stop in stops] == expected
    hidden = [
        f"{stop['element']} ({stop['outline']}; {stop['boxShadow']})"
        for stop in stops
        if not stop["focusVisible"] or not focus_is_visible(stop, stop.get("unfocused", {}))
    ]
    assert not hidden, f"no visible focus on {hidden}"


def check_skip_link(page: Page) -> None:
    """The first Tab shows the skip link; following it moves the focus into the main content."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.url.endswith("#content")
    page.keyboard.press("Tab")
    inside_main = page.evaluate(
        "() => document.querySelector('main').contains(document.activeElement)"
    )
    assert inside_main, page.evaluate("() => describe(document.activeElement)")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_keyboard_reaches_every_control_with_a_visible_focus(
    live_server: LiveServer, tab: Page, attendee: Attendee, viewport: ViewportSize
) -> None:
    tab.set_viewport_size(viewport)
    tab.goto(f"{live_server.url}/events/{workshop.SLUG}/register")
    check_keyboard_journey(tab)
    check_skip_link(tab)

    tab.goto(f"{live_server.url}/r/{attendee.token}")
    # Opened without a click, which would move the point where Tab starts.
    tab.locator("details").evaluate_all("all => all.forEach(details => { details.open = true; })")
    check_keyboard_journey(tab)
    check_skip_link(tab)
