"""The public registration form, and the page that asks people to check their mail."""

from __future__ import annotations

from collections.abc import Sequence

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from confkit import clock
from confkit.errors import ValidationError
from confkit.models import Event
from confkit.registration_window import RegistrationState, registration_window
from confkit.services import get_event
from confkit.services.people import organisation_choices
from confkit.services.seats import CONFIRMATION_PERIOD, SeatCount, seat_count
from confkit.services.signup import register
from webapp.database import get_db
from webapp.feeds.settings import feed_settings
from webapp.i18n import current_locale
from webapp.registration import bp
from webapp.registration.forms import RegistrationForm, registration_form


@bp.app_template_global()
def event_seats(event: Event) -> SeatCount:
    """How full ``event`` is, for the event page."""
    return seat_count(get_db(), event)


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
def registration(slug: str) -> ResponseReturnValue:
    """The form; a valid submission registers and sends the person to check their mail."""
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
        details = form.details(locale=current_locale())
        register(db, event, details, base_url=feed_settings().base_url)
    except ValidationError as error:
        return _form_page(form, problems=form.show_problems(error.problems), status=400)
    # The same answer whether the address was new or already registered: only its owner learns
    # which, by mail.
    return redirect(url_for(".registration_sent", slug=event.slug), 303)


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
