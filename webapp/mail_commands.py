"""``confkit mail send``: deliver the mail waiting in the outbox over the configured SMTP server."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from confkit import clock
from confkit.db import Store
from confkit.mail.sender import (
    SendResult,
    check_sender,
    default_sender,
    pending_messages,
    run_sender,
    send_pending,
)
from confkit.mail.smtp import MailConfigError, SmtpSettings, parse_smtp_url
from webapp.command_errors import reported_database_errors
from webapp.database import get_store

#: ``app.config`` key (settable in ``confkit.cfg``) for the From address of every message.
SENDER_CONFIG_KEY = "CONFKIT_MAIL_FROM"

mail_commands = AppGroup("mail", help="Send the mail that waits in the outbox.")


@mail_commands.command("send")
@click.option(
    "--from",
    "sender",
    metavar="ADDRESS",
    help=f"The From address (default: {SENDER_CONFIG_KEY}, else confkit@ the host of "
    "CONFKIT_BASE_URL).",
)
@click.option(
    "--watch",
    is_flag=True,
    help="Keep running and send what is due every --interval seconds, until interrupted.",
)
@click.option(
    "--interval",
    type=click.FloatRange(min=1),
    default=30.0,
    show_default=True,
    help="Seconds between two runs with --watch.",
)
def send_command(sender: str | None, watch: bool, interval: float) -> None:
    """Deliver the mail waiting in the outbox, with retries.

    A message the server cannot take now waits for its next try. Without --watch the command
    ends when the outbox is empty or holds only messages waiting for their next try.
    """
    store = get_store()
    smtp_url = current_app.config.get("CONFKIT_SMTP_URL")
    if not smtp_url:
        _list_unsent(store)
        return
    settings, from_address = _mail_settings(smtp_url, sender)
    with reported_database_errors():
        if not watch:
            _report(send_pending(store, settings, sender=from_address))
            return
        click.echo(
            f"Sending mail through {settings.describe()} every {interval:g} s; Ctrl+C stops."
        )
        try:
            run_sender(
                store, settings, sender=from_address, interval=interval, on_result=_report_activity
            )
        except KeyboardInterrupt:
            click.echo("Stopped.")


def _mail_settings(smtp_url: str, sender: str | None) -> tuple[SmtpSettings, str]:
    config = current_app.config
    chosen = (
        sender or config.get(SENDER_CONFIG_KEY) or default_sender(config.get("CONFKIT_BASE_URL"))
    )
    try:
        return parse_smtp_url(smtp_url), check_sender(chosen)
    except MailConfigError as error:
        raise click.ClickException(str(error)) from None


def _list_unsent(store: Store) -> None:
    # Nothing can be sent, so the log is where an organiser sees what would have gone out.
    with reported_database_errors():
        waiting = pending_messages(store)
    for message in waiting:
        click.echo(f"Unsent: to {message.recipient}: {message.subject}", err=True)
    click.echo(
        f"CONFKIT_SMTP_URL is not set: {len(waiting)} message(s) stay in the outbox. "
        "Set it, e.g. to smtp://127.0.0.1:8025, to send them."
    )


def _report(result: SendResult) -> None:
    for problem in result.problems:
        click.echo(f"Warning: {problem}", err=True)
    click.echo(f"{result.sent} sent, {result.waiting} waiting for a retry, {result.failed} refused")


def _report_activity(result: SendResult) -> None:
    if result.sent or result.failed or result.deferred:
        click.echo(f"{clock.now().astimezone():%H:%M:%S} ", nl=False)
        _report(result)
