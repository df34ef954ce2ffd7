"""An attendee's own pages behind the secret link ``/r/<token>``: confirming, the status and
ticket, the personal agenda and feed, cancelling, a new link, their data and its erasure.

Nothing here asks for a login: the token is the key. Every page is kept out of caches and sends
no Referer (see ``keep_private``); every change is a POST with a CSRF token, because mail
scanners and link previews fetch every link they see.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import segno
from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from markupsafe import Markup

from confkit import feeds
from confkit.errors import CapacityError, NotFound, Problem, ValidationError
from confkit.models import Registration, RegistrationStatus
from confkit.schedule import build_schedule, event_zone
from confkit.services import get_event
from confkit.services.agenda import (
    add_to_agenda,
    agenda_sessions,
    find_public_session,
    places_taken_by_session,
    remove_from_agenda,
)
from confkit.services.attendee_data import attendee_data, erase_attendee
from confkit.services.attendee_links import registration_by_token, renew_token
from confkit.services.history import ATTENDEE
from confkit.services.seats import (
    ACTIVE_STATUSES,
    cancel_registration,
    confirm_registration,
    waitlist_position,
)
from confkit.tickets import ticket_payload
from webapp.database import get_db
from webapp.feeds.settings import feed_settings
from webapp.http_cache import conditional_response
from webapp.i18n import confkit_text
from webapp.registration import bp
from webapp.registration.forms import ActionForm


@bp.errorhandler(NotFound)
def unknown_link(error: NotFound) -> ResponseReturnValue:
    """A token that names no registration gets a page saying what may have happened to it."""
    if error.kind == "registration":
        return render_template("registration/unknown_link.html"), 404
    return render_template("errors/404.html", detail=str(error)), 404


@bp.get("/r/<token>/confirm")
def confirm_page(token: str) -> ResponseReturnValue:
    """A button, not the confirmation itself: a GET may come from a mail scanner."""
    registration = registration_by_token(get_db(), token)
    return render_template(
        "registration/confirm.html", registration=registration, form=ActionForm()
    )


@bp.post("/r/<token>/confirm")
def confirm(token: str) -> ResponseReturnValue:
    """Confirm the address: a seat, the waiting list, or the organisers' approval."""
    db = get_db()
    registration = registration_by_token(db, token)
    if not ActionForm().validate_on_submit():
        return _form_refused(registration)
    try:
        confirm_registration(db, registration, base_url=feed_settings().base_url)
    except ValidationError as error:
        return _confirm_page(registration, error.problems, 400)
    except CapacityError as error:
        return _confirm_page(registration, [Problem("event", _capacity_reason(error))], 409)
    return redirect(url_for(".attendee_page", token=registration.token), 303)


@bp.get("/r/<token>")
def attendee_page(token: str) -> ResponseReturnValue:
    """Status, place on the waiting list, ticket, agenda, feed and the attendee's choices."""
    return _attendee_page(registration_by_token(get_db(), token))


@bp.post("/r/<token>/agenda/<session_uuid>/add")
def add_session(token: str, session_uuid: str) -> ResponseReturnValue:
    """Put a session on the agenda, taking a place if it has a sign-up capacity."""
    db = get_db()
    registration = registration_by_token(db, token)
    if not ActionForm().validate_on_submit():
        return _form_refused(registration)
    programme_session = find_public_session(db, registration, session_uuid)
    try:
        add_to_agenda(db, registration, programme_session)
    except CapacityError as error:
        return _attendee_page(registration, [_capacity_reason(error)], 409)
    except ValidationError as error:
        return _attendee_page(registration, [confkit_text(p) for p in error.problems], 400)
    return redirect(url_for(".attendee_page", token=token, _anchor="agenda"), 303)


@bp.post("/r/<token>/agenda/<session_uuid>/remove")
def remove_session(token: str, session_uuid: str) -> ResponseReturnValue:
    """Take a session off the agenda, freeing its place."""
    db = get_db()
    registration = registration_by_token(db, token)
    if not ActionForm().validate_on_submit():
        return _form_refused(registration)
    remove_from_agenda(db, registration, find_public_session(db, registration, session_uuid))
    return redirect(url_for(".attendee_page", token=token, _anchor="agenda"), 303)


