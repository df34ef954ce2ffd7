"""The organisers' back-office at ``/admin/``: login, logout, the events a user may work on, and
each event's registrations.

``auth.py`` keeps who is logged in and offers :func:`~webapp.admin.auth.require_role` to every
view that needs a role; the routes are in ``routes.py`` (login, logout, the front page) and one
``*_routes.py`` module per area, the templates in ``templates/admin/``.
"""

from flask import Blueprint, Response

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.after_request
def keep_private(response: Response) -> Response:
    """Back-office pages show personal data and CSRF tokens: no cache may keep them."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.setdefault("Cache-Control", "private, no-store")
    return response


from webapp.admin import (  # noqa: E402, F401  (registers the routes and filters on bp)
    announcement_routes,
    audit_routes,
    badge_routes,
    dashboard_routes,
    event_routes,
    filters,
    grid_routes,
    import_routes,
    people_routes,
    place_routes,
    registration_routes,
    registration_settings_routes,
    routes,
    session_routes,
)
