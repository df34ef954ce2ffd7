"""The iCal feed routes: headers, 404s, stable bytes, conditional GET, settings, page links."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from icalendar import Calendar
from sqlalchemy import Connection
from sqlalchemy.event import listen, remove
from sqlalchemy.orm import Session as DbSession
from werkzeug.http import http_date
from werkzeug.test import TestResponse

from confkit import clock, services
from confkit.models import Event, Person, ProgrammeSession
from tests.factories import FIXED_NOW, baku
from webapp import create_app

# The clock of the requests (If-Modified-Since in the future is ignored); the data is older.
NOW = datetime(2024, 12, 1, 12, 0, tzinfo=UTC)
LATER = datetime(2024, 11, 5, 9, 30, 15, 250000, tzinfo=UTC)
SLUG = "pfp30-baku"


@dataclass
class Clock:
    now: datetime


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The clock of confkit and the web app, at the time the test data is made."""
    fixed = Clock(FIXED_NOW)
    monkeypatch.setattr(clock, "now", lambda: fixed.now)
    return fixed


@dataclass
class Programme:
    event: Event
    opening: ProgrammeSession
    cancelled: ProgrammeSession
    draft: ProgrammeSession
    closed: ProgrammeSession
    speaker: Person
    draft_only_speaker: Person


@pytest.fixture
def programme(
    db: DbSession, fixed_clock, make_event, make_room, make_track, make_session, make_person
) -> Programme:
    venue = services.create_venue(db, name="Baku Congress Centre", city="Baku", country="AZ")
    event = make_event(slug=SLUG, name="Azerbaijan and NATO", venue=venue)
    hall = make_room(event, slug="plenary-hall", name="Plenary Hall")
    side = make_room(event, slug="side-room", name="Side Room")
    energy = make_track(event, slug="energy-security", name="Energy security")
    opening = make_session(
        event, title="Opening plenary", kind="plenary", room=hall, track=energy,
        starts_at=baku(26, 9), ends_at=baku(26, 10),
    )  # fmt: skip
    cancelled = make_session(
        event, title="Cancelled panel", kind="panel", room=side, track=energy,
        starts_at=baku(26, 11), ends_at=baku(26, 12), status="cancelled",
    )  # fmt: skip
    draft = make_session(
        event, title="Draft workshop", room=side, track=energy, status="draft",
        starts_at=baku(26, 14), ends_at=baku(26, 15),
    )  # fmt: skip
    closed = make_session(
        event, title="Bilateral meeting", kind="meeting", room=hall, visibility="closed",
        starts_at=baku(25, 15), ends_at=baku(25, 16),
    )  # fmt: skip
    speaker = make_person(given_name="Anar", family_name="Mutallimov")
    services.assign_role(db, opening, speaker, "speaker")
    draft_only_speaker = make_person(given_name="Nobody", family_name="Public")
    services.assign_role(db, draft, draft_only_speaker, "speaker")
    services.assign_role(db, closed, draft_only_speaker, "participant")
    fixed_clock.now = NOW
    return Programme(event, opening, cancelled, draft, closed, speaker, draft_only_speaker)


def feed_paths(programme: Programme) -> dict[str, str]:
    return {
        "programme": f"/events/{SLUG}/schedule.ics",
        "session": f"/events/{SLUG}/sessions/{programme.opening.uuid}.ics",
        "track": f"/events/{SLUG}/tracks/energy-security.ics",
        "room": f"/events/{SLUG}/rooms/plenary-hall.ics",
        "person": f"/events/{SLUG}/speakers/{programme.speaker.id}.ics",
    }


FEEDS = ["programme", "session", "track", "room", "person"]


def calendar_of(response: TestResponse) -> Calendar:
    return Calendar.from_ical(response.data)


def summaries(calendar: Calendar) -> dict[str, Any]:
    return {str(vevent["SUMMARY"]): vevent for vevent in calendar.walk("VEVENT")}


