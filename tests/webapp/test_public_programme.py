"""The programme page: filters by track, kind and language without JavaScript, each day's
sessions in time order placed in a day x room timetable, cancelled sessions, and the same session
page's links to the rest of its track."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.orm import Session as DbSession

from confkit import services
from confkit.models import Event
from tests.factories import baku
from tests.webapp.test_public_pages import event, fixed_now, page, text_of, words_of

__all__ = ["event", "fixed_now"]  # the fixtures, shared with the other public page tests

SCHEDULE = "/events/pfp30-baku/schedule"


@pytest.fixture
def programme(event: Event, make_room, make_track, make_session) -> dict[str, object]:
    hall = make_room(event, slug="hall", name="Plenary Hall")
    side = make_room(event, slug="side", name="Side Room")
    energy = make_track(event, slug="energy", name="Energy security")
    history = make_track(event, slug="history", name="History")
    return {
        "opening": make_session(event, title="Opening", kind="plenary", room=hall,
                                track=history, language="en",
                                starts_at=baku(26, 9), ends_at=baku(26, 10)),
        "pipelines": make_session(event, title="Pipelines", kind="panel", room=side,
                                  track=energy, language="az",
                                  starts_at=baku(26, 9), ends_at=baku(26, 11)),
        "grid": make_session(event, title="The grid", kind="talk", room=hall, track=energy,
                             language="en", starts_at=baku(26, 10), ends_at=baku(26, 11)),
        "coffee": make_session(event, title="Coffee", kind="break",
                               starts_at=baku(26, 11), ends_at=baku(26, 11, 30)),
    }  # fmt: skip


def titles(markup: str) -> list[str]:
    """The session titles the programme shows, in page order."""
    return re.findall(r'/sessions/[0-9a-f-]+">([^<]*)</a>', markup)


def test_the_filter_form_offers_the_tracks_kinds_and_languages_of_the_programme(
    client, programme
) -> None:
    markup = text_of(page(client, SCHEDULE))

    assert '<form method="get" action="/events/pfp30-baku/schedule"' in markup
    assert '<option value="energy">Energy security</option>' in markup
    for kind in ("plenary", "panel", "talk", "break"):
        assert f'<option value="{kind}">{kind.capitalize()}</option>' in markup
    assert '<option value="workshop">' not in markup  # no workshop in this programme
    # The event's languages in its order: English, then Azerbaijani.
    assert '<option value="en">English</option> <option value="az">Azerbaijani</option>' in markup
    assert "<script" not in markup


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("", ["Opening", "Pipelines", "The grid", "Coffee"]),
        ("?track=energy", ["Pipelines", "The grid"]),
        ("?kind=plenary", ["Opening"]),
        ("?language=az", ["Pipelines"]),
        ("?track=energy&kind=talk&language=en", ["The grid"]),
        ("?track=&kind=&language=", ["Opening", "Pipelines", "The grid", "Coffee"]),
        ("?kind=workshop", []),
    ],
)
def test_each_filter_keeps_only_its_sessions(client, programme, query, shown) -> None:
    markup = page(client, SCHEDULE + query)

    assert sorted(titles(markup)) == sorted(shown)
    if not shown:
        assert "No session matches these filters." in markup


def test_the_chosen_filters_stay_selected_and_are_said(client, programme) -> None:
    markup = text_of(page(client, SCHEDULE + "?kind=panel&language=az"))

    assert '<option value="panel" selected>Panel</option>' in markup
    assert '<option value="az" selected>Azerbaijani</option>' in markup
    assert "Showing the sessions of the kind <strong>Panel</strong>." in markup
    assert "Showing the sessions held in <strong>Azerbaijani</strong>." in markup
    assert '<a href="/events/pfp30-baku/schedule">Show the whole programme</a>' in markup


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?track=nowhere", "This event has no track 'nowhere'."),
        ("?kind=concert", "'concert' is not a kind of session; use one of plenary, keynote,"),
        ("?language=fr", "No session of this programme is held in 'fr'."),
        ("?kind=talk&kind=panel", "Choose one kind at most, not 2."),
        ("?track=%00", "This event has no track '\\x00'."),
    ],
)
def test_a_bad_filter_is_a_400_that_says_what_is_wrong(client, programme, query, message) -> None:
    markup = page(client, SCHEDULE + query, 400)
    text = words_of(markup)

    assert "The programme cannot be filtered this way." in text
    assert message in text
    assert 'aria-invalid="true"' in markup
    assert titles(markup) == []
    assert "Traceback" not in markup


def test_several_bad_filters_are_all_named(client, programme) -> None:
    text = words_of(page(client, SCHEDULE + "?track=nowhere&kind=concert&language=fr", 400))

    assert "no track 'nowhere'" in text
    assert "'concert' is not a kind" in text
    assert "held in 'fr'" in text


def placements(markup: str) -> dict[str, str]:
    """Each session's class and placement (its CSS custom properties), by title."""
    return {
        title: f"{classes} | {style}"
        for classes, style, title in re.findall(
            r'<li class="(slot[^"]*)" style="([^"]*)">.*?/sessions/[0-9a-f-]+">([^<]*)</a>',
            markup,
        )
    }


