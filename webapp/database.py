"""The confkit store inside the web app: one ORM session per request, committed in one place.

Views call :func:`get_db` and hand the session to confkit services, which flush but never commit.
When the response is ready the request's work is committed if the response is a success or a
redirect (status below 400) and rolled back otherwise; the session is closed when the request ends.
Outside a request (CLI commands, the shell) nothing is committed for you: commit explicitly.
"""

from __future__ import annotations

from typing import Final

from flask import Flask, Response, current_app, g
from sqlalchemy.orm import Session as DbSession

from confkit.auditing import ActorSource, set_actor
from confkit.db import Store, open_store

#: ``app.config`` key for a ready :class:`~confkit.db.Store` to use instead of
#: ``CONFKIT_DATABASE_URL`` (tests pass one bound to a connection that is rolled back).
STORE_CONFIG_KEY: Final = "CONFKIT_STORE"

#: ``app.extensions`` key of who the audit log names for a request's changes
#: (see :mod:`webapp.audit_actor`).
ACTOR_EXTENSION_NAME: Final = "confkit.actor"

_EXTENSION_NAME: Final = "confkit.store"
_REQUEST_SESSION_NAME: Final = "confkit_db"


def init_app(app: Flask) -> None:
    """Open the configured store and tie the request session's lifecycle to ``app``."""
    store = app.config.get(STORE_CONFIG_KEY)
    if store is None:
        store = open_store(app.config["CONFKIT_DATABASE_URL"])
    elif not isinstance(store, Store):
        raise TypeError(f"{STORE_CONFIG_KEY} must be a confkit.db.Store, not {type(store)!r}")
    app.extensions[_EXTENSION_NAME] = store
    # Registered first so it runs last: every other after_request hook may still turn the
    # response into an error, and the decision to commit has to see the final status.
    app.after_request(_end_transaction)
    app.teardown_appcontext(_close_session)


def get_store() -> Store:
    """The store of the current app."""
    store: Store = current_app.extensions[_EXTENSION_NAME]
    return store


def get_db() -> DbSession:
    """The ORM session of the current request, opened on first use."""
    db: DbSession | None = g.get(_REQUEST_SESSION_NAME)
    if db is None:
        db = get_store().session()
        actor: ActorSource | None = current_app.extensions.get(ACTOR_EXTENSION_NAME)
        if actor is not None:
            set_actor(db, actor)
        setattr(g, _REQUEST_SESSION_NAME, db)
    return db


def _end_transaction(response: Response) -> Response:
    db: DbSession | None = g.get(_REQUEST_SESSION_NAME)
    if db is not None:
        if response.status_code < 400:
            db.commit()
        else:
            db.rollback()
    return response


def _close_session(_error: BaseException | None) -> None:
    db: DbSession | None = g.pop(_REQUEST_SESSION_NAME, None)
    if db is not None:
        # Closing also rolls back whatever was not committed, e.g. after an unhandled error.
        db.close()
