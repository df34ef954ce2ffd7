"""Registration mails in the language of the registration form, delivered by ``confkit mail
send`` to a real SMTP server, and the organisers' later actions mailed in that language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.models import Event, Registration, RegistrationStatus
from confkit.services.content_translations import set_event_translation
from tests.factories import FIXED_NOW
from tests.smtp_server import SmtpServer
from tests.webapp.test_admin_auth import account, log_in
from tests.webapp.test_admin_registrations import act
from tests.webapp.test_registration_pages import register_through_form, registration_of
from webapp.cli import cli

ORGANISER = "aysel@example.org"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture
def forum(db: DbSession, open_event_for_registration: Callable[..., Event]) -> Event:
    event = open_event_for_registration(capacity=1, slug="forum", name="Baku energy forum")
    set_event_translation(db, event, "az", name="Bakı enerji forumu")
    return event


@pytest.fixture
def mail_server(app: Flask, smtp_server: SmtpServer) -> SmtpServer:
    app.config.update(CONFKIT_SMTP_URL=smtp_server.url, CONFKIT_BASE_URL="https://conf.example")
    return smtp_server


def send_mail(runner: FlaskCliRunner) -> None:
    result = runner.invoke(cli, ["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "0 refused" in result.stdout


def only_mail_to(server: SmtpServer, address: str) -> EmailMessage:
    (message,) = server.messages_to(address)
    return message


def text_part(message: EmailMessage) -> EmailMessage:
    part = message.get_body(preferencelist=("plain",))
    assert isinstance(part, EmailMessage)
    return part


def plain_text(message: EmailMessage) -> str:
    """The text part as a mail program shows it, with the line ends it had when written."""
    content: str = text_part(message).get_content()
    return content.replace("\r\n", "\n")


def test_a_registration_in_azerbaijani_is_confirmed_by_a_mail_in_azerbaijani(
    client: FlaskClient,
    runner: FlaskCliRunner,
    db: DbSession,
    forum: Event,
    mail_server: SmtpServer,
) -> None:
    client.get("/events/forum/register?lang=az")

    response = register_through_form(client, forum, email="aynur@example.org")
    send_mail(runner)

    assert response.status_code == 303
    assert registration_of(db, "aynur@example.org").locale == "az"
    message = only_mail_to(mail_server, "aynur@example.org")
    # The header is encoded for the journey (RFC 2047) and decodes to the Azerbaijani words.
    assert message["Subject"] == "Qeydiyyatınızı təsdiqləyin: Bakı enerji forumu"
    # Non-ASCII text travels as quoted-printable UTF-8, which any server passes on unchanged.
    assert text_part(message).get_content_charset() == "utf-8"
    assert text_part(message)["Content-Transfer-Encoding"] == "quoted-printable"
    body = plain_text(message)
    assert body.startswith("Hörmətli Aynur Məmmədova,\n\n")
    assert "Bakı enerji forumu tədbirində qeydiyyatdan keçdiyiniz üçün təşəkkür edirik." in body
    assert "Qeydiyyatı təsdiqləyin:\nhttps://conf.example/r/" in body
    assert "Bakı enerji forumu, 25–26 noyabr 2024." in body
    html_part = message.get_body(preferencelist=("html",))
    assert html_part is not None
    assert "<p>Hörmətli Aynur Məmmədova,</p>" in html_part.get_content()


def test_a_registration_in_english_is_confirmed_in_english(
    client: FlaskClient,
    runner: FlaskCliRunner,
    db: DbSession,
    forum: Event,
    mail_server: SmtpServer,
) -> None:
    client.get("/events/forum/register?lang=en")

    register_through_form(client, forum, given_name="Tural", family_name="Aliyev")
    send_mail(runner)

    message = only_mail_to(mail_server, "aynur@example.org")
    assert message["Subject"] == "Please confirm your registration: Baku energy forum"
    assert plain_text(message).startswith("Dear Tural Aliyev,\n\nThank you for registering for ")
    assert registration_of(db, "aynur@example.org").locale == "en"


def test_the_organisers_promotion_is_mailed_in_the_language_of_the_registration(
    client: FlaskClient,
    runner: FlaskCliRunner,
    db: DbSession,
    forum: Event,
    make_registration: Callable[..., Registration],
    mail_server: SmtpServer,
) -> None:
    make_registration(forum, email="seated@example.org")
    waiting = make_registration(forum, email="olga@example.org", given_name="Olga", locale="ru")
    assert waiting.status is RegistrationStatus.WAITLISTED
    forum.capacity = 2
    account(db, ORGANISER, "organiser", forum)
    db.commit()
    # The organiser reads the back-office in English: the mail still follows the registration.
    client.get("/?lang=en")
    log_in(client, ORGANISER)

    response = act(client, forum, "promote", waiting)
    send_mail(runner)

    assert response.status_code == 200
    promoted = mail_server.messages_to("olga@example.org")[-1]
    assert promoted["Subject"] == "Место за вами: Baku energy forum"
    body = plain_text(promoted)
    assert body.startswith("Здравствуйте, Olga ")
    assert "освободилось место, и оно ваше: ваша регистрация подтверждена." in body
    assert "25–26 ноября 2024\u202fг. — https://conf.example/events/forum/" in body
    calendar = [p for p in promoted.iter_attachments() if p.get_filename() == "forum.ics"]
    assert len(calendar) == 1
