"""Delivering the outbox over SMTP, with retries, by any number of senders at once.

A sender claims one due message at a time: a single conditional UPDATE moves its next attempt a
lease ahead and commits, so no other sender sees it as due. On PostgreSQL the UPDATE picks its row
with ``FOR UPDATE SKIP LOCKED``, so senders never wait for each other; SQLite lets one writer at a
time through. No transaction stays open while the SMTP server is talking.

Only after the server has accepted a message is it marked sent, in its own commit. A sender that
dies in between leaves the message pending and its lease runs out, so the message is sent again,
with the same Message-ID: mail may in rare cases arrive twice, but it is never lost.
A server that cannot be reached, or answers 4xx, delays a message with a growing back-off and no
limit; only a permanent (5xx) refusal of the message itself gives up on it.
"""

from __future__ import annotations

import smtplib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from sqlalchemy import func, select, update

from confkit import clock
from confkit.db import Store
from confkit.mail.compose import mail_host
from confkit.mail.smtp import (
    MailConfigError,
    SmtpSettings,
    SmtpUnavailable,
    connect,
    describe,
    parse_smtp_url,
    reply_text,
)
from confkit.models import OutboxMessage, OutboxStatus

FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
# Longer than any single delivery can take with the default SMTP timeout, so a lease only runs
# out when its sender has died; a longer timeout lengthens it (see ``_lease``).
CLAIM_LEASE = timedelta(minutes=15)
# Network operations of one delivery, at most: connect, greet, secure, log in, the envelope and
# the data, and all of it once more after a reconnection.
_OPERATIONS_PER_DELIVERY = 20
# A stored reason is for a person to read, not a transcript.
_REASON_LIMIT = 1000


@dataclass(frozen=True)
class SendResult:
    """What one run did: messages sent, refused for good (failed), put back for a later try
    (deferred), the messages still pending in the outbox afterwards (waiting), and each distinct
    reason for a deferral or a refusal, in the order met."""

    sent: int = 0
    failed: int = 0
    deferred: int = 0
    waiting: int = 0
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Outcome:
    status: OutboxStatus
    reason: str = ""


