"""``confkit conflicts EVENT``: the whole-programme clash report, for organisers and scripts."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from confkit import NotFound, services
from webapp.command_errors import reported_database_errors
from webapp.database import get_store


@click.command("conflicts")
@click.argument("event_slug")
@with_appcontext
def conflicts_command(event_slug: str) -> None:
    """List every clash in EVENT_SLUG's scheduled programme; exit 1 if there is any."""
    with reported_database_errors(), get_store().session() as db:
        try:
            event = services.get_event(db, event_slug)
        except NotFound:
            raise click.ClickException(f"no event with the slug {event_slug!r}") from None
        clashes = services.conflict_report(db, event)
        for clash in clashes:
            click.echo(f"- {clash}")
    if clashes:
        raise click.ClickException(f"{len(clashes)} clash(es) in {event_slug}")
    click.echo(f"No clashes in {event_slug}.")
