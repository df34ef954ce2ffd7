"""``confkit mail send`` against a real SMTP server, on the suite's database."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from confkit.models import Event, OutboxMessage, OutboxStatus
from confkit.services.signup import SignupDetails, register
from tests.factories import FIXED_NOW
from tests.smtp_server import SmtpServer
from webapp.cli import cli

BASE_URL = "https://conf.example.org"


@pytest.fixture
def waiting_mail(db: DbSession, make_event: Callable[..., Event]) -> list[OutboxMessage]:
    """Two confirmation requests in the outbox, committed for the command's sessions."""
    event = make_event(name="Baku workshop")
    for given, email in (("Nigar", "nigar@example.org"), ("Tural", "tural@example.org")):
        details = SignupDetails(given_name=given, family_name="Rzayev", email=email)
        register(db, event, details, base_url=BASE_URL, now=FIXED_NOW)
    db.commit()
    return outbox(db)


def outbox(db: DbSession) -> list[OutboxMessage]:
    db.expire_all()
    return list(db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def mail_send(runner: FlaskCliRunner, *arguments: str) -> Result:
    return runner.invoke(cli, ["mail", "send", *arguments])


def test_without_an_smtp_url_mail_stays_in_the_outbox_and_is_listed(
    runner: FlaskCliRunner, db: DbSession, waiting_mail: list[OutboxMessage]
) -> None:
    result = mail_send(runner)

    assert result.exit_code == 0, result.output
    assert "CONFKIT_SMTP_URL is not set: 2 message(s) stay in the outbox" in result.stdout
    for message in waiting_mail:
        assert f"Unsent: to {message.recipient}: {message.subject}" in result.stderr
    assert [(m.status, m.attempts) for m in outbox(db)] == [(OutboxStatus.PENDING, 0)] * 2


def test_send_delivers_and_summarises(
    app: Flask,
    runner: FlaskCliRunner,
    db: DbSession,
    waiting_mail: list[OutboxMessage],
    smtp_server: SmtpServer,
) -> None:
    app.config.update(CONFKIT_SMTP_URL=smtp_server.url, CONFKIT_BASE_URL=BASE_URL)

    result = mail_send(runner)

    assert result.exit_code == 0, result.output
    assert result.stdout == "2 sent, 0 waiting for a retry, 0 refused\n"
    assert result.stderr == ""
    assert smtp_server.count_by_message_id() == {m.message_id: 1 for m in waiting_mail}
    assert {r.mail_from for r in smtp_server.received} == {"confkit@conf.example.org"}
    assert {m.status for m in outbox(db)} == {OutboxStatus.SENT}
    again = mail_send(runner)
    assert again.stdout == "0 sent, 0 waiting for a retry, 0 refused\n"
    assert len(smtp_server.messages) == 2


def test_the_sender_address_comes_from_the_option_or_the_config(
    app: Flask,
    runner: FlaskCliRunner,
    db: DbSession,
    make_event: Callable[..., Event],
    smtp_server: SmtpServer,
) -> None:
    app.config.update(
        CONFKIT_SMTP_URL=smtp_server.url, CONFKIT_MAIL_FROM="Conference <office@example.az>"
    )
    event = make_event()
    for email in ("first@example.org", "second@example.org"):
        details = SignupDetails(given_name="Leyla", family_name="Hüseynova", email=email)
        register(db, event, details, base_url=BASE_URL, now=FIXED_NOW)
        db.commit()
        options = ["--from", "desk@example.az"] if email.startswith("second") else []
        assert mail_send(runner, *options).exit_code == 0
    assert [str(m["From"]) for m in smtp_server.messages] == [
        "Conference <office@example.az>",
        "desk@example.az",
    ]


def test_an_unreachable_server_is_one_line_and_the_mail_waits(
    app: Flask,
    runner: FlaskCliRunner,
    db: DbSession,
    waiting_mail: list[OutboxMessage],
    smtp_server: SmtpServer,
) -> None:
    app.config["CONFKIT_SMTP_URL"] = smtp_server.url
    smtp_server.stop()

    result = mail_send(runner)

    assert result.exit_code == 0, result.output
    assert result.stdout == "0 sent, 2 waiting for a retry, 0 refused\n"
    (warning,) = result.stderr.splitlines()
    assert warning.startswith(f"Warning: cannot connect to {smtp_server.url}: ")
    assert "Traceback" not in result.output
    assert [(m.status, m.attempts) for m in outbox(db)] == [(OutboxStatus.PENDING, 1)] * 2
    # Back at once: the messages wait for their next try, and the command does not block.
    smtp_server.start()
    again = mail_send(runner)
    assert again.stdout == "0 sent, 2 waiting for a retry, 0 refused\n"
    assert smtp_server.messages == []


def test_a_refused_recipient_is_named(
    app: Flask,
    runner: FlaskCliRunner,
    db: DbSession,
    waiting_mail: list[OutboxMessage],
    smtp_server: SmtpServer,
) -> None:
    app.config["CONFKIT_SMTP_URL"] = smtp_server.url
    smtp_server.refuse("nigar@example.org", "550 5.1.1 Unknown mailbox")

    result = mail_send(runner)

    assert result.exit_code == 0, result.output
    assert result.stdout == "1 sent, 0 waiting for a retry, 1 refused\n"
    assert result.stderr == (
        "Warning: nigar@example.org: the server refused the recipient: 550 5.1.1 Unknown mailbox\n"
    )
    statuses = {m.recipient: m.status for m in outbox(db)}
    assert statuses == {
        "nigar@example.org": OutboxStatus.FAILED,
        "tural@example.org": OutboxStatus.SENT,
    }


@pytest.mark.parametrize(
    ("setting", "value", "says"),
    [
        ("CONFKIT_SMTP_URL", "smtp//127.0.0.1:8025", "invalid SMTP URL 'smtp//127.0.0.1:8025'"),
        ("CONFKIT_SMTP_URL", "smtp://127.0.0.1:8025?ssl=1", "unknown option 'ssl'"),
        ("CONFKIT_MAIL_FROM", "office at example.az", "invalid sender address"),
    ],
)
def test_bad_settings_fail_in_one_line(
    app: Flask,
    runner: FlaskCliRunner,
    db: DbSession,
    waiting_mail: list[OutboxMessage],
    setting: str,
    value: str,
    says: str,
) -> None:
    app.config.update(CONFKIT_SMTP_URL="smtp://127.0.0.1:8025")
    app.config[setting] = value

    result = mail_send(runner)

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    (line,) = result.output.splitlines()
    assert line.startswith("Error: ")
    assert says in line
    assert [m.attempts for m in outbox(db)] == [0, 0]


def test_the_watch_interval_must_be_a_second_or_more(runner: FlaskCliRunner) -> None:
    result = mail_send(runner, "--watch", "--interval", "0")
    assert result.exit_code == 2
    assert "Invalid value for '--interval'" in result.output
