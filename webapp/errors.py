"""Error pages: confkit's errors and HTTP errors become pages, never a traceback."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from werkzeug import exceptions as http

from confkit.errors import CapacityError, ConflictError, NotFound, ValidationError
from webapp.i18n import confkit_text

Page = tuple[str, int]


def init_app(app: Flask) -> None:
    """Register the error pages on ``app``."""
    app.register_error_handler(NotFound, object_not_found)
    app.register_error_handler(http.NotFound, page_not_found)
    app.register_error_handler(http.Forbidden, forbidden)
    app.register_error_handler(ValidationError, invalid_input)
    app.register_error_handler(ConflictError, conflict)
    app.register_error_handler(CapacityError, no_capacity_left)
    app.register_error_handler(http.InternalServerError, internal_error)


def object_not_found(error: NotFound) -> Page:
    """404 for a confkit object that does not exist, saying what was looked for."""
    return render_template("errors/404.html", detail=str(error)), 404


def page_not_found(_error: http.NotFound) -> Page:
    """404 for a URL no route matches."""
    return render_template("errors/404.html", detail=None), 404


def forbidden(_error: http.Forbidden) -> Page:
    """403 for a logged-in user whose roles do not cover the page."""
    return render_template("errors/403.html"), 403


def invalid_input(error: ValidationError) -> Page:
    """400 listing every problem with the input."""
    return render_template("errors/400.html", problems=error.problems), 400


def conflict(error: ConflictError) -> Page:
    """409 listing every clash the change would cause."""
    reasons = [confkit_text(clash) for clash in error.clashes]
    return render_template("errors/409.html", reasons=reasons), 409


def no_capacity_left(error: CapacityError) -> Page:
    """409: the change needs a seat and none is left."""
    reason = confkit_text(error) or _("No place is left.")
    return render_template("errors/409.html", reasons=[reason]), 409


def internal_error(_error: http.InternalServerError) -> Page:
    """500 without any detail: the exception is in the log, not on the page."""
    return render_template("errors/500.html"), 500
