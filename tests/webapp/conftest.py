"""Web app test fixtures: an app on the test's rolled-back transaction, a client, a runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from confkit.db import Store
from webapp import create_app
from webapp.config import ENVIRONMENT_VARIABLES, INSTANCE_PATH_VARIABLE


@pytest.fixture(autouse=True)
def instance_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A private instance folder, and no configuration leaking in from the environment."""
    for variable in ENVIRONMENT_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    path = tmp_path / "instance"
    monkeypatch.setenv(INSTANCE_PATH_VARIABLE, str(path))
    return path


@pytest.fixture
def app(store: Store) -> Flask:
    return create_app({"TESTING": True, "SECRET_KEY": "testing", "CONFKIT_STORE": store})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()
