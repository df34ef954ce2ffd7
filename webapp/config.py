"""Configuration of the web app, in layers: defaults, the instance folder's file, the environment.

The instance folder is Flask's default (``instance/`` beside the package in a checkout) unless the
environment variable ``CONFKIT_INSTANCE_PATH`` names another one. It holds the default SQLite
database, the generated secret key and the optional config file ``confkit.cfg``.

Each layer overrides the one before it: defaults < ``confkit.cfg`` < environment < ``test_config``.
``confkit.cfg`` is Python and uses the ``app.config`` keys: ``CONFKIT_DATABASE_URL``,
``SECRET_KEY``, ``CONFKIT_SMTP_URL``, ``CONFKIT_BASE_URL``, ``CONFKIT_FEED_REFRESH_SECONDS``,
``CONFKIT_MAIL_FROM`` (the From address of mails), ``CONFKIT_CHECKIN_TOKEN`` (the code the door
staff enter once to open the check-in page; unset, check-in is off).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from flask import Flask

INSTANCE_PATH_VARIABLE: Final = "CONFKIT_INSTANCE_PATH"
CONFIG_FILE_NAME: Final = "confkit.cfg"
SECRET_KEY_FILE_NAME: Final = "secret_key"
DEFAULT_DATABASE_FILE_NAME: Final = "confkit.sqlite"
DEFAULT_FEED_REFRESH_SECONDS: Final = 3600

# Environment variable -> app.config key. The secret key goes straight to Flask's own key, so
# every layer (file, environment, test_config) sets the same key and the last one wins.
ENVIRONMENT_VARIABLES: Final[Mapping[str, str]] = {
    "CONFKIT_DATABASE_URL": "CONFKIT_DATABASE_URL",
    "CONFKIT_SECRET_KEY": "SECRET_KEY",
    "CONFKIT_SMTP_URL": "CONFKIT_SMTP_URL",
    "CONFKIT_BASE_URL": "CONFKIT_BASE_URL",
    "CONFKIT_FEED_REFRESH_SECONDS": "CONFKIT_FEED_REFRESH_SECONDS",
    "CONFKIT_CHECKIN_TOKEN": "CONFKIT_CHECKIN_TOKEN",
    "CONFKIT_MAIL_FROM": "CONFKIT_MAIL_FROM",
}


def instance_path_from_environment() -> str | None:
    """The instance folder named by ``CONFKIT_INSTANCE_PATH``, made absolute; None if unset."""
    configured = os.environ.get(INSTANCE_PATH_VARIABLE)
    # Flask refuses a relative instance path.
    return str(Path(configured).resolve()) if configured else None


def load_config(app: Flask, test_config: Mapping[str, Any] | None = None) -> None:
    """Fill ``app.config`` from every layer, then make sure a secret key is set."""
    instance = Path(app.instance_path)
    app.config.from_mapping(
        CONFKIT_DATABASE_URL=f"sqlite:///{instance / DEFAULT_DATABASE_FILE_NAME}",
        CONFKIT_SMTP_URL=None,
        CONFKIT_BASE_URL=None,
        CONFKIT_FEED_REFRESH_SECONDS=DEFAULT_FEED_REFRESH_SECONDS,
        CONFKIT_CHECKIN_TOKEN=None,
        CONFKIT_MAIL_FROM=None,
        # The session cookie carries the back-office login: no script may read it, and no other
        # site's form may send it.
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.config.from_pyfile(CONFIG_FILE_NAME, silent=True)
    app.config.from_mapping(settings_from_environment())
    if test_config is not None:
        app.config.from_mapping(test_config)
    if str(app.config.get("CONFKIT_BASE_URL") or "").lower().startswith("https:"):
        # Served over HTTPS: the login cookie must never travel in clear text.
        app.config["SESSION_COOKIE_SECURE"] = True
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = read_or_create_secret_key(instance / SECRET_KEY_FILE_NAME)


def settings_from_environment() -> dict[str, str]:
    """The ``app.config`` settings given by ``CONFKIT_*`` variables; empty values count as unset."""
    return {
        key: os.environ[variable]
        for variable, key in ENVIRONMENT_VARIABLES.items()
        if os.environ.get(variable)
    }


def read_or_create_secret_key(path: Path) -> str:
    """The key kept in ``path``, created with a random value on first use.

    Keeping it means sessions and signed links survive a restart without any set-up.
    """
    if not path.exists():
        _create_secret_key_file(path)
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise RuntimeError(f"the secret key file {path} is empty: delete it to get a new key")
    return key


def _create_secret_key_file(path: Path) -> None:
    # Written to a private temporary file and then linked into place: linking fails if the name
    # exists, so workers starting together agree on the first key and never read a partial file.
    descriptor, temporary_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as temporary:
            temporary.write(secrets.token_hex(32) + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(temporary_name, path)
    finally:
        os.unlink(temporary_name)
