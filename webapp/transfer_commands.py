"""``confkit export`` and ``confkit import``: an event's programme to and from files, and the
organisers' attendee list."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session as DbSession

from confkit import NotFound, ValidationError, services
from confkit.auditing import CLI
from confkit.models import Event
from confkit.transfer import (
    EXPORTERS,
    IMPORTERS,
    PERSONAL_EXPORTS,
    export_event,
    import_into_event,
)
from webapp.command_errors import reported_database_errors
from webapp.database import get_store

# Without CONFKIT_BASE_URL the UIDs would name a host no calendar has seen.
FALLBACK_BASE_URL = "http://localhost"


@click.command("export")
@click.argument("file_format", metavar="FORMAT", type=click.Choice(sorted(EXPORTERS)))
@click.argument("event_slug")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of standard output.",
)
@with_appcontext
def export_command(file_format: str, event_slug: str, output: Path | None) -> None:
    """Export EVENT_SLUG as FORMAT, to standard output or a file.

    \b
    FORMAT is one of:
      ics            the public programme as an iCalendar feed
      frab-xml       the public programme as a frab schedule (XML)
      frab-json      the public programme as a frab schedule (JSON)
      attendees-csv  every registration, with personal data: for the organisers only
    """
    base_url = current_app.config.get("CONFKIT_BASE_URL")
    personal = file_format in PERSONAL_EXPORTS
    if not base_url and not personal:
        click.echo(
            f"Warning: CONFKIT_BASE_URL is not set; links and UIDs use {FALLBACK_BASE_URL}",
            err=True,
        )
    with reported_database_errors(), get_store().session() as db:
        event = _event(db, event_slug)
        data = export_event(db, event, file_format, base_url=base_url or FALLBACK_BASE_URL)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    elif personal:
        # Personal data: readable by its owner only, whatever the umask, before any is written.
        output.touch(mode=0o600)
        output.chmod(0o600)
        output.write_bytes(data)
        click.echo(f"Wrote {len(data):,} bytes of personal data to {output}", err=True)
    else:
        output.write_bytes(data)
        click.echo(f"Wrote {len(data):,} bytes to {output}", err=True)


@click.command("import")
@click.argument("file_format", metavar="FORMAT", type=click.Choice(sorted(IMPORTERS)))
@click.argument("event_slug")
@click.argument("file", type=click.File("rb"))
@with_appcontext
def import_command(file_format: str, event_slug: str, file: BinaryIO) -> None:
    """Import FILE (FORMAT) into EVENT_SLUG's programme, in one transaction."""
    data = file.read()
    with reported_database_errors(), get_store().transaction(actor=CLI) as db:
        event = _event(db, event_slug)
        try:
            report = import_into_event(db, event, file_format, data)
        except ValidationError as error:
            for problem in error.problems:
                click.echo(f"- {problem.field}: {problem.message}", err=True)
            raise click.ClickException(
                f"{len(error.problems)} problem(s) in {file.name}; nothing was imported"
            ) from None
    click.echo(f"Imported {file.name} into {event_slug}: {report.summary()}")


def _event(db: DbSession, slug: str) -> Event:
    try:
        return services.get_event(db, slug)
    except NotFound:
        raise click.ClickException(f"no event with the slug {slug!r}") from None
