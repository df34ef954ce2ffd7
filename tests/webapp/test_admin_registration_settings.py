"""The organisers' registration settings, questions and invitation codes: who may open them,
what each form saves, and every refusal shown on its field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.models import (
    Event,
    QuestionKind,
    Registration,
    RegistrationMode,
    RegistrationQuestion,
    RegistrationStatus,
)
from confkit.services.registration_settings import add_invitation_code, add_question
from tests.factories import FIXED_NOW, baku
from tests.webapp.setup_pages import refused, submit
from tests.webapp.test_admin_auth import account, log_in
from tests.webapp.test_registration_pages import mails_to, text, words

ORGANISER = "aysel@example.org"
SETTINGS = "/admin/events/forum/registration-settings"
QUESTIONS = "/admin/events/forum/questions"
CODES = "/admin/events/forum/invitation-codes"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture
def forum(open_event_for_registration: Callable[..., Event]) -> Event:
    return open_event_for_registration(capacity=1, slug="forum", name="Baku energy forum")


@pytest.fixture
def organiser(client: FlaskClient, db: DbSession, forum: Event) -> FlaskClient:
    account(db, ORGANISER, "organiser", forum)
    assert log_in(client, ORGANISER).status_code == 303
    return client


def settings(**changes: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "opens_at": "2024-11-05T09:00",
        "closes_at": "2024-11-20T18:00",
        "capacity": "1",
        "mode": "open",
        "waitlist_enabled": "y",
        "categories": ["delegate", "press"],
        "consent_text": "We keep your details for this event only.",
    }
    fields.update(changes)
    return {name: value for name, value in fields.items() if value is not None}


def reloaded(db: DbSession, event: Event) -> Event:
    db.expire_all()
    return event


# Who may open the pages


def test_anonymous_visitors_are_sent_to_the_login_page(
    client: FlaskClient, db: DbSession, forum: Event
) -> None:
    question = add_question(db, forum, key="diet", label="Diet", kind="short_text")
    question_pages = [f"{QUESTIONS}/{question.id}", f"{QUESTIONS}/{question.id}/move"]
    for path in [SETTINGS, QUESTIONS, CODES, *question_pages, f"{QUESTIONS}/{question.id}/remove"]:
        response = client.post(path, data={"by": "1"})
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/admin/login?next=/admin/events/forum/")


@pytest.mark.parametrize(
    ("role", "of_forum", "status"),
    [
        ("checkin", True, 403),
        ("organiser", False, 403),
        ("organiser", True, 200),
        ("admin", False, 200),
    ],
)
def test_only_the_events_organisers_and_admins_may_open_the_pages(
    client: FlaskClient,
    db: DbSession,
    forum: Event,
    make_event: Callable[..., Event],
    role: str,
    of_forum: bool,
    status: int,
) -> None:
    question = add_question(db, forum, key="diet", label="Diet", kind="short_text")
    other = make_event(slug="other-event")
    account(
        db, "staff@example.org", role, None if role == "admin" else (forum if of_forum else other)
    )
    log_in(client, "staff@example.org")

    pages = [SETTINGS, QUESTIONS, CODES, f"{QUESTIONS}/{question.id}"]
    for path in pages:
        assert client.get(path).status_code == status, path
    buttons = [f"{QUESTIONS}/{question.id}/move", f"{QUESTIONS}/{question.id}/remove"]
    for path in pages + buttons:
        posted = client.post(path, data={**settings(mode="invitation"), "by": "1"})
        assert posted.status_code == (403 if status == 403 else 400), path
    event = reloaded(db, forum)
    assert event.registration_mode is RegistrationMode.OPEN
    assert [q.key for q in event.questions] == ["diet"]


def test_the_front_page_and_the_event_pages_link_the_settings(
    organiser: FlaskClient,
) -> None:
    assert f'href="{SETTINGS}"' in text(organiser.get("/admin/"))
    page = text(organiser.get(SETTINGS))
    assert f'href="{QUESTIONS}"' in page
    assert f'href="{CODES}"' in page


# The settings


def test_the_settings_are_shown_in_the_events_zone(
    organiser: FlaskClient, db: DbSession, forum: Event
) -> None:
    forum.registration_opens_at = baku(5, 9)
    db.flush()

    page = text(organiser.get(SETTINGS))

    assert 'value="2024-11-05T09:00"' in page
    assert "When (in Baku time (Asia/Baku, UTC+04:00))" in words(organiser.get(SETTINGS))
    assert 'type="datetime-local"' in page


def test_the_settings_are_saved(organiser: FlaskClient, db: DbSession, forum: Event) -> None:
    response = submit(
        organiser, SETTINGS, **settings(mode="approval", waitlist_enabled=None, capacity="")
    )

    assert response.status_code == 303
    assert response.headers["Location"] == SETTINGS
    event = reloaded(db, forum)
    assert event.registration_opens_at == baku(5, 9)
    assert event.registration_closes_at == baku(20, 18)
    assert event.capacity is None
    assert event.registration_mode is RegistrationMode.APPROVAL
    assert event.waitlist_enabled is False
    assert event.registration_categories == ["delegate", "press"]
    assert event.consent_text == "We keep your details for this event only."
    assert "The registration settings are saved." in words(organiser.get(SETTINGS))


def test_blank_times_clear_the_window(organiser: FlaskClient, db: DbSession, forum: Event) -> None:
    forum.registration_opens_at = baku(5, 9)
    db.flush()

    assert submit(organiser, SETTINGS, **settings(opens_at="", closes_at="")).status_code == 303

    event = reloaded(db, forum)
    assert (event.registration_opens_at, event.registration_closes_at) == (None, None)


def test_more_seats_go_to_the_waiting_list_in_order(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_registration: Callable[..., Registration],
) -> None:
    make_registration(forum, confirmed_at=FIXED_NOW)
    first = make_registration(forum, confirmed_at=FIXED_NOW + timedelta(minutes=1))
    second = make_registration(forum, confirmed_at=FIXED_NOW + timedelta(minutes=2))
    assert "1 confirmed of 1 seat; 2 on the waiting list." in words(organiser.get(SETTINGS))

    response = submit(organiser, SETTINGS, **settings(capacity="2"))

    assert response.status_code == 303
    db.expire_all()
    assert (first.status, second.status) == (
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
    )
    assert forum.capacity == 2
    assert [m.kind for m in mails_to(db, first.person.email)][-1] == "promoted"
    assert "1 person from the waiting list got a seat" in words(organiser.get(SETTINGS))


def test_fewer_seats_cancel_nobody(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_registration: Callable[..., Registration],
) -> None:
    confirmed = make_registration(forum)

    assert submit(organiser, SETTINGS, **settings(capacity="0")).status_code == 303

    db.expire_all()
    assert (forum.capacity, confirmed.status) == (0, RegistrationStatus.CONFIRMED)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"capacity": "-1"}, "Seats cannot be negative"),
        ({"capacity": "lots"}, "Not a valid integer value."),
        ({"opens_at": "5 November"}, "Not a valid datetime value."),
        ({"closes_at": "2024-11-05T09:00"}, "Registration closes must be after the opening time"),
        ({"mode": "lottery"}, "'lottery' is not one of: open, approval, invitation"),
        ({"categories": ["delegate", "vip"]}, "'vip' is not one of"),
        ({"consent_text": "I agree\x00"}, "contains a control character"),
    ],
)
def test_bad_settings_are_shown_again_and_nothing_changes(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    changes: dict[str, object],
    message: str,
) -> None:
    refused(submit(organiser, SETTINGS, **settings(**{"mode": "invitation", **changes})), message)

    event = reloaded(db, forum)
    assert (event.registration_mode, event.capacity, event.consent_text) == (
        RegistrationMode.OPEN,
        1,
        "",
    )


def test_a_time_the_clocks_skip_is_refused_on_its_field(
    client: FlaskClient, db: DbSession, open_event_for_registration: Callable[..., Event]
) -> None:
    brussels = open_event_for_registration(
        slug="brussels",
        timezone="Europe/Brussels",
        starts_on=datetime(2025, 4, 1).date(),
        ends_on=datetime(2025, 4, 2).date(),
    )
    account(db, ORGANISER, "organiser", brussels)
    log_in(client, ORGANISER)
    path = "/admin/events/brussels/registration-settings"

    response = submit(client, path, **settings(opens_at="2025-03-30T02:30", closes_at=""))

    refused(response, "2025-03-30 02:30 does not exist in Europe/Brussels: the clocks skip it")
    assert 'value="2025-03-30T02:30"' in text(response)
    assert reloaded(db, brussels).registration_opens_at is None
    # An hour later exists, and is read in the event's zone (summer time, UTC+2).
    assert (
        submit(client, path, **settings(opens_at="2025-03-30T03:30", closes_at="")).status_code
        == 303
    )
    assert reloaded(db, brussels).registration_opens_at == datetime(2025, 3, 30, 1, 30, tzinfo=UTC)


def test_settings_without_the_csrf_token_are_refused(
    organiser: FlaskClient, db: DbSession, forum: Event
) -> None:
    refused(organiser.post(SETTINGS, data=settings(mode="invitation")), "open too long")
    assert reloaded(db, forum).registration_mode is RegistrationMode.OPEN


# Questions


def question(**changes: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "key": "meal",
        "label": "Which meal?",
        "kind": "single_choice",
        "choices": "Fish\r\nVegetarian\r\n",
        "required": "y",
    }
    fields.update(changes)
    return {name: value for name, value in fields.items() if value is not None}


def test_questions_are_added_in_order(organiser: FlaskClient, db: DbSession, forum: Event) -> None:
    assert submit(organiser, QUESTIONS, **question()).status_code == 303
    response = submit(
        organiser, QUESTIONS, **question(key="badge", label="Badge?", kind="checkbox", choices="")
    )

    assert response.status_code == 303
    asked = reloaded(db, forum).questions
    assert [(q.key, q.label, q.kind, q.choices, q.required) for q in asked] == [
        ("meal", "Which meal?", QuestionKind.SINGLE_CHOICE, ["Fish", "Vegetarian"], True),
        ("badge", "Badge?", QuestionKind.CHECKBOX, [], True),
    ]
    assert "Which meal? meal Fish · Vegetarian One of several choices Yes 0" in words(
        organiser.get(QUESTIONS)
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"key": "Meal Choice"}, "must be lowercase letters, digits and underscores"),
        ({"key": ""}, "Key (where the answers are kept) is required"),
        ({"label": ""}, "Question is required"),
        ({"kind": "essay"}, "'essay' is not one of"),
        ({"choices": "Fish"}, "a choice question needs at least two choices"),
        ({"choices": "Fish\nFish"}, "Choices, one a line are not all different"),
        ({"kind": "short_text"}, "a short_text question has no choices"),
    ],
)
def test_a_bad_question_is_shown_again(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    changes: dict[str, object],
    message: str,
) -> None:
    refused(submit(organiser, QUESTIONS, **question(**changes)), message)
    assert reloaded(db, forum).questions == []


def test_a_key_already_asked_is_refused(
    organiser: FlaskClient, db: DbSession, forum: Event
) -> None:
    add_question(db, forum, key="meal", label="Meal", kind="short_text")

    refused(submit(organiser, QUESTIONS, **question()), "is already taken")
    assert [q.label for q in reloaded(db, forum).questions] == ["Meal"]


def test_a_question_is_changed_but_keeps_its_key(
    organiser: FlaskClient, db: DbSession, forum: Event
) -> None:
    asked = add_question(db, forum, key="meal", label="Meal", kind="short_text")
    path = f"{QUESTIONS}/{asked.id}"
    assert 'value="Meal"' in text(organiser.get(path))

    response = submit(organiser, path, **question(key="renamed", required=None))

    assert response.status_code == 303
    db.expire_all()
    assert (asked.key, asked.label, asked.kind, asked.choices, asked.required) == (
        "meal",
        "Which meal?",
        QuestionKind.SINGLE_CHOICE,
        ["Fish", "Vegetarian"],
        False,
    )


def test_an_answered_question_keeps_its_kind(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_registration: Callable[..., Registration],
) -> None:
    asked = add_question(db, forum, key="meal", label="Meal", kind="short_text")
    make_registration(forum, answers={"meal": "Fish"})
    path = f"{QUESTIONS}/{asked.id}"
    assert "1 person has answered" in words(organiser.get(path))

    response = submit(organiser, path, **question())

    refused(response, "Kind of answer cannot change: 1 person answered as it is")
    db.expire_all()
    assert (asked.kind, asked.label) == (QuestionKind.SHORT_TEXT, "Meal")


def test_questions_move_and_the_unanswered_ones_are_removed(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_registration: Callable[..., Registration],
) -> None:
    meal = add_question(db, forum, key="meal", label="Meal", kind="short_text")
    badge = add_question(db, forum, key="badge", label="Badge", kind="checkbox")
    make_registration(forum, answers={"meal": "Fish"})

    moved = submit(organiser, f"{QUESTIONS}/{badge.id}/move", form_page=QUESTIONS, by="-1")
    assert moved.status_code == 303
    assert [q.key for q in reloaded(db, forum).questions] == ["badge", "meal"]

    kept = submit(organiser, f"{QUESTIONS}/{meal.id}/remove", form_page=QUESTIONS)
    refused(kept, "“Meal” cannot be removed: 1 person answered it; make it optional instead")
    removed = submit(organiser, f"{QUESTIONS}/{badge.id}/remove", form_page=QUESTIONS)
    assert removed.status_code == 303
    assert [q.key for q in reloaded(db, forum).questions] == ["meal"]
    assert db.get(RegistrationQuestion, meal.id) is not None


def test_question_forms_without_the_csrf_token_are_refused(
    organiser: FlaskClient, db: DbSession, forum: Event
) -> None:
    asked = add_question(db, forum, key="meal", label="Meal", kind="short_text")
    add_question(db, forum, key="badge", label="Badge", kind="checkbox")

    for path, data in [
        (QUESTIONS, question(key="other")),
        (f"{QUESTIONS}/{asked.id}", question()),
        (f"{QUESTIONS}/{asked.id}/move", {"by": "1"}),
        (f"{QUESTIONS}/{asked.id}/remove", {}),
    ]:
        refused(organiser.post(path, data=data), "open too long")
    event = reloaded(db, forum)
    assert [(q.key, q.label) for q in event.questions] == [("meal", "Meal"), ("badge", "Badge")]


def test_a_question_of_another_event_is_not_found(
    organiser: FlaskClient, db: DbSession, make_event: Callable[..., Event]
) -> None:
    elsewhere = add_question(db, make_event(), key="meal", label="Meal", kind="short_text")

    assert organiser.get(f"{QUESTIONS}/{elsewhere.id}").status_code == 404


# Invitation codes


def test_codes_are_added_and_listed_with_their_uses(
    organiser: FlaskClient, db: DbSession, forum: Event
) -> None:
    add_invitation_code(db, forum, code="NATO-2024", max_uses=3, category="delegate")

    given = submit(organiser, CODES, code="PRESS-DESK", max_uses="5", category="press")
    made_up = submit(organiser, CODES, code="", max_uses="1", category="")

    assert (given.status_code, made_up.status_code) == (303, 303)
    codes = sorted(reloaded(db, forum).invitation_codes, key=lambda c: c.id)
    assert [(c.code, c.max_uses, c.uses) for c in codes[:2]] == [
        ("NATO-2024", 3, 0),
        ("PRESS-DESK", 5, 0),
    ]
    assert codes[2].category is None
    assert len(codes[2].code) >= 16
    page = words(organiser.get(CODES))
    assert "NATO-2024 0 of 3 Delegate PRESS-DESK 0 of 5 Press" in page
    assert f"Invitation code {codes[2].code} added." in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": "a b"}, "must be 4 to 64 letters, digits, hyphens or underscores"),
        ({"code": "NATO-2024"}, "is already taken"),
        ({"max_uses": "0"}, "How many people may use it must be at least 1"),
        ({"max_uses": ""}, "How many people may use it is required"),
        ({"max_uses": "some"}, "Not a valid integer value."),
        ({"category": "vip"}, "'vip' is not one of"),
    ],
)
def test_a_bad_code_is_shown_again(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    fields: dict[str, str],
    message: str,
) -> None:
    add_invitation_code(db, forum, code="NATO-2024")

    refused(submit(organiser, CODES, **{"code": "GOOD-CODE", "max_uses": "2", **fields}), message)
    assert [c.code for c in reloaded(db, forum).invitation_codes] == ["NATO-2024"]


def test_a_code_without_the_csrf_token_is_refused(
    organiser: FlaskClient, db: DbSession, forum: Event
) -> None:
    refused(organiser.post(CODES, data={"code": "SNEAKY-CODE", "max_uses": "9"}), "open too long")
    assert reloaded(db, forum).invitation_codes == []
