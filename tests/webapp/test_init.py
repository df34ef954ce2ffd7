"""The app factory: the store, the error pages and the blueprints are wired in."""

from __future__ import annotations

import pytest
from flask import Flask

from confkit.db import Store
from webapp import create_app
from webapp.database import get_store


def test_the_store_given_in_the_configuration_is_used(app: Flask, store: Store) -> None:
    with app.app_context():
        assert get_store() is store


def test_without_a_given_store_one_is_opened_on_the_configured_url() -> None:
    app = create_app({"SECRET_KEY": "testing", "CONFKIT_DATABASE_URL": "sqlite:///given.sqlite"})

    with app.app_context():
        assert str(get_store().bind.url) == "sqlite:///given.sqlite"


def test_a_store_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(TypeError, match="CONFKIT_STORE"):
        create_app({"SECRET_KEY": "testing", "CONFKIT_STORE": "sqlite:///not-a-store.sqlite"})


def test_the_public_blueprint_is_registered(app: Flask) -> None:
    assert "public" in app.blueprints
