"""Who the audit log names for the changes a request makes.

A logged-in user is named by their account. A visitor who is not logged in can only register
and manage their own registration, which keeps its own history: their requests add nothing to
the audit log, so the public registration pages write no more than they did.
"""

from __future__ import annotations

from typing import Final

from flask import Flask, has_request_context

from confkit.auditing import SYSTEM, Actor
from confkit.services.audit import user_actor
from webapp.admin.auth import current_user
from webapp.database import ACTOR_EXTENSION_NAME

VISITOR: Final = Actor("visitor", recorded=False)


def init_app(app: Flask) -> None:
    """Name the acting user in the audit log of every request's changes."""
    # Named when a change is first recorded: a request that writes nothing audited never
    # reads the login for it.
    app.extensions[ACTOR_EXTENSION_NAME] = request_actor


def request_actor() -> Actor:
    """The logged-in user, or a visitor whose changes are not recorded; outside a request
    (``confkit shell``), the system."""
    if not has_request_context():
        return SYSTEM
    user = current_user()
    return VISITOR if user is None else user_actor(user)
