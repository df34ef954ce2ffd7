"""``confkit demo``: migrate the configured database, load the demo events and serve the app."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

from confkit import clock, migrate
from confkit.auditing import CLI
from confkit.demo import load_demo
from webapp.command_errors import reported_database_errors
from webapp.database import get_store

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000


@click.command("demo")
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Interface to serve on.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, help="Port to serve on.")
@click.option("--load-only", is_flag=True, help="Load the demo events without serving the app.")
@with_appcontext
def demo_command(host: str, port: int, load_only: bool) -> None:
    """Create or upgrade the database, load the demo events (again is harmless) and serve them."""
    # The app's own store, so the demo lands in exactly the database the app serves.
    store = get_store()
    now = clock.now()
    # The workshop is dated from the day on the loading machine's own calendar.
    today = now.astimezone().date()
    with reported_database_errors():
        migrate.upgrade(store.bind)
        with store.transaction(actor=CLI) as db:
            events = load_demo(db, today=today, now=now)
    for event in events:
        click.echo(f"{event.name}: http://{host}:{port}/events/{event.slug}/")
    if load_only:
        return
    # Not ``app.run()``: under the ``confkit`` command (a FlaskGroup) Flask ignores that call,
    # as it would block a CLI command. This is the same server ``flask run`` starts.
    run_simple(
        host,
        port,
        current_app._get_current_object(),  # type: ignore[attr-defined]
        use_reloader=False,
        use_debugger=current_app.debug,
        threaded=True,
    )
