"""The programme grid: one day of an event, rooms across and 15-minute slots down, clashes
marked, cancelled sessions struck, and a move / resize form on every session that works
without JavaScript (``static/programme-grid.js`` adds drag and drop on top of it).

For the event's organisers and the admins only.
"""

from __future__ import annotations

from datetime import date

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from confkit.errors import ConflictError, ValidationError
from confkit.models import Event, ProgrammeSession
from confkit.services.programme import get_session, move_session
from confkit.services.programme_grid import event_days, programme_grid
from webapp.admin import bp
from webapp.admin.form_errors import place_problems, show_clashes
from webapp.admin.registration_routes import event_for_organiser
from webapp.admin.session_forms import SESSION_FIELD_NAMES, MoveForm, times_data
from webapp.database import get_db
from webapp.i18n import confkit_text

GRID_PAGE = "admin/programme/grid.html"


@bp.get("/events/<slug>/grid")
def programme_grid_page(slug: str) -> ResponseReturnValue:
    """One day of the programme as a table; ``?day=YYYY-MM-DD``, the first day by default."""
    event = event_for_organiser(slug)
    asked = request.args.get("day")
    if asked is None:
        return _grid_page(event, event.starts_on)
    try:
        day = date.fromisoformat(asked)
    except ValueError:
        example = event.starts_on.isoformat()
        problem = gettext(
            "“%(asked)s” is not a date such as %(example)s.", asked=asked, example=example
        )
        return _refused_day(event, problem)
    return _grid_page(event, day)


@bp.post("/events/<slug>/grid/sessions/<session_uuid>/move")
def move_in_grid(slug: str, session_uuid: str) -> ResponseReturnValue:
    """Move or resize a session; a clash shows the grid again with the reason on that session."""
    event = event_for_organiser(slug)
    programme_session = get_session(get_db(), event, session_uuid)
    form = MoveForm(event=event)
    if form.validate():
        try:
            starts_at, ends_at = form.instants(event.timezone)
            move_session(
                get_db(),
                programme_session,
                starts_at=starts_at,
                ends_at=ends_at,
                room=form.room.data,
            )
        except ValidationError as error:
            place_problems(form, error.problems, SESSION_FIELD_NAMES)
        except ConflictError as error:
            show_clashes(form, error.clashes, room_field="room", person_field="start_time")
        else:
            target = url_for(".programme_grid_page", slug=event.slug, day=form.day.data)
            return redirect(f"{target}#session-{programme_session.uuid}", 303)
    back = form.back_to(event.starts_on)
    if back not in event_days(event):
        back = event.starts_on
    return _grid_page(event, back, refused=(programme_session, form), status=400)


def _grid_page(
    event: Event,
    day: date,
    *,
    refused: tuple[ProgrammeSession, MoveForm] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    try:
        grid = programme_grid(get_db(), event, day)
    except ValidationError as error:
        return _refused_day(event, "; ".join(confkit_text(p) for p in error.problems))
    forms = {
        cell.session.id: MoveForm(
            formdata=None,
            event=event,
            data=times_data(cell.session, event.timezone) | {"back_day": day.isoformat()},
        )
        for cell in grid.cells
    }
    if refused is not None:
        forms[refused[0].id] = refused[1]
    page = render_template(GRID_PAGE, event=event, grid=grid, forms=forms, refused=refused)
    return page, status


def _refused_day(event: Event, message: str) -> ResponseReturnValue:
    page = render_template(
        GRID_PAGE, event=event, grid=None, days=event_days(event), day_problem=message
    )
    return page, 400
