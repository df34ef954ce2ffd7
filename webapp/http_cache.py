"""Conditional GET (RFC 9110, section 13): answer 304 from a stored validator, building nothing.

A route hands :func:`conditional_response` the representation's validator (a strong entity tag
and a modification time, both cheap to read) and a callable that builds the body. The body is
built only when the client does not already hold the current representation.

Preconditions are evaluated in the order RFC 9110 (13.2.2) gives for a GET or HEAD:
``If-None-Match`` when present, otherwise ``If-Modified-Since``. A header that does not follow
the grammar is ignored rather than refused, so a broken client gets the full answer, never an
error and never a wrong 304.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Protocol

from flask import Response, request
from werkzeug.http import parse_date

from confkit import clock

# One list member of If-None-Match (RFC 9110 8.8.3): an optional case-sensitive weak prefix and
# an opaque tag: DQUOTE, then "!" or "#" to "~" or obs-text (headers arrive decoded as Latin-1,
# so obs-text is U+0080 to U+00FF), then DQUOTE. Whitespace around members and empty members
# (",,") are allowed by the list rule (RFC 9110 5.6.1).
_ENTITY_TAG = re.compile(r'[ \t]*(?:(?:W/)?"([\x21\x23-\x7e\x80-\xff]*)")?[ \t]*')
_CONDITIONAL_METHODS = frozenset({"GET", "HEAD"})


class Validator(Protocol):
    """What a representation can be compared with: a strong entity tag and a modification time."""

    @property
    def etag(self) -> str:
        """The opaque tag, without quotes."""

    @property
    def last_modified(self) -> datetime:
        """A timezone-aware instant."""


def conditional_response(
    validator: Validator,
    build: Callable[[], bytes],
    mimetype: str,
    *,
    max_age: int,
    content_headers: Mapping[str, str] | None = None,
) -> Response:
    """200 with the body from ``build()``, or 304 without calling it if the client is current.

    Both answers carry the strong ``ETag`` and ``Cache-Control: public, max-age=<max_age>``;
    the 200 also ``Last-Modified`` and ``content_headers`` (``Content-Disposition``, say). A 304
    leaves out the metadata of the content it does not send (RFC 9110 15.4.5; Werkzeug removes
    most of it anyway), ``Last-Modified`` included.
    ``build`` may raise (confkit's NotFound, say): the error propagates as from the route itself.
    """
    now = clock.now()
    # A Last-Modified later than the response's own date is not allowed (RFC 9110 8.8.2.1).
    last_modified = min(validator.last_modified, now).replace(microsecond=0)
    if request.method in _CONDITIONAL_METHODS and not is_modified(
        validator.etag, last_modified, now=now
    ):
        response = Response(status=304)
    else:
        response = Response(build(), mimetype=mimetype)
        response.last_modified = last_modified
        response.headers.update(content_headers or {})
    response.set_etag(validator.etag)
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    return response


def is_modified(etag: str, last_modified: datetime, *, now: datetime) -> bool:
    """False if the request's preconditions say the client holds the representation.

    ``etag`` is the current strong tag (unquoted) and ``last_modified`` the current modification
    time in whole seconds.
    """
    if "If-None-Match" in request.headers:
        # Present, even malformed: If-Modified-Since is then ignored (RFC 9110 13.1.3).
        tags = parse_if_none_match(", ".join(request.headers.getlist("If-None-Match")))
        return tags is None or not (tags == "*" or etag in tags)
    since = parse_if_modified_since(request.headers.getlist("If-Modified-Since"), now=now)
    return since is None or last_modified > since


def parse_if_none_match(value: str) -> frozenset[str] | str | None:
    """``"*"``, or the opaque tags the field lists (weak ones too: a GET compares weakly, RFC 9110
    13.1.2), or None when the field does not follow the grammar and must be ignored."""
    if value.strip(" \t") == "*":
        return "*"
    tags: set[str] = set()
    position = 0
    while True:
        member = _ENTITY_TAG.match(value, position)
        # The pattern always matches (it may match nothing), so this only narrows the type.
        if member is None:  # pragma: no cover
            return None
        if member.group(1) is not None:
            tags.add(member.group(1))
        position = member.end()
        if position == len(value):
            return frozenset(tags)
        if value[position] != ",":
            return None
        position += 1


def parse_if_modified_since(values: list[str], *, now: datetime) -> datetime | None:
    """The instant the field names, or None when it must be ignored: absent, repeated, not an
    HTTP-date, or later than ``now`` (RFC 9110 13.1.3)."""
    if len(values) != 1:
        return None
    since = parse_date(values[0])
    if since is None or since > now:
        return None
    return since
