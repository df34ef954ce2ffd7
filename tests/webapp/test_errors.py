"""confkit's errors and HTTP errors become pages with the right status, never a traceback."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from confkit.db import Store
from confkit.errors import CapacityError, ConflictError, NotFound, Problem, ValidationError
from webapp import create_app


def raise_(error: Exception) -> str:
    raise error


@pytest.fixture
def app(store: Store) -> Flask:
    app = create_app(
        {"SECRET_KEY": "testing", "CONFKIT_STORE": store, "PROPAGATE_EXCEPTIONS": False}
    )
    raised = {
        "missing-event": NotFound("event", "pfp30-tbilisi"),
        "invalid": ValidationError(
            [Problem("email", "is not an address"), Problem("family_name", "is required")]
        ),
        "clash": ConflictError(["Hall A is taken by 'Opening' at 09:00", "Dr Aliyev chairs both"]),
        "full": CapacityError("the workshop is full"),
        "crash": RuntimeError("secret internals"),
    }
    app.add_url_rule("/raise/<name>", view_func=lambda name: raise_(raised[name]))
    return app


def page_text(client: FlaskClient, path: str, status: int) -> str:
    response = client.get(path)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_a_confkit_object_that_does_not_exist_is_a_404(client: FlaskClient) -> None:
    text = page_text(client, "/raise/missing-event", 404)

    assert "no event &#39;pfp30-tbilisi&#39;" in text


def test_an_unknown_address_is_a_404_page(client: FlaskClient) -> None:
    text = page_text(client, "/no/such/page", 404)

    assert "<main" in text
    assert "Not found" in text


def test_invalid_input_is_a_400_naming_every_problem(client: FlaskClient) -> None:
    text = page_text(client, "/raise/invalid", 400)

    assert "is not an address" in text
    assert "family_name" in text


def test_a_clash_is_a_409_listing_every_reason(client: FlaskClient) -> None:
    text = page_text(client, "/raise/clash", 409)

    assert "Hall A is taken by &#39;Opening&#39; at 09:00" in text
    assert "Dr Aliyev chairs both" in text


def test_no_capacity_left_is_a_409_with_the_reason(client: FlaskClient) -> None:
    text = page_text(client, "/raise/full", 409)

    assert "the workshop is full" in text


def test_an_unexpected_error_is_a_500_page_without_details(client: FlaskClient) -> None:
    text = page_text(client, "/raise/crash", 500)

    assert "Something went wrong" in text
    assert "secret internals" not in text
    assert "Traceback" not in text


def test_error_pages_are_complete_html_documents(client: FlaskClient) -> None:
    text = page_text(client, "/no/such/page", 404)

    assert text.startswith("<!doctype html>")
    assert '<html lang="en">' in text
    assert '<main id="content">' in text