@bp.get("/r/<token>/agenda.ics")
def agenda_feed(token: str) -> Response:
    """The sessions the attendee chose, for their calendar; 304 when the calendar is current."""
    db = get_db()
    registration = registration_by_token(db, token)
    settings = feed_settings()
    response = conditional_response(
        feeds.agenda_validator(registration, settings.base_url, settings.refresh_seconds),
        lambda: feeds.agenda_feed(
            db, registration, base_url=settings.base_url, refresh=settings.refresh
        ),
        "text/calendar",
        max_age=settings.refresh_seconds,
        content_headers={"Content-Disposition": 'inline; filename="agenda.ics"'},
    )
    # One person's feed at a secret address: their own calendar may keep it, no shared cache.
    response.cache_control.public = False
    response.cache_control.private = True
    return response


@bp.post("/r/<token>/cancel")
def cancel(token: str) -> ResponseReturnValue:
    """Cancel the registration (the page asks first); a seat it held goes to the next person
    waiting."""
    db = get_db()
    registration = registration_by_token(db, token)
    if not ActionForm().validate_on_submit():
        return _form_refused(registration)
    try:
        cancel_registration(db, registration, actor=ATTENDEE, base_url=feed_settings().base_url)
    except ValidationError as error:
        return _attendee_page(registration, [confkit_text(p) for p in error.problems], 400)
    flash(_("Your registration is cancelled."))
    return redirect(url_for(".attendee_page", token=token), 303)


@bp.post("/r/<token>/new-link")
def new_link(token: str) -> ResponseReturnValue:
    """Replace the link and the ticket; the old ones stop working at once."""
    db = get_db()
    registration = registration_by_token(db, token)
    if not ActionForm().validate_on_submit():
        return _form_refused(registration)
    renew_token(db, registration, base_url=feed_settings().base_url)
    if registration.person.email:
        flash(
            _(
                "This is your new link: keep it. The old link no longer works."
                " We have mailed it to you too."
            )
        )
    else:
        flash(_("This is your new link: keep it. The old link no longer works."))
    return redirect(url_for(".attendee_page", token=registration.token), 303)


@bp.get("/r/<token>/data.json")
def data_download(token: str) -> Response:
    """Everything stored about the attendee for this registration, as a JSON file."""
    db = get_db()
    registration = registration_by_token(db, token)
    body = json.dumps(attendee_data(db, registration), ensure_ascii=False, indent=2)
    filename = f"{registration.event.slug}-my-data.json"
    return Response(
        body + "\n",
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.post("/r/<token>/erase")
def erase(token: str) -> ResponseReturnValue:
    """Erase the attendee's data (the page asks first); the link is dead afterwards."""
    db = get_db()
    registration = registration_by_token(db, token)
    if not ActionForm().validate_on_submit():
        return _form_refused(registration)
    slug = registration.event.slug
    erase_attendee(db, registration, base_url=feed_settings().base_url)
    return redirect(url_for(".data_erased", slug=slug), 303)


@bp.get("/events/<slug>/data-erased")
def data_erased(slug: str) -> str:
    """Where an erasure ends: nothing about the person is left to show."""
    return render_template("registration/erased.html", event=get_event(get_db(), slug))


def _attendee_page(
    registration: Registration, problems: Sequence[str] = (), status: int = 200
) -> ResponseReturnValue:
    db = get_db()
    event = registration.event
    confirmed = registration.status is RegistrationStatus.CONFIRMED
    payload = ticket_payload(registration, current_app.config["SECRET_KEY"]) if confirmed else None
    return render_template(
        "registration/attendee.html",
        registration=registration,
        event=event,
        problems=problems,
        active=registration.status in ACTIVE_STATUSES,
        position=waitlist_position(db, registration),
        ticket=payload,
        ticket_svg=_qr_svg(payload) if payload else None,
        programme=build_schedule(db, event) if confirmed else None,
        zone=event_zone(event),
        chosen={s.id for s in agenda_sessions(db, registration)},
        taken=places_taken_by_session(db, event.id),
        form=ActionForm(),
    ), status


def _confirm_page(
    registration: Registration, problems: Sequence[Problem], status: int
) -> ResponseReturnValue:
    return render_template(
        "registration/confirm.html",
        registration=registration,
        form=ActionForm(),
        problems=[confkit_text(p) for p in problems],
        # Only an expired link is mended by registering again (which mails a fresh one).
        register_again=any(p.field == "token" for p in problems),
    ), status


def _form_refused(registration: Registration) -> ResponseReturnValue:
    """400 for a button pressed without a valid CSRF token (an old page, another site)."""
    return render_template("registration/form_refused.html", registration=registration), 400


def _capacity_reason(error: CapacityError) -> str:
    return confkit_text(error) or _("No place is left.")


def _qr_svg(payload: str) -> Markup:
    # segno writes the SVG from the payload's modules only; nothing in it comes from a person.
    return Markup(segno.make(payload, error="m").svg_inline(scale=5, title=_("Ticket QR code")))