def test_the_day_is_one_list_in_time_order_then_room_order(client, programme) -> None:
    markup = text_of(page(client, SCHEDULE))

    # Opening and Pipelines both start at 09:00: the Plenary Hall comes first.
    assert titles(markup) == ["Opening", "Pipelines", "The grid", "Coffee"]
    day = markup[markup.index('<div class="timetable"') :]
    assert day.count('<ol class="slots">') == 1
    assert day.index("Side Room</strong>") < day.index('<ol class="slots">')


def test_each_session_carries_its_rows_and_columns(client, programme) -> None:
    markup = text_of(page(client, SCHEDULE))

    # Two rooms of one lane each; times 09:00, 10:00, 11:00, 11:30 make three rows.
    assert '<div class="timetable" style="--columns: 2; --rows: 3">' in markup
    assert (
        '<li class="room" style="--column-start: 1; --column-end: 2">'
        ' <strong class="room-name">Plenary Hall</strong>'
    ) in markup
    assert (
        '<li class="room" style="--column-start: 2; --column-end: 3">'
        ' <strong class="room-name">Side Room</strong>'
    ) in markup
    assert placements(markup) == {
        "Opening": "slot kind-plenary | "
        "--row-start: 1; --row-end: 2; --column-start: 1; --column-end: 2",
        "Pipelines": "slot kind-panel | "
        "--row-start: 1; --row-end: 3; --column-start: 2; --column-end: 3",
        "The grid": "slot kind-talk | "
        "--row-start: 2; --row-end: 3; --column-start: 1; --column-end: 2",
        # The coffee break overlaps no session: it crosses both rooms, and no column is added
        # for sessions without a room.
        "Coffee": "slot kind-break spans | "
        "--row-start: 3; --row-end: 4; --column-start: 1; --column-end: 3",
    }
    assert "No room" not in markup


def test_a_roomless_session_beside_a_room_gets_a_no_room_column(
    client, programme, make_session
) -> None:
    event = programme["coffee"].event
    make_session(event, title="Press briefing", kind="meeting",
                 starts_at=baku(26, 10), ends_at=baku(26, 10, 30))  # fmt: skip

    markup = text_of(page(client, SCHEDULE))

    assert '<div class="timetable" style="--columns: 3; --rows: 4">' in markup
    assert (
        '<li class="room no-room" style="--column-start: 3; --column-end: 4">'
        ' <strong class="room-name">No room</strong> </li>'
    ) in markup
    assert placements(markup)["Press briefing"] == (
        "slot kind-meeting | --row-start: 2; --row-end: 3; --column-start: 3; --column-end: 4"
    )
    # The break still spans every column, the new one too.
    assert placements(markup)["Coffee"] == (
        "slot kind-break spans | --row-start: 4; --row-end: 5; --column-start: 1; --column-end: 4"
    )
    assert titles(markup) == ["Opening", "Pipelines", "The grid", "Press briefing", "Coffee"]


def test_each_room_keeps_its_calendar_links(client, programme) -> None:
    markup = text_of(page(client, SCHEDULE))

    rooms = markup[markup.index('<ul class="rooms" aria-label="Rooms">') :]
    rooms = rooms[: rooms.index("</ul>")]
    assert 'href="webcal://localhost/events/pfp30-baku/rooms/hall.ics"' in rooms
    assert 'href="http://localhost/events/pfp30-baku/rooms/side.ics" download' in rooms


