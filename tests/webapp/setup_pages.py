"""Helpers for the tests of the organisers' event setup pages."""

from __future__ import annotations

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.webapp.test_registration_pages import csrf_token, words


def submit(client: FlaskClient, path: str, *, form_page: str = "", **data: object) -> TestResponse:
    """POST ``data`` to ``path`` with the CSRF token of the form on ``form_page`` (default:
    ``path`` itself)."""
    token = csrf_token(client, form_page or path)
    return client.post(path, data={"csrf_token": token, **data})


def refused(response: TestResponse, *messages: str) -> str:
    """Assert the form came back with a 400 saying each message; the page's words."""
    shown = words(response)
    assert response.status_code == 400, shown
    for message in messages:
        assert message in shown, shown
    return shown
