"""The organisers' programme pages: the sessions of an event, one session's form, its
cancel / un-cancel buttons, and the people in it with their roles and order.

Every page is for the event's organisers and the admins only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from confkit.errors import ConflictError, Problem, ValidationError, clash_problem
from confkit.models import Event, ProgrammeSession, SessionRole
from confkit.services.directory import people_by_name
from confkit.services.programme import (
    SessionResult,
    add_session,
    assign_role,
    cancel_session,
    get_session,
    remove_role,
    reorder_roles,
    uncancel_session,
    update_session,
)
from webapp.admin import bp
from webapp.admin.form_errors import place_problems, show_clashes
from webapp.admin.registration_routes import event_for_organiser
from webapp.admin.session_forms import (
    SESSION_FIELD_NAMES,
    ButtonForm,
    ReorderForm,
    RoleForm,
    SessionForm,
    session_data,
)
from webapp.database import get_db
from webapp.i18n import confkit_line, confkit_text

SESSION_PAGE = "admin/programme/session.html"

StatusChange = Callable[[DbSession, ProgrammeSession], SessionResult]


@bp.app_template_filter("event_local")
def event_local(instant: datetime, event: Event) -> datetime:
    """An instant as the event's clocks show it."""
    return instant.astimezone(ZoneInfo(event.timezone))


@bp.get("/events/<slug>/sessions")
def sessions(slug: str) -> ResponseReturnValue:
    """The event's sessions in time order, whatever their status."""
    event = event_for_organiser(slug)
    listed = get_db().scalars(
        select(ProgrammeSession)
        .where(ProgrammeSession.event_id == event.id)
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.ends_at, ProgrammeSession.id)
    )
    return render_template("admin/programme/sessions.html", event=event, sessions=listed.all())


@bp.route("/events/<slug>/sessions/new", methods=["GET", "POST"])
def new_session(slug: str) -> ResponseReturnValue:
    """The form for a new session; saved, it goes on to the session's page."""
    event = event_for_organiser(slug)
    form = SessionForm(event=event)
    if not form.is_submitted():
        form.day.data = event.starts_on
        return render_template("admin/programme/new_session.html", event=event, form=form)
    if form.validate():
        try:
            starts_at, ends_at = form.instants(event.timezone)
            result = add_session(get_db(), event, **form.values(starts_at, ends_at))
        except (ValidationError, ConflictError) as error:
            _show_error(form, error)
        else:
            return _saved(event, result, gettext("Session added."))
    page = render_template("admin/programme/new_session.html", event=event, form=form)
    return page, 400


@bp.route("/events/<slug>/sessions/<session_uuid>", methods=["GET", "POST"])
def edit_session(slug: str, session_uuid: str) -> ResponseReturnValue:
    """One session: its form, its cancel or un-cancel button and its people."""
    event = event_for_organiser(slug)
    programme_session = get_session(get_db(), event, session_uuid)
    if request.method == "GET":
        form = SessionForm(
            formdata=None, event=event, data=session_data(programme_session, event.timezone)
        )
        return _session_page(event, programme_session, form=form)
    form = SessionForm(event=event)
    if form.validate():
        try:
            starts_at, ends_at = form.instants(event.timezone)
            result = update_session(get_db(), programme_session, **form.values(starts_at, ends_at))
        except (ValidationError, ConflictError) as error:
            _show_error(form, error)
        else:
            return _saved(event, result, gettext("Session saved."))
    return _session_page(event, programme_session, form=form, status=400)


@bp.post("/events/<slug>/sessions/<session_uuid>/cancel")
def cancel(slug: str, session_uuid: str) -> ResponseReturnValue:
    """Cancel the session: it stays in the programme and its feeds, marked cancelled."""
    return _status_button(slug, session_uuid, cancel_session, gettext("Session cancelled."))


@bp.post("/events/<slug>/sessions/<session_uuid>/uncancel")
def uncancel(slug: str, session_uuid: str) -> ResponseReturnValue:
    """Put the cancelled session back on the programme, if its room and people are free."""
    done = gettext("Session back on the programme.")
    return _status_button(slug, session_uuid, uncancel_session, done)


