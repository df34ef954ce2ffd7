"""``confkit create-user``: accounts for the back-office from the command line."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from confkit.models import AccountRole, Event, User
from confkit.passwords import verify_password
from confkit.services.accounts import find_user
from webapp.cli import cli

PASSWORD = "a long enough passphrase"


@pytest.fixture
def event(make_event: Callable[..., Event]) -> Event:
    return make_event(slug="workshop")


def create_user(runner: FlaskCliRunner, *args: str, input: str | None = None) -> tuple[int, str]:
    result = runner.invoke(cli, ["create-user", *args], input=input)
    return result.exit_code, result.output


def test_the_password_is_asked_for_twice_and_hidden(
    runner: FlaskCliRunner, db: DbSession, event: Event
) -> None:
    code, output = create_user(
        runner,
        "Aysel@Example.org",
        "--role",
        "organiser",
        "--event",
        "workshop",
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )

    assert code == 0, output
    assert "Created aysel@example.org as organiser of workshop." in output
    assert "Repeat the password" in output
    assert PASSWORD not in output
    user = find_user(db, "aysel@example.org")
    assert user is not None
    assert verify_password(PASSWORD, user.password_hash)
    assert [(r.role, r.event) for r in user.roles] == [(AccountRole.ORGANISER, event)]


def test_the_password_can_come_from_standard_input(runner: FlaskCliRunner, db: DbSession) -> None:
    code, output = create_user(
        runner, "admin@example.org", "--role", "admin", "--password-stdin", input=f"{PASSWORD}\n"
    )

    assert code == 0, output
    assert "Password" not in output
    user = find_user(db, "admin@example.org")
    assert user is not None
    assert verify_password(PASSWORD, user.password_hash)


def test_an_existing_account_gets_one_more_role_and_keeps_its_password(
    runner: FlaskCliRunner, db: DbSession, event: Event, make_event: Callable[..., Event]
) -> None:
    make_event(slug="forum")
    create_user(runner, "a@example.org", "--role", "checkin", "--event", "workshop",
                "--password-stdin", input=f"{PASSWORD}\n")  # fmt: skip

    code, output = create_user(runner, "A@example.org", "--role", "organiser", "--event", "forum")

    assert code == 0, output
    assert "a@example.org already had an account: it is now also organiser of forum." in output
    user = find_user(db, "a@example.org")
    assert user is not None
    assert [r.role for r in user.roles] == [AccountRole.CHECKIN, AccountRole.ORGANISER]
    assert verify_password(PASSWORD, user.password_hash)


@pytest.mark.parametrize(
    ("args", "input", "message"),
    [
        (["--role", "organiser"], None, "the role organiser needs --event SLUG"),
        (["--role", "admin", "--event", "workshop"], None, "give no --event"),
        (["--role", "checkin", "--event", "nowhere"], None, "no event with the slug 'nowhere'"),
        (["--role", "owner"], None, "'owner' is not one of"),
        (["--role", "admin"], "short\n", "at least 12 characters"),
        (["--role", "admin"], f"{PASSWORD}\nsomething else\n", "the two passwords differ"),
        (["--role", "admin", "--password-stdin"], "short\n", "at least 12 characters"),
    ],
)
def test_mistakes_are_named_in_one_line_and_create_nothing(
    runner: FlaskCliRunner,
    db: DbSession,
    event: Event,
    args: list[str],
    input: str | None,
    message: str,
) -> None:
    code, output = create_user(runner, "a@example.org", *args, input=input)

    assert code != 0
    assert message in output
    assert "Traceback" not in output
    assert db.scalars(select(User)).all() == []