_SENT = _Outcome(OutboxStatus.SENT)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: 1 minute, doubling, at most 1 hour."""
    # Capping the exponent keeps the arithmetic small after days of outage.
    doublings = min(max(attempts - 1, 0), 16)
    return min(FIRST_RETRY * (1 << doublings), LONGEST_RETRY)


def default_sender(base_url: str | None) -> str:
    """The From address when none is configured: ``confkit@`` the host of the site."""
    return f"confkit@{mail_host(base_url or '')}"


def check_sender(sender: str) -> str:
    """``sender`` if it is one usable address (``a@b`` or ``Name <a@b>``); raises
    MailConfigError otherwise."""
    probe = EmailMessage()
    try:
        probe["From"] = sender
        header = probe["From"]
        addresses = header.addresses
    except (ValueError, IndexError) as error:
        raise MailConfigError(f"invalid sender address {sender!r}: {error}") from None
    if len(addresses) != 1 or header.defects or not addresses[0].domain:
        raise MailConfigError(f"invalid sender address {sender!r}: give one address, a@b")
    return sender


def build_message(message: OutboxMessage, *, sender: str) -> EmailMessage:
    """The stored message as an email: text and HTML alternatives, then the attachments.

    Message-ID and Date come from the outbox, so a message sent again is the same message.
    Raises ValueError for content no email can carry.
    """
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    mail["Date"] = message.created_at
    mail["Message-ID"] = message.message_id
    # RFC 3834: asks vacation responders not to answer a notification.
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.text_body, cte=_transfer_encoding(message.text_body))
    mail.add_alternative(
        message.html_body, subtype="html", cte=_transfer_encoding(message.html_body)
    )
    for attachment in message.attachments:
        _attach(mail, attachment)
    return mail


def send_pending(
    store: Store,
    smtp: str | SmtpSettings,
    *,
    sender: str,
    now: datetime | None = None,
    limit: int | None = None,
) -> SendResult:
    """Send the messages due at ``now`` (default: the clock), up to ``limit``, over one SMTP
    connection, committing each outcome on its own.

    Safe to run in several processes at once: each message is claimed by one run only.
    Raises MailConfigError for a bad SMTP URL or sender before touching the outbox.
    """
    settings = smtp if isinstance(smtp, SmtpSettings) else parse_smtp_url(smtp)
    from_address = check_sender(sender)
    current: Callable[[], datetime] = clock.now if now is None else (lambda: now)
    # Due means due when the run started: a message put back during the run waits for the
    # next one, so every run ends.
    started = current()
    counts = {OutboxStatus.SENT: 0, OutboxStatus.FAILED: 0, OutboxStatus.PENDING: 0}
    problems: dict[str, None] = {}
    relay = _Relay(settings)
    try:
        while limit is None or sum(counts.values()) < limit:
            message = _claim(store, due_by=started, lease_until=current() + _lease(settings))
            if message is None:
                break
            outcome = _deliver(relay, message, from_address)
            _record(store, message, outcome, current())
            counts[outcome.status] += 1
            if outcome.status is OutboxStatus.FAILED:
                problems[f"{message.recipient}: {outcome.reason}"] = None
            elif outcome.status is OutboxStatus.PENDING:
                problems[outcome.reason] = None
    finally:
        relay.close()
    return SendResult(
        sent=counts[OutboxStatus.SENT],
        failed=counts[OutboxStatus.FAILED],
        deferred=counts[OutboxStatus.PENDING],
        waiting=count_pending(store),
        problems=tuple(problems),
    )


def run_sender(
    store: Store,
    smtp: str | SmtpSettings,
    *,
    sender: str,
    interval: float = 30.0,
    stop: threading.Event | None = None,
    on_result: Callable[[SendResult], None] | None = None,
) -> None:
    """Send what is due now and again every ``interval`` seconds, until ``stop`` is set.

    Raises MailConfigError for a bad SMTP URL or sender before the first run.
    """
    settings = smtp if isinstance(smtp, SmtpSettings) else parse_smtp_url(smtp)
    check_sender(sender)
    halt = stop or threading.Event()
    while not halt.is_set():
        result = send_pending(store, settings, sender=sender)
        if on_result is not None:
            on_result(result)
        halt.wait(interval)


def count_pending(store: Store) -> int:
    """How many messages wait in the outbox, due or not."""
    with store.transaction() as db:
        return (
            db.scalar(select(func.count()).where(OutboxMessage.status == OutboxStatus.PENDING)) or 0
        )


def pending_messages(store: Store) -> list[OutboxMessage]:
    """The messages waiting in the outbox, oldest first."""
    with store.transaction() as db:
        return list(
            db.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.status == OutboxStatus.PENDING)
                .order_by(OutboxMessage.created_at, OutboxMessage.id)
            )
        )


class _Relay:
    """The SMTP connection of one run: opened on first use, reused for every message after."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        # Once the server cannot be reached, the rest of the run waits too, without trying
        # (and timing out) once per message.
        self._unavailable: str | None = None

    def send(self, mail: EmailMessage, recipient: str) -> _Outcome:
        if self._unavailable is not None:
            return _Outcome(OutboxStatus.PENDING, self._unavailable)
        try:
            self._send(mail, recipient)
        except SmtpUnavailable as error:
            self._unavailable = str(error)
            return _Outcome(OutboxStatus.PENDING, self._unavailable)
        except smtplib.SMTPRecipientsRefused as error:
            code, text = error.recipients.get(recipient) or next(iter(error.recipients.values()))
            return _by_code(code, f"the server refused the recipient: {reply_text(code, text)}")
        except smtplib.SMTPSenderRefused as error:
            # The sender address is ours, the same for every message: keep the mail until the
            # configuration is fixed.
            return _Outcome(
                OutboxStatus.PENDING,
                f"the server refused the sender {error.sender}: {describe(error)}",
            )
        except smtplib.SMTPDataError as error:
            return _by_code(error.smtp_code, f"the server refused the message: {describe(error)}")
        except smtplib.SMTPNotSupportedError as error:
            # Raised before anything is sent, for a non-ASCII address the server cannot take.
            return _Outcome(OutboxStatus.FAILED, describe(error))
        except OSError as error:
            self._drop()
            what = "lost the connection to" if _lost_connection(error) else "unexpected reply from"
            return _Outcome(
                OutboxStatus.PENDING, f"{what} {self.settings.describe()}: {describe(error)}"
            )
        finally:
            # smtplib closes the socket itself after a 421 ("closing the channel").
            if self._smtp is not None and self._smtp.sock is None:
                self._smtp = None
        return _SENT

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()

    def _send(self, mail: EmailMessage, recipient: str) -> None:
        reused = self._smtp is not None
        smtp = self._smtp or self._connect()
        try:
            smtp.send_message(mail, to_addrs=[recipient])
        except OSError as error:
            if not _lost_connection(error):
                raise
            self._drop()
            if not reused:
                raise
            # Servers close connections that idle or carried many messages: one new try.
            self._connect().send_message(mail, to_addrs=[recipient])

    def _connect(self) -> smtplib.SMTP:
        self._smtp = connect(self.settings)
        return self._smtp

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()


