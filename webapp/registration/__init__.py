"""Registration and what follows it: the public form, the attendee's own pages behind their secret
link, the personal feed, and check-in at the door.

The routes are added in ``routes.py`` (the form), ``attendee_routes.py`` (``/r/<token>``) and
``checkin_routes.py``; their templates are in ``templates/registration/`` and
``templates/checkin/``.
"""

from flask import Blueprint, Response

bp = Blueprint("registration", __name__)


@bp.after_request
def keep_private(response: Response) -> Response:
    """These pages carry secrets: the token in the URL, a ticket, a CSRF token, a person's
    details. No other site may learn the address, and no shared or browser cache may keep them;
    a route that may be cached privately (the personal feed) sets its own Cache-Control."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.setdefault("Cache-Control", "private, no-store")
    return response


from webapp.registration import (  # noqa: E402, F401  (registers the routes on bp)
    attendee_routes,
    checkin_routes,
    routes,
)
