"""Registration mails in the language the person registered in: stored with the registration,
used for every later mail, English where nothing else was chosen, and the migration that gave
earlier registrations English."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session as DbSession

from confkit import ValidationError, migrate
from confkit.db import make_engine
from confkit.models import Event, OutboxMessage, Registration, RegistrationStatus
from confkit.services.announcements import announce
from confkit.services.attendee_links import renew_token
from confkit.services.content_translations import set_event_translation
from confkit.services.registration_settings import configure_registration
from confkit.services.seats import (
    approve_registration,
    cancel_registration,
)
from confkit.services.signup import SignupDetails, register
from tests.databases import scratch_database
from tests.factories import BASE_URL, FIXED_NOW

ORGANISER = "organiser:aysel@example.org"


def mails(db: DbSession, registration: Registration) -> list[OutboxMessage]:
    return list(
        db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.registration_id == registration.id)
            .order_by(OutboxMessage.id)
        )
    )


def last_mail(db: DbSession, registration: Registration) -> OutboxMessage:
    return mails(db, registration)[-1]


@pytest.fixture
def forum(open_event_for_registration: Callable[..., Event], db: DbSession) -> Event:
    event = open_event_for_registration(
        capacity=1,
        slug="forum",
        name="Baku energy forum",
        starts_on=date(2024, 11, 25),
        ends_on=date(2024, 11, 26),
    )
    set_event_translation(db, event, "az", name="Bakı enerji forumu")
    return event


def sign_up(db: DbSession, event: Event, locale: str, email: str) -> Registration:
    details = SignupDetails(given_name="Nigar", family_name="Rzayeva", email=email, locale=locale)
    return register(db, event, details, base_url=BASE_URL, now=FIXED_NOW).registration


def test_a_registration_keeps_its_language_and_is_asked_to_confirm_in_it(
    db: DbSession, forum: Event
) -> None:
    registration = sign_up(db, forum, "az", "nigar@example.org")

    mail = last_mail(db, registration)
    assert registration.locale == "az"
    assert mail.subject == "Qeydiyyatınızı təsdiqləyin: Bakı enerji forumu"
    assert mail.text_body.startswith("Hörmətli Nigar Rzayeva,\n\n")
    assert "Bakı enerji forumu tədbirində qeydiyyatdan keçdiyiniz üçün" in mail.text_body
    assert f"Qeydiyyatı təsdiqləyin:\n{BASE_URL}/r/{registration.token}/confirm" in (mail.text_body)
    assert mail.text_body.endswith(
        f"--\nBakı enerji forumu, 25–26 noyabr 2024. {BASE_URL}/events/forum/"
    )
    assert "<p>Hörmətli Nigar Rzayeva,</p>" in mail.html_body
    assert ">Qeydiyyatı təsdiqləyin</a>" in mail.html_body


def test_an_event_without_a_name_in_the_language_keeps_its_own(db: DbSession, forum: Event) -> None:
    registration = sign_up(db, forum, "ru", "nigar@example.org")

    mail = last_mail(db, registration)
    assert mail.subject == "Пожалуйста, подтвердите регистрацию: Baku energy forum"
    assert mail.text_body.startswith("Здравствуйте, Nigar Rzayeva!\n\n")
    assert "25–26 ноября 2024\u202fг." in mail.text_body


def test_english_is_written_as_before(db: DbSession, forum: Event) -> None:
    registration = sign_up(db, forum, "en", "nigar@example.org")

    mail = last_mail(db, registration)
    assert registration.locale == "en"
    assert mail.subject == "Please confirm your registration: Baku energy forum"
    assert mail.text_body == (
        "Dear Nigar Rzayeva,\n\n"
        "Thank you for registering for Baku energy forum. Please confirm that this address is "
        "yours; until you do, no seat is held for you.\n\n"
        "If you did not register, ignore this message and nothing will happen.\n\n"
        f"Confirm your registration:\n{BASE_URL}/r/{registration.token}/confirm\n\n"
        f"--\nBaku energy forum, 25–26 November 2024. {BASE_URL}/events/forum/"
    )


def test_a_registration_made_without_a_language_is_english(db: DbSession, forum: Event) -> None:
    details = SignupDetails(given_name="Tural", family_name="Aliyev", email="tural@example.org")

    registration = register(db, forum, details, base_url=BASE_URL, now=FIXED_NOW).registration

    assert registration.locale == "en"
    assert last_mail(db, registration).subject.startswith("Please confirm your registration")


def test_a_language_confkit_does_not_write_is_refused(db: DbSession, forum: Event) -> None:
    with pytest.raises(ValidationError) as refused:
        sign_up(db, forum, "fr", "nigar@example.org")

    assert refused.value.fields == {"locale"}


@pytest.mark.parametrize(
    ("locale", "subject", "sentence"),
    [
        ("ru", "Ваша регистрация одобрена: Baku energy forum", "Организаторы одобрили"),
        ("az", "Qeydiyyatınız təsdiqləndi: Bakı enerji forumu", "Təşkilatçılar"),
        ("en", "Your registration is approved: Baku energy forum", "The organisers approved"),
    ],
)
def test_an_organisers_approval_is_mailed_in_the_stored_language(
    db: DbSession,
    make_registration: Callable[..., Registration],
    forum: Event,
    locale: str,
    subject: str,
    sentence: str,
) -> None:
    configure_registration(db, forum, mode="approval", now=FIXED_NOW)
    registration = make_registration(forum, locale=locale)
    assert registration.status is RegistrationStatus.AWAITING_APPROVAL

    approve_registration(db, registration, actor=ORGANISER, base_url=BASE_URL, now=FIXED_NOW)

    mail = last_mail(db, registration)
    assert mail.subject == subject
    assert sentence in mail.text_body
    assert [a["filename"] for a in mail.attachments] == ["forum.ics"]


def test_a_cancellation_and_the_promotion_it_causes_are_mailed_in_each_persons_language(
    db: DbSession, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    seated = make_registration(forum, locale="ru")
    waiting = make_registration(forum, locale="az")
    assert waiting.status is RegistrationStatus.WAITLISTED
    waitlisted_mail = last_mail(db, waiting)

    # The freed seat goes to the person waiting.
    cancel_registration(db, seated, actor=ORGANISER, base_url=BASE_URL, now=FIXED_NOW)

    assert waitlisted_mail.subject == "Siz gözləmə siyahısındasınız: Bakı enerji forumu"
    assert "Gözləmə siyahısında sıra nömrəniz: 1." in waitlisted_mail.text_body
    assert last_mail(db, seated).subject == "Ваша регистрация отменена: Baku energy forum"
    assert last_mail(db, waiting).subject == "Yer sizindir: Bakı enerji forumu"


def test_a_new_link_is_mailed_in_the_stored_language(
    db: DbSession, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    registration = make_registration(forum, locale="ru")

    renew_token(db, registration, base_url=BASE_URL, now=FIXED_NOW)

    mail = last_mail(db, registration)
    assert mail.subject == "Ваша новая ссылка: Baku energy forum"
    assert "Прежние ссылки и билеты больше не действуют." in mail.text_body


def test_registering_again_answers_in_the_forms_language_and_keeps_the_stored_one(
    db: DbSession, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    registration = make_registration(forum, email="nigar@example.org", locale="en")

    sign_up(db, forum, "az", "nigar@example.org")

    mail = last_mail(db, registration)
    assert mail.subject == "Siz artıq qeydiyyatdan keçmisiniz: Bakı enerji forumu"
    assert "Qeydiyyatınız təsdiqlənib." in mail.text_body
    db.refresh(registration)
    assert registration.locale == "en"


def test_an_announcement_is_framed_in_each_persons_language(
    db: DbSession, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    forum.capacity = 5
    english = make_registration(forum, locale="en")
    russian = make_registration(forum, locale="ru")

    announce(
        db,
        forum,
        [english, russian],
        subject="Hall A",
        body="The opening is in Hall A.",
        actor=ORGANISER,
        base_url=BASE_URL,
        now=FIXED_NOW,
    )

    in_english, in_russian = last_mail(db, english), last_mail(db, russian)
    assert in_english.text_body.startswith("The opening is in Hall A.\n\nYour page:\n")
    assert in_russian.text_body.startswith("The opening is in Hall A.\n\nВаша страница:\n")
    assert in_russian.text_body.endswith(
        f"--\nBaku energy forum, 25–26 ноября 2024\u202fг. — {BASE_URL}/events/forum/"
    )
    assert ">Ваша страница</a>" in in_russian.html_body


@pytest.fixture
def engine_at_0006(tmp_path: Path) -> Iterator[Engine]:
    with scratch_database(tmp_path, "locales") as url:
        engine = make_engine(url)
        migrate.upgrade(engine, "0006")
        yield engine
        engine.dispose()


def test_the_migration_gives_earlier_registrations_english(engine_at_0006: Engine) -> None:
    moment = "2024-11-01 00:00:00+00:00"
    with engine_at_0006.begin() as connection:
        event_id = connection.execute(
            text(
                "INSERT INTO events (slug, name, timezone, starts_on, ends_on, description,"
                " languages, capacity, registration_mode, waitlist_enabled,"
                " registration_categories, consent_text, programme_changed_at, created_at,"
                " updated_at, translations) VALUES ('old', 'Old', 'Asia/Baku', :day, :day, '',"
                " '[]', NULL, 'open', true, '[]', '', :at, :at, :at, '{}') RETURNING id"
            ),
            {"day": date(2024, 11, 26), "at": moment},
        ).scalar_one()
        person_id = connection.execute(
            text(
                "INSERT INTO persons (given_name, family_name, honorific, email, bio,"
                " created_at, updated_at) VALUES ('Old', 'Timer', '', 'old@example.org', '',"
                " :at, :at) RETURNING id"
            ),
            {"at": moment},
        ).scalar_one()
        connection.execute(
            text(
                "INSERT INTO registrations (event_id, person_id, category, status, token,"
                " ticket_generation, answers, created_at, updated_at) VALUES (:event, :person,"
                " 'delegate', 'confirmed', 'old-token', 1, '{}', :at, :at)"
            ),
            {"event": event_id, "person": person_id, "at": moment},
        )

    migrate.upgrade(engine_at_0006)

    with engine_at_0006.connect() as connection:
        assert connection.execute(text("SELECT locale FROM registrations")).scalar_one() == "en"
    assert migrate.schema_differences(engine_at_0006) == []
    migrate.downgrade(engine_at_0006, "0006")
    assert migrate.current_revision(engine_at_0006) == "0006"
    with engine_at_0006.connect() as connection:
        assert connection.execute(text("SELECT token FROM registrations")).scalar_one() == (
            "old-token"
        )
    migrate.upgrade(engine_at_0006)
    assert migrate.schema_differences(engine_at_0006) == []
