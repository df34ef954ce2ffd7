"""The organisers' room and track pages: the list with its order and an add form, one room or
track to change, and the buttons that move or remove one."""

from __future__ import annotations

from collections.abc import Sequence

from flask import abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from confkit.errors import ValidationError
from confkit.models import Event, Room, Track
from confkit.services.events import (
    add_room,
    add_track,
    move_room,
    move_track,
    remove_room,
    remove_track,
    update_room,
    update_track,
)
from webapp.admin import bp
from webapp.admin.event_forms import MoveForm, RemoveForm, RoomForm, TrackForm
from webapp.admin.form_errors import STALE_FORM, form_problems, show_problems
from webapp.admin.registration_routes import event_for_organiser
from webapp.database import get_db
from webapp.i18n import confkit_text

# Rooms


@bp.route("/events/<slug>/rooms", methods=["GET", "POST"])
def rooms(slug: str) -> ResponseReturnValue:
    """The event's rooms in order; the form below adds one."""
    event = event_for_organiser(slug)
    form = RoomForm()
    if not form.is_submitted():
        return _rooms_page(event, RoomForm(formdata=None))
    if not form.validate():
        return _rooms_page(event, form, form_problems(form), status=400)
    try:
        add_room(get_db(), event, **form.room_fields())
    except ValidationError as error:
        return _rooms_page(event, form, show_problems(form, error.problems), status=400)
    return redirect(url_for(".rooms", slug=event.slug), 303)


@bp.route("/events/<slug>/rooms/<int:room_id>", methods=["GET", "POST"])
def room_edit(slug: str, room_id: int) -> ResponseReturnValue:
    """One room's name and seats."""
    event = event_for_organiser(slug)
    room = _room_of(event, room_id)
    form = RoomForm(creating=False)
    if not form.is_submitted():
        return _place_page("room", event, room, RoomForm(formdata=None, obj=room, creating=False))
    if not form.validate():
        return _place_page("room", event, room, form, form_problems(form), status=400)
    try:
        update_room(get_db(), room, **form.room_fields())
    except ValidationError as error:
        problems = show_problems(form, error.problems)
        return _place_page("room", event, room, form, problems, status=400)
    return redirect(url_for(".rooms", slug=event.slug), 303)


@bp.post("/events/<slug>/rooms/<int:room_id>/move")
def room_move(slug: str, room_id: int) -> ResponseReturnValue:
    """Move a room one place up or down."""
    event = event_for_organiser(slug)
    room = _room_of(event, room_id)
    form = MoveForm()
    if not form.validate():
        return _rooms_page(event, RoomForm(formdata=None), _button_problems(form), status=400)
    move_room(get_db(), room, by=form.by.data or 0)
    return redirect(url_for(".rooms", slug=event.slug), 303)


@bp.post("/events/<slug>/rooms/<int:room_id>/remove")
def room_remove(slug: str, room_id: int) -> ResponseReturnValue:
    """Remove a room no session uses; one in use stays, and the page says which sessions."""
    event = event_for_organiser(slug)
    room = _room_of(event, room_id)
    form = RemoveForm()
    if not form.validate():
        return _rooms_page(event, RoomForm(formdata=None), [str(STALE_FORM)], status=400)
    try:
        remove_room(get_db(), room)
    except ValidationError as error:
        problems = [f"{room.name} {confkit_text(p)}" for p in error.problems]
        return _rooms_page(event, RoomForm(formdata=None), problems, status=400)
    return redirect(url_for(".rooms", slug=event.slug), 303)


# Tracks


@bp.route("/events/<slug>/tracks", methods=["GET", "POST"])
def tracks(slug: str) -> ResponseReturnValue:
    """The event's tracks in order; the form below adds one."""
    event = event_for_organiser(slug)
    form = TrackForm()
    if not form.is_submitted():
        return _tracks_page(event, TrackForm(formdata=None))
    if not form.validate():
        return _tracks_page(event, form, form_problems(form), status=400)
    try:
        add_track(get_db(), event, **form.track_fields())
    except ValidationError as error:
        return _tracks_page(event, form, show_problems(form, error.problems), status=400)
    return redirect(url_for(".tracks", slug=event.slug), 303)


