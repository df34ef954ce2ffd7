"""The public pages: upcoming events, an event, its programme and one session."""

from __future__ import annotations

import re
import uuid

from flask import render_template, request

from confkit import clock, schedule
from confkit.registration_window import registration_window
from confkit.services import get_event, upcoming_and_past_events
from webapp.database import get_db
from webapp.i18n import localised
from webapp.public import bp

PAST_EVENTS_SHOWN = 10


@bp.get("/")
def index() -> str:
    """Upcoming events, then the latest past ones."""
    upcoming, past = upcoming_and_past_events(
        get_db(), now=clock.now(), past_limit=PAST_EVENTS_SHOWN
    )
    return render_template("public/index.html", upcoming=upcoming, past=past)


@bp.get("/events/<slug>/")
def event_page(slug: str) -> str:
    """An event: dates, zone, venue, description and whether registration is open."""
    event = get_event(get_db(), slug)
    return render_template(
        "public/event.html",
        event=event,
        paragraphs=_paragraphs(localised(event, "description")),
        registration=registration_window(event, clock.now()),
    )


@bp.get("/events/<slug>/schedule")
def schedule_page(slug: str) -> str:
    """The public programme by day and room, optionally for one track (``?track=<slug>``)."""
    db = get_db()
    event = get_event(db, slug)
    programme = schedule.build_schedule(db, event, track_slug=request.args.get("track") or None)
    return render_template("public/schedule.html", event=event, schedule=programme)


@bp.get("/events/<slug>/sessions/<uuid:session_uuid>")
def session_page(slug: str, session_uuid: uuid.UUID) -> str:
    """One public session with its people and their positions."""
    db = get_db()
    event = get_event(db, slug)
    slot = schedule.get_slot(db, event, session_uuid)
    return render_template(
        "public/session.html",
        event=event,
        slot=slot,
        paragraphs=_paragraphs(localised(slot.session, "abstract")),
    )


def _paragraphs(text: str) -> list[str]:
    """Text split at blank lines, the way organisers type it into a text area."""
    return [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
