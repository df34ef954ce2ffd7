"""The ``confkit`` command: Flask's ``run``, ``shell`` and ``routes`` plus confkit's own commands.

More commands join with ``cli.add_command(command)``. Every command, Flask's own included, reports
a database, driver or migration failure as one ``Error:`` line and exit status 1, not a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup, FlaskGroup, ScriptInfo
from sqlalchemy import Engine

from confkit import migrate
from confkit.db import make_engine
from webapp import create_app
from webapp.account_commands import create_user_command
from webapp.command_errors import reported_database_errors
from webapp.demo_command import demo_command
from webapp.mail_commands import mail_commands
from webapp.programme_commands import conflicts_command
from webapp.transfer_commands import export_command, import_command


class ConfkitGroup(FlaskGroup):
    """Flask's command group, with database failures reported in one line by every command."""

    def invoke(self, ctx: click.Context) -> Any:
        # Finding the command and loading the app happen inside too, so an app that cannot open
        # its database (a malformed URL, a driver that is not installed) is reported the same way.
        with reported_database_errors():
            return super().invoke(ctx)

    def list_commands(self, ctx: click.Context) -> list[str]:
        # For ``--help``: Flask prints the traceback of an app that fails to load; say it in one
        # line instead, and list the commands that need no app.
        try:
            with reported_database_errors():
                ctx.ensure_object(ScriptInfo).load_app()
        except click.ClickException as error:
            click.secho(f"Error: {error.format_message()}\n", err=True, fg="red")
            return sorted(super(FlaskGroup, self).list_commands(ctx))
        return super().list_commands(ctx)


@contextmanager
def configured_engine() -> Iterator[Engine]:
    """An engine on the app's configured database, disposed of when the command ends."""
    engine = make_engine(current_app.config["CONFKIT_DATABASE_URL"])
    try:
        yield engine
    finally:
        engine.dispose()


def describe_database(engine: Engine) -> str:
    """The engine's URL without its password, to say which database a command worked on."""
    return engine.url.render_as_string(hide_password=True)


db_commands = AppGroup("db", help="Migrate the configured database and check its schema.")


@db_commands.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Migrate the database up to REVISION (default: the newest)."""
    with configured_engine() as engine:
        migrate.upgrade(engine, revision)
        reached = migrate.current_revision(engine) or "base"
        click.echo(f"Upgraded {describe_database(engine)} to revision {reached}.")


@db_commands.command("downgrade")
@click.argument("revision")
def downgrade_command(revision: str) -> None:
    """Migrate the database down to REVISION ("base" removes every table)."""
    with configured_engine() as engine:
        migrate.downgrade(engine, revision)
        reached = migrate.current_revision(engine) or "base"
        click.echo(f"Downgraded {describe_database(engine)} to revision {reached}.")


@db_commands.command("current")
def current_command() -> None:
    """Show the revision the database is at."""
    with configured_engine() as engine:
        current = migrate.current_revision(engine)
    if current is None:
        click.echo("base (not migrated)")
    elif current == migrate.head_revision():
        click.echo(f"{current} (head)")
    else:
        click.echo(f"{current} (the newest is {migrate.head_revision()})")


@db_commands.command("check")
def check_command() -> None:
    """Fail, naming each difference, when the database schema and the models differ."""
    with configured_engine() as engine:
        differences = migrate.schema_differences(engine)
    if not differences:
        click.echo("No differences between the models and the migrations.")
        return
    for difference in differences:
        click.echo(f"- {migrate.describe_difference(difference)}")
    raise click.ClickException(
        f"{len(differences)} difference(s) between the models and the database"
    )


cli = ConfkitGroup(name="confkit", create_app=create_app, help="Run and manage a confkit site.")
cli.add_command(db_commands)
cli.add_command(demo_command)
cli.add_command(conflicts_command)
cli.add_command(export_command)
cli.add_command(import_command)
cli.add_command(mail_commands)
cli.add_command(create_user_command)


def main() -> None:
    """Entry point of the ``confkit`` console script."""
    cli.main(prog_name="confkit")


if __name__ == "__main__":
    main()
