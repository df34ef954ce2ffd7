"""The feeds of an event: iCal for the programme, one session, one track, one room, one person;
frab XML and JSON for the programme.

Each route reads the event, derives the feed's validator from the event's change stamp and
answers a client that is up to date with 304 before building anything.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from flask import Response
from sqlalchemy.orm import Session as DbSession

from confkit import feeds
from confkit.errors import NotFound
from confkit.formats.frab import render_frab_json, render_frab_xml
from confkit.models import Event
from confkit.schedule import build_schedule
from confkit.services import get_event
from confkit.services.checks import is_slug
from webapp.database import get_db
from webapp.feeds import bp
from webapp.feeds.links import feed_links
from webapp.feeds.settings import FeedSettings, feed_settings
from webapp.http_cache import conditional_response


@dataclass(frozen=True)
class FileFormat:
    name: str
    mimetype: str
    extension: str


ICAL = FileFormat("ical", "text/calendar", "ics")
FRAB_XML = FileFormat("frab-xml", "application/xml", "xml")
FRAB_JSON = FileFormat("frab-json", "application/json", "json")
# The largest id the databases' integer primary keys hold: a larger one cannot exist, and
# PostgreSQL would refuse the query instead of finding nothing.
MAX_ID = 2**31 - 1

FeedBuilder = Callable[[DbSession, Event, FeedSettings], bytes]

bp.add_app_template_global(feed_links)


@bp.after_request
def allow_any_origin(response: Response) -> Response:
    """Feeds are public: any web page may read them (a calendar widget, a conference app)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/events/<slug>/schedule.ics")
def programme(slug: str) -> Response:
    """The event's whole public programme."""
    return _feed(
        slug,
        ("programme",),
        lambda db, event, s: feeds.programme_feed(
            db, event, base_url=s.base_url, refresh=s.refresh
        ),
        filename=slug,
    )


@bp.get("/events/<slug>/sessions/<uuid:session_uuid>.ics")
def session(slug: str, session_uuid: uuid.UUID) -> Response:
    """One public session."""
    return _feed(
        slug,
        ("session", session_uuid),
        lambda db, event, s: feeds.session_feed(
            db, event, session_uuid, base_url=s.base_url, refresh=s.refresh
        ),
        filename=f"{slug}-{session_uuid}",
    )


@bp.get("/events/<slug>/tracks/<track_slug>.ics")
def track(slug: str, track_slug: str) -> Response:
    """The public sessions of one track."""
    _require_slug("track", track_slug)
    return _feed(
        slug,
        ("track", track_slug),
        lambda db, event, s: feeds.track_feed(
            db, event, track_slug, base_url=s.base_url, refresh=s.refresh
        ),
        filename=f"{slug}-{track_slug}",
    )


@bp.get("/events/<slug>/rooms/<room_slug>.ics")
def room(slug: str, room_slug: str) -> Response:
    """The public sessions in one room."""
    _require_slug("room", room_slug)
    return _feed(
        slug,
        ("room", room_slug),
        lambda db, event, s: feeds.room_feed(
            db, event, room_slug, base_url=s.base_url, refresh=s.refresh
        ),
        filename=f"{slug}-{room_slug}",
    )


@bp.get(f"/events/<slug>/speakers/<int(max={MAX_ID}):person_id>.ics")
def person(slug: str, person_id: int) -> Response:
    """The public sessions in which one person has a role."""
    return _feed(
        slug,
        ("person", person_id),
        lambda db, event, s: feeds.person_feed(
            db, event, person_id, base_url=s.base_url, refresh=s.refresh
        ),
        filename=f"{slug}-speaker-{person_id}",
    )


@bp.get("/events/<slug>/schedule.xml")
def frab_xml(slug: str) -> Response:
    """The public programme as frab schedule XML, for conference apps."""
    return _feed(
        slug,
        ("programme",),
        lambda db, event, s: render_frab_xml(build_schedule(db, event), base_url=s.base_url),
        filename=slug,
        file_format=FRAB_XML,
    )


@bp.get("/events/<slug>/schedule.json")
def frab_json(slug: str) -> Response:
    """The public programme as frab schedule JSON, for conference apps."""
    return _feed(
        slug,
        ("programme",),
        lambda db, event, s: render_frab_json(build_schedule(db, event), base_url=s.base_url),
        filename=slug,
        file_format=FRAB_JSON,
    )


def _feed(
    slug: str,
    key: tuple[object, ...],
    build: FeedBuilder,
    *,
    filename: str,
    file_format: FileFormat = ICAL,
) -> Response:
    db = get_db()
    event = get_event(db, slug)
    feeds.require_feed(db, event, *key)
    settings = feed_settings()
    # The base URL and the refresh interval are in the bytes, so they are part of the key.
    validator = feeds.feed_validator(
        event, file_format.name, *key, settings.base_url, settings.refresh_seconds
    )
    return conditional_response(
        validator,
        lambda: build(db, event, settings),
        file_format.mimetype,
        max_age=settings.refresh_seconds,
        content_headers={
            "Content-Disposition": f'inline; filename="{filename}.{file_format.extension}"'
        },
    )


def _require_slug(kind: str, value: str) -> None:
    # Anything else names nothing, and some databases refuse odd strings (NUL) outright.
    if not is_slug(value):
        raise NotFound(kind, value)