@contextmanager
def counting_queries(connection: Connection) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # Savepoints are the test's transaction at work, not queries the route makes.
        if "SAVEPOINT" not in statement.upper():
            statements.append(statement)

    listen(connection, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        remove(connection, "before_cursor_execute", count)


# Responses


@pytest.mark.parametrize("feed", FEEDS)
def test_each_feed_is_a_cacheable_public_calendar(client, programme, feed) -> None:
    response = client.get(feed_paths(programme)[feed])

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert re.fullmatch(r'"[0-9a-f]{32}"', response.headers["ETag"])
    assert response.headers["Last-Modified"] == "Fri, 01 Nov 2024 12:00:00 GMT"
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert re.fullmatch(r'inline; filename="pfp30-baku[a-z0-9-]*\.ics"',
                        response.headers["Content-Disposition"])  # fmt: skip
    assert response.headers["Content-Length"] == str(len(response.data))
    calendar = calendar_of(response)
    assert "Opening plenary" in summaries(calendar)
    assert str(calendar["REFRESH-INTERVAL"].to_ical(), "ascii") == "PT1H"


def test_each_feed_has_its_own_etag(client, programme) -> None:
    etags = {client.get(path).headers["ETag"] for path in feed_paths(programme).values()}

    assert len(etags) == len(FEEDS)


def test_the_feeds_hold_the_sessions_they_name(client, programme) -> None:
    paths = feed_paths(programme)
    held = {feed: set(summaries(calendar_of(client.get(paths[feed])))) for feed in FEEDS}

    assert held == {
        "programme": {"Opening plenary", "Cancelled panel"},
        "session": {"Opening plenary"},
        "track": {"Opening plenary", "Cancelled panel"},
        "room": {"Opening plenary"},
        "person": {"Opening plenary"},
    }


def test_the_programme_keeps_cancelled_sessions_and_hides_drafts_and_closed_ones(
    client, programme
) -> None:
    response = client.get(f"/events/{SLUG}/schedule.ics")

    sessions = summaries(calendar_of(response))
    assert sessions["Cancelled panel"]["STATUS"] == "CANCELLED"
    assert sessions["Opening plenary"]["STATUS"] == "CONFIRMED"
    assert str(programme.cancelled.uuid) in str(sessions["Cancelled panel"]["UID"])
    assert b"Draft workshop" not in response.data
    assert b"Bilateral meeting" not in response.data
    assert str(programme.draft.uuid).encode() not in response.data
    assert str(programme.closed.uuid).encode() not in response.data


def test_the_same_programme_gives_the_same_bytes_and_etag(client, programme) -> None:
    path = f"/events/{SLUG}/schedule.ics"
    first, second = client.get(path), client.get(path)

    assert first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]
    assert first.headers["Last-Modified"] == second.headers["Last-Modified"]


@pytest.mark.parametrize("feed", FEEDS)
def test_a_change_gives_a_new_etag_date_and_sequence(client, db, programme, feed) -> None:
    path = feed_paths(programme)[feed]
    before = client.get(path)

    services.move_session(db, programme.opening, starts_at=baku(26, 9, 30), now=LATER)
    after = client.get(path)

    assert after.headers["ETag"] != before.headers["ETag"]
    assert before.headers["Last-Modified"] == "Fri, 01 Nov 2024 12:00:00 GMT"
    assert after.headers["Last-Modified"] == "Tue, 05 Nov 2024 09:30:15 GMT"
    old, new = (summaries(calendar_of(r))["Opening plenary"] for r in (before, after))
    assert new["SEQUENCE"] == old["SEQUENCE"] + 1
    assert new["UID"] == old["UID"]
    assert new["DTSTART"].dt == baku(26, 9, 30)
    # The old ETag no longer matches: the client gets the new feed.
    revalidated = client.get(path, headers={"If-None-Match": before.headers["ETag"]})
    assert revalidated.status_code == 200
    assert revalidated.data == after.data


def test_a_session_feed_and_the_session_page_are_different_routes(client, programme) -> None:
    page = client.get(f"/events/{SLUG}/sessions/{programme.opening.uuid}")
    feed = client.get(f"/events/{SLUG}/sessions/{programme.opening.uuid}.ics")

    assert page.status_code == 200
    assert page.mimetype == "text/html"
    assert feed.status_code == 200
    assert feed.mimetype == "text/calendar"


