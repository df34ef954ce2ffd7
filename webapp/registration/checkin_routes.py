"""Check-in at the door: the staff open the page once with the organisers' check-in code, or log
in to the back-office with a check-in or organiser role for the event (or as admin), then scan or
type each ticket.

The code is ``CONFKIT_CHECKIN_TOKEN``; without it the page only opens to such a login. The browser
session keeps a keyed fingerprint of the code, never the code itself, so changing the code locks
every device out at once. Tries at the code count with the failed logins of the same client, which
is refused for a while after too many. A logged-in user without a role for the event gets a 403
page.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from confkit.models import AccountRole, Event
from confkit.schedule import event_zone
from confkit.services import get_event
from confkit.services.accounts import TooManyAttempts, can, door_code_tried
from confkit.services.checkin import CheckInRefused, check_in
from webapp.admin.auth import current_user
from webapp.database import get_db
from webapp.registration import bp
from webapp.registration.forms import ActionForm, CheckInForm, UnlockForm

CODE_KEY = "CONFKIT_CHECKIN_TOKEN"
SESSION_KEY = "confkit_checkin"
# Who the registration's history names for a check-in.
CHECKIN_ACTOR = "check-in desk"


@bp.route("/events/<slug>/check-in", methods=["GET", "POST"])
def check_in_desk(slug: str) -> ResponseReturnValue:
    """The scan form; a submitted ticket is let in or refused, with the reason."""
    event = get_event(get_db(), slug)
    user = current_user()
    staff = can(user, AccountRole.CHECKIN, event)
    if not staff and not _unlocked():
        if user is not None:
            abort(403)
        if not _code():
            return render_template("checkin/not_configured.html", event=event), 404
        status = 403 if request.method == "POST" else 200
        return render_template("checkin/unlock.html", event=event, form=UnlockForm()), status
    form = CheckInForm()
    if not form.is_submitted():
        return _desk(event)
    if not form.validate():
        if form.csrf_token.errors:
            return _desk(event, expired=True, status=400)
        return _desk(event, refused=_("this is not a confkit ticket"), status=422)
    try:
        result = check_in(
            get_db(),
            event,
            form.payload.data or "",
            secret_key=current_app.config["SECRET_KEY"],
            actor=_actor(user.email if staff and user else None),
        )
    except CheckInRefused as refusal:
        # A real ticket whose registration may not enter, or something that is no valid
        # ticket of this event at all.
        status = 409 if refusal.registration is not None else 422
        return _desk(event, refused=refusal.reason, refused_for=refusal.registration, status=status)
    return _desk(event, result=result, first_at=result.first_at.astimezone(event_zone(event)))


@bp.post("/events/<slug>/check-in/unlock")
def unlock_check_in(slug: str) -> ResponseReturnValue:
    """Open the check-in page on this device with the organisers' code."""
    event = get_event(get_db(), slug)
    code = _code()
    if not code:
        return render_template("checkin/not_configured.html", event=event), 404
    form = UnlockForm()
    if not form.validate_on_submit():
        return render_template("checkin/unlock.html", event=event, form=form, expired=True), 400
    right = hmac.compare_digest(_fingerprint(form.code.data or ""), _fingerprint(code))
    db = get_db()
    try:
        door_code_tried(db, right=right, remote_address=request.remote_addr or "")
    except TooManyAttempts as refusal:
        page = render_template(
            "checkin/unlock.html", event=event, form=form, wait=refusal.retry_after
        )
        return page, 429, {"Retry-After": str(refusal.retry_after)}
    # Committed now: a wrong code is answered with a 403, whose request transaction is rolled
    # back, and the try must count all the same.
    db.commit()
    if not right:
        return render_template("checkin/unlock.html", event=event, form=form, wrong=True), 403
    session[SESSION_KEY] = _fingerprint(code)
    return redirect(url_for(".check_in_desk", slug=event.slug), 303)


@bp.post("/events/<slug>/check-in/lock")
def lock_check_in(slug: str) -> ResponseReturnValue:
    """Close the check-in page on this device."""
    event = get_event(get_db(), slug)
    if ActionForm().validate_on_submit():
        session.pop(SESSION_KEY, None)
    return redirect(url_for(".check_in_desk", slug=event.slug), 303)


def _desk(event: Event, *, status: int = 200, **outcome: object) -> ResponseReturnValue:
    # A fresh, empty form: the field is ready for the next ticket whatever happened.
    return render_template(
        "checkin/desk.html",
        event=event,
        form=CheckInForm(formdata=None),
        # A device opened by a login closes with the logout, not here.
        lock_form=ActionForm() if _unlocked() else None,
        **outcome,
    ), status


def _actor(email: str | None) -> str:
    # The history's actor column holds 200 characters; an address may have 320.
    return f"{CHECKIN_ACTOR} ({email})"[:200] if email else CHECKIN_ACTOR


def _code() -> str:
    return str(current_app.config.get(CODE_KEY) or "")


def _unlocked() -> bool:
    if not _code():
        return False
    kept = session.get(SESSION_KEY)
    return isinstance(kept, str) and hmac.compare_digest(kept, _fingerprint(_code()))


def _fingerprint(code: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()
