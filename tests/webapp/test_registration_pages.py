"""The public registration form: fields from the event's settings, every problem next to its
field, one answer for new and known addresses, closed registration, CSRF."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession
from werkzeug.test import TestResponse

from confkit import clock, services
from confkit.models import (
    Event,
    Organisation,
    OutboxMessage,
    Person,
    Registration,
    RegistrationCategory,
    RegistrationStatus,
)
from confkit.services.registration_settings import (
    add_invitation_code,
    add_question,
    configure_registration,
)
from tests.statements import statements_sent

NOW = datetime(2024, 11, 1, 12, 0, tzinfo=UTC)
CONSENT = "I agree that the organisers keep my details until the end of the year."
PRIVATE_CACHE = "private, no-store"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(clock, "now", lambda: NOW)
    return NOW


# Helpers shared with the attendee, check-in and fuzz tests.


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form on the page at ``path``."""
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text(response))
    assert found is not None, "no CSRF token on the page"
    return found.group(1)


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def words(response: TestResponse) -> str:
    """The page's text as a person reads it: no tags, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", text(response))).split())


def count(db: DbSession, model: type[Any]) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def mails_to(db: DbSession, address: str) -> list[OutboxMessage]:
    db.expire_all()
    return list(
        db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == address)
            .order_by(OutboxMessage.id)
        )
    )


def link_in(mail: OutboxMessage, suffix: str = "") -> str:
    """The path of the attendee link in ``mail`` (``/r/<token>`` plus ``suffix``)."""
    found = re.search(
        r"https?://[^/\s]+(/r/[A-Za-z0-9_-]+" + re.escape(suffix) + r")\b", mail.text_body
    )
    assert found is not None, mail.text_body
    return found.group(1)


def valid_form(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "given_name": "Aynur",
        "family_name": "Məmmədova",
        "email": "aynur@example.org",
        "category": "delegate",
        "organisation": "",
        "position": "Researcher",
    }
    values.update(overrides)
    return values


def register_through_form(client: FlaskClient, event: Event, **overrides: Any) -> TestResponse:
    """Submit the event's registration form as a browser would, with its CSRF token."""
    path = f"/events/{event.slug}/register"
    return client.post(
        path, data={"csrf_token": csrf_token(client, path), **valid_form(**overrides)}
    )


def registration_of(db: DbSession, email: str) -> Registration:
    db.expire_all()
    found = db.scalar(select(Registration).join(Person).where(Person.email == email.lower()))
    assert found is not None
    return found


def confirm_through_page(client: FlaskClient, token_path: str) -> TestResponse:
    """GET the confirm page (as a person clicking the mail's link) and press its button."""
    confirm_path = f"{token_path}/confirm"
    return client.post(confirm_path, data={"csrf_token": csrf_token(client, confirm_path)})


def post_button(
    client: FlaskClient, page_path: str, action: str, data: Mapping[str, str] | None = None
) -> TestResponse:
    """Press the button of the form posting to ``action`` on the page, with the page's token."""
    return client.post(action, data={"csrf_token": csrf_token(client, page_path), **(data or {})})


# Fixtures


@pytest.fixture
def event(db: DbSession, make_event: Callable[..., Event]) -> Event:
    """An event open for registration, with its own questions, consent text and a delegation."""
    event = make_event(slug="workshop", name="Energy security workshop", capacity=30)
    add_question(
        db, event, key="main_interest", label="Which theme interests you most?",
        kind="single_choice", choices=["Gas", "Grids", "Offshore"], required=True,
    )  # fmt: skip
    add_question(db, event, key="dietary", label="Dietary requirements", kind="short_text")
    add_question(
        db, event, key="topics", label="Topics you follow", kind="multiple_choice",
        choices=["Cyber", "Maritime"],
    )  # fmt: skip
    add_question(db, event, key="exercise", label="I join the tabletop exercise", kind="checkbox")
    add_question(db, event, key="home", label="Country you travel from", kind="country")
    add_question(db, event, key="remarks", label="Anything else", kind="long_text")
    configure_registration(db, event, consent_text=CONSENT, now=NOW)
    nato = services.create_organisation(db, name="NATO", kind="international_organisation")
    services.create_delegation(db, event, name="NATO delegation", organisation=nato)
    services.create_organisation(db, name="Ministry of Energy", kind="government", country="AZ")
    db.flush()
    return event


