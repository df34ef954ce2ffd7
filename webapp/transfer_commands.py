"""``confkit export`` and ``confkit import``: an event's programme to and from files, and the
organisers' attendee list."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, BinaryIO

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session as DbSession

from confkit import NotFound, ValidationError, services
from confkit.auditing import CLI, set_actor
from confkit.formats.badges import BadgeLayout, render_badges
from confkit.models import Event, RegistrationCategory, RegistrationStatus
from confkit.services.badges import badge_sheet
from confkit.services.registration_search import filter_registrations
from confkit.transfer import (
    CSV_IMPORTS,
    EXPORTERS,
    IMPORTERS,
    PERSONAL_EXPORTS,
    export_event,
    import_into_event,
    plan_csv_import,
)
from webapp.command_errors import reported_database_errors
from webapp.database import get_store

# Without CONFKIT_BASE_URL the UIDs would name a host no calendar has seen.
FALLBACK_BASE_URL = "http://localhost"
BADGES = "badges"
# How imported registrations name their author in the history.
CLI_ACTOR = "organiser (confkit import)"


@click.command("export")
@click.argument("file_format", metavar="FORMAT", type=click.Choice(sorted([*EXPORTERS, BADGES])))
@click.argument("event_slug")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.option(
    "--layout",
    type=click.Choice([layout.value for layout in BadgeLayout]),
    help="badges: eight cards per A4 page (a4, the default) or one per A6 page (a6).",
)
@click.option(
    "--status",
    type=click.Choice([status.value for status in RegistrationStatus]),
    help="badges: only registrations with this status (only confirmed ones have a ticket).",
)
@click.option(
    "--category",
    type=click.Choice([category.value for category in RegistrationCategory]),
    help="badges: only registrations of this category.",
)
@with_appcontext
def export_command(
    file_format: str,
    event_slug: str,
    output: Path | None,
    layout: str | None,
    status: str | None,
    category: str | None,
) -> None:
    """Export EVENT_SLUG as FORMAT, to standard output or a file.

    \b
    FORMAT is one of:
      ics            the public programme as an iCalendar feed
      frab-xml       the public programme as a frab schedule (XML)
      frab-json      the public programme as a frab schedule (JSON)
      attendees-csv  every registration, with personal data: for the organisers only
      badges         a PDF of name badges with the ticket's QR code, for every confirmed
                     registration (or those --status and --category choose)
    """
    if file_format == BADGES:
        _export_badges(event_slug, output, layout=layout, status=status, category=category)
        return
    if layout or status or category:
        raise click.UsageError("--layout, --status and --category apply to badges only")
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
@click.argument(
    "file_format", metavar="FORMAT", type=click.Choice(sorted([*IMPORTERS, *CSV_IMPORTS]))
)
@click.argument("event_slug")
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Check every row and report; save nothing.")
@with_appcontext
def import_command(file_format: str, event_slug: str, file: BinaryIO, dry_run: bool) -> None:
    """Import FILE (FORMAT) into EVENT_SLUG, in one transaction: a file with any bad row or
    element saves nothing, and each problem is named by its line.

    \b
    FORMAT is one of:
      ics            sessions from an iCalendar file, created or updated by UID
      frab-xml       sessions from a frab schedule (XML), created or updated by guid
      sessions-csv   new sessions from a spreadsheet, one a row
      attendees-csv  registrations from a spreadsheet, one a row (the attendees export's
                     own file too)
    """
    data = file.read()
    # Not store.transaction(): a dry run rolls back what the check wrote.
    with reported_database_errors(), get_store().session() as db:
        set_actor(db, CLI)
        event = _event(db, event_slug)
        try:
            if file_format in CSV_IMPORTS:
                summary = _import_csv(db, event, file_format, data, dry_run=dry_run)
            else:
                summary = import_into_event(db, event, file_format, data).summary()
        except ValidationError as error:
            for problem in error.problems:
                click.echo(f"- {problem.field}: {problem.message}", err=True)
            verb = "would be" if dry_run else "was"
            raise click.ClickException(
                f"{len(error.problems)} problem(s) in {file.name}; nothing {verb} imported"
            ) from None
        if dry_run:
            db.rollback()
        else:
            db.commit()
    if dry_run:
        click.echo(f"Checked {file.name} for {event_slug}, nothing saved: {summary}")
    else:
        click.echo(f"Imported {file.name} into {event_slug}: {summary}")


def _import_csv(
    db: DbSession, event: Event, file_format: str, data: bytes, *, dry_run: bool
) -> str:
    """Check (and unless ``dry_run`` save) a spreadsheet, with a progress bar on the terminal."""
    label = f"{'Checking' if dry_run else 'Importing'} {file_format}"
    with _RowProgress(label) as progress:
        plan = plan_csv_import(
            db, event, file_format, data, save=not dry_run, actor=CLI_ACTOR, progress=progress
        )
    if plan.ignored_headers:
        click.echo(f"Ignored columns: {', '.join(plan.ignored_headers)}", err=True)
    if not plan.ok:
        raise ValidationError(plan.problems())
    for row in plan.rows:
        for note in row.notes:
            click.echo(f"- line {row.line}: {note}")
    return plan.summary()


class _RowProgress:
    """A progress callback drawing a click progress bar once the number of rows is known."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def __enter__(self) -> _RowProgress:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _export_badges(
    event_slug: str,
    output: Path | None,
    *,
    layout: str | None,
    status: str | None,
    category: str | None,
) -> None:
    if output is None and sys.stdout.isatty():
        raise click.UsageError("badges are a PDF: write them to a file with -o FILE")
    with reported_database_errors(), get_store().session() as db:
        event = _event(db, event_slug)
        found = filter_registrations(db, event, status=status, category=category)
        sheet = badge_sheet(db, event, found.registrations)
        for registration in sheet.left_out:
            person = registration.person
            click.echo(
                f"Left out (no ticket, {registration.status.value}): {person.display_name}",
                err=True,
            )
        if not sheet.registrations:
            raise click.ClickException("no chosen registration has a ticket: no badge to print")
        with click.progressbar(
            length=len(sheet.registrations), label="Drawing badges", file=sys.stderr
        ) as bar:
            try:
                data = render_badges(
                    sheet,
                    secret_key=current_app.config["SECRET_KEY"],
                    layout=layout or BadgeLayout.A4,
                    on_badge=lambda _: bar.update(1),
                )
            except ValidationError as error:
                for problem in error.problems:
                    click.echo(f"- {problem.field}: {problem.message}", err=True)
                raise click.ClickException(
                    f"{len(error.problems)} badge(s) cannot be printed; nothing was written"
                ) from None
    count = len(sheet.registrations)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    # Names, positions and ticket codes: readable by their owner only, as the attendee list.
    output.touch(mode=0o600)
    output.chmod(0o600)
    output.write_bytes(data)
    click.echo(f"Wrote {count} badge(s), {len(data):,} bytes, to {output}", err=True)


def _event(db: DbSession, slug: str) -> Event:
    try:
        return services.get_event(db, slug)
    except NotFound:
        raise click.ClickException(f"no event with the slug {slug!r}") from None