@pytest.mark.parametrize(
    "path",
    [
        "/events/no-such-event/schedule.ics",
        "/events/No_Such/schedule.ics",
        "/events/no-such-event/sessions/{opening}.ics",
        f"/events/{SLUG}/sessions/00000000-0000-4000-8000-000000000000.ics",
        f"/events/{SLUG}/sessions/{{draft}}.ics",
        f"/events/{SLUG}/sessions/{{closed}}.ics",
        f"/events/{SLUG}/sessions/not-a-uuid.ics",
        f"/events/{SLUG}/tracks/no-such-track.ics",
        f"/events/{SLUG}/tracks/Energy-Security.ics",
        f"/events/{SLUG}/rooms/no-such-room.ics",
        f"/events/{SLUG}/rooms/%00.ics",
        f"/events/{SLUG}/rooms/{'x' * 300}.ics",
        f"/events/{SLUG}/speakers/999999.ics",
        f"/events/{SLUG}/speakers/{{draft_only_speaker}}.ics",
        f"/events/{SLUG}/speakers/99999999999999999999999.ics",
        f"/events/{SLUG}/speakers/-1.ics",
        f"/events/{SLUG}/schedule.ics/",
    ],
)
def test_what_no_public_feed_shows_is_not_found(client, programme, path) -> None:
    path = path.format(
        opening=programme.opening.uuid,
        draft=programme.draft.uuid,
        closed=programme.closed.uuid,
        draft_only_speaker=programme.draft_only_speaker.id,
    )

    response = client.get(path)

    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_the_feeds_of_another_event_are_not_found(client, programme, make_event) -> None:
    other = make_event(slug="other-event")

    paths = [p.replace(SLUG, other.slug) for p in feed_paths(programme).values()]

    assert [client.get(path).status_code for path in paths] == [200, 404, 404, 404, 404]


@pytest.mark.parametrize("feed", FEEDS)
def test_head_gives_the_headers_of_get_without_a_body(client, programme, feed) -> None:
    path = feed_paths(programme)[feed]
    got, head = client.get(path), client.head(path)

    assert head.status_code == 200
    assert head.data == b""
    assert dict(head.headers) == dict(got.headers)


