"""The organisers' event pages: a new event (admins), an event's details and its venue."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from flask import abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from confkit.errors import ValidationError
from confkit.models import AccountRole, Event, Venue
from confkit.services.accounts import can
from confkit.services.events import (
    create_event,
    create_venue,
    list_venues,
    update_event,
    update_venue,
)
from webapp.admin import bp
from webapp.admin.auth import require_role
from webapp.admin.event_forms import NEW_VENUE_FIELDS, EventForm, VenueForm
from webapp.admin.form_errors import form_problems, show_problems
from webapp.admin.registration_routes import event_for_organiser
from webapp.database import get_db

EVENT_TEMPLATE = "admin/events/event.html"


@bp.route("/events/new", methods=["GET", "POST"])
def event_new() -> ResponseReturnValue:
    """A new event; admins only (they may work on every event, so they need no role on it)."""
    require_role(AccountRole.ADMIN)
    db = get_db()
    form = EventForm(venues=list_venues(db))
    if not form.is_submitted():
        return render_template(EVENT_TEMPLATE, form=form, event=None)
    if not form.validate():
        return _event_page(form, None, form_problems(form))
    try:
        venue = _chosen_venue(form)
        event = create_event(
            db, slug=(form.slug.data or "").strip(), venue=venue, **form.event_fields()
        )
    except ValidationError as error:
        return _event_page(form, None, show_problems(form, error.problems))
    return redirect(url_for(".event_edit", slug=event.slug), 303)


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
def event_edit(slug: str) -> ResponseReturnValue:
    """An event's details. New days or a new zone that would leave scheduled sessions outside
    the event are refused, naming the sessions."""
    event = event_for_organiser(slug)
    db = get_db()
    venues = list_venues(db)
    form = EventForm(venues=venues, creating=False)
    if not form.is_submitted():
        form = EventForm(formdata=None, venues=venues, creating=False, data=_event_data(event))
        return render_template(EVENT_TEMPLATE, form=form, event=event)
    if not form.validate():
        return _event_page(form, event, form_problems(form))
    try:
        venue = _chosen_venue(form)
        update_event(db, event, venue=venue, **form.event_fields())
    except ValidationError as error:
        return _event_page(form, event, show_problems(form, error.problems))
    return redirect(url_for(".event_edit", slug=event.slug), 303)


@bp.route("/events/<slug>/venue", methods=["GET", "POST"])
def venue_edit(slug: str) -> ResponseReturnValue:
    """The details of the event's venue. Other events may share it, so only a user who may
    work on every one of them may change it."""
    event = event_for_organiser(slug)
    venue = event.venue
    if venue is None:
        abort(404)
    user = require_role(AccountRole.ORGANISER, event)
    if not all(can(user, AccountRole.ORGANISER, other) for other in venue.events):
        abort(403)
    form = VenueForm()
    if not form.is_submitted():
        form = VenueForm(formdata=None, obj=venue, country=venue.country or "")
        return _venue_page(form, event, venue)
    if not form.validate():
        return _venue_page(form, event, venue, form_problems(form), status=400)
    try:
        update_venue(get_db(), venue, **form.venue_fields())
    except ValidationError as error:
        problems = show_problems(form, error.problems)
        return _venue_page(form, event, venue, problems, status=400)
    return redirect(url_for(".event_edit", slug=event.slug), 303)


def _chosen_venue(form: EventForm) -> Venue | int | None:
    """The venue the form chose: a new one (created now), an existing one's id, or none.
    Raises ValidationError naming the form's fields of the new venue."""
    if not form.wants_new_venue():
        return form.venue_id()
    try:
        return create_venue(get_db(), **form.new_venue())
    except ValidationError as error:
        raise ValidationError(
            replace(p, field=NEW_VENUE_FIELDS.get(p.field, p.field)) for p in error.problems
        ) from None


def _event_data(event: Event) -> dict[str, object]:
    return {
        "name": event.name,
        "timezone": event.timezone,
        "starts_on": event.starts_on,
        "ends_on": event.ends_on,
        "venue": str(event.venue_id) if event.venue_id is not None else "",
        "description": event.description,
        "languages": ", ".join(event.languages),
    }


def _event_page(
    form: EventForm, event: Event | None, problems: Sequence[str]
) -> ResponseReturnValue:
    page = render_template(EVENT_TEMPLATE, form=form, event=event, problems=problems)
    return page, 400


def _venue_page(
    form: VenueForm,
    event: Event,
    venue: Venue,
    problems: Sequence[str] = (),
    *,
    status: int = 200,
) -> ResponseReturnValue:
    shared = [other for other in venue.events if other.id != event.id]
    page = render_template(
        "admin/events/venue.html", form=form, event=event, shared=shared, problems=problems
    )
    return page, status
