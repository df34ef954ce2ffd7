"""Property tests: whatever is posted to the registration form (or the check-in desk, or put
in an attendee link), the answer is never a server error, and a refused submission stores
nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from confkit import clock, services
from confkit.db import Store
from confkit.models import (
    Affiliation,
    Event,
    InvitationCode,
    Organisation,
    OutboxMessage,
    Person,
    Registration,
    RegistrationChange,
)
from confkit.services.registration_settings import (
    add_invitation_code,
    add_question,
    configure_registration,
)
from tests.webapp.test_registration_pages import csrf_token, text
from webapp import create_app

NOW = datetime(2024, 11, 1, 12, 0, tzinfo=UTC)
SENT = "/events/fuzz/register/sent"
FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

FIELDS = (
    "given_name",
    "family_name",
    "email",
    "organisation",
    "organisation_name",
    "organisation_kind",
    "organisation_country",
    "position",
    "category",
    "delegation",
    "consent",
    "invitation_code",
    "answers-interest",
    "answers-diet",
    "answers-topics",
    "answers-exercise",
    "answers-home",
    "answers-remarks",
)
VALID = {
    "given_name": "Leyla",
    "family_name": "Həsənova",
    "email": "leyla@example.org",
    "category": "delegate",
    "answers-interest": "Grids",
    "answers-exercise": "y",
    "consent": "y",
    "invitation_code": "FUZZ-CODE",
}
# Values that mean something to some field, so that random mixes of them get deep.
MEANINGFUL = st.sampled_from(
    [
        "",
        " ",
        "y",
        "new",
        "1",
        "0",
        "-1",
        "99999999999999999999",
        "delegate",
        "staff",
        "ngo",
        "AZ",
        "az",
        "XX",
        "Grids",
        "Cyber",
        "FUZZ-CODE",
        "a@example.org",
        "@",
        "user@localhost",
        "<script>alert(1)</script>",
        "\x00",
        "ə\u202e\u200b",
        "' OR 1=1 --",
        "%00",
    ]
)


@dataclass(frozen=True)
class Repeated:
    """A long value, kept short in Hypothesis's report of a failing example."""

    text: str
    times: int

    def __str__(self) -> str:
        return self.text * self.times


TEXT = st.one_of(
    MEANINGFUL,
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=400),
    # Far beyond every limit, still below what the form parser accepts per field.
    st.builds(Repeated, st.sampled_from(["ş", "<b>", "a", "\x00"]), st.integers(301, 40_000)),
)
VALUE = st.one_of(TEXT, st.lists(TEXT, min_size=2, max_size=3))
LOOKS_LIKE_A_TICKET = r"\ACK1\.[0-9]{1,25}\.[0-9]{1,25}\.-?[0-9]{1,25}\.[A-Za-z0-9_-]{0,30}\Z"
FORMS = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), VALUE, max_size=len(FIELDS)),
    # A valid submission, from a new address, with a few fields changed reaches every rule of
    # the service, and is sometimes accepted.
    st.builds(
        lambda email, changes: {**VALID, "email": email, **changes},
        st.emails(),
        st.dictionaries(st.sampled_from(FIELDS), VALUE, max_size=2),
    ),
)


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def app(store: Store) -> Flask:
    # Errors must come back as pages, as in production, not as exceptions in the test.
    return create_app(
        {
            "SECRET_KEY": "testing",
            "CONFKIT_STORE": store,
            "CONFKIT_CHECKIN_TOKEN": "door",
            "PROPAGATE_EXCEPTIONS": False,
        }
    )


