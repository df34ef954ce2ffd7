"""Who is logged in: the user id kept in Flask's signed session cookie, and the checks views use.

Views that need a role call :func:`require_role` (or :func:`require_login`) first: an anonymous
visitor is sent to the login page and back afterwards; a user without the role gets a 403 page.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import urlsplit

from flask import abort, g, redirect, request, session, url_for

from confkit.models import AccountRole, Event, User
from confkit.services.accounts import can
from webapp.database import get_db

USER_SESSION_KEY: Final = "confkit_user_id"
_USER_CACHE_NAME: Final = "confkit_user"


def current_user() -> User | None:
    """The active user logged in on this request, or None."""
    if _USER_CACHE_NAME not in g:
        user_id = session.get(USER_SESSION_KEY)
        user = get_db().get(User, user_id) if isinstance(user_id, int) else None
        # A deactivated account is logged out everywhere at its next request.
        setattr(g, _USER_CACHE_NAME, user if user is not None and user.is_active else None)
    found: User | None = g.get(_USER_CACHE_NAME)
    return found


def log_in(user: User) -> None:
    """Start a fresh session for ``user``: nothing from before the login survives it."""
    # Clearing first means a session planted before the login (fixation) is never promoted.
    session.clear()
    session[USER_SESSION_KEY] = user.id
    setattr(g, _USER_CACHE_NAME, user)


def log_out() -> None:
    """End the session: the login and everything else kept in it."""
    session.clear()
    setattr(g, _USER_CACHE_NAME, None)


def require_login() -> User:
    """The logged-in user; an anonymous visitor is redirected to the login page."""
    user = current_user()
    if user is None:
        abort(redirect(url_for("admin.login", next=_here()), 302))
    return user


def require_role(role: AccountRole | str, event: Event | None = None) -> User:
    """The logged-in user if they may act as ``role`` on ``event``; otherwise a redirect to the
    login page (anonymous) or a 403 page (logged in without the role)."""
    user = require_login()
    if not can(user, role, event):
        abort(403)
    return user


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None: a login never sends anyone away."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ord(c) < 32 or ord(c) == 127 or c == "\\" for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _here() -> str:
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")