# Conditional requests


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"If-None-Match": "{etag}"}, 304),
        ({"If-None-Match": '"0123", {etag}, "4567"'}, 304),
        ({"If-None-Match": '"0123",{etag}'}, 304),
        ({"If-None-Match": "*"}, 304),
        ({"If-None-Match": "W/{etag}"}, 304),
        ({"If-None-Match": 'W/"0123", W/{etag}'}, 304),
        ({"If-None-Match": '"0123"'}, 200),
        ({"If-None-Match": "{bare}"}, 200),
        ({"If-None-Match": "w/{etag}"}, 200),
        ({"If-None-Match": 'garbage"'}, 200),
        ({"If-None-Match": '{etag} garbage"'}, 200),
        ({"If-None-Match": '"{bare}'}, 200),
        ({"If-None-Match": "*, {etag}"}, 200),
        ({"If-None-Match": ""}, 200),
        ({"If-Modified-Since": "{last_modified}"}, 304),
        ({"If-Modified-Since": "{a_day_later}"}, 304),
        ({"If-Modified-Since": "{a_second_earlier}"}, 200),
        ({"If-Modified-Since": "garbage"}, 200),
        ({"If-Modified-Since": "{in_the_future}"}, 200),
        ({"If-None-Match": '"0123"', "If-Modified-Since": "{a_day_later}"}, 200),
        ({"If-None-Match": 'garbage"', "If-Modified-Since": "{a_day_later}"}, 200),
        ({"If-None-Match": "{etag}", "If-Modified-Since": "{a_second_earlier}"}, 304),
    ],
)
@pytest.mark.parametrize("feed", FEEDS)
def test_conditional_requests(client, programme, feed, headers, status) -> None:
    path = feed_paths(programme)[feed]
    current = client.get(path)
    etag = current.headers["ETag"]
    modified = datetime(2024, 11, 1, 12, 0, tzinfo=UTC)
    values = {
        "etag": etag,
        "bare": etag.strip('"'),
        "last_modified": current.headers["Last-Modified"],
        "a_day_later": http_date(modified + timedelta(days=1)),
        "a_second_earlier": http_date(modified - timedelta(seconds=1)),
        "in_the_future": http_date(NOW + timedelta(days=1)),
    }

    response = client.get(
        path, headers={name: value.format(**values) for name, value in headers.items()}
    )

    assert response.status_code == status
    if status == 200:
        assert response.data == current.data
        assert response.headers["Last-Modified"] == current.headers["Last-Modified"]
    else:
        assert response.data == b""
    assert response.headers["ETag"] == etag
    assert response.headers["Cache-Control"] == "public, max-age=3600"


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_not_modified_has_the_validators_and_no_body(client, programme, method) -> None:
    path = f"/events/{SLUG}/schedule.ics"
    etag = client.get(path).headers["ETag"]

    response = client.open(path, method=method, headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    # Metadata of the content a 304 does not send is left out (RFC 9110 15.4.5).
    for name in ("Content-Type", "Content-Length", "Content-Disposition", "Last-Modified"):
        assert name not in response.headers


def test_several_if_none_match_lines_are_one_list(client, programme) -> None:
    path = f"/events/{SLUG}/schedule.ics"
    etag = client.get(path).headers["ETag"]

    response = client.get(path, headers=[("If-None-Match", '"0123"'), ("If-None-Match", etag)])

    assert response.status_code == 304


@pytest.mark.parametrize("feed", FEEDS)
def test_not_modified_reads_only_the_event(client, connection, programme, feed) -> None:
    path = feed_paths(programme)[feed]
    etag = client.get(path).headers["ETag"]

    with counting_queries(connection) as not_modified_queries:
        not_modified = client.get(path, headers={"If-None-Match": etag})
    with counting_queries(connection) as full_queries:
        full = client.get(path)

    assert not_modified.status_code == 304
    assert full.status_code == 200
    # The event, and for a part of the programme one look-up that the part exists.
    assert len(not_modified_queries) <= 2
    assert "events" in not_modified_queries[0]
    assert len(full_queries) > len(not_modified_queries) + 2


# Settings


def app_with(store, **settings: Any) -> Flask:
    return create_app({"TESTING": True, "SECRET_KEY": "t", "CONFKIT_STORE": store, **settings})


def test_the_base_url_comes_from_the_request_unless_configured(client, store, programme) -> None:
    configured = app_with(store, CONFKIT_BASE_URL="https://conf.example.org/").test_client()
    path = f"/events/{SLUG}/schedule.ics"

    from_request = summaries(calendar_of(client.get(path)))["Opening plenary"]
    from_config = summaries(calendar_of(configured.get(path)))["Opening plenary"]

    assert from_request["UID"] == f"{programme.opening.uuid}@localhost"
    assert from_config["UID"] == f"{programme.opening.uuid}@conf.example.org"
    assert from_config["URL"] == (
        f"https://conf.example.org/events/{SLUG}/sessions/{programme.opening.uuid}"
    )
    assert client.get(path).headers["ETag"] != configured.get(path).headers["ETag"]


def test_the_refresh_interval_is_configurable(store, programme) -> None:
    client = app_with(store, CONFKIT_FEED_REFRESH_SECONDS=900).test_client()
    path = f"/events/{SLUG}/schedule.ics"

    response = client.get(path)

    assert response.headers["Cache-Control"] == "public, max-age=900"
    calendar = calendar_of(response)
    assert str(calendar["REFRESH-INTERVAL"].to_ical(), "ascii") == "PT15M"
    assert str(calendar["X-PUBLISHED-TTL"].to_ical(), "ascii") == "PT15M"
    default = app_with(store).test_client().get(path)
    assert response.headers["ETag"] != default.headers["ETag"]


def test_the_refresh_interval_can_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, store, programme
) -> None:
    monkeypatch.setenv("CONFKIT_FEED_REFRESH_SECONDS", "600")

    response = app_with(store).test_client().get(f"/events/{SLUG}/schedule.ics")

    assert response.headers["Cache-Control"] == "public, max-age=600"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"CONFKIT_FEED_REFRESH_SECONDS": 0}, "CONFKIT_FEED_REFRESH_SECONDS"),
        ({"CONFKIT_FEED_REFRESH_SECONDS": "an hour"}, "CONFKIT_FEED_REFRESH_SECONDS"),
        ({"CONFKIT_FEED_REFRESH_SECONDS": True}, "CONFKIT_FEED_REFRESH_SECONDS"),
        ({"CONFKIT_BASE_URL": "conf.example.org"}, "CONFKIT_BASE_URL"),
        ({"CONFKIT_BASE_URL": "ftp://conf.example.org/"}, "CONFKIT_BASE_URL"),
    ],
)
def test_unusable_feed_settings_stop_the_app_from_starting(store, settings, message) -> None:
    with pytest.raises(ValueError, match=message):
        app_with(store, **settings)


# Links on the pages


def links_in(markup: str) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'href="([^"]*)"', markup)]


def subscribe_links(url: str) -> list[str]:
    """The three links every feed is offered with, in page order."""
    webcal = url.replace("http://", "webcal://", 1)
    google = "https://calendar.google.com/calendar/render?cid=" + (
        webcal.replace(":", "%3A").replace("/", "%2F")
    )
    return [webcal, google, url]