def test_a_cancelled_session_is_struck_through_and_named_cancelled(
    client, db: DbSession, programme
) -> None:
    services.cancel_session(db, programme["pipelines"])

    markup = text_of(page(client, SCHEDULE))

    assert '<li class="slot kind-panel cancelled"' in markup
    assert "<del><a href=" in markup
    assert 'Pipelines</a></del> <strong class="status-cancelled">cancelled</strong>' in markup


def test_the_stylesheet_lays_out_the_grid_and_the_printed_programme(client) -> None:
    response = client.get("/static/confkit.css")
    css = response.get_data(as_text=True)
    response.close()

    wide = css[css.index("@media screen and (min-width: 64rem)") :]
    assert "grid-template-columns: subgrid" in wide
    assert "grid-template-rows: subgrid" in wide
    assert "grid-row: var(--row-start) / var(--row-end)" in wide
    assert "grid-column: var(--column-start) / var(--column-end)" in wide
    printed = css[css.index("@media print") :]
    assert ".site-header" in printed
    assert "display: none" in printed
    assert "color: #000; background: #fff" in printed


def test_the_language_switcher_is_a_compact_menu_that_marks_the_current_language(
    client, programme
) -> None:
    markup = text_of(page(client, SCHEDULE + "?lang=az"))
    response = client.get("/static/confkit.css")
    css = response.get_data(as_text=True)
    response.close()

    bar = markup[markup.index('<div class="site-bar">') : markup.index('class="event-nav"')]
    assert 'class="site-nav"' in bar
    assert 'class="language-switcher"' in bar
    assert 'hreflang="az" lang="az" aria-current="true">Azərbaycanca</a>' in bar
    assert bar.count("aria-current") == 1
    # Not by colour alone: the current language is bold and underlined with a bar.
    rule = re.search(r"\.language-switcher a\[aria-current\] \{([^}]*)\}", css)
    assert rule is not None
    assert "font-weight: 600" in rule.group(1)
    assert "border-bottom: 3px solid" in rule.group(1)
    assert re.search(r"\.language-switcher ul \{[^}]*display: flex[^}]*list-style: none", css)


def test_the_session_page_lists_the_rest_of_its_track(client, db, programme) -> None:
    services.cancel_session(db, programme["grid"])
    pipelines = programme["pipelines"]

    markup = text_of(page(client, f"/events/pfp30-baku/sessions/{pipelines.uuid}"))

    more = markup[markup.index("<h2>More in the track Energy security</h2>") :]
    assert f'href="/events/pfp30-baku/sessions/{programme["grid"].uuid}">The grid</a></del>' in more
    assert '<strong class="status-cancelled">cancelled</strong>' in more
    assert '<time datetime="2024-11-26T10:00:00+04:00">26 November 2024, 10:00</time>' in more
    assert "Pipelines</a>" not in more
    assert "Opening" not in more


def test_a_session_without_track_lists_no_others(client, programme) -> None:
    markup = page(client, f"/events/pfp30-baku/sessions/{programme['coffee'].uuid}")

    assert "More in the track" not in markup


@pytest.mark.parametrize(
    "path", ["/events/no-such-event/speakers", "/events/no-such-event/participants"]
)
def test_the_new_pages_of_an_unknown_event_are_404s(client, path) -> None:
    assert "no event &#39;no-such-event&#39;" in page(client, path, 404)


def test_every_event_page_links_the_others(client, programme) -> None:
    for path, current in [
        ("/events/pfp30-baku/", "/events/pfp30-baku/"),
        (SCHEDULE, SCHEDULE),
        ("/events/pfp30-baku/speakers", "/events/pfp30-baku/speakers"),
        ("/events/pfp30-baku/participants", "/events/pfp30-baku/participants"),
    ]:
        markup = page(client, path)
        nav = markup[
            markup.index('<nav aria-label="Azerbaijan') : markup.index(
                "</nav>", markup.index('class="event-nav"')
            )
        ]
        assert f'href="{current}" aria-current="page"' in nav
        assert nav.count('aria-current="page"') == 1
        assert "<main" in markup
        assert "<footer" in markup
        assert "<script" not in markup
