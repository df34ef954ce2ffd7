"""Browser test fixtures: the demo data in a SQLite file, the app served over real HTTP on a free
port, and Debian's chromium driven by Playwright.

The app commits for real here (a browser cannot share the suite's rolled-back transaction), so
each test gets a database file of its own in its temporary folder. The server works on the demo
data unless a test module overrides ``served_store`` (with ``admin_store``, say).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from playwright.sync_api import Browser, sync_playwright
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from confkit import clock, migrate
from confkit.db import Store, make_engine
from confkit.demo import load_demo
from confkit.models import AccountRole
from confkit.services.accounts import create_user
from webapp import create_app
from webapp.config import ENVIRONMENT_VARIABLES, INSTANCE_PATH_VARIABLE

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SECRET_KEY = "browser-tests-secret"
CHECKIN_CODE = "door-code-browser"
ADMIN_EMAIL = "admin@confkit.test"
ADMIN_PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class LiveServer:
    """The app answering real HTTP requests at ``url``, on ``store``."""

    url: str
    app: Flask
    store: Store


class _QuietRequestHandler(WSGIRequestHandler):
    # One log line per request would bury a failure's own output.
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def _whole_bodies(app: WSGIApplication) -> WSGIApplication:
    """``app`` with every response body read, and closed, before it is sent. A browser drops
    connections it no longer needs; werkzeug's server then leaves the body unclosed (a static
    file stays open until the collector finds it, and its warning fails whichever test runs)."""

    def whole(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return whole


@pytest.fixture(autouse=True)
def instance_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A private instance folder, and no configuration leaking in from the environment."""
    for variable in ENVIRONMENT_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    path = tmp_path / "instance"
    monkeypatch.setenv(INSTANCE_PATH_VARIABLE, str(path))
    return path


@pytest.fixture
def empty_store(tmp_path: Path) -> Iterator[Store]:
    """A migrated SQLite file with nothing in it."""
    engine = make_engine(f"sqlite:///{tmp_path / 'confkit.sqlite'}")
    try:
        migrate.upgrade(engine)
        yield Store(engine)
    finally:
        engine.dispose()


@pytest.fixture
def demo_store(empty_store: Store) -> Store:
    """The database holding the demo events, loaded as ``confkit demo`` does."""
    now = clock.now()
    with empty_store.transaction() as db:
        load_demo(db, today=now.astimezone().date(), now=now)
    return empty_store


@pytest.fixture
def admin_store(empty_store: Store) -> Store:
    """A database with no event and one admin account (``ADMIN_EMAIL``, ``ADMIN_PASSWORD``)."""
    with empty_store.transaction() as db:
        create_user(db, ADMIN_EMAIL, ADMIN_PASSWORD, role=AccountRole.ADMIN)
    return empty_store


@pytest.fixture
def served_store(demo_store: Store) -> Store:
    """The database the live server works on; a test module may override this fixture."""
    return demo_store


@pytest.fixture
def live_server(served_store: Store) -> Iterator[LiveServer]:
    """The web app on a free port of 127.0.0.1, served by threads; shut down at the end."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET_KEY,
            "CONFKIT_STORE": served_store,
            "CONFKIT_CHECKIN_TOKEN": CHECKIN_CODE,
        }
    )
    server: BaseWSGIServer = make_server(
        "127.0.0.1", 0, _whole_bodies(app), threaded=True, request_handler=_QuietRequestHandler
    )
    url = f"http://127.0.0.1:{server.server_port}"
    # The port is known only once bound; nothing is served before the links name it.
    app.config["CONFKIT_BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=url, app=app, store=served_store)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def browser(live_server: LiveServer) -> Iterator[Browser]:
    """Debian's chromium, headless; closed before the server stops so no connection lingers."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
