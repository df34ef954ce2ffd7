"""How an event takes registrations: window, mode, waiting list, categories, consent, its own
questions and its invitation codes."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session as DbSession

from confkit import Problem, ValidationError
from confkit.models import (
    Event,
    InvitationCode,
    QuestionKind,
    Registration,
    RegistrationCategory,
    RegistrationMode,
    RegistrationQuestion,
    RegistrationStatus,
)
from confkit.registration_window import RegistrationState, registration_state
from confkit.services.registration_settings import (
    DEFAULT_PUBLIC_CATEGORIES,
    add_invitation_code,
    add_question,
    answer_count,
    answer_counts,
    check_invitation_code,
    configure_registration,
    move_question,
    public_categories,
    remove_question,
    save_registration_settings,
    update_question,
    use_invitation_code,
)
from tests.factories import BASE_URL, FIXED_NOW, baku

LATER = FIXED_NOW + timedelta(hours=1)


@pytest.fixture
def event(make_event: Callable[..., Event]) -> Event:
    return make_event()


def test_every_setting_is_stored(db: DbSession, event: Event) -> None:
    configure_registration(
        db,
        event,
        opens_at=baku(5, 9),
        closes_at=baku(20, 18),
        mode="approval",
        waitlist_enabled=False,
        categories=["press", RegistrationCategory.DELEGATE],
        consent_text="  We keep your details for this event only.  ",
        now=LATER,
    )

    db.flush()
    db.expire_all()
    assert event.registration_opens_at == baku(5, 9)
    assert event.registration_closes_at == baku(20, 18)
    assert event.registration_mode is RegistrationMode.APPROVAL
    assert event.waitlist_enabled is False
    assert event.registration_categories == ["press", "delegate"]
    assert event.consent_text == "We keep your details for this event only."
    assert event.updated_at == LATER
    # The form lists the categories in one stable order, whatever order they were chosen in.
    assert public_categories(event) == (RegistrationCategory.DELEGATE, RegistrationCategory.PRESS)


def test_settings_not_given_are_left_alone(db: DbSession, event: Event) -> None:
    configure_registration(db, event, mode="invitation", consent_text="Consent", now=FIXED_NOW)

    configure_registration(db, event, waitlist_enabled=False, now=LATER)

    assert event.registration_mode is RegistrationMode.INVITATION
    assert event.consent_text == "Consent"
    assert event.waitlist_enabled is False


def test_without_chosen_categories_the_form_offers_the_defaults(event: Event) -> None:
    assert public_categories(event) == DEFAULT_PUBLIC_CATEGORIES
    assert RegistrationCategory.SPEAKER not in DEFAULT_PUBLIC_CATEGORIES
    assert RegistrationCategory.STAFF not in DEFAULT_PUBLIC_CATEGORIES


def test_every_problem_is_reported_at_once_and_nothing_changes(db: DbSession, event: Event) -> None:
    with pytest.raises(ValidationError) as raised:
        configure_registration(
            db,
            event,
            opens_at=datetime(2024, 11, 5, 9),  # naive
            closes_at=baku(20, 18),
            mode="lottery",
            categories=["delegate", "vip"],
            consent_text="x" * 5001,
        )

    assert raised.value.fields == {"registration_opens_at", "mode", "categories", "consent_text"}
    db.expire_all()
    assert event.registration_opens_at is None
    assert event.registration_closes_at is None
    assert event.registration_mode is RegistrationMode.OPEN
    assert event.registration_categories == []


def test_the_window_must_close_after_it_opens(db: DbSession, event: Event) -> None:
    with pytest.raises(ValidationError) as raised:
        configure_registration(db, event, opens_at=baku(20, 18), closes_at=baku(20, 18))
    assert raised.value.fields == {"registration_closes_at"}

    # Also against the opening time already stored.
    configure_registration(db, event, opens_at=baku(10, 9))
    with pytest.raises(ValidationError) as raised:
        configure_registration(db, event, closes_at=baku(9, 9))
    assert raised.value.fields == {"registration_closes_at"}


def test_without_a_closing_time_registration_closes_when_the_event_ends(
    db: DbSession, event: Event
) -> None:
    configure_registration(db, event, opens_at=baku(5, 9), closes_at=None)

    # The event runs on 25 and 26 November in Baku.
    assert registration_state(event, baku(26, 23, 59)) is RegistrationState.OPEN
    assert registration_state(event, baku(27, 0)) is RegistrationState.CLOSED


def test_consent_text_with_a_control_character_is_refused(db: DbSession, event: Event) -> None:
    with pytest.raises(ValidationError) as raised:
        configure_registration(db, event, consent_text="I agree\x00")
    assert raised.value.fields == {"consent_text"}


@pytest.mark.parametrize(
    ("kind", "choices"),
    [
        ("short_text", ()),
        ("long_text", ()),
        ("single_choice", ("Gas", "Grids")),
        ("multiple_choice", ("Gas", "Grids", "Offshore")),
        ("checkbox", ()),
        ("country", ()),
    ],
)
def test_a_question_of_every_kind(
    db: DbSession, event: Event, kind: str, choices: tuple[str, ...]
) -> None:
    question = add_question(
        db, event, key="q_1", label="  A question  ", kind=kind, choices=choices, required=True
    )

    db.flush()
    assert question.kind is QuestionKind(kind)
    assert question.label == "A question"
    assert question.choices == list(choices)
    assert question.required is True
    assert event.questions == [question]


def test_questions_are_asked_in_the_order_they_were_added(db: DbSession, event: Event) -> None:
    first = add_question(db, event, key="first", label="First", kind="short_text")
    second = add_question(db, event, key="second", label="Second", kind="checkbox")
    placed = add_question(db, event, key="placed", label="Placed", kind="country", position=10)
    third = add_question(db, event, key="third", label="Third", kind="long_text")

    assert [q.position for q in (first, second, placed, third)] == [0, 1, 10, 11]
    db.flush()
    db.expire(event, ["questions"])
    assert [q.key for q in event.questions] == ["first", "second", "placed", "third"]
    # Choices are trimmed; blank ones are dropped.
    choice = add_question(
        db, event, key="choice", label="Choice", kind="single_choice", choices=[" A ", "", "B"]
    )
    assert choice.choices == ["A", "B"]


@pytest.mark.parametrize(
    ("arguments", "fields"),
    [
        ({"key": "Bad Key"}, {"key"}),
        ({"key": "1st"}, {"key"}),
        ({"key": "k" * 61}, {"key"}),
        ({"label": " "}, {"label"}),
        ({"label": "x" * 301}, {"label"}),
        ({"kind": "essay"}, {"kind"}),
        ({"kind": "single_choice", "choices": ["Only one"]}, {"choices"}),
        ({"kind": "multiple_choice", "choices": []}, {"choices"}),
        ({"kind": "short_text", "choices": ["A", "B"]}, {"choices"}),
        ({"kind": "single_choice", "choices": ["A", "A"]}, {"choices"}),
        ({"kind": "single_choice", "choices": ["A", "x" * 201]}, {"choices"}),
        ({"key": "Bad", "label": "", "kind": "essay"}, {"key", "label", "kind"}),
    ],
)
def test_a_bad_question_is_refused(
    db: DbSession, event: Event, arguments: dict[str, object], fields: set[str]
) -> None:
    values: dict[str, object] = {"key": "good_key", "label": "Label", "kind": "short_text"}
    values.update(arguments)

    with pytest.raises(ValidationError) as raised:
        add_question(db, event, **values)  # type: ignore[arg-type]

    assert raised.value.fields == fields
    db.flush()
    assert event.questions == []


def test_a_key_is_asked_once_per_event(
    db: DbSession, event: Event, make_event: Callable[..., Event]
) -> None:
    add_question(db, event, key="dietary", label="Diet", kind="short_text")

    with pytest.raises(ValidationError) as raised:
        add_question(db, event, key="dietary", label="Diet again", kind="long_text")

    assert [(p.field, p.message) for p in raised.value.problems] == [("key", "is already taken")]
    # The transaction goes on, and another event may use the same key.
    add_question(db, make_event(), key="dietary", label="Diet", kind="short_text")


def test_an_invitation_code_is_stored_as_given(db: DbSession, event: Event) -> None:
    code = add_invitation_code(db, event, code=" NATO-2024 ", max_uses=3, category="speaker")

    assert (code.code, code.max_uses, code.uses) == ("NATO-2024", 3, 0)
    assert code.category is RegistrationCategory.SPEAKER
    assert code.event is event


def test_a_code_made_up_by_confkit_cannot_be_guessed(db: DbSession, event: Event) -> None:
    codes = [add_invitation_code(db, event).code for _ in range(20)]

    assert len(set(codes)) == 20
    # 12 random bytes: 96 bits.
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{16}", code) for code in codes)


@pytest.mark.parametrize(
    ("arguments", "fields"),
    [
        ({"code": "abc"}, {"code"}),
        ({"code": "has space"}, {"code"}),
        ({"code": "x" * 65}, {"code"}),
        ({"max_uses": 0}, {"max_uses"}),
        ({"max_uses": True}, {"max_uses"}),
        ({"max_uses": 2.5}, {"max_uses"}),
        ({"category": "vip"}, {"category"}),
        ({"code": "ä-ö-ü-ß", "max_uses": -1, "category": "vip"}, {"code", "max_uses", "category"}),
    ],
)
def test_a_bad_invitation_code_is_refused(
    db: DbSession, event: Event, arguments: dict[str, object], fields: set[str]
) -> None:
    with pytest.raises(ValidationError) as raised:
        add_invitation_code(db, event, **arguments)  # type: ignore[arg-type]

    assert raised.value.fields == fields


def test_a_code_is_unique_per_event(
    db: DbSession, event: Event, make_event: Callable[..., Event]
) -> None:
    add_invitation_code(db, event, code="WELCOME")

    with pytest.raises(ValidationError) as raised:
        add_invitation_code(db, event, code="WELCOME")

    assert raised.value.fields == {"code"}
    add_invitation_code(db, make_event(), code="WELCOME")


def test_using_a_code_spends_one_use_until_none_is_left(
    db: DbSession, event: Event, make_event: Callable[..., Event]
) -> None:
    code = add_invitation_code(db, event, code="TWICE", max_uses=2)
    db.flush()

    assert use_invitation_code(db, event, " TWICE ") is code
    assert code.uses == 1
    assert check_invitation_code(db, event, "TWICE") is code
    use_invitation_code(db, event, "TWICE")
    assert code.uses == 2

    for attempt in (check_invitation_code, use_invitation_code):
        with pytest.raises(ValidationError) as raised:
            attempt(db, event, "TWICE")
        assert [(p.field, p.message) for p in raised.value.problems] == [
            ("invitation_code", "has been used as often as it may be")
        ]
    assert code.uses == 2


@pytest.mark.parametrize("text", ["NOPE", "", "twice"])
def test_an_unknown_code_is_refused(db: DbSession, event: Event, text: str) -> None:
    add_invitation_code(db, event, code="TWICE", max_uses=2)

    with pytest.raises(ValidationError) as raised:
        use_invitation_code(db, event, text)

    assert [(p.field, p.message) for p in raised.value.problems] == [
        ("invitation_code", "is not a code for this event")
    ]


def test_a_code_of_another_event_is_refused(
    db: DbSession, event: Event, make_event: Callable[..., Event]
) -> None:
    other = add_invitation_code(db, make_event(), code="ELSEWHERE")

    with pytest.raises(ValidationError) as raised:
        use_invitation_code(db, event, "ELSEWHERE")

    assert raised.value.fields == {"invitation_code"}
    assert other.uses == 0


def test_the_uses_are_counted_by_the_database(db: DbSession, event: Event) -> None:
    # As if another request spent the last use after this session read the code.
    code = add_invitation_code(db, event, code="LAST-ONE", max_uses=1)
    db.flush()
    db.query(InvitationCode).filter_by(id=code.id).update({"uses": 1})

    with pytest.raises(ValidationError) as raised:
        use_invitation_code(db, event, "LAST-ONE")

    assert raised.value.fields == {"invitation_code"}


# Changing, moving and removing questions


@pytest.fixture
def open_event(open_event_for_registration: Callable[..., Event]) -> Event:
    return open_event_for_registration(capacity=None)


def test_a_question_is_reworded_and_its_key_kept(db: DbSession, event: Event) -> None:
    question = add_question(db, event, key="diet", label="Diet", kind="short_text")

    update_question(
        db,
        question,
        label="  Meal  ",
        kind="single_choice",
        choices=[" Vegetarian ", "", "Halal"],
        required=True,
    )

    db.expire_all()
    assert (question.key, question.label, question.kind) == (
        "diet",
        "Meal",
        QuestionKind.SINGLE_CHOICE,
    )
    assert question.choices == ["Vegetarian", "Halal"]
    assert question.required is True
    update_question(db, question, required=False)
    assert (question.label, question.required) == ("Meal", False)


@pytest.mark.parametrize(
    ("arguments", "fields"),
    [
        ({"label": ""}, {"label"}),
        ({"kind": "essay"}, {"kind"}),
        ({"kind": "single_choice", "choices": ["One"]}, {"choices"}),
        ({"choices": ["A", "B"]}, {"choices"}),
    ],
)
def test_a_bad_change_to_a_question_changes_nothing(
    db: DbSession, event: Event, arguments: dict[str, object], fields: set[str]
) -> None:
    question = add_question(db, event, key="diet", label="Diet", kind="short_text")

    with pytest.raises(ValidationError) as raised:
        update_question(db, question, **arguments)  # type: ignore[arg-type]

    assert raised.value.fields == fields
    assert (question.label, question.kind, question.choices) == ("Diet", "short_text", [])


def test_an_answered_question_keeps_its_kind_and_its_answers(
    db: DbSession, open_event: Event, make_registration: Callable[..., Registration]
) -> None:
    question = add_question(
        db, open_event, key="meal", label="Meal", kind="single_choice", choices=["Fish", "Meat"]
    )
    someone = make_registration(open_event, answers={"meal": "Fish"})
    make_registration(open_event)  # answers nothing: the question is optional

    assert answer_count(db, question) == 1
    with pytest.raises(ValidationError) as raised:
        update_question(db, question, kind="short_text", choices=[])
    assert raised.value.problems == [Problem("kind", "cannot change: 1 person answered as it is")]
    # Renaming the choices is allowed; what people chose is kept as they chose it.
    update_question(db, question, choices=["Poultry", "Vegetables"])
    db.expire_all()
    assert someone.answers == {"meal": "Fish"}
    assert question.kind is QuestionKind.SINGLE_CHOICE


def test_questions_move_and_renumber(db: DbSession, event: Event) -> None:
    first, second, third = (
        add_question(db, event, key=k, label=k, kind="short_text") for k in ("a", "b", "c")
    )

    move_question(db, third, by=-1)
    move_question(db, first, by=5)

    db.expire_all()
    assert [q.key for q in event.questions] == ["c", "b", "a"]
    assert [q.position for q in event.questions] == [0, 1, 2]
    assert second.position == 1


def test_an_unanswered_question_is_removed(
    db: DbSession, open_event: Event, make_registration: Callable[..., Registration]
) -> None:
    kept = add_question(db, open_event, key="kept", label="Kept", kind="short_text")
    gone = add_question(db, open_event, key="gone", label="Gone", kind="checkbox")
    make_registration(open_event, answers={"kept": "yes"})

    remove_question(db, gone)

    assert open_event.questions == [kept]
    assert db.get(RegistrationQuestion, gone.id) is None


def test_an_answered_question_is_not_removed(
    db: DbSession, open_event: Event, make_registration: Callable[..., Registration]
) -> None:
    question = add_question(db, open_event, key="badge", label="Badge", kind="checkbox")
    for _ in range(2):
        make_registration(open_event, answers={"badge": "y"})

    with pytest.raises(ValidationError) as raised:
        remove_question(db, question)

    assert raised.value.problems == [
        Problem("question", "cannot be removed: 2 people answered it; make it optional instead")
    ]
    assert db.get(RegistrationQuestion, question.id) is not None


# The settings and the capacity together


def test_settings_and_a_higher_capacity_promote_the_waiting_list_in_order(
    db: DbSession,
    open_event_for_registration: Callable[..., Event],
    make_registration: Callable[..., Registration],
) -> None:
    event = open_event_for_registration(capacity=1)
    make_registration(event, confirmed_at=FIXED_NOW)
    first = make_registration(event, confirmed_at=FIXED_NOW + timedelta(minutes=1))
    second = make_registration(event, confirmed_at=FIXED_NOW + timedelta(minutes=2))
    assert first.status is second.status is RegistrationStatus.WAITLISTED

    promoted = save_registration_settings(
        db, event, capacity=2, mode="approval", consent_text="Consent", base_url=BASE_URL, now=LATER
    )

    assert promoted == [first]
    assert (first.status, second.status) == (
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
    )
    assert (event.capacity, event.registration_mode, event.consent_text) == (
        2,
        RegistrationMode.APPROVAL,
        "Consent",
    )
    # The same capacity again promotes nobody; a lower one cancels nobody.
    assert save_registration_settings(db, event, capacity=2, base_url=BASE_URL) == []
    assert save_registration_settings(db, event, capacity=0, base_url=BASE_URL) == []
    assert first.status is RegistrationStatus.CONFIRMED
    assert event.capacity == 0


def test_a_bad_capacity_or_setting_changes_nothing(db: DbSession, event: Event) -> None:
    with pytest.raises(ValidationError) as raised:
        save_registration_settings(
            db, event, capacity=-1, mode="lottery", consent_text="ok", base_url=BASE_URL
        )

    assert raised.value.fields == {"capacity", "mode"}
    db.expire_all()
    assert (event.capacity, event.consent_text) == (None, "")
    save_registration_settings(db, event, capacity=None, waitlist_enabled=False, base_url=BASE_URL)
    assert (event.capacity, event.waitlist_enabled) == (None, False)


def test_answers_are_counted_for_every_question_of_the_event(
    db: DbSession,
    open_event: Event,
    open_event_for_registration: Callable[..., Event],
    make_registration: Callable[..., Registration],
) -> None:
    add_question(db, open_event, key="diet", label="Diet", kind="short_text")
    add_question(db, open_event, key="badge", label="Badge", kind="checkbox")
    make_registration(open_event, answers={"diet": "None", "badge": "y"})
    make_registration(open_event, answers={"diet": "Vegan"})
    elsewhere = open_event_for_registration(capacity=None)
    add_question(db, elsewhere, key="diet", label="Diet", kind="short_text")
    make_registration(elsewhere, answers={"diet": "Fish"})

    assert answer_counts(db, open_event) == {"diet": 2, "badge": 1}