def filled(**overrides: Any) -> dict[str, Any]:
    """A complete valid submission for ``event``."""
    values = {"answers-main_interest": "Grids", "consent": "y"}
    values.update(overrides)
    return values


# The form


def test_the_form_shows_the_common_fields_and_the_events_own_questions(
    client: FlaskClient, event: Event
) -> None:
    response = client.get("/events/workshop/register")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == PRIVATE_CACHE
    page = text(response)
    for name in ("given_name", "family_name", "email", "organisation", "organisation_name",
                 "organisation_kind", "organisation_country", "position", "category",
                 "delegation", "consent"):  # fmt: skip
        assert f'name="{name}"' in page
    # Only the categories the public may choose, never staff or speaker.
    categories = re.search(r'<select[^>]*name="category".*?</select>', page, re.S)
    assert categories is not None
    offered = re.findall(r'value="([a-z]+)"', categories.group(0))
    assert offered == ["delegate", "observer", "press"]
    assert "NATO delegation" in page
    assert "Ministry of Energy" in page
    assert CONSENT in words(response)
    # Each question by its kind, in the event's order, required ones marked.
    assert page.index("Which theme") < page.index("Dietary") < page.index("Anything else")
    assert 'type="radio" value="Offshore"' in page
    assert 'name="answers-topics" type="checkbox" value="Maritime"' in page
    assert re.search(r'<textarea[^>]* name="answers-remarks"', page)
    assert '<option value="AZ">Azerbaijan</option>' in page
    assert "Which theme interests you most? (required)" in words(response)
    assert "Dietary requirements (required)" not in words(response)
    # Not an invitation-only event: no code asked for.
    assert 'name="invitation_code"' not in page


def test_a_question_added_after_the_form_was_shown_is_on_the_form_and_asked(
    client: FlaskClient, db: DbSession, event: Event
) -> None:
    # The form's class is kept between requests; a new question must still reach the form.
    assert client.get("/events/workshop/register").status_code == 200
    add_question(db, event, key="badge", label="Name on your badge", kind="short_text",
                 required=True)  # fmt: skip
    db.flush()

    page = text(client.get("/events/workshop/register"))
    refused = register_through_form(client, event, **filled())
    accepted = register_through_form(
        client, event, **filled(email="badge@example.org", **{"answers-badge": "Aynur M."})
    )

    assert 'name="answers-badge"' in page
    assert "Name on your badge" in page
    assert refused.status_code == 400
    assert "is required" in text(refused)
    assert accepted.status_code == 303
    assert registration_of(db, "badge@example.org").answers["badge"] == "Aynur M."


def test_a_plain_event_s_form_asks_nothing_the_event_does_not_ask(
    client: FlaskClient, db: DbSession, make_event: Callable[..., Event]
) -> None:
    plain = make_event(slug="briefing", name="Press briefing", capacity=30)
    db.flush()

    page = text(client.get("/events/briefing/register"))
    response = register_through_form(
        client, plain, consent="y", invitation_code="STRAY", **{"answers-diet": "none"}
    )

    assert 'name="given_name"' in page
    for absent in ("consent", "invitation_code", "answers-"):
        assert f'name="{absent}' not in page
    assert response.status_code == 303
    registration = registration_of(db, "aynur@example.org")
    assert registration.answers == {}
    assert registration.consent_given_at is None
    assert registration.invitation_code is None


def test_a_busy_form_on_postgresql_registers_without_reading_the_event_again(
    client: FlaskClient, db: DbSession, event: Event
) -> None:
    assert register_through_form(client, event, **filled()).status_code == 303
    path = "/events/workshop/register"
    token = csrf_token(client, path)
    with statements_sent(db.connection()) as sent:
        response = client.post(
            path, data={"csrf_token": token, **valid_form(**filled(email="second@example.org"))}
        )

    assert response.status_code == 303
    assert registration_of(db, "second@example.org").answers == {"main_interest": "Grids"}
    reads = [statement for statement in sent if statement.startswith("SELECT")]
    if db.get_bind().dialect.name == "postgresql":
        # The event kept from the first submission; PostgreSQL vouches for it in the write.
        assert reads == []
        assert "WITH new_person AS" in sent
    else:
        assert reads != []


