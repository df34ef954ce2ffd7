"""The programme as Chromium lays it out: on a desktop the day x room timetable, with sessions
that start together side by side and lunch across every room; on a phone one list in time order.

The page has no script: the placement is the stylesheet's, read back from the boxes Chromium
draws. Photographs of the demo workshop's programme in Azerbaijani at both widths go to the
artefacts folder (see test_newcomer_journey).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TypedDict

import pytest
from playwright.sync_api import Browser, Page, ViewportSize

from confkit.demo import demo_session_uuid, pfp30, workshop
from tests.browser.conftest import CHROMIUM, LiveServer
from tests.browser.test_newcomer_journey import artefacts

__all__ = ["artefacts"]  # the fixture, shared with the newcomer's journey

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"needs Debian's chromium at {CHROMIUM} (apt install chromium)"
)

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PROGRAMME = f"/events/{workshop.SLUG}/schedule"
# Two sessions starting at 10:30, in room A and room B, and the lunch after them.
ROOM_A_AT_1030 = "panel-supply-routes"
ROOM_B_AT_1030 = "talk-offshore-protection"
LUNCH = "lunch"
# px: Chromium places boxes on fractions of a pixel.
TOLERANCE = 1.0


class Box(TypedDict):
    left: float
    right: float
    top: float
    bottom: float


class Item(TypedDict):
    top: float
    left: float
    starts: str


BOXES = """selectors => selectors.map(selector => {
  const box = document.querySelector(selector).getBoundingClientRect();
  return {left: box.left, right: box.right, top: box.top, bottom: box.bottom};
})"""

ITEMS = """items => items.map(item => {
  const box = item.getBoundingClientRect();
  return {top: box.top, left: box.left,
          starts: item.querySelector('.when time').getAttribute('datetime')};
})"""


def slot_of(key: str) -> str:
    """The programme item of the workshop's session ``key``."""
    return f'.slot:has(a[href$="/sessions/{demo_session_uuid(workshop.SLUG, key)}"])'


def boxes(page: Page, *selectors: str) -> list[Box]:
    found: list[Box] = page.evaluate(BOXES, list(selectors))
    return found


def photograph(page: Page, folder: Path, width_name: str) -> None:
    """Both demo programmes in Azerbaijani at the page's present width."""
    for slug, name in ((workshop.SLUG, "workshop"), (pfp30.SLUG, "pfp30")):
        page.goto(f"{page.url.split('/events/')[0]}/events/{slug}/schedule?lang=az")
        path = folder / f"programme-{name}-az-{width_name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 0


@pytest.fixture
def visitor(browser: Browser) -> Iterator[Page]:
    """A tab in British English; scripts run only to measure the boxes, the page has none."""
    context = browser.new_context(locale="en-GB")
    try:
        yield context.new_page()
    finally:
        context.close()


def test_the_desktop_timetable_puts_parallel_sessions_side_by_side_and_lunch_across(
    live_server: LiveServer, visitor: Page, artefacts: Path
) -> None:
    visitor.set_viewport_size(DESKTOP)
    visitor.goto(live_server.url + PROGRAMME)

    room_a, room_b, lunch, timetable, first_room, last_room = boxes(
        visitor,
        slot_of(ROOM_A_AT_1030),
        slot_of(ROOM_B_AT_1030),
        slot_of(LUNCH),
        ".timetable",
        ".rooms .room:first-child",
        ".rooms .room:last-child",
    )
    # Side by side, at the same height, room A on the left.
    assert abs(room_a["top"] - room_b["top"]) < TOLERANCE, (room_a, room_b)
    assert room_a["right"] <= room_b["left"], (room_a, room_b)
    # Each under its room's heading.
    assert abs(room_a["left"] - first_room["left"]) < TOLERANCE
    assert abs(room_b["right"] - last_room["right"]) < TOLERANCE
    assert first_room["bottom"] <= room_a["top"]
    # Lunch crosses the whole timetable, below the morning's sessions.
    assert abs(lunch["left"] - timetable["left"]) < TOLERANCE, (lunch, timetable)
    assert abs(lunch["right"] - timetable["right"]) < TOLERANCE, (lunch, timetable)
    assert lunch["left"] <= room_a["left"]
    assert lunch["right"] >= room_b["right"]
    assert lunch["top"] >= max(room_a["bottom"], room_b["bottom"])
    # The languages sit at the right end of the header's first line, beside the site's name.
    site, languages, bar = boxes(visitor, ".site-nav", ".language-switcher", ".site-bar")
    assert abs(languages["right"] - bar["right"]) < 16 + TOLERANCE  # the bar's inner gap
    assert languages["left"] > site["right"]
    assert languages["top"] < site["bottom"]
    assert site["top"] < languages["bottom"]
    photograph(visitor, artefacts, "desktop")


def test_the_phone_shows_one_list_in_time_order(
    live_server: LiveServer, visitor: Page, artefacts: Path
) -> None:
    visitor.set_viewport_size(PHONE)
    visitor.goto(live_server.url + PROGRAMME)

    items: list[Item] = visitor.locator(".timetable .slot").evaluate_all(ITEMS)
    by_position = sorted(items, key=lambda item: item["top"])
    starts = [datetime.fromisoformat(item["starts"]) for item in by_position]

    assert len(items) == len(workshop.sessions_on(date(2025, 1, 1)))
    assert by_position == items  # the page's order is the order on the screen
    assert starts == sorted(starts)
    assert len({round(item["left"]) for item in items}) == 1  # one column
    # The two sessions at 10:30 come one after the other, then lunch.
    room_a, room_b, lunch = boxes(
        visitor, slot_of(ROOM_A_AT_1030), slot_of(ROOM_B_AT_1030), slot_of(LUNCH)
    )
    assert room_a["bottom"] <= room_b["top"] <= lunch["top"]
    width = visitor.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], "the programme scrolls sideways on a phone"
    photograph(visitor, artefacts, "phone")
