"""``confkit create-user``: an account for the back-office, or one more role for an existing one."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from confkit import NotFound, ValidationError, services
from confkit.auditing import CLI
from confkit.models import AccountRole, Event
from confkit.passwords import check_password_policy
from confkit.services.accounts import create_user, find_user
from webapp.command_errors import reported_database_errors
from webapp.database import get_store


@click.command("create-user")
@click.argument("email")
@click.option(
    "--role",
    required=True,
    type=click.Choice([role.value for role in AccountRole]),
    help="admin: every event; organiser or checkin: the event given with --event.",
)
@click.option("--event", "event_slug", metavar="SLUG", help="The event of an organiser or checkin.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of asking twice.",
)
@with_appcontext
def create_user_command(
    email: str, role: str, event_slug: str | None, password_stdin: bool
) -> None:
    """Create an account EMAIL with ROLE, or give an existing account one more role.

    A new account's password is asked for twice (hidden), or read with --password-stdin; an
    existing account keeps its password.
    """
    if role == AccountRole.ADMIN and event_slug:
        raise click.UsageError("an admin is admin of every event: give no --event")
    if role != AccountRole.ADMIN and not event_slug:
        raise click.UsageError(f"the role {role} needs --event SLUG")
    with reported_database_errors(), get_store().transaction(actor=CLI) as db:
        event: Event | None = None
        if event_slug:
            try:
                event = services.get_event(db, event_slug)
            except NotFound:
                raise click.ClickException(f"no event with the slug {event_slug!r}") from None
        existing = find_user(db, email) is not None
        password = None if existing else _new_password(password_stdin)
        try:
            user = create_user(db, email, password, role=role, event=event)
        except ValidationError as error:
            raise click.ClickException("; ".join(p.message for p in error.problems)) from None
        where = f" of {event.slug}" if event is not None else ""
        if existing:
            click.echo(f"{user.email} already had an account: it is now also {role}{where}.")
        else:
            click.echo(f"Created {user.email} as {role}{where}.")


def _new_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True)
        # Checked before the repeat, so a short password is not typed twice for nothing.
        _check(password)
        if click.prompt("Repeat the password", hide_input=True) != password:
            raise click.ClickException("the two passwords differ; nothing was created")
    _check(password)
    return password


def _check(password: str) -> None:
    try:
        check_password_policy(password)
    except ValidationError as error:
        raise click.ClickException(error.problems[0].message) from None