def test_an_organisers_change_reaches_a_form_already_taking_registrations(
    client: FlaskClient, db: DbSession, event: Event
) -> None:
    # On PostgreSQL the first submission leaves a copy of the event for the next ones: every
    # change the organisers make after it must still decide the next submission.
    assert register_through_form(client, event, **filled()).status_code == 303
    token = csrf_token(client, "/events/workshop/register")

    configure_registration(db, event, closes_at=NOW - timedelta(hours=1), now=NOW)
    db.flush()
    closed = client.post(
        "/events/workshop/register",
        data={"csrf_token": token, **valid_form(**filled(email="late@example.org"))},
    )
    configure_registration(db, event, closes_at=None, now=NOW)
    add_question(db, event, key="badge", label="Name on your badge", kind="short_text",
                 required=True)  # fmt: skip
    db.flush()
    unanswered = register_through_form(client, event, **filled(email="badge@example.org"))
    answered = register_through_form(
        client, event, **filled(email="badge@example.org", **{"answers-badge": "Aynur M."})
    )

    assert closed.status_code == 403
    assert "Registration for this event is closed." in words(closed)
    assert unanswered.status_code == 400
    assert "Name on your badge" in words(unanswered)
    assert "is required" in words(unanswered)
    assert answered.status_code == 303
    assert registration_of(db, "badge@example.org").answers["badge"] == "Aynur M."
    assert count(db, Registration) == 2


def test_registering_sends_to_the_check_your_mail_page_and_mails_a_confirmation_link(
    client: FlaskClient, db: DbSession, event: Event
) -> None:
    response = register_through_form(
        client, event,
        **filled(**{"answers-topics": ["Maritime", "Cyber"], "answers-home": "GE",
                    "answers-exercise": "y", "answers-dietary": "Vegetarian"}),
    )  # fmt: skip

    assert response.status_code == 303
    assert response.headers["Location"] == "/events/workshop/register/sent"
    sent = client.get(response.headers["Location"])
    assert sent.status_code == 200
    assert "Check your mail" in words(sent)
    registration = registration_of(db, "aynur@example.org")
    assert registration.status is RegistrationStatus.UNCONFIRMED
    assert registration.person.family_name == "Məmmədova"
    assert registration.category is RegistrationCategory.DELEGATE
    assert registration.answers == {
        "main_interest": "Grids",
        "dietary": "Vegetarian",
        "topics": ["Cyber", "Maritime"],
        "exercise": True,
        "home": "GE",
    }
    assert registration.consent_given_at == NOW
    [mail] = mails_to(db, "aynur@example.org")
    assert mail.kind == "confirm_request"
    assert link_in(mail, "/confirm") == f"/r/{registration.token}/confirm"


def test_a_known_address_gets_exactly_the_same_answer_and_nothing_changes(
    client: FlaskClient, db: DbSession, event: Event
) -> None:
    first = register_through_form(client, event, **filled())
    first_page = text(client.get(first.headers["Location"]))
    registration = registration_of(db, "aynur@example.org")
    registrations, persons = count(db, Registration), count(db, Person)

    # Someone else, with other details, tries the same address (in another letter case).
    other = client.application.test_client()
    again = register_through_form(
        other, event, **filled(given_name="Mallory", email="Aynur@EXAMPLE.org", category="press")
    )

    assert again.status_code == first.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert text(other.get(again.headers["Location"])) == first_page
    assert (count(db, Registration), count(db, Person)) == (registrations, persons)
    db.refresh(registration)
    assert registration.person.given_name == "Aynur"
    assert registration.category is RegistrationCategory.DELEGATE
    # Only the owner of the address learns that it was registered before.
    assert [m.kind for m in mails_to(db, "aynur@example.org")] == [
        "confirm_request",
        "confirm_request",
    ]


