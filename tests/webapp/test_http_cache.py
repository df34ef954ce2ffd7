"""Conditional GET: If-None-Match and If-Modified-Since, and a 304 that builds nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from flask import Flask

from confkit import clock
from webapp.http_cache import conditional_response, parse_if_modified_since, parse_if_none_match

NOW = datetime(2024, 12, 1, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Stamp:
    etag: str
    last_modified: datetime


CURRENT = Stamp("abc123", datetime(2024, 11, 1, 12, 0, 30, 500000, tzinfo=UTC))


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


def must_not_build() -> bytes:
    raise AssertionError("the body was built for a 304")


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ('"a"', frozenset({"a"})),
        ('W/"a"', frozenset({"a"})),
        ('"a", W/"b" ,"c"', frozenset({"a", "b", "c"})),
        ('"a",,"b",', frozenset({"a", "b"})),
        ('"a,b"', frozenset({"a,b"})),
        ('""', frozenset({""})),
        ("", frozenset()),
        ("*", "*"),
        (" * ", "*"),
        ('"*"', frozenset({"*"})),
        ("a", None),
        ('"a', None),
        ('a"', None),
        ('w/"a"', None),
        ('W/ "a"', None),
        ('"a" "b"', None),
        ('"a";"b"', None),
        ('*, "a"', None),
        ('"a b"', None),
        ('"a\x01"', None),
    ],
)
def test_if_none_match_parsing(value, parsed) -> None:
    assert parse_if_none_match(value) == parsed


@pytest.mark.parametrize(
    ("values", "parsed"),
    [
        (["Fri, 01 Nov 2024 12:00:00 GMT"], datetime(2024, 11, 1, 12, 0, tzinfo=UTC)),
        # The obsolete forms an HTTP-date may also take (RFC 9110 5.6.7).
        (["Friday, 01-Nov-24 12:00:00 GMT"], datetime(2024, 11, 1, 12, 0, tzinfo=UTC)),
        (["Fri Nov  1 12:00:00 2024"], datetime(2024, 11, 1, 12, 0, tzinfo=UTC)),
        (["Sun, 01 Dec 2024 12:00:01 GMT"], None),
        (["2024-11-01"], None),
        (["garbage"], None),
        ([], None),
        (["Fri, 01 Nov 2024 12:00:00 GMT", "Fri, 01 Nov 2024 12:00:00 GMT"], None),
    ],
)
def test_if_modified_since_parsing(values, parsed) -> None:
    assert parse_if_modified_since(values, now=NOW) == parsed


@pytest.mark.parametrize(
    "headers",
    [
        {"If-None-Match": '"abc123"'},
        {"If-None-Match": 'W/"abc123"'},
        {"If-None-Match": "*"},
        {"If-Modified-Since": "Fri, 01 Nov 2024 12:00:30 GMT"},
    ],
)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_current_client_gets_304_without_the_body_being_built(app: Flask, headers, method):
    with app.test_request_context(method=method, headers=headers):
        response = conditional_response(CURRENT, must_not_build, "text/calendar", max_age=60)

    assert response.status_code == 304
    assert response.headers["ETag"] == '"abc123"'
    assert response.headers["Cache-Control"] == "public, max-age=60"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"If-None-Match": '"other"'},
        {"If-None-Match": 'abc123"'},
        {"If-Modified-Since": "Fri, 01 Nov 2024 12:00:29 GMT"},
        {"If-None-Match": '"other"', "If-Modified-Since": "Fri, 01 Nov 2024 12:00:30 GMT"},
    ],
)
def test_a_stale_client_gets_the_built_body(app: Flask, headers) -> None:
    with app.test_request_context(headers=headers):
        response = conditional_response(
            CURRENT,
            lambda: b"BEGIN:VCALENDAR\r\n",
            "text/calendar",
            max_age=60,
            content_headers={"Content-Disposition": 'inline; filename="a.ics"'},
        )

    assert response.status_code == 200
    assert response.get_data() == b"BEGIN:VCALENDAR\r\n"
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["ETag"] == '"abc123"'
    # Whole seconds: an HTTP-date has no finer resolution.
    assert response.headers["Last-Modified"] == "Fri, 01 Nov 2024 12:00:30 GMT"
    assert response.headers["Content-Disposition"] == 'inline; filename="a.ics"'


def test_a_modification_time_ahead_of_the_clock_is_sent_as_now(app: Flask) -> None:
    ahead = Stamp("abc123", datetime(2025, 1, 1, tzinfo=UTC))

    with app.test_request_context():
        response = conditional_response(ahead, lambda: b"", "text/calendar", max_age=60)

    assert response.headers["Last-Modified"] == "Sun, 01 Dec 2024 12:00:00 GMT"


def test_other_methods_are_not_answered_304(app: Flask) -> None:
    with app.test_request_context(method="POST", headers={"If-None-Match": '"abc123"'}):
        response = conditional_response(CURRENT, lambda: b"x", "text/calendar", max_age=60)

    assert response.status_code == 200
