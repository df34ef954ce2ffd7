"""Login, logout, and the back-office's front page."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from confkit.models import AccountRole
from confkit.services.accounts import (
    LoginFailed,
    TooManyAttempts,
    authenticate,
    can,
    events_for,
)
from webapp.admin import bp
from webapp.admin.auth import current_user, log_in, log_out, require_login, safe_next
from webapp.admin.forms import LoginForm, LogoutForm
from webapp.database import get_db

# Without a client address (some WSGI set-ups) every such client shares one limit.
UNKNOWN_ADDRESS = "unknown"


@bp.get("/")
def index() -> ResponseReturnValue:
    """The events the logged-in user may work on, with what they may do on each."""
    user = require_login()
    return render_template(
        "admin/index.html",
        user=user,
        events=events_for(get_db(), user),
        logout_form=LogoutForm(),
        may_create_events=can(user, AccountRole.ADMIN),
    )


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """The login form; a success starts a new session and goes on to ``next`` (a local path)."""
    form = LoginForm()
    if not form.is_submitted():
        form.next.data = safe_next(request.args.get("next")) or ""
        if current_user() is not None and not form.next.data:
            return redirect(url_for(".index"), 303)
        return render_template("admin/login.html", form=form)
    if not form.validate():
        return render_template("admin/login.html", form=form, invalid=True), 400
    try:
        user = authenticate(
            get_db(),
            form.email.data or "",
            form.password.data or "",
            remote_address=request.remote_addr or UNKNOWN_ADDRESS,
        )
    except TooManyAttempts as refusal:
        page = render_template("admin/login.html", form=form, wait=refusal.retry_after)
        return page, 429, {"Retry-After": str(refusal.retry_after)}
    except LoginFailed as failure:
        # 200, not 401: the request's work is committed only on success statuses, and the
        # failed attempt must be kept for the rate limit to count it.
        return render_template("admin/login.html", form=form, failed=str(failure))
    log_in(user)
    return redirect(safe_next(form.next.data) or url_for(".index"), 303)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """End the session and go back to the login page."""
    if not LogoutForm().validate_on_submit():
        return render_template("admin/login.html", form=LoginForm(), invalid=True), 400
    log_out()
    return redirect(url_for(".login"), 303)