def test_every_problem_is_shown_next_to_its_field_with_the_values_kept(
    client: FlaskClient, db: DbSession, event: Event
) -> None:
    registrations, persons = count(db, Registration), count(db, Person)

    response = register_through_form(
        client, event,
        given_name="Ayşe", family_name="", email="not an address", consent="",
        position="x" * 301, **{"answers-main_interest": "", "answers-dietary": "Halal"},
    )  # fmt: skip

    assert response.status_code == 400
    page = text(response)
    assert "nothing is registered yet" in words(response)
    assert re.search(r'id="family_name-errors">\s*<li>Family name is required</li>', page)
    assert re.search(r'id="email-errors">\s*<li>[^<]*@-sign', page)
    assert re.search(r'id="position-errors">\s*<li>Position is longer than 300', page)
    assert re.search(r'id="consent-errors">\s*<li>Your consent is needed to register', page)
    assert re.search(r'id="answers-main_interest-errors">\s*<li>This answer is required', page)
    assert 'aria-describedby="email-hint email-errors" aria-invalid="true"' in page
    # What was typed stays in the form.
    assert 'value="Ayşe"' in page
    assert 'value="not an address"' in page
    assert 'name="answers-dietary" type="text" value="Halal"' in page
    assert (count(db, Registration), count(db, Person)) == (registrations, persons)
    assert mails_to(db, "not an address") == []


def test_a_new_organisation_is_created_with_its_kind_and_country(
    client: FlaskClient, db: DbSession, event: Event
) -> None:
    response = register_through_form(
        client, event,
        **filled(organisation="new", organisation_name="Caspian Energy Institute",
                 organisation_kind="think_tank", organisation_country="AZ"),
    )  # fmt: skip

    assert response.status_code == 303
    registration = registration_of(db, "aynur@example.org")
    assert registration.affiliation is not None
    organisation = registration.affiliation.organisation
    assert (organisation.name, organisation.kind.value, organisation.country) == (
        "Caspian Energy Institute",
        "think_tank",
        "AZ",
    )
    assert registration.affiliation.position_title == "Researcher"


def test_choosing_a_listed_organisation_and_naming_another_is_refused(
    client: FlaskClient, db: DbSession, event: Event
) -> None:
    ministry = db.scalar(select(Organisation).where(Organisation.name == "Ministry of Energy"))
    assert ministry is not None
    organisations = count(db, Organisation)

    response = register_through_form(
        client, event, **filled(organisation=str(ministry.id), organisation_name="Another one")
    )

    assert response.status_code == 400
    assert re.search(r'id="organisation-errors">\s*<li>[^<]*not both', text(response))
    assert count(db, Organisation) == organisations


def test_a_listed_organisation_and_a_delegation_are_kept(
    client: FlaskClient, db: DbSession, event: Event
) -> None:
    ministry = db.scalar(select(Organisation).where(Organisation.name == "Ministry of Energy"))
    assert ministry is not None
    [delegation] = event.delegations

    response = register_through_form(
        client, event, **filled(organisation=str(ministry.id), delegation=str(delegation.id))
    )

    assert response.status_code == 303
    registration = registration_of(db, "aynur@example.org")
    assert registration.affiliation is not None
    assert registration.affiliation.organisation == ministry
    assert registration.delegation == delegation


def test_a_forged_choice_is_refused_without_storing_anything(
    client: FlaskClient, db: DbSession, event: Event
) -> None:
    forged_option = register_through_form(client, event, **filled(delegation="x"))
    unknown_id = register_through_form(client, event, **filled(organisation="99999"))

    assert forged_option.status_code == unknown_id.status_code == 400
    # The event has no delegations, so the problem is named in the summary at the top.
    assert re.search(r'id="problems">.*?not one of the choices', text(forged_option), re.S)
    assert re.search(r'id="organisation-errors">\s*<li>[^<]*not a known', text(unknown_id))
    assert count(db, Registration) == 0


def test_a_category_the_form_does_not_offer_is_refused(
    client: FlaskClient, db: DbSession, event: Event
) -> None:
    response = register_through_form(client, event, **filled(category="staff"))

    assert response.status_code == 400
    assert re.search(r'id="category-errors">\s*<li>[^<]*not offered', text(response))
    assert count(db, Registration) == 0


