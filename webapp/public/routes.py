"""The public pages: upcoming events, an event, its programme, one session, the speakers and
the organisations and delegations taking part."""

from __future__ import annotations

import re
import uuid

from flask import render_template, request

from confkit import clock, schedule
from confkit.errors import ValidationError
from confkit.participants import event_participants
from confkit.programme_filter import (
    FILTER_FIELDS,
    ProgrammeFilter,
    filter_choices,
    read_programme_filter,
)
from confkit.registration_window import registration_window
from confkit.schedule_grid import day_grid
from confkit.services import get_event, upcoming_and_past_events
from confkit.speakers import event_speakers
from webapp.database import get_db
from webapp.i18n import localised
from webapp.public import bp

PAST_EVENTS_SHOWN = 10

Page = str | tuple[str, int]


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
def schedule_page(slug: str) -> Page:
    """The public programme by day and room, filtered by ``?track=``, ``?kind=``, ``?language=``.

    A filter the programme does not offer is a 400 that says what is wrong, with the form to
    choose again.
    """
    db = get_db()
    event = get_event(db, slug)
    choices = filter_choices(db, event)
    given = {field: request.args.getlist(field) for field in FILTER_FIELDS}
    try:
        chosen = read_programme_filter(choices, given)
    except ValidationError as error:
        return render_template(
            "public/schedule.html",
            event=event,
            choices=choices,
            chosen=ProgrammeFilter(),
            problems=error.problems,
            grids=(),
        ), 400
    programme = schedule.build_schedule(
        db,
        event,
        track_slug=chosen.track.slug if chosen.track else None,
        kind=chosen.kind,
        language=chosen.language,
        tracks=choices.tracks,
    )
    return render_template(
        "public/schedule.html",
        event=event,
        choices=choices,
        chosen=chosen,
        problems=(),
        grids=[day_grid(day) for day in programme.days],
    )


@bp.get("/events/<slug>/sessions/<uuid:session_uuid>")
def session_page(slug: str, session_uuid: uuid.UUID) -> str:
    """One public session with its people and their positions, and the rest of its track."""
    db = get_db()
    event = get_event(db, slug)
    slot = schedule.get_slot(db, event, session_uuid)
    return render_template(
        "public/session.html",
        event=event,
        slot=slot,
        paragraphs=_paragraphs(localised(slot.session, "abstract")),
        same_track=schedule.other_sessions_in_track(db, event, slot),
    )


@bp.get("/events/<slug>/speakers")
def speakers_page(slug: str) -> str:
    """The speakers, chairs, moderators and panellists with their positions and sessions."""
    db = get_db()
    event = get_event(db, slug)
    return render_template("public/speakers.html", event=event, speakers=event_speakers(db, event))


@bp.get("/events/<slug>/participants")
def participants_page(slug: str) -> str:
    """The organisations and delegations taking part (see confkit.participants for what shows)."""
    db = get_db()
    event = get_event(db, slug)
    return render_template(
        "public/participants.html", event=event, participants=event_participants(db, event)
    )


def _paragraphs(text: str) -> list[str]:
    """Text split at blank lines, the way organisers type it into a text area."""
    return [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