@bp.route("/events/<slug>/tracks/<int:track_id>", methods=["GET", "POST"])
def track_edit(slug: str, track_id: int) -> ResponseReturnValue:
    """One track's name, description and colour."""
    event = event_for_organiser(slug)
    track = _track_of(event, track_id)
    form = TrackForm(creating=False)
    if not form.is_submitted():
        shown = TrackForm(formdata=None, obj=track, creating=False)
        return _place_page("track", event, track, shown)
    if not form.validate():
        return _place_page("track", event, track, form, form_problems(form), status=400)
    try:
        update_track(get_db(), track, **form.track_fields())
    except ValidationError as error:
        problems = show_problems(form, error.problems)
        return _place_page("track", event, track, form, problems, status=400)
    return redirect(url_for(".tracks", slug=event.slug), 303)


@bp.post("/events/<slug>/tracks/<int:track_id>/move")
def track_move(slug: str, track_id: int) -> ResponseReturnValue:
    """Move a track one place up or down."""
    event = event_for_organiser(slug)
    track = _track_of(event, track_id)
    form = MoveForm()
    if not form.validate():
        return _tracks_page(event, TrackForm(formdata=None), _button_problems(form), status=400)
    move_track(get_db(), track, by=form.by.data or 0)
    return redirect(url_for(".tracks", slug=event.slug), 303)


@bp.post("/events/<slug>/tracks/<int:track_id>/remove")
def track_remove(slug: str, track_id: int) -> ResponseReturnValue:
    """Remove a track no session belongs to; one in use stays, and the page says which."""
    event = event_for_organiser(slug)
    track = _track_of(event, track_id)
    form = RemoveForm()
    if not form.validate():
        return _tracks_page(event, TrackForm(formdata=None), [str(STALE_FORM)], status=400)
    try:
        remove_track(get_db(), track)
    except ValidationError as error:
        problems = [f"{track.name} {confkit_text(p)}" for p in error.problems]
        return _tracks_page(event, TrackForm(formdata=None), problems, status=400)
    return redirect(url_for(".tracks", slug=event.slug), 303)


def _room_of(event: Event, room_id: int) -> Room:
    room = get_db().get(Room, room_id)
    if room is None or room.event_id != event.id:
        abort(404)
    return room


def _track_of(event: Event, track_id: int) -> Track:
    track = get_db().get(Track, track_id)
    if track is None or track.event_id != event.id:
        abort(404)
    return track


def _button_problems(form: MoveForm) -> list[str]:
    return form_problems(form) or [gettext("That button does not move anything.")]


def _rooms_page(
    event: Event, form: RoomForm, problems: Sequence[str] = (), *, status: int = 200
) -> ResponseReturnValue:
    page = render_template(
        "admin/events/rooms.html",
        event=event,
        form=form,
        move_form=MoveForm(formdata=None),
        remove_form=RemoveForm(formdata=None),
        problems=problems,
    )
    return page, status


def _tracks_page(
    event: Event, form: TrackForm, problems: Sequence[str] = (), *, status: int = 200
) -> ResponseReturnValue:
    page = render_template(
        "admin/events/tracks.html",
        event=event,
        form=form,
        move_form=MoveForm(formdata=None),
        remove_form=RemoveForm(formdata=None),
        problems=problems,
    )
    return page, status


def _place_page(
    kind: str,
    event: Event,
    place: Room | Track,
    form: RoomForm | TrackForm,
    problems: Sequence[str] = (),
    *,
    status: int = 200,
) -> ResponseReturnValue:
    page = render_template(
        f"admin/events/{kind}.html", event=event, place=place, form=form, problems=problems
    )
    return page, status