@bp.post("/events/<slug>/sessions/<session_uuid>/people")
def add_person_to_session(slug: str, session_uuid: str) -> ResponseReturnValue:
    """Give a person a role in the session."""
    event = event_for_organiser(slug)
    programme_session = get_session(get_db(), event, session_uuid)
    form = RoleForm(people=people_by_name(get_db()))
    if form.validate():
        try:
            assign_role(
                get_db(),
                programme_session,
                form.person.data,
                form.role.data or "",
                affiliation=form.affiliation.data,
            )
        except ValidationError as error:
            place_problems(form, error.problems)
        except ConflictError as error:
            show_clashes(form, error.clashes, room_field=None, person_field="person")
        else:
            flash(gettext("Person added."), "done")
            return _back_to(event, programme_session)
    return _session_page(event, programme_session, role_form=form, status=400)


@bp.post("/events/<slug>/sessions/<session_uuid>/people/<int:role_id>/remove")
def remove_person_from_session(slug: str, session_uuid: str, role_id: int) -> ResponseReturnValue:
    """Take a person's role in the session away."""
    event = event_for_organiser(slug)
    programme_session = get_session(get_db(), event, session_uuid)
    session_role = _role_of(programme_session, role_id)
    form = ButtonForm()
    if not form.validate():
        return _session_page(event, programme_session, people_form=form, status=400)
    remove_role(get_db(), session_role)
    flash(gettext("%(name)s removed.", name=session_role.person.display_name), "done")
    return _back_to(event, programme_session)


@bp.post("/events/<slug>/sessions/<session_uuid>/people/order")
def reorder_people(slug: str, session_uuid: str) -> ResponseReturnValue:
    """Put the session's people in the order sent (each role once)."""
    event = event_for_organiser(slug)
    programme_session = get_session(get_db(), event, session_uuid)
    form = ReorderForm()
    if form.validate():
        try:
            reorder_roles(get_db(), programme_session, form.roles.data or [])
        except ValidationError as error:
            place_problems(form, error.problems)
        else:
            return _back_to(event, programme_session)
    return _session_page(event, programme_session, people_form=form, status=400)


def _status_button(
    slug: str, session_uuid: str, change: StatusChange, done: str
) -> ResponseReturnValue:
    event = event_for_organiser(slug)
    programme_session = get_session(get_db(), event, session_uuid)
    form = ButtonForm()
    if form.validate():
        try:
            change(get_db(), programme_session)
        except ValidationError as error:
            form.form_errors.extend(confkit_line(p) for p in error.problems)
        except ConflictError as error:
            form.form_errors.extend(
                confkit_text(clash_problem(clash, "status")) for clash in error.clashes
            )
        else:
            flash(done, "done")
            return _back_to(event, programme_session)
    return _session_page(event, programme_session, status_form=form, status=400)


def _show_error(form: SessionForm, error: ValidationError | ConflictError) -> None:
    if isinstance(error, ValidationError):
        place_problems(form, error.problems, SESSION_FIELD_NAMES)
    else:
        show_clashes(form, error.clashes, room_field="room", person_field="start_time")


def _saved(event: Event, result: SessionResult, done: str) -> ResponseReturnValue:
    flash(done, "done")
    for warning in result.warnings:
        flash(_warning(warning), "warning")
    return _back_to(event, result.session)


def _warning(warning: Problem) -> str:
    text = confkit_text(warning)
    return text[:1].upper() + text[1:] + "."


def _back_to(event: Event, programme_session: ProgrammeSession) -> ResponseReturnValue:
    target = url_for(".edit_session", slug=event.slug, session_uuid=programme_session.uuid)
    return redirect(target, 303)


def _role_of(programme_session: ProgrammeSession, role_id: int) -> SessionRole:
    for session_role in programme_session.roles:
        if session_role.id == role_id:
            return session_role
    abort(404)


def _session_page(
    event: Event,
    programme_session: ProgrammeSession,
    *,
    form: SessionForm | None = None,
    role_form: RoleForm | None = None,
    status_form: ButtonForm | None = None,
    people_form: ButtonForm | ReorderForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    people = people_by_name(get_db())
    page = render_template(
        SESSION_PAGE,
        event=event,
        programme_session=programme_session,
        form=form
        or SessionForm(
            formdata=None, event=event, data=session_data(programme_session, event.timezone)
        ),
        role_form=role_form or RoleForm(formdata=None, people=people),
        status_form=status_form or ButtonForm(formdata=None),
        people_form=people_form or ButtonForm(formdata=None),
        button_form=ButtonForm(formdata=None),
    )
    return page, status
