"""The public registration form, and the page that asks people to check their mail."""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from confkit import clock
from confkit.errors import NotFound, ValidationError
from confkit.models import Event
from confkit.registration_window import RegistrationState, registration_window
from confkit.services import get_event
from confkit.services.kept_events import EventKeeper, StaleEvent
from confkit.services.people import organisation_choices
from confkit.services.seats import CONFIRMATION_PERIOD, SeatCount, seat_count
from confkit.services.signup import register, register_new_address
from webapp.database import get_db, get_store
from webapp.feeds.settings import feed_settings
from webapp.i18n import current_locale
from webapp.registration import bp
from webapp.registration.forms import RegistrationForm, registration_form

# app.extensions key of the copies of events the form keeps between requests.
_KEEPER_EXTENSION = "confkit.registration_events"


@bp.app_template_global()
def event_seats(event: Event) -> SeatCount:
    """How full ``event`` is, for the event page."""
    return seat_count(get_db(), event)


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
def registration(slug: str) -> ResponseReturnValue:
    """The form; a valid submission registers and sends the person to check their mail."""
    if request.method == "POST":
        accepted = _register_new_address(slug)
        if accepted is not None:
            return accepted
    db = get_db()
    event = get_event(db, slug, with_questions=True)
    window = registration_window(event, clock.now())
    if window.state is not RegistrationState.OPEN:
        # Said on the page for a visitor; a submission is refused, naming why.
        status = 403 if request.method == "POST" else 200
        return render_template("registration/closed.html", event=event, window=window), status
    form = registration_form(event)
    if not form.is_submitted():
        return _form_page(form)
    if not form.validate():
        return _form_page(form, status=400)
    try:
        register(db, event, form.details(locale=current_locale()), base_url=_base_url())
    except ValidationError as error:
        return _form_page(form, problems=form.show_problems(error.problems), status=400)
    return _sent(event)


def _register_new_address(slug: str) -> ResponseReturnValue | None:
    """The common case of a busy form in one statement and no other round trip: a new address,
    the event a copy kept from an earlier request, which the statement writes with only while
    the event is unchanged. None when the submission is to be answered the usual way: no copy
    (SQLite), a changed event, or anything but a new registration (a closed form, a problem,
    a known address), which is always answered with the event as it is now."""
    keeper = _event_keeper()
    with get_store().statement_session() as db:
        try:
            kept = keeper.event(db, slug)
        except (NotFound, StaleEvent):
            return None
        if kept is None:
            return None
        event = kept.event
        # A closed window is among the refusals register_new_address gives.
        form = registration_form(event)
        if not form.validate():
            return None
        try:
            registration = register_new_address(
                db,
                event,
                form.details(locale=current_locale()),
                base_url=_base_url(),
                fingerprint=kept.fingerprint,
            )
        except StaleEvent:
            keeper.forget(slug)
            return None
        except ValidationError:
            return None
        if registration is None:
            return None
        db.commit()
        return _sent(event)


def _sent(event: Event) -> ResponseReturnValue:
    # The same answer whether the address was new or already registered: only its owner learns
    # which, by mail.
    return redirect(url_for(".registration_sent", slug=event.slug), 303)


def _base_url() -> str:
    return feed_settings().base_url


def _event_keeper() -> EventKeeper:
    keeper: EventKeeper | None = current_app.extensions.get(_KEEPER_EXTENSION)
    if keeper is None:
        keeper = current_app.extensions.setdefault(_KEEPER_EXTENSION, EventKeeper(get_store()))
    return keeper


@bp.get("/events/<slug>/register/sent")
def registration_sent(slug: str) -> str:
    """Check your mail: the one answer to every accepted submission."""
    event = get_event(get_db(), slug)
    hours = int(CONFIRMATION_PERIOD.total_seconds() // 3600)
    return render_template("registration/sent.html", event=event, confirmation_hours=hours)


def _form_page(
    form: RegistrationForm, *, problems: Sequence[str] = (), status: int = 200
) -> ResponseReturnValue:
    form.offer_choices(organisation_choices(get_db()))
    return render_template(
        "registration/register.html", event=form.event, form=form, problems=problems
    ), status
