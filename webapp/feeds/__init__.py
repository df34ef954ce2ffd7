"""An event's calendar feeds, served with conditional GET, and the links that subscribe to them.

The routes are added in ``webapp/feeds/routes.py``; the feeds themselves are built by
:mod:`confkit.feeds`.
"""

from flask import Blueprint

from webapp.feeds.settings import check_settings

bp = Blueprint("feeds", __name__)
# Refuse a bad setting when the app starts, not on the first feed request.
bp.record_once(lambda state: check_settings(state.app.config))

from webapp.feeds import routes  # noqa: E402, F401  (registers the routes on bp)
