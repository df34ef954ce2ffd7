"""The organisers' registration pages: the filtered list, one attendee's detail and history, the
approve / reject / cancel / promote buttons (one registration or many), and the CSV download.

Every page is for the event's organisers and the admins only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from confkit.errors import CapacityError, ValidationError
from confkit.formats.attendees_csv import render_attendees_csv
from confkit.models import AccountRole, Event, Registration, User
from confkit.services import get_event
from confkit.services.attendee_data import attendee_data, attendee_sheet
from confkit.services.people import organisation_choices
from confkit.services.registration_actions import RegistrationAction, apply_action
from confkit.services.registration_by_hand import register_by_hand
from confkit.services.registration_search import filter_registrations
from webapp.admin import bp
from webapp.admin.auth import require_role
from webapp.admin.form_errors import form_problems
from webapp.admin.registration_forms import (
    RegistrationActionForm,
    RegistrationByHandForm,
    RegistrationFilterForm,
    RegistrationListForm,
)
from webapp.database import get_db
from webapp.feeds.settings import feed_settings
from webapp.i18n import confkit_line, confkit_text

# The history's actor column holds 200 characters; an address may have 320.
ACTOR_MAX_LENGTH: Final = 200


@bp.get("/events/<slug>/registrations")
def registrations(slug: str) -> ResponseReturnValue:
    """The event's registrations, filtered by the query string, with the counts and seats."""
    event = event_for_organiser(slug)
    form = RegistrationListForm(request.args, delegations=event.delegations)
    if not form.validate():
        return _list_page(event, form, problems=form.problems())
    try:
        found = filter_registrations(get_db(), event, **form.filters(), **form.listing())
    except ValidationError as error:
        return _list_page(event, form, problems=[confkit_line(p) for p in error.problems])
    return render_template(
        "admin/registrations/list.html",
        event=event,
        form=form,
        found=found,
        list_url=_list_url(event),
        action_form=RegistrationActionForm(formdata=None, back=request.full_path),
        actions=list(RegistrationAction),
    )


@bp.get("/events/<slug>/registrations/<int:registration_id>")
def registration_detail(slug: str, registration_id: int) -> ResponseReturnValue:
    """One attendee: who they are, their answers, status and check-in, and the full history."""
    event = event_for_organiser(slug)
    registration = _registration_of(event, registration_id)
    back = url_for(".registration_detail", slug=event.slug, registration_id=registration.id)
    return render_template(
        "admin/registrations/detail.html",
        event=event,
        registration=registration,
        data=attendee_data(get_db(), registration),
        action_form=RegistrationActionForm(formdata=None, back=back),
        actions=list(RegistrationAction),
    )


@bp.post("/events/<slug>/registrations/actions")
def registration_actions(slug: str) -> ResponseReturnValue:
    """Apply the button pressed to every registration chosen; say what was done and refused."""
    event = get_event(get_db(), slug)
    user = require_role(AccountRole.ORGANISER, event)
    form = RegistrationActionForm()
    back = form.back_to(url_for(".registrations", slug=event.slug))
    if not form.validate():
        problems = form_problems(form) or [
            str(m) for messages in form.errors.values() for m in messages
        ]
        return _outcome_page(event, back, problems=problems, status=400)
    try:
        outcome = apply_action(
            get_db(),
            event,
            form.registration_ids.data or [],
            form.action.data or "",
            actor=organiser_actor(user),
            base_url=feed_settings().base_url,
        )
    except ValidationError as error:
        problems = [confkit_line(p) for p in error.problems]
        return _outcome_page(event, back, problems=problems, status=400)
    # 200, not a redirect: the page reports this request's outcome and is not worth a bookmark.
    return _outcome_page(event, back, outcome=outcome)


@bp.route("/events/<slug>/registrations/new", methods=["GET", "POST"])
def add_registration_by_hand(slug: str) -> ResponseReturnValue:
    """Register a person by hand: seated at once if a seat is free, else on the waiting list."""
    event = get_event(get_db(), slug)
    user = require_role(AccountRole.ORGANISER, event)
    form = RegistrationByHandForm()
    form.offer_choices(organisation_choices(get_db()), event)
    if not form.is_submitted():
        return _by_hand_page(event, form)
    if not form.validate():
        return _by_hand_page(event, form, problems=form_problems(form), status=400)
    try:
        registration = register_by_hand(
            get_db(),
            event,
            form.details(),
            actor=organiser_actor(user),
            base_url=feed_settings().base_url,
        )
    except ValidationError as error:
        return _by_hand_page(event, form, problems=form.show_problems(error.problems), status=400)
    except CapacityError as refusal:
        return _by_hand_page(event, form, problems=[confkit_text(refusal)], status=400)
    return redirect(
        url_for(".registration_detail", slug=event.slug, registration_id=registration.id), 303
    )


@bp.get("/events/<slug>/registrations.csv")
def registrations_csv(slug: str) -> ResponseReturnValue:
    """Every registration of the event as a CSV file, with personal data."""
    event = event_for_organiser(slug)
    body = render_attendees_csv(attendee_sheet(get_db(), event))
    return body, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{event.slug}-attendees.csv"',
        "Cache-Control": "private, no-store",
    }


def event_for_organiser(slug: str) -> Event:
    """The event, if the logged-in user organises it or is an admin (else a redirect or 403)."""
    event = get_event(get_db(), slug)
    require_role(AccountRole.ORGANISER, event)
    return event


def _registration_of(event: Event, registration_id: int) -> Registration:
    registration = get_db().get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    return registration


def organiser_actor(user: User) -> str:
    """How ``user`` is named in the registrations' history."""
    return f"organiser:{user.email}"[:ACTOR_MAX_LENGTH]


def _list_page(
    event: Event, form: RegistrationFilterForm, *, problems: Sequence[str]
) -> ResponseReturnValue:
    page = render_template(
        "admin/registrations/list.html",
        event=event,
        form=form,
        found=None,
        problems=problems,
        list_url=_list_url(event),
    )
    return page, 400


def _list_url(event: Event) -> Callable[..., str]:
    """A function giving the list's address with this request's query changed by its keywords
    (a keyword set to None drops that parameter): for sort links and page links."""

    def changed(**changes: object) -> str:
        query = request.args.to_dict()
        for name, value in changes.items():
            if value is None:
                query.pop(name, None)
            else:
                query[name] = str(value)
        return url_for(".registrations", slug=event.slug, **query)

    return changed


def _by_hand_page(
    event: Event,
    form: RegistrationByHandForm,
    *,
    problems: Sequence[str] = (),
    status: int = 200,
) -> ResponseReturnValue:
    page = render_template(
        "admin/registrations/new.html", event=event, form=form, problems=problems
    )
    return page, status


def _outcome_page(
    event: Event, back: str, *, status: int = 200, **shown: object
) -> ResponseReturnValue:
    return render_template("admin/registrations/outcome.html", event=event, back=back, **shown), (
        status
    )
