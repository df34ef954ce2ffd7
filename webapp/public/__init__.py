"""The public pages: upcoming events, an event's page and its programme.

The routes are added in ``webapp/public/routes.py``, their templates in ``templates/public/``.
"""

from flask import Blueprint

bp = Blueprint("public", __name__)

from webapp.public import routes  # noqa: E402, F401  (registers the routes on bp)