def test_without_a_csrf_token_nothing_is_registered(
    client: FlaskClient, db: DbSession, event: Event
) -> None:
    client.get("/events/workshop/register")

    missing = client.post("/events/workshop/register", data=valid_form(**filled()))
    forged = client.post(
        "/events/workshop/register", data={"csrf_token": "forged", **valid_form(**filled())}
    )

    for response in (missing, forged):
        assert response.status_code == 400
        assert "open too long or did not come from this site" in words(response)
        # The values are kept: pressing the button again sends them with a fresh token.
        assert 'value="aynur@example.org"' in text(response)
    assert count(db, Registration) == 0
    assert mails_to(db, "aynur@example.org") == []


def test_html_in_a_name_is_shown_as_text(client: FlaskClient, event: Event) -> None:
    response = register_through_form(
        client, event, given_name="<script>alert(1)</script>", email="bad"
    )

    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in text(response)
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in text(response)


def test_a_closed_registration_says_so_and_refuses_a_submission(
    client: FlaskClient, db: DbSession, event: Event
) -> None:
    token = csrf_token(client, "/events/workshop/register")
    configure_registration(db, event, closes_at=NOW - timedelta(hours=1), now=NOW)
    db.flush()

    page = client.get("/events/workshop/register")
    submitted = client.post(
        "/events/workshop/register", data={"csrf_token": token, **valid_form(**filled())}
    )

    assert page.status_code == 200
    assert "Registration for this event is closed." in words(page)
    assert "<form" not in text(page)
    assert submitted.status_code == 403
    assert "Registration for this event is closed." in words(submitted)
    assert count(db, Registration) == 0


def test_a_registration_not_yet_open_says_when_it_opens(
    client: FlaskClient, db: DbSession, event: Event
) -> None:
    configure_registration(db, event, opens_at=NOW + timedelta(days=2), now=NOW)
    db.flush()

    page = client.get("/events/workshop/register")

    assert page.status_code == 200
    assert "It opens on 3 November 2024, 16:00" in words(page)
    assert "<form" not in text(page)


def test_an_unknown_event_has_no_form(client: FlaskClient) -> None:
    assert client.get("/events/no-such-event/register").status_code == 404
    assert client.post("/events/no-such-event/register").status_code == 404
    assert client.get("/events/%00/register").status_code == 404


def test_an_invitation_only_event_asks_for_a_valid_code(
    client: FlaskClient, db: DbSession, event: Event
) -> None:
    configure_registration(db, event, mode="invitation", now=NOW)
    add_invitation_code(db, event, code="BAKU-2024", category="speaker")
    db.flush()

    assert 'name="invitation_code"' in text(client.get("/events/workshop/register"))
    wrong = register_through_form(client, event, **filled(invitation_code="GUESS"))
    control = register_through_form(client, event, **filled(invitation_code="BAKU\x00"))
    right = register_through_form(client, event, **filled(invitation_code="BAKU-2024"))

    assert wrong.status_code == 400
    assert re.search(r'id="invitation_code-errors">\s*<li>[^<]*not a code', text(wrong))
    assert control.status_code == 400
    assert right.status_code == 303
    assert registration_of(db, "aynur@example.org").category is RegistrationCategory.SPEAKER


def test_the_event_page_offers_registration_and_shows_the_seats(
    client: FlaskClient, db: DbSession, event: Event, make_person: Callable[..., Person]
) -> None:
    page = client.get("/events/workshop/")

    assert 'href="/events/workshop/register"' in text(page)
    assert "30 of 30 seats free." in words(page)

    services.update_event(db, event, capacity=1, now=NOW)
    services.add_registration(db, event, make_person(), now=NOW)
    db.flush()
    full = words(client.get("/events/workshop/"))
    assert "The only seat is taken; new registrations join the waiting list (0 waiting)." in full
    form = words(client.get("/events/workshop/register"))
    assert "All seats are taken. You can still register" in form


def test_the_event_page_has_no_register_button_once_registration_closed(
    client: FlaskClient, db: DbSession, event: Event
) -> None:
    configure_registration(db, event, closes_at=NOW - timedelta(hours=1), now=NOW)
    db.flush()

    assert "/events/workshop/register" not in text(client.get("/events/workshop/"))