def test_the_event_page_offers_the_programme_feed(client, programme) -> None:
    links = links_in(client.get(f"/events/{SLUG}/").get_data(as_text=True))

    expected = subscribe_links(f"http://localhost/events/{SLUG}/schedule.ics")
    assert expected == [
        "webcal://localhost/events/pfp30-baku/schedule.ics",
        "https://calendar.google.com/calendar/render"
        "?cid=webcal%3A%2F%2Flocalhost%2Fevents%2Fpfp30-baku%2Fschedule.ics",
        "http://localhost/events/pfp30-baku/schedule.ics",
    ]
    assert expected[0] in links
    index = links.index(expected[0])
    assert links[index : index + 3] == expected


def test_the_session_page_offers_the_session_feed(client, programme) -> None:
    uuid = programme.opening.uuid

    links = links_in(client.get(f"/events/{SLUG}/sessions/{uuid}").get_data(as_text=True))

    expected = subscribe_links(f"http://localhost/events/{SLUG}/sessions/{uuid}.ics")
    index = links.index(expected[0])
    assert links[index : index + 3] == expected
    assert client.get(expected[2]).status_code == 200


def test_the_schedule_offers_the_programme_or_the_selected_tracks_feed(client, programme) -> None:
    everything = links_in(client.get(f"/events/{SLUG}/schedule").get_data(as_text=True))
    energy = links_in(
        client.get(f"/events/{SLUG}/schedule?track=energy-security").get_data(as_text=True)
    )

    programme_links = subscribe_links(f"http://localhost/events/{SLUG}/schedule.ics")
    track_links = subscribe_links(f"http://localhost/events/{SLUG}/tracks/energy-security.ics")
    index = everything.index(programme_links[0])
    assert everything[index : index + 3] == programme_links
    index = energy.index(track_links[0])
    assert energy[index : index + 3] == track_links
    assert programme_links[0] not in energy


def test_the_schedule_offers_a_feed_for_each_room(client, programme) -> None:
    links = links_in(client.get(f"/events/{SLUG}/schedule").get_data(as_text=True))

    for room in ("plenary-hall", "side-room"):
        url = f"http://localhost/events/{SLUG}/rooms/{room}.ics"
        index = links.index(url.replace("http://", "webcal://"))
        assert links[index + 1] == url


def test_the_links_use_the_configured_base_url(store, programme) -> None:
    client = app_with(store, CONFKIT_BASE_URL="https://conf.example.org").test_client()

    links = links_in(client.get(f"/events/{SLUG}/").get_data(as_text=True))

    assert "webcal://conf.example.org/events/pfp30-baku/schedule.ics" in links
    assert "https://conf.example.org/events/pfp30-baku/schedule.ics" in links
    assert (
        "https://calendar.google.com/calendar/render"
        "?cid=webcal%3A%2F%2Fconf.example.org%2Fevents%2Fpfp30-baku%2Fschedule.ics"
    ) in links


def test_the_links_keep_the_apps_mount_point(client, programme) -> None:
    response = client.get(f"/events/{SLUG}/", base_url="http://localhost/confkit/")

    links = links_in(response.get_data(as_text=True))

    assert "http://localhost/confkit/events/pfp30-baku/schedule.ics" in links
    assert "webcal://localhost/confkit/events/pfp30-baku/schedule.ics" in links


@pytest.mark.parametrize(
    "path",
    [
        f"/events/{SLUG}/tracks/no-such-track.ics",
        f"/events/{SLUG}/rooms/no-such-room.ics",
        f"/events/{SLUG}/speakers/999999.ics",
        f"/events/{SLUG}/sessions/{uuid.UUID(int=7)}.ics",
    ],
)
def test_a_feed_that_does_not_exist_is_never_not_modified(client, programme, path) -> None:
    assert client.get(path, headers={"If-None-Match": "*"}).status_code == 404


@pytest.mark.parametrize(
    ("suffix", "mimetype"), [("xml", "application/xml"), ("json", "application/json")]
)
def test_frab_schedules_are_served_with_validators(client, programme, suffix, mimetype) -> None:
    path = f"/events/{SLUG}/schedule.{suffix}"
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert str(programme.opening.uuid) in response.get_data(as_text=True)
    etag = response.headers["ETag"]
    assert etag != client.get(f"/events/{SLUG}/schedule.ics").headers["ETag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(f"/events/no-such-event/schedule.{suffix}").status_code == 404