def make_fuzz_event(db: DbSession, make_event: Callable[..., Event], mode: str) -> Event:
    event = make_event(slug="fuzz", name="Fuzz workshop", capacity=3)
    add_question(
        db, event, key="interest", label="Theme", kind="single_choice",
        choices=["Gas", "Grids"], required=True,
    )  # fmt: skip
    add_question(db, event, key="diet", label="Diet", kind="short_text")
    add_question(
        db, event, key="topics", label="Topics", kind="multiple_choice", choices=["Cyber", "Sea"]
    )
    add_question(db, event, key="exercise", label="Exercise", kind="checkbox", required=True)
    add_question(db, event, key="home", label="Home", kind="country")
    add_question(db, event, key="remarks", label="Remarks", kind="long_text")
    configure_registration(db, event, consent_text="I agree.", mode=mode, now=NOW)
    add_invitation_code(db, event, code="FUZZ-CODE", max_uses=2)
    services.create_delegation(db, event, name="A delegation")
    services.create_organisation(db, name="Ministry", kind="government", country="AZ")
    db.flush()
    return event


def stored(db: DbSession) -> tuple[int, ...]:
    """Counts of everything a registration could create or change."""
    counts = tuple(
        db.scalar(select(func.count()).select_from(model)) or 0
        for model in (
            Registration,
            Person,
            Organisation,
            Affiliation,
            OutboxMessage,
            RegistrationChange,
        )
    )
    uses = db.scalar(select(func.coalesce(func.sum(InvitationCode.uses), 0))) or 0
    return (*counts, uses)


def check_submission(client: FlaskClient, db: DbSession, token: str, form: dict[str, Any]) -> None:
    before = stored(db)

    data = {name: _sent(value) for name, value in form.items()}
    response = client.post("/events/fuzz/register", data={"csrf_token": token, **data})

    page = text(response)
    # 413: a field beyond the size Werkzeug reads into memory, refused before any form code runs.
    assert response.status_code in (303, 400, 413), page
    assert "<script>alert(1)</script>" not in page
    if response.status_code == 303:
        assert response.headers["Location"] == SENT
    elif response.status_code == 413:
        assert stored(db) == before
    else:
        assert "nothing is registered yet" in page
        # The summary at the top names each problem, also of a field the page does not show.
        assert re.search(r'id="problems">.*?<li>', page, re.S)
        assert stored(db) == before


def _sent(value: object) -> str | list[str]:
    return [str(v) for v in value] if isinstance(value, list) else str(value)


@pytest.mark.parametrize("mode", ["open", "invitation"])
def test_no_submission_of_the_form_is_a_server_error_or_stores_half(
    client: FlaskClient, db: DbSession, make_event: Callable[..., Event], mode: str
) -> None:
    make_fuzz_event(db, make_event, mode)
    token = csrf_token(client, "/events/fuzz/register")

    @FUZZ
    @given(form=FORMS, with_token=st.integers(0, 9).map(bool))
    def submit(form: dict[str, Any], with_token: bool) -> None:
        check_submission(client, db, token if with_token else "", form)

    submit()


def test_no_scanned_text_is_a_server_error(
    client: FlaskClient, db: DbSession, make_event: Callable[..., Event]
) -> None:
    make_fuzz_event(db, make_event, "open")
    client.post(
        "/events/fuzz/check-in/unlock",
        data={"csrf_token": csrf_token(client, "/events/fuzz/check-in"), "code": "door"},
    )
    token = csrf_token(client, "/events/fuzz/check-in")

    @FUZZ
    @given(payload=st.one_of(TEXT, st.from_regex(LOOKS_LIKE_A_TICKET)))
    def scan(payload: object) -> None:
        response = client.post(
            "/events/fuzz/check-in", data={"csrf_token": token, "payload": str(payload)}
        )
        assert response.status_code in (409, 422), text(response)
        assert "Refused: do not let in" in text(response)

    scan()


def test_no_attendee_link_is_a_server_error(client: FlaskClient, db: DbSession) -> None:
    @FUZZ
    @given(token=st.text(min_size=1, max_size=100))
    def visit(token: str) -> None:
        for suffix in ("", "/confirm", "/agenda.ics", "/data.json"):
            response = client.get(f"/r/{quote(token, safe='')}{suffix}")
            # A "/" in the token (sent as %2F) makes an empty path segment, which the router
            # answers with a redirect to the merged path.
            assert response.status_code in ((308, 404) if "/" in token else (404,)), text(response)

    visit()
