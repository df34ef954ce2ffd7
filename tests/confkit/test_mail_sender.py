"""Delivering the outbox to a real SMTP server: every notice, outages, refusals, two senders."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from icalendar import Calendar
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.db import Store
from confkit.mail import sender as sender_module
from confkit.mail.outbox import Mail, enqueue
from confkit.mail.sender import (
    CLAIM_LEASE,
    SendResult,
    build_message,
    check_sender,
    default_sender,
    retry_delay,
    run_sender,
    send_pending,
)
from confkit.mail.smtp import MailConfigError, SmtpSecurity, parse_smtp_url
from confkit.models import Event, OutboxMessage, OutboxStatus, Registration
from confkit.services.seats import (
    approve_registration,
    cancel_registration,
    confirm_registration,
    reject_registration,
)
from confkit.services.signup import SignupDetails, register
from tests.factories import FIXED_NOW
from tests.smtp_server import SmtpServer

BASE_URL = "https://conf.example.org"
SENDER = "Baku conferences <confkit@conf.example.org>"
CALENDAR_NOTICES = {"confirmed", "promoted", "approved"}


def signup(db: DbSession, event: Event, given: str, family: str, email: str) -> Registration:
    details = SignupDetails(given_name=given, family_name=family, email=email)
    return register(db, event, details, base_url=BASE_URL, now=FIXED_NOW).registration


def confirmed(db: DbSession, event: Event, given: str, family: str, email: str) -> Registration:
    registration = signup(db, event, given, family, email)
    return confirm_registration(db, registration, base_url=BASE_URL, now=FIXED_NOW)


def outbox(db: DbSession) -> list[OutboxMessage]:
    db.expire_all()
    return list(db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def send(
    store: Store, server: SmtpServer, *, now: datetime | None = None, limit: int | None = None
) -> SendResult:
    return send_pending(store, server.url, sender=SENDER, now=now, limit=limit)


def parts(message: EmailMessage) -> tuple[str, str, list[EmailMessage]]:
    """The text body, the HTML body and the attachments, checking the MIME structure on the way."""
    if message.get_content_type() == "multipart/mixed":
        alternative, *attachments = message.iter_parts()
    else:
        alternative, attachments = message, []
    assert alternative.get_content_type() == "multipart/alternative"
    text, html = alternative.iter_parts()
    assert text.get_content_type() == "text/plain"
    assert html.get_content_type() == "text/html"
    # The wire has CRLF line ends, which 8bit parts keep when parsed.
    return _lf(text.get_content()), _lf(html.get_content()), list(attachments)


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def test_every_registration_notice_arrives_as_text_html_and_calendar(
    db: DbSession, store: Store, make_event: Callable[..., Event], smtp_server: SmtpServer
) -> None:
    event = make_event(name="Enerji təhlükəsizliyi seminarı", capacity=1)
    vetted = make_event(name="Closed round table", registration_mode="approval")
    first = confirmed(db, event, "Aynur", "Məmmədova", "aynur@example.az")
    second = confirmed(db, event, "Oleksandr", "Коваленко", "oleksandr@example.org")
    cancel_registration(db, first, base_url=BASE_URL, now=FIXED_NOW)
    approved = confirmed(db, vetted, "Burcu", "San", "burcu@example.org")
    approve_registration(db, approved, actor="organiser", base_url=BASE_URL, now=FIXED_NOW)
    rejected = confirmed(db, vetted, "Jean", "Dupont", "jean@example.org")
    reject_registration(db, rejected, actor="organiser", base_url=BASE_URL, now=FIXED_NOW)
    db.commit()
    stored = outbox(db)
    assert {m.kind for m in stored} >= {
        "confirm_request", "confirmed", "waitlisted", "promoted", "cancelled",
        "awaiting_approval", "approved", "rejected",
    }  # fmt: skip
    assert second.status.value == "confirmed"

    result = send(store, smtp_server, now=FIXED_NOW)

    assert result == SendResult(sent=len(stored), failed=0, deferred=0, waiting=0)
    assert smtp_server.count_by_message_id() == {m.message_id: 1 for m in stored}
    # One connection carried the whole batch.
    assert len({received.peer for received in smtp_server.received}) == 1
    by_id = {str(r.message["Message-ID"]): r for r in smtp_server.received}
    for message in stored:
        received = by_id[message.message_id]
        mail = received.message
        assert received.mail_from == "confkit@conf.example.org"
        assert received.rcpt_tos == (message.recipient,)
        assert str(mail["From"]) == SENDER
        assert str(mail["To"]) == message.recipient
        assert str(mail["Subject"]) == message.subject
        assert mail["Date"].datetime == message.created_at == FIXED_NOW
        assert str(mail["Auto-Submitted"]) == "auto-generated"
        text, html, attachments = parts(mail)
        assert text.rstrip("\n") == message.text_body
        assert html.rstrip("\n") == message.html_body
        if message.kind not in CALENDAR_NOTICES:
            assert attachments == []
            continue
        (ics,) = attachments
        assert ics.get_content_type() == "text/calendar"
        assert ics.get_param("method") == "PUBLISH"
        assert ics.get_content_charset() == "utf-8"
        assert ics.get_filename().endswith(".ics")
        calendar = Calendar.from_ical(ics.get_content())
        assert str(calendar["METHOD"]) == "PUBLISH"
        (vevent,) = calendar.walk("VEVENT")
        assert str(vevent["SUMMARY"]) in {event.name, vetted.name}
    # The non-ASCII subject travelled encoded and came back whole.
    assert any("təhlükəsizliyi" in str(m["Subject"]) for m in smtp_server.messages)
    for message in outbox(db):
        assert (message.status, message.attempts, message.sent_at) == (
            OutboxStatus.SENT,
            1,
            FIXED_NOW,
        )
        assert message.last_error == ""
    assert send(store, smtp_server, now=FIXED_NOW) == SendResult()
    assert len(smtp_server.messages) == len(stored)


def test_an_outage_delays_mail_for_days_and_loses_none(
    db: DbSession, store: Store, make_event: Callable[..., Event], smtp_server: SmtpServer
) -> None:
    smtp_server.stop()
    event = make_event()
    for n in range(3):
        signup(db, event, f"Given{n}", "Family", f"person{n}@example.org")
    db.commit()

    result = send(store, smtp_server, now=FIXED_NOW)

    assert (result.sent, result.failed, result.deferred, result.waiting) == (0, 0, 3, 3)
    (problem,) = result.problems
    assert problem.startswith(f"cannot connect to {smtp_server.url}:")
    for message in outbox(db):
        assert message.status is OutboxStatus.PENDING
        assert message.attempts == 1
        assert message.next_attempt_at == FIXED_NOW + timedelta(minutes=1)
        assert "cannot connect" in message.last_error
    # Before the next try is due, nothing is attempted.
    early = send(store, smtp_server, now=FIXED_NOW + timedelta(seconds=59))
    assert (early.deferred, early.waiting) == (0, 3)
    assert {m.attempts for m in outbox(db)} == {1}

    # Days of outage: each try waits twice as long as the last, up to an hour, and never stops.
    moment = FIXED_NOW
    for attempts in range(2, 60):
        moment = outbox(db)[0].next_attempt_at
        assert send(store, smtp_server, now=moment).deferred == 3
        messages = outbox(db)
        assert {m.attempts for m in messages} == {attempts}
        assert {m.next_attempt_at - moment for m in messages} == {retry_delay(attempts)}
    assert moment - FIXED_NOW > timedelta(days=2)
    assert retry_delay(59) == timedelta(hours=1)

    smtp_server.start()
    later = moment + timedelta(hours=1)
    delivered = send(store, smtp_server, now=later)

    assert (delivered.sent, delivered.deferred, delivered.waiting) == (3, 0, 0)
    messages = outbox(db)
    assert smtp_server.count_by_message_id() == {m.message_id: 1 for m in messages}
    # The retry is the same message: its Date is when it was written, not when it finally left.
    assert {m["Date"].datetime for m in smtp_server.messages} == {FIXED_NOW}
    assert {(m.status, m.sent_at, m.attempts) for m in messages} == {(OutboxStatus.SENT, later, 60)}
    assert send(store, smtp_server, now=later + timedelta(days=1)) == SendResult()
    assert len(smtp_server.messages) == 3


def test_back_off_starts_at_a_minute_and_doubles_up_to_an_hour() -> None:
    assert [retry_delay(n).total_seconds() / 60 for n in range(1, 9)] == [
        1, 2, 4, 8, 16, 32, 60, 60,
    ]  # fmt: skip
    assert retry_delay(10**9) == timedelta(hours=1)


def test_a_server_that_comes_back_mid_run_is_not_needed_twice(
    db: DbSession, store: Store, make_event: Callable[..., Event], smtp_server: SmtpServer
) -> None:
    # One connection failure puts the rest of the run off too, instead of a timeout each.
    event = make_event()
    signup(db, event, "Ayla", "Quliyeva", "ayla@example.org")
    signup(db, event, "Elvin", "Həsənov", "elvin@example.org")
    db.commit()
    smtp_server.stop()
    result = send(store, smtp_server, now=FIXED_NOW, limit=1)
    assert (result.deferred, result.waiting) == (1, 2)
    smtp_server.start()
    # The other message was never tried and is still due.
    result = send(store, smtp_server, now=FIXED_NOW)
    assert (result.sent, result.deferred, result.waiting) == (1, 0, 1)
    result = send(store, smtp_server, now=FIXED_NOW + timedelta(minutes=1))
    assert (result.sent, result.waiting) == (1, 0)
    assert sorted(smtp_server.count_by_message_id().values()) == [1, 1]


def test_a_connection_the_server_closed_is_opened_again(
    db: DbSession, store: Store, make_event: Callable[..., Event], smtp_server: SmtpServer
) -> None:
    event = make_event()
    for n in range(3):
        signup(db, event, f"Given{n}", "Family", f"person{n}@example.org")
    db.commit()
    smtp_server.handler.hang_up_after_data = True

    result = send(store, smtp_server, now=FIXED_NOW)

    assert (result.sent, result.deferred, result.problems) == (3, 0, ())
    assert len({received.peer for received in smtp_server.received}) == 3
    assert sorted(smtp_server.count_by_message_id().values()) == [1, 1, 1]


def test_a_sender_that_dies_before_marking_loses_nothing(
    db: DbSession,
    store: Store,
    make_event: Callable[..., Event],
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    signup(db, make_event(), "Lost", "Acknowledgement", "lost.ack@example.org")
    db.commit()

    def power_cut(*_: object) -> None:
        raise SystemExit("the sender's machine went down")

    # The server has the message, but the sender never gets to write that down.
    with monkeypatch.context() as patch:
        patch.setattr(sender_module, "_record", power_cut)
        with pytest.raises(SystemExit):
            send(store, smtp_server, now=FIXED_NOW)
    (message,) = outbox(db)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)
    # Claimed by the dead sender: no other sender takes it until the claim runs out ...
    assert send(store, smtp_server, now=FIXED_NOW + CLAIM_LEASE / 2).sent == 0
    # ... and then it goes again, as the same message.
    assert send(store, smtp_server, now=FIXED_NOW + CLAIM_LEASE).sent == 1
    assert smtp_server.count_by_message_id() == {message.message_id: 2}
    assert outbox(db)[0].status is OutboxStatus.SENT


@pytest.mark.parametrize(
    ("stage", "reply", "status"),
    [
        ("rcpt", "550 5.1.1 No such user here", OutboxStatus.FAILED),
        ("rcpt", "450 4.2.1 Mailbox busy, try later", OutboxStatus.PENDING),
        ("data", "554 5.6.0 Message content rejected", OutboxStatus.FAILED),
        ("data", "451 4.3.0 Temporary local problem", OutboxStatus.PENDING),
    ],
)
def test_a_refusal_fails_or_defers_by_its_code(
    db: DbSession,
    store: Store,
    make_event: Callable[..., Event],
    smtp_server: SmtpServer,
    stage: str,
    reply: str,
    status: OutboxStatus,
) -> None:
    event = make_event()
    if stage == "rcpt":
        # Sent first, so the refusal comes on a connection already used.
        signup(db, event, "Welcome", "Person", "welcome@example.org")
        smtp_server.refuse("refused@example.org", reply)
    else:
        smtp_server.refuse_data(reply)
    signup(db, event, "Refused", "Person", "refused@example.org")
    db.commit()

    result = send(store, smtp_server, now=FIXED_NOW)

    (message,) = [m for m in outbox(db) if m.recipient == "refused@example.org"]
    assert message.status is status
    assert message.attempts == 1
    assert message.sent_at is None
    assert reply in message.last_error
    assert result.problems == (
        (f"refused@example.org: {message.last_error}",)
        if status is OutboxStatus.FAILED
        else (message.last_error,)
    )
    if status is OutboxStatus.FAILED:
        assert (result.failed, result.deferred) == (1, 0)
        assert message.next_attempt_at == FIXED_NOW
    else:
        assert (result.failed, result.deferred) == (0, 1)
        assert message.next_attempt_at == FIXED_NOW + timedelta(minutes=1)
    # Asked once: a refusal is an answer, not a broken connection to try again on.
    assert smtp_server.handler.rcpt_attempts.count("refused@example.org") == 1
    if stage == "rcpt":
        assert result.sent == 1
        assert [str(m["To"]) for m in smtp_server.messages] == ["welcome@example.org"]
    # A refusal is final; a deferral is tried again when due, and then gets through.
    smtp_server.handler.recipient_replies.clear()
    smtp_server.refuse_data(None)
    again = send(store, smtp_server, now=FIXED_NOW + timedelta(minutes=1))
    assert again.sent == (1 if status is OutboxStatus.PENDING else 0)
    assert len(smtp_server.messages_to("refused@example.org")) == again.sent


def test_a_non_ascii_address_travels_with_smtputf8(
    db: DbSession, store: Store, make_event: Callable[..., Event], smtp_server: SmtpServer
) -> None:
    event = make_event()
    signup(db, event, "Gülnarə", "Əliyeva", "gülnarə@bakı.example")
    db.commit()
    assert send(store, smtp_server, now=FIXED_NOW).sent == 1
    (received,) = smtp_server.received
    assert received.rcpt_tos == ("gülnarə@bakı.example",)
    assert str(received.message["To"]) == "gülnarə@bakı.example"


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("?starttls=1", "STARTTLS extension not supported"),
        ("", "SMTP AUTH extension not supported"),
    ],
)
def test_a_server_that_cannot_secure_or_log_in_keeps_the_mail(
    db: DbSession,
    store: Store,
    make_event: Callable[..., Event],
    smtp_server: SmtpServer,
    query: str,
    reason: str,
) -> None:
    event = make_event()
    signup(db, event, "Kept", "Back", "kept@example.org")
    db.commit()
    user = "" if query else "sender:secret@"
    url = f"smtp://{user}127.0.0.1:{smtp_server.port}{query}"

    result = send_pending(store, url, sender=SENDER, now=FIXED_NOW)

    assert (result.sent, result.deferred, result.waiting) == (0, 1, 1)
    (problem,) = result.problems
    assert reason in problem
    assert "secret" not in problem
    assert smtp_server.messages == []


def test_bad_settings_are_refused_before_the_outbox_is_touched(
    db: DbSession, store: Store, make_event: Callable[..., Event], smtp_server: SmtpServer
) -> None:
    signup(db, make_event(), "Not", "Touched", "not.touched@example.org")
    db.commit()
    with pytest.raises(MailConfigError, match="smtp:// or smtps://"):
        send_pending(store, "http://127.0.0.1:25", sender=SENDER)
    with pytest.raises(MailConfigError, match="invalid sender address"):
        send_pending(store, smtp_server.url, sender="not an address")
    (message,) = outbox(db)
    assert (message.attempts, message.next_attempt_at) == (0, FIXED_NOW)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://127.0.0.1:8025", ("127.0.0.1", 8025, SmtpSecurity.NONE, None, None)),
        ("smtp://mail.example.org", ("mail.example.org", 25, SmtpSecurity.NONE, None, None)),
        ("smtps://mail.example.org", ("mail.example.org", 465, SmtpSecurity.TLS, None, None)),
        (
            "smtp://conf%40example.org:p%3As%2Fs@mail.example.org:587?starttls=1",
            ("mail.example.org", 587, SmtpSecurity.STARTTLS, "conf@example.org", "p:s/s"),
        ),
        ("SMTP://[::1]:2525/?starttls=0", ("::1", 2525, SmtpSecurity.NONE, None, None)),
    ],
)
def test_smtp_urls(url: str, expected: tuple[object, ...]) -> None:
    settings = parse_smtp_url(url)
    assert (
        settings.host,
        settings.port,
        settings.security,
        settings.username,
        settings.password,
    ) == expected
    assert "p:s/s" not in repr(settings)
    assert "p:s/s" not in settings.describe()


def test_smtp_url_timeout() -> None:
    assert parse_smtp_url("smtp://h?timeout=2.5").timeout == 2.5
    assert parse_smtp_url("smtp://h").timeout == 30


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://mail.example.org", "must start with smtp:// or smtps://"),
        ("mail.example.org:25", "must start with smtp:// or smtps://"),
        ("smtp://", "names no host"),
        ("smtp://:25", "names no host"),
        ("smtp://mail.example.org:99999", "out of range"),
        ("smtp://mail.example.org:port", "invalid SMTP URL"),
        ("smtp://mail.example.org/inbox", "only a host, a port and options"),
        ("smtp://mail.example.org?tls=1", "unknown option 'tls'"),
        ("smtp://mail.example.org?starttls=maybe", "starttls must be 1 or 0"),
        ("smtps://mail.example.org?starttls=1", "TLS already"),
        ("smtp://mail.example.org?timeout=0", "timeout must be"),
    ],
)
def test_bad_smtp_urls_say_what_is_wrong(url: str, says: str) -> None:
    with pytest.raises(MailConfigError, match=says):
        parse_smtp_url(url)


def test_sender_addresses() -> None:
    assert check_sender("confkit@conf.example.org") == "confkit@conf.example.org"
    assert check_sender(SENDER) == SENDER
    assert default_sender("https://conf.example.org/baku/") == "confkit@conf.example.org"
    assert default_sender(None) == "confkit@localhost"
    for bad in ("", "confkit", "a@example.org, b@example.org", "<@>"):
        with pytest.raises(MailConfigError):
            check_sender(bad)


def test_build_message_keeps_the_stored_identity() -> None:
    message = OutboxMessage(
        message_id="<fixed@conf.example.org>",
        recipient="anar@example.org",
        subject="Qeydiyyat təsdiqləndi: «Baku»",
        text_body="Salam,\n\nçox sağ olun.",
        html_body="<p>Salam</p>",
        attachments=[
            {"filename": "notes.txt", "content_type": "text/plain", "content": "ə"},
            {"filename": "data.bin", "content_type": "application/octet-stream", "content": "x"},
        ],
        created_at=datetime(2024, 11, 20, 8, 30, tzinfo=UTC),
    )
    mail = build_message(message, sender=SENDER)
    wire = mail.as_bytes()
    assert wire.isascii()
    assert b"Message-ID: <fixed@conf.example.org>" in wire
    assert b"Date: Wed, 20 Nov 2024 08:30:00 +0000" in wire
    _, _, attachments = parts(mail)
    assert [(a.get_content_type(), a.get_filename()) for a in attachments] == [
        ("text/plain", "notes.txt"),
        ("application/octet-stream", "data.bin"),
    ]
    assert attachments[0].get_content() == "ə\n"
    assert attachments[1].get_content() == b"x"


def test_a_message_that_cannot_be_built_is_failed_not_retried(
    db: DbSession, store: Store, smtp_server: SmtpServer
) -> None:
    mail = Mail(
        recipient="broken@example.org",
        subject="Line\nbreak",
        text_body="text",
        html_body="<p>html</p>",
    )
    enqueue(db, mail, kind="test", host="conf.example.org", now=FIXED_NOW)
    db.commit()
    result = send(store, smtp_server, now=FIXED_NOW)
    assert (result.failed, result.waiting) == (1, 0)
    (message,) = outbox(db)
    assert message.status is OutboxStatus.FAILED
    assert message.last_error.startswith("cannot build the message:")


def test_run_sender_sends_until_stopped(
    db: DbSession, store: Store, make_event: Callable[..., Event], smtp_server: SmtpServer
) -> None:
    signup(db, make_event(), "Watched", "Outbox", "watched@example.org")
    db.commit()
    stop = threading.Event()
    results: list[SendResult] = []

    def collect(result: SendResult) -> None:
        results.append(result)
        stop.set()

    run_sender(store, smtp_server.url, sender=SENDER, interval=60, stop=stop, on_result=collect)

    assert results == [SendResult(sent=1)]
    assert len(smtp_server.messages_to("watched@example.org")) == 1


# Two senders on separate PostgreSQL connections, committing for real.

MESSAGES = 40


@pytest.fixture
def committed_outbox(engine: Engine) -> Iterator[list[str]]:
    """Committed outbox messages that separate connections can see; removed afterwards."""
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter: SQLite serialises writers by itself")
    store = Store(engine)
    with store.transaction() as db:
        messages = [
            enqueue(
                db,
                Mail(f"racer{n}@example.org", f"Message {n}", f"Body {n}", f"<p>Body {n}</p>"),
                kind="test",
                host="conf.example.org",
                now=clock.now(),
            )
            for n in range(MESSAGES)
        ]
    ids = [m.message_id for m in messages]
    yield ids
    with store.transaction() as db:
        db.execute(delete(OutboxMessage).where(OutboxMessage.message_id.in_(ids)))


@pytest.mark.postgres_only
def test_two_senders_at_once_deliver_each_message_once(
    engine: Engine, committed_outbox: list[str], smtp_server: SmtpServer
) -> None:
    smtp_server.handler.delay = 0.01
    start = threading.Barrier(2)
    outcomes: dict[str, SendResult | BaseException] = {}

    def run(name: str) -> None:
        try:
            start.wait(10)
            outcomes[name] = send_pending(Store(engine), smtp_server.url, sender=SENDER)
        except BaseException as error:  # noqa: BLE001 - reported to the main thread
            outcomes[name] = error

    threads = [threading.Thread(target=run, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    results = list(outcomes.values())
    assert all(isinstance(r, SendResult) for r in results), results
    sent = [r.sent for r in results if isinstance(r, SendResult)]
    assert sum(sent) == MESSAGES
    # Both took part: the test really had them racing for the same rows.
    assert min(sent) > 0
    counts = smtp_server.count_by_message_id()
    assert {i: counts[i] for i in committed_outbox} == dict.fromkeys(committed_outbox, 1)
    with Store(engine).session() as db:
        statuses = db.scalars(
            select(OutboxMessage.status).where(OutboxMessage.message_id.in_(committed_outbox))
        ).all()
    assert set(statuses) == {OutboxStatus.SENT}
