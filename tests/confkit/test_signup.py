"""Registering through the public form: one registration per person and event, a confirmation
mail, and nothing a stranger could learn about an address from the answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from confkit import ValidationError, services
from confkit.db import Store
from confkit.models import (
    Affiliation,
    Event,
    InvitationCode,
    Organisation,
    OutboxMessage,
    Person,
    QuestionKind,
    Registration,
    RegistrationCategory,
    RegistrationChange,
    RegistrationStatus,
)
from confkit.services import signup
from confkit.services.checks import iso_country_codes
from confkit.services.history import ATTENDEE, SYSTEM
from confkit.services.kept_events import EventKeeper
from confkit.services.registration_settings import (
    add_invitation_code,
    add_question,
    configure_registration,
)
from confkit.services.seats import (
    CONFIRMATION_PERIOD,
    cancel_registration,
    confirm_registration,
    expire_unconfirmed,
    reject_registration,
    seat_count,
)
from confkit.services.signup import (
    NewOrganisation,
    SignupDetails,
    normalise_email,
    register,
    register_new_address,
)
from tests.factories import BASE_URL, FIXED_NOW, baku
from tests.statements import statements_sent

LATER = FIXED_NOW + timedelta(hours=1)
Status = RegistrationStatus


def details(**overrides: Any) -> SignupDetails:
    values: dict[str, Any] = {
        "given_name": "Aysel",
        "family_name": "Məmmədova",
        "email": "aysel@example.az",
    }
    values.update(overrides)
    return SignupDetails(**values)


def mails(db: DbSession, registration: Registration | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if registration is not None:
        query = query.where(OutboxMessage.registration_id == registration.id)
    return list(db.scalars(query))


def history(db: DbSession, registration: Registration) -> list[tuple[object, ...]]:
    changes = db.scalars(
        select(RegistrationChange)
        .where(RegistrationChange.registration_id == registration.id)
        .order_by(RegistrationChange.id)
    )
    return [(c.actor, c.action, c.from_status, c.to_status) for c in changes]


def stored(db: DbSession, registration: Registration) -> dict[str, object]:
    """Every column of the registration as the database holds it."""
    db.flush()
    db.refresh(registration)
    return {c.key: getattr(registration, c.key) for c in Registration.__table__.columns}


def count(db: DbSession, model: type[object]) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def event(open_event_for_registration: Callable[..., Event]) -> Event:
    return open_event_for_registration(capacity=10)


def test_a_new_address_gets_an_unconfirmed_registration_and_a_confirmation_link(
    db: DbSession, event: Event
) -> None:
    outcome = register(
        db,
        event,
        details(email=" Aysel@Example.AZ ", position="Analyst"),
        base_url=BASE_URL,
        now=FIXED_NOW,
    )

    registration = outcome.registration
    assert outcome.created is True
    assert registration.event is event
    assert registration.status is Status.UNCONFIRMED
    assert registration.category is RegistrationCategory.DELEGATE
    assert registration.confirm_by == FIXED_NOW + CONFIRMATION_PERIOD == FIXED_NOW + timedelta(2)
    assert registration.created_at == registration.updated_at == FIXED_NOW
    assert registration.confirmed_at is registration.waitlisted_at is None
    assert len(registration.token) >= 43
    person = registration.person
    assert (person.given_name, person.family_name) == ("Aysel", "Məmmədova")
    # The domain is lowercased, the local part kept as typed.
    assert person.email == "Aysel@example.az"
    # Unconfirmed holds no seat.
    assert seat_count(db, event).confirmed == 0
    [mail] = mails(db)
    assert mail.kind == "confirm_request"
    assert mail.recipient == "Aysel@example.az"
    assert mail.registration_id == registration.id
    assert mail.next_attempt_at == mail.created_at == FIXED_NOW
    assert f"{BASE_URL}/r/{registration.token}/confirm" in mail.text_body
    assert history(db, registration) == [(ATTENDEE, "register", None, Status.UNCONFIRMED)]


def test_a_new_address_is_written_in_one_statement_or_one_per_row_and_no_savepoint(
    db: DbSession, event: Event
) -> None:
    # The public form's common case runs on every submission: its cost is part of its contract.
    assert event.questions is not None  # loaded with the event, as the web form does
    db.flush()
    with statements_sent(db.connection()) as statements:
        outcome = register(db, event, details(), base_url=BASE_URL, now=FIXED_NOW)
        db.flush()

    assert outcome.created is True
    if db.get_bind().dialect.name == "postgresql":
        # One round trip: the four INSERTs as data-modifying CTEs.
        assert statements == ["WITH new_person AS"]
    else:
        assert statements == [
            "INSERT INTO persons",
            "INSERT INTO registrations",
            "INSERT INTO registration_changes",
            "INSERT INTO outbox_messages",
        ]
    # Loaded as the unit of work would have left it: nothing is read back.
    registration = outcome.registration
    with statements_sent(db.connection()) as reads:
        assert (registration.person.email, registration.person_id) == (
            "aysel@example.az",
            registration.person.id,
        )
        assert registration.event is event
    assert reads == []
    # And every row is there, tied to the others.
    db.expire_all()
    stored = db.get(Registration, registration.id)
    assert stored is not None
    assert stored.person.email == "aysel@example.az"
    assert history(db, stored) == [(ATTENDEE, "register", None, Status.UNCONFIRMED)]
    mails = db.scalars(select(OutboxMessage).where(OutboxMessage.registration_id == stored.id))
    assert [m.kind for m in mails] == ["confirm_request"]


def test_an_address_known_in_another_letter_case_is_not_stored_again(
    db: DbSession, event: Event, open_event_for_registration: Callable[..., Event]
) -> None:
    other = open_event_for_registration(slug="other-event", capacity=10)
    first = register(db, other, details(email="Aysel@example.az"), base_url=BASE_URL, now=FIXED_NOW)

    outcome = register(
        db, event, details(email="aysel@EXAMPLE.az"), base_url=BASE_URL, now=FIXED_NOW
    )

    assert outcome.created is True
    assert outcome.registration.person is first.registration.person
    assert count(db, Person) == 1


def test_the_form_s_details_are_kept(
    db: DbSession, event: Event, make_person: Callable[..., Person]
) -> None:
    ministry = services.create_organisation(db, name="Ministry of Energy", kind="government")
    head = make_person()
    delegation = services.create_delegation(db, event, name="Energy delegation", head=head)

    registration = register(
        db,
        event,
        details(
            category="press",
            organisation_id=ministry.id,
            position=" Adviser ",
            delegation_id=delegation.id,
            consent=True,
        ),
        base_url=BASE_URL,
        now=FIXED_NOW,
    ).registration

    assert registration.category is RegistrationCategory.PRESS
    assert registration.delegation is delegation
    assert registration.affiliation is not None
    assert registration.affiliation.organisation is ministry
    assert registration.affiliation.position_title == "Adviser"
    assert registration.consent_given_at == FIXED_NOW


def test_a_new_organisation_is_made_once_and_found_again_by_name(
    db: DbSession, event: Event
) -> None:
    first = register(
        db,
        event,
        details(new_organisation=NewOrganisation("Caspian Energy Institute", "think_tank", "AZ")),
        base_url=BASE_URL,
        now=FIXED_NOW,
    ).registration
    second = register(
        db,
        event,
        details(
            email="b@example.az",
            new_organisation=NewOrganisation(" caspian energy institute ", "academia"),
        ),
        base_url=BASE_URL,
        now=FIXED_NOW,
    ).registration

    assert first.affiliation is not None
    assert second.affiliation is not None
    organisation = first.affiliation.organisation
    assert second.affiliation.organisation is organisation
    assert (organisation.name, organisation.country) == ("Caspian Energy Institute", "AZ")
    assert count(db, Organisation) == 1


@pytest.mark.parametrize(
    "again",
    ["aysel@example.az", "AYSEL@EXAMPLE.AZ", "  Aysel@Example.Az  ", "aysel@EXAMPLE.az"],
)
def test_registering_the_same_address_again_changes_nothing_and_mails_its_owner(
    db: DbSession, event: Event, make_registration: Callable[..., Registration], again: str
) -> None:
    registration = make_registration(event, email="aysel@example.az", answers={})
    before = stored(db, registration)
    person_before = (registration.person.given_name, registration.person.family_name)
    history_before = history(db, registration)
    people, affiliations = count(db, Person), count(db, Affiliation)
    ministry = services.create_organisation(db, name="Ministry", kind="government")

    outcome = register(
        db,
        event,
        details(
            given_name="Someone",
            family_name="Else",
            email=again,
            category="press",
            organisation_id=ministry.id,
            position="Impostor",
            consent=True,
        ),
        base_url=BASE_URL,
        now=LATER,
    )

    assert outcome.registration is registration
    assert outcome.created is False
    assert stored(db, registration) == before
    assert (registration.person.given_name, registration.person.family_name) == person_before
    assert history(db, registration) == history_before
    assert (count(db, Person), count(db, Affiliation), count(db, Registration)) == (
        people,
        affiliations,
        1,
    )
    last = mails(db, registration)[-1]
    assert (last.kind, last.recipient, last.created_at) == (
        "already_registered",
        registration.person.email,
        LATER,
    )
    assert "Your registration is confirmed." in last.text_body


def test_registering_again_while_unconfirmed_sends_a_fresh_confirmation_link(
    db: DbSession, event: Event, make_registration: Callable[..., Registration]
) -> None:
    registration = make_registration(event, email="aysel@example.az", confirm=False)
    token = registration.token

    outcome = register(db, event, details(), base_url=BASE_URL, now=LATER)

    assert outcome.registration is registration
    assert outcome.created is False
    assert registration.status is Status.UNCONFIRMED
    assert registration.token == token
    # The only change: a new confirmation period, from the new mail.
    assert registration.confirm_by == LATER + CONFIRMATION_PERIOD
    assert [m.kind for m in mails(db, registration)] == ["confirm_request", "confirm_request"]
    assert history(db, registration) == [(ATTENDEE, "register", None, Status.UNCONFIRMED)]


def test_a_cancelled_registration_is_opened_again_unconfirmed(
    db: DbSession, event: Event, make_registration: Callable[..., Registration]
) -> None:
    registration = make_registration(event, email="aysel@example.az", category="delegate")
    token = registration.token
    cancel_registration(db, registration, base_url=BASE_URL, now=FIXED_NOW)

    outcome = register(
        db, event, details(category="observer", answers={}), base_url=BASE_URL, now=LATER
    )

    assert outcome.registration is registration
    assert outcome.created is False
    assert registration.status is Status.UNCONFIRMED
    assert registration.token == token
    assert registration.category is RegistrationCategory.OBSERVER
    assert registration.cancelled_at is registration.confirmed_at is None
    assert registration.confirm_by == LATER + CONFIRMATION_PERIOD
    assert history(db, registration)[-2:] == [
        (ATTENDEE, "cancel", Status.CONFIRMED, Status.CANCELLED),
        (ATTENDEE, "register again", Status.CANCELLED, Status.UNCONFIRMED),
    ]
    assert mails(db, registration)[-1].kind == "confirm_request"
    assert count(db, Registration) == 1
    # It confirms like a new one.
    confirm_registration(db, registration, base_url=BASE_URL, now=LATER)
    assert registration.status is Status.CONFIRMED


def test_a_registration_expired_unconfirmed_is_opened_again(
    db: DbSession, event: Event, make_registration: Callable[..., Registration]
) -> None:
    registration = make_registration(event, email="aysel@example.az", confirm=False)
    late = FIXED_NOW + CONFIRMATION_PERIOD + timedelta(minutes=1)
    assert expire_unconfirmed(db, now=late) == 1

    outcome = register(db, event, details(), base_url=BASE_URL, now=late)

    assert outcome.registration is registration
    assert registration.status is Status.UNCONFIRMED
    assert [h[1] for h in history(db, registration)] == ["register", "expire", "register again"]
    assert history(db, registration)[1][0] == SYSTEM


def test_a_rejected_person_registering_again_stays_rejected(
    db: DbSession, event: Event, make_registration: Callable[..., Registration]
) -> None:
    registration = make_registration(event, email="aysel@example.az", confirm=False)
    reject_registration(db, registration, actor="organiser@example.org", base_url=BASE_URL)

    outcome = register(db, event, details(), base_url=BASE_URL, now=LATER)

    assert outcome.registration is registration
    assert registration.status is Status.REJECTED
    assert mails(db, registration)[-1].kind == "already_registered"


def test_an_address_known_from_another_event_registers_the_same_person(
    db: DbSession,
    event: Event,
    open_event_for_registration: Callable[..., Event],
    make_registration: Callable[..., Registration],
) -> None:
    earlier = make_registration(open_event_for_registration(), email="aysel@example.az")

    outcome = register(
        db,
        event,
        details(email="AYSEL@example.az", given_name="Not", family_name="Her"),
        base_url=BASE_URL,
        now=LATER,
    )

    assert outcome.created is True
    assert outcome.registration.person is earlier.person
    assert earlier.person.given_name != "Not"
    assert count(db, Person) == 1


def test_a_stranger_learns_nothing_about_an_address_from_the_outcome(
    db: DbSession, event: Event, make_registration: Callable[..., Registration]
) -> None:
    """What ``SignupOutcome.created`` is for: the organisers, logs and tests.

    The form's answer page must be the same whether the address was new or known: both calls
    succeed, both write exactly one mail, to the address typed in and nowhere else, and the known
    registration is left exactly as it was. ``created`` (and the registration itself) tell the
    two apart and must therefore never reach the page.
    """
    known = make_registration(event, email="known@example.az")
    before = stored(db, known)
    stranger = details(given_name="Stranger", family_name="Danger", category="press")

    new_mails_before = len(mails(db))
    known_outcome = register(
        db, event, replace(stranger, email="known@example.az"), base_url=BASE_URL, now=LATER
    )
    fresh_outcome = register(
        db, event, replace(stranger, email="fresh@example.az"), base_url=BASE_URL, now=LATER
    )

    sent = mails(db)[new_mails_before:]
    assert [m.recipient for m in sent] == ["known@example.az", "fresh@example.az"]
    assert (known_outcome.created, fresh_outcome.created) == (False, True)
    assert known_outcome.registration is known
    assert stored(db, known) == before


@pytest.mark.parametrize("code", ["WRONG", "USED-UP"])
def test_on_an_invitation_only_event_a_bad_code_is_refused_for_every_address(
    db: DbSession, event: Event, make_registration: Callable[..., Registration], code: str
) -> None:
    known = make_registration(event, email="known@example.az")
    configure_registration(db, event, mode="invitation")
    add_invitation_code(db, event, code="USED-UP", max_uses=1).uses = 1
    db.flush()

    refusals = []
    for email in ("known@example.az", "unknown@example.az"):
        with pytest.raises(ValidationError) as raised:
            register(
                db, event, details(email=email, invitation_code=code), base_url=BASE_URL, now=LATER
            )
        refusals.append(raised.value.problems)

    # The same refusal: a stranger with a bad code cannot tell a registered address.
    assert refusals[0] == refusals[1]
    assert {p.field for p in refusals[0]} == {"invitation_code"}
    assert known.status is Status.CONFIRMED
    assert count(db, Registration) == 1


def test_every_problem_with_the_details_is_reported_at_once_and_nothing_is_written(
    db: DbSession,
    event: Event,
    make_event: Callable[..., Event],
    make_person: Callable[..., Person],
) -> None:
    configure_registration(db, event, consent_text="We keep your details.")
    add_question(db, event, key="diet", label="Diet", kind="short_text", required=True)
    other_delegation = services.create_delegation(
        db, make_event(), name="Elsewhere", head=make_person()
    )
    people, mails_before = count(db, Person), len(mails(db))

    with pytest.raises(ValidationError) as raised:
        register(
            db,
            event,
            SignupDetails(
                given_name=" ",
                family_name="x" * 201,
                email="not-an-address",
                category="vip",
                organisation_id=987654,
                new_organisation=NewOrganisation("", "circus", "XX"),
                position="p" * 301,
                delegation_id=other_delegation.id,
                answers={},
                consent=False,
            ),
            base_url=BASE_URL,
            now=FIXED_NOW,
        )

    assert raised.value.fields == {
        "given_name",
        "family_name",
        "email",
        "category",
        "organisation",
        "organisation_name",
        "organisation_kind",
        "organisation_country",
        "position",
        "delegation",
        "answers.diet",
        "consent",
    }
    assert (count(db, Person), count(db, Registration), len(mails(db))) == (people, 0, mails_before)
    assert count(db, Organisation) == 0


@pytest.mark.parametrize("category", ["speaker", "staff", RegistrationCategory.SPEAKER])
def test_a_category_not_offered_on_the_form_is_refused(
    db: DbSession, event: Event, category: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        register(db, event, details(category=category), base_url=BASE_URL, now=FIXED_NOW)

    assert raised.value.fields == {"category"}


def test_the_organisers_choose_the_categories_on_the_form(db: DbSession, event: Event) -> None:
    configure_registration(db, event, categories=["press"])

    with pytest.raises(ValidationError) as raised:
        register(db, event, details(category="delegate"), base_url=BASE_URL, now=FIXED_NOW)
    assert raised.value.fields == {"category"}

    registration = register(
        db, event, details(category="press"), base_url=BASE_URL, now=FIXED_NOW
    ).registration
    assert registration.category is RegistrationCategory.PRESS


@pytest.mark.parametrize(
    "now", [baku(5, 8, 59), baku(20, 18), baku(27, 0)], ids=["not yet open", "closed", "over"]
)
def test_outside_the_window_the_form_is_refused_for_every_address(
    db: DbSession, event: Event, make_registration: Callable[..., Registration], now: datetime
) -> None:
    configure_registration(db, event, opens_at=baku(5, 9), closes_at=baku(20, 18))
    known = make_registration(event, email="known@example.az", now=baku(6, 9))

    for email in ("new@example.az", "known@example.az"):
        with pytest.raises(ValidationError) as raised:
            register(db, event, details(email=email), base_url=BASE_URL, now=now)
        assert [(p.field, p.message) for p in raised.value.problems] == [
            ("event", "registration for this event is not open")
        ]
    assert count(db, Registration) == 1
    assert mails(db, known)[-1].kind == "confirmed"


def test_consent_is_needed_when_the_event_asks_for_it(db: DbSession, event: Event) -> None:
    # Without a consent text, no consent is asked and none is recorded unless given.
    unasked = register(db, event, details(email="a@example.az"), base_url=BASE_URL, now=FIXED_NOW)
    assert unasked.registration.consent_given_at is None
    configure_registration(db, event, consent_text="We keep your details for six months.")

    with pytest.raises(ValidationError) as raised:
        register(db, event, details(email="b@example.az"), base_url=BASE_URL, now=FIXED_NOW)
    assert [(p.field, p.message) for p in raised.value.problems] == [
        ("consent", "is needed to register")
    ]

    given_consent = register(
        db, event, details(email="b@example.az", consent=True), base_url=BASE_URL, now=LATER
    )
    assert given_consent.registration.consent_given_at == LATER


def test_normalise_email() -> None:
    assert normalise_email("  Aysel@Example.AZ ") == "Aysel@example.az"
    for bad in ("", "aysel", "aysel@", "@example.az", "a b@example.az", "aysel@@example.az"):
        with pytest.raises(ValidationError) as raised:
            normalise_email(bad)
        assert raised.value.fields == {"email"}


class TestInvitationCodes:
    @pytest.fixture
    def event(self, db: DbSession, open_event_for_registration: Callable[..., Event]) -> Event:
        return open_event_for_registration(capacity=10, mode="invitation")

    def test_a_code_is_required(self, db: DbSession, event: Event) -> None:
        for code in (None, "", "   "):
            with pytest.raises(ValidationError) as raised:
                register(db, event, details(invitation_code=code), base_url=BASE_URL, now=FIXED_NOW)
            assert [(p.field, p.message) for p in raised.value.problems] == [
                ("invitation_code", "is required: this event is by invitation only")
            ]

    def test_a_code_lets_in_as_many_people_as_it_may(self, db: DbSession, event: Event) -> None:
        code = add_invitation_code(db, event, code="NATO-2024", max_uses=2)

        first = register(
            db,
            event,
            details(email="a@example.az", invitation_code=" NATO-2024 "),
            base_url=BASE_URL,
            now=FIXED_NOW,
        ).registration
        register(
            db,
            event,
            details(email="b@example.az", invitation_code="NATO-2024"),
            base_url=BASE_URL,
            now=FIXED_NOW,
        )
        with pytest.raises(ValidationError) as raised:
            register(
                db,
                event,
                details(email="c@example.az", invitation_code="NATO-2024"),
                base_url=BASE_URL,
                now=FIXED_NOW,
            )

        assert [(p.field, p.message) for p in raised.value.problems] == [
            ("invitation_code", "has been used as often as it may be")
        ]
        assert first.invitation_code is code
        assert code.uses == 2
        assert count(db, Registration) == 2

    def test_the_code_s_category_wins_over_the_form_s(self, db: DbSession, event: Event) -> None:
        add_invitation_code(db, event, code="SPEAKERS", max_uses=5, category="speaker")
        add_invitation_code(db, event, code="GUESTS", max_uses=5)

        speaker = register(
            db,
            event,
            details(email="a@example.az", invitation_code="SPEAKERS", category="press"),
            base_url=BASE_URL,
            now=FIXED_NOW,
        ).registration
        guest = register(
            db,
            event,
            details(email="b@example.az", invitation_code="GUESTS", category="press"),
            base_url=BASE_URL,
            now=FIXED_NOW,
        ).registration

        assert speaker.category is RegistrationCategory.SPEAKER
        assert guest.category is RegistrationCategory.PRESS

    def test_registering_again_spends_no_use(
        self, db: DbSession, event: Event, make_registration: Callable[..., Registration]
    ) -> None:
        code = add_invitation_code(db, event, code="TWICE", max_uses=2)
        make_registration(event, email="a@example.az", invitation_code="TWICE")

        outcome = register(
            db,
            event,
            details(email="A@example.az", invitation_code="TWICE"),
            base_url=BASE_URL,
            now=LATER,
        )

        assert outcome.created is False
        assert code.uses == 1

    def test_a_code_used_up_by_another_request_leaves_nothing_behind(
        self, db: DbSession, event: Event, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # As if the last use went to another request between the check and the spending.
        code = add_invitation_code(db, event, code="LAST", max_uses=1)
        db.flush()
        monkeypatch.setattr(signup, "check_invitation_code", lambda *_: code)
        db.execute(InvitationCode.__table__.update().values(uses=1))

        with pytest.raises(ValidationError) as raised:
            register(
                db,
                event,
                details(invitation_code="LAST", new_organisation=NewOrganisation("New", "ngo")),
                base_url=BASE_URL,
                now=FIXED_NOW,
            )

        assert raised.value.fields == {"invitation_code"}
        assert (count(db, Person), count(db, Organisation), count(db, Registration)) == (0, 0, 0)
        assert mails(db) == []

    def test_a_code_is_ignored_when_the_event_is_open_to_all(
        self, db: DbSession, event: Event
    ) -> None:
        code = add_invitation_code(db, event, code="SPEAKERS", category="speaker")
        configure_registration(db, event, mode="open")

        registration = register(
            db, event, details(invitation_code="SPEAKERS"), base_url=BASE_URL, now=FIXED_NOW
        ).registration

        assert registration.category is RegistrationCategory.DELEGATE
        assert registration.invitation_code is None
        assert code.uses == 0


def test_a_double_submitted_form_makes_one_registration(
    db: DbSession,
    event: Event,
    make_registration: Callable[..., Registration],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As if another request stored the same address between the look-up and the insert.
    first = make_registration(event, email="aysel@example.az", confirm=False)
    real_lookup = signup._person_by_email
    calls: list[str] = []

    def lookup_missing_the_first_time(*arguments: Any) -> Person | None:
        calls.append("lookup")
        return None if len(calls) == 1 else real_lookup(*arguments)

    monkeypatch.setattr(signup, "_person_by_email", lookup_missing_the_first_time)

    outcome = register(db, event, details(), base_url=BASE_URL, now=LATER)

    assert outcome.registration is first
    assert outcome.created is False
    assert count(db, Registration) == count(db, Person) == 1
    assert [m.kind for m in mails(db, first)] == ["confirm_request", "confirm_request"]


class TestQuestions:
    @pytest.fixture
    def event(self, db: DbSession, open_event_for_registration: Callable[..., Event]) -> Event:
        event = open_event_for_registration(capacity=10)
        for key, kind, choices in [
            ("short", "short_text", ()),
            ("long", "long_text", ()),
            ("single", "single_choice", ("Gas", "Grids", "Offshore")),
            ("multiple", "multiple_choice", ("Gas", "Grids", "Offshore")),
            ("tick", "checkbox", ()),
            ("country", "country", ()),
        ]:
            add_question(db, event, key=key, label=key.title(), kind=kind, choices=choices)
            add_question(
                db,
                event,
                key=f"{key}_required",
                label=key.title(),
                kind=kind,
                choices=choices,
                required=True,
            )
        db.flush()
        db.expire(event, ["questions"])
        return event

    REQUIRED_ANSWERS: dict[str, Any] = {
        "short_required": " Vegetarian ",
        "long_required": "A long answer.\nOn two lines.",
        "single_required": "Grids",
        "multiple_required": ["Offshore", "Gas"],
        "tick_required": "y",
        "country_required": "az",
    }

    def test_answers_are_checked_and_stored_tidily(self, db: DbSession, event: Event) -> None:
        registration = register(
            db,
            event,
            details(answers={**self.REQUIRED_ANSWERS, "short": "  ", "tick": "off", "x": "y"}),
            base_url=BASE_URL,
            now=FIXED_NOW,
        ).registration

        db.flush()
        db.expire(registration, ["answers"])
        assert registration.answers == {
            "short_required": "Vegetarian",
            "long_required": "A long answer.\nOn two lines.",
            "single_required": "Grids",
            # In the order the choices are offered.
            "multiple_required": ["Gas", "Offshore"],
            "tick_required": True,
            "country_required": "AZ",
        }

    def test_every_required_question_must_be_answered(self, db: DbSession, event: Event) -> None:
        empty: dict[str, Any] = {
            "short_required": "   ",
            "long_required": None,
            "single_required": "",
            "multiple_required": [],
            "tick_required": "off",
        }

        with pytest.raises(ValidationError) as raised:
            register(db, event, details(answers=empty), base_url=BASE_URL, now=FIXED_NOW)

        assert {(p.field, p.message) for p in raised.value.problems} == {
            (f"answers.{key}_required", "is required")
            for key in ("short", "long", "single", "multiple", "tick", "country")
        }

    @pytest.mark.parametrize(
        ("key", "value", "message"),
        [
            ("short", 42, "must be text"),
            ("short", "x" * 301, "is longer than 300 characters"),
            ("long", "x" * 5001, "is longer than 5000 characters"),
            ("long", "bell\x07", "contains a control character"),
            ("single", "Coal", "is not one of the choices"),
            ("single", ["Gas"], "is not one of the choices"),
            ("multiple", ["Gas", "Coal"], "is not among the choices"),
            ("multiple", {"Gas": True}, "is not among the choices"),
            ("tick", "maybe", "must be ticked or not"),
            ("tick", 7, "must be ticked or not"),
            ("country", "Azerbaijan", "is not an ISO 3166-1 country code"),
            ("country", 31, "is not an ISO 3166-1 country code"),
        ],
    )
    def test_an_invalid_answer_is_refused(
        self, db: DbSession, event: Event, key: str, value: object, message: str
    ) -> None:
        answers = {**self.REQUIRED_ANSWERS, key: value}

        with pytest.raises(ValidationError) as raised:
            register(db, event, details(answers=answers), base_url=BASE_URL, now=FIXED_NOW)

        assert [(p.field, p.message) for p in raised.value.problems] == [
            (f"answers.{key}", message)
        ]

    @pytest.mark.parametrize(
        "value", [True, 1, "1", "y", "Yes", " on ", "TRUE"], ids=lambda v: repr(v)
    )
    def test_a_ticked_checkbox(self, db: DbSession, event: Event, value: object) -> None:
        registration = register(
            db,
            event,
            details(answers={**self.REQUIRED_ANSWERS, "tick_required": value}),
            base_url=BASE_URL,
            now=FIXED_NOW,
        ).registration
        assert registration.answers["tick_required"] is True

    @pytest.mark.parametrize(
        "value", [False, 0, "0", "n", "no", "off", "false", "", None], ids=lambda v: repr(v)
    )
    def test_an_unticked_required_checkbox_is_refused(
        self, db: DbSession, event: Event, value: object
    ) -> None:
        with pytest.raises(ValidationError) as raised:
            register(
                db,
                event,
                details(answers={**self.REQUIRED_ANSWERS, "tick_required": value}),
                base_url=BASE_URL,
                now=FIXED_NOW,
            )
        assert [(p.field, p.message) for p in raised.value.problems] == [
            ("answers.tick_required", "is required")
        ]


# Answers as a form or a program might send them: right, wrong, blank or of the wrong type.
ANSWER_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 2),
    st.sampled_from(["", " ", "y", "off", "Gas", "Grids", "Coal", "az", "AZ", "XX", "\x00"]),
    st.text(max_size=8),
    st.lists(st.sampled_from(["Gas", "Grids", "Offshore", "Coal", ""]), max_size=4),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
QUESTION_KEYS = [f"{kind.value}{suffix}" for kind in QuestionKind for suffix in ("", "_required")]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(answers=st.dictionaries(st.sampled_from([*QUESTION_KEYS, "other"]), ANSWER_VALUES))
def test_the_answers_checker_accepts_only_what_the_questions_allow(
    db: DbSession, open_event_for_registration: Callable[..., Event], answers: dict[str, Any]
) -> None:
    nested = db.begin_nested()
    try:
        event = open_event_for_registration(capacity=10)
        for kind in QuestionKind:
            choices = ("Gas", "Grids", "Offshore") if "choice" in kind.value else ()
            for required in (False, True):
                add_question(
                    db,
                    event,
                    key=f"{kind.value}{'_required' if required else ''}",
                    label=kind.value,
                    kind=kind,
                    choices=choices,
                    required=required,
                )
        db.flush()
        db.expire(event, ["questions"])
        questions = {q.key: q for q in event.questions}

        try:
            stored_answers = register(
                db, event, details(answers=answers), base_url=BASE_URL, now=FIXED_NOW
            ).registration.answers
        except ValidationError as error:
            # Every problem names a question, and only a required one is ever "required".
            for problem in error.problems:
                key = problem.field.removeprefix("answers.")
                assert problem.field.startswith("answers.")
                assert key in questions
                if problem.message == "is required":
                    assert questions[key].required
            return

        assert set(stored_answers) <= set(questions)
        for key, question in questions.items():
            if question.required:
                assert key in stored_answers
            if key not in stored_answers:
                continue
            value = stored_answers[key]
            match question.kind:
                case QuestionKind.SHORT_TEXT | QuestionKind.LONG_TEXT:
                    assert isinstance(value, str)
                    assert value == value.strip()
                    assert value
                case QuestionKind.SINGLE_CHOICE:
                    assert value in question.choices
                case QuestionKind.MULTIPLE_CHOICE:
                    assert value == [c for c in question.choices if c in value]
                    assert value
                case QuestionKind.CHECKBOX:
                    assert value is True
                case QuestionKind.COUNTRY:
                    assert value in iso_country_codes()
    finally:
        nested.rollback()
        # The next example starts afresh, like a new request: SQLite gives the ids of the rows
        # just undone to new rows, which objects still in the session would otherwise claim.
        db.expunge_all()


def test_sqlite_keeps_no_copies_of_events(db: DbSession, store: Store, event: Event) -> None:
    db.flush()
    with store.session() as visitor:
        kept = EventKeeper(store).event(visitor, event.slug)
    if db.get_bind().dialect.name == "postgresql":
        assert kept is not None
        assert kept.event.id == event.id
    else:
        assert kept is None
        with pytest.raises(ValueError, match="PostgreSQL"):
            register_new_address(
                db, event, details(), base_url=BASE_URL, now=FIXED_NOW, fingerprint="1@2.0;"
            )
