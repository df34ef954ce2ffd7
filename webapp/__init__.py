"""The confkit web app: a thin Flask layer over the confkit library.

It is a WSGI application factory, so any server runs it: ``gunicorn -w 4 'webapp:create_app()'``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from webapp import admin, audit_actor, database, errors, feeds, i18n, public, registration
from webapp.config import instance_path_from_environment, load_config


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; ``test_config`` overrides every other setting (see :mod:`webapp.config`)."""
    app = Flask(
        __name__, instance_path=instance_path_from_environment(), instance_relative_config=True
    )
    os.makedirs(app.instance_path, exist_ok=True)
    load_config(app, test_config)
    database.init_app(app)
    audit_actor.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    register_blueprints(app)
    return app


def register_blueprints(app: Flask) -> None:
    """Every blueprint of the app is registered here, and only here."""
    app.register_blueprint(public.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(registration.bp)
    app.register_blueprint(admin.bp)