def _lost_connection(error: OSError) -> bool:
    # Every SMTPException is an OSError too; of those, only a disconnection means the line.
    return isinstance(error, smtplib.SMTPServerDisconnected) or not isinstance(
        error, smtplib.SMTPException
    )


def _deliver(relay: _Relay, message: OutboxMessage, sender: str) -> _Outcome:
    try:
        mail = build_message(message, sender=sender)
    except (ValueError, KeyError, TypeError) as error:
        # Trying again would build the same broken message.
        return _Outcome(OutboxStatus.FAILED, f"cannot build the message: {error}")
    return relay.send(mail, message.recipient)


def _lease(settings: SmtpSettings) -> timedelta:
    return max(CLAIM_LEASE, timedelta(seconds=settings.timeout * _OPERATIONS_PER_DELIVERY))


def _by_code(code: int, reason: str) -> _Outcome:
    permanent = 500 <= code < 600
    return _Outcome(OutboxStatus.FAILED if permanent else OutboxStatus.PENDING, reason)


def _attach(mail: EmailMessage, attachment: Mapping[str, Any]) -> None:
    content_type = default_policy.header_factory("Content-Type", attachment["content_type"])
    params = {k: v for k, v in content_type.params.items() if k.lower() != "charset"}
    content: str = attachment["content"]
    filename: str = attachment["filename"]
    if content_type.maintype == "text":
        # The text content manager sets charset=utf-8 itself.
        mail.add_attachment(
            content,
            subtype=content_type.subtype,
            filename=filename,
            params=params,
            cte=_transfer_encoding(content),
        )
    else:
        mail.add_attachment(
            content.encode(),
            maintype=content_type.maintype,
            subtype=content_type.subtype,
            filename=filename,
            params=params,
        )


def _transfer_encoding(text: str) -> str | None:
    # The stdlib would send non-ASCII text as 8bit, which a server without 8BITMIME may
    # mangle; quoted-printable keeps mostly-Latin text readable. None lets it choose for ASCII.
    return None if text.isascii() else "quoted-printable"


def _claim(store: Store, *, due_by: datetime, lease_until: datetime) -> OutboxMessage | None:
    """Take the oldest due message for this run, or None when nothing is due."""
    oldest_due = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= due_by,
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    with store.transaction() as db:
        return db.scalars(
            update(OutboxMessage)
            .where(OutboxMessage.id == oldest_due)
            .values(next_attempt_at=lease_until)
            .returning(OutboxMessage)
            .execution_options(synchronize_session=False)
        ).one_or_none()


def _record(store: Store, message: OutboxMessage, outcome: _Outcome, at: datetime) -> None:
    attempts = message.attempts + 1
    retrying = outcome.status is OutboxStatus.PENDING
    values: dict[str, Any] = {
        "status": outcome.status,
        "attempts": attempts,
        # A message that is done keeps the time of its last try, not the lease of its claim.
        "next_attempt_at": at + retry_delay(attempts) if retrying else at,
        "last_error": outcome.reason[:_REASON_LIMIT],
    }
    if outcome.status is OutboxStatus.SENT:
        values["sent_at"] = at
    with store.transaction() as db:
        db.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
