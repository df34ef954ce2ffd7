"""Announcements: one outbox mail per address, a history entry per recipient, and every refusal
named before anything is written."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from confkit import ValidationError
from confkit.models import Event, OutboxMessage, Person, Registration, RegistrationStatus
from confkit.services.announcements import announce
from confkit.services.registrations import add_registration
from tests.factories import BASE_URL, FIXED_NOW

ACTOR = "organiser:aysel@example.org"


@pytest.fixture
def forum(open_event_for_registration: Callable[..., Event]) -> Event:
    return open_event_for_registration(capacity=None, slug="forum", name="Baku energy forum")


def announcements(db: DbSession) -> list[OutboxMessage]:
    return list(
        db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == "announcement")
            .order_by(OutboxMessage.id)
        )
    )


def send(db: DbSession, event: Event, registrations: list[Registration], **overrides: str) -> int:
    values = {"subject": "Room change", "body": "The opening is in Hall A.\n\nSee you there."}
    values.update(overrides)
    return announce(
        db, event, registrations, actor=ACTOR, base_url=BASE_URL, now=FIXED_NOW, **values
    )


def test_each_recipient_gets_a_mail_and_a_history_entry(
    db: DbSession, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    first, second = make_registration(forum), make_registration(forum)

    assert send(db, forum, [first, second]) == 2

    mails = announcements(db)
    assert [m.recipient for m in mails] == [first.person.email, second.person.email]
    mail = mails[0]
    assert mail.subject == "Room change"
    assert mail.registration == first
    assert mail.created_at == FIXED_NOW
    assert mail.text_body.startswith("The opening is in Hall A.\n\nSee you there.\n\n")
    assert f"{BASE_URL}/r/{first.token}" in mail.text_body
    assert "Baku energy forum" in mail.text_body.split("--\n", 1)[1]
    assert "<p>The opening is in Hall A.</p><p>See you there.</p>" in mail.html_body
    assert f'href="{BASE_URL}/r/{first.token}"' in mail.html_body
    db.expire_all()
    change = first.changes[-1]
    assert (change.actor, change.action, change.note) == (ACTOR, "announcement", "Room change")
    assert change.from_status is change.to_status is RegistrationStatus.CONFIRMED


def test_the_html_part_escapes_the_text(
    db: DbSession, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    send(db, forum, [make_registration(forum)], body="<script>alert(1)</script>\nline & more")

    html_body = announcements(db)[0].html_body
    assert "<script>" not in html_body
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;<br>\nline &amp; more</p>" in html_body


def test_an_address_listed_twice_is_mailed_once(
    db: DbSession, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    registration = make_registration(forum)

    assert send(db, forum, [registration, registration]) == 1

    assert len(announcements(db)) == 1
    db.expire_all()
    assert [c.action for c in registration.changes].count("announcement") == 1


def test_people_without_an_address_and_other_events_are_skipped(
    db: DbSession,
    forum: Event,
    open_event_for_registration: Callable[..., Event],
    make_person: Callable[..., Person],
    make_registration: Callable[..., Registration],
) -> None:
    without_address = add_registration(db, forum, make_person(), now=FIXED_NOW)
    elsewhere = make_registration(open_event_for_registration(capacity=None))
    reached = make_registration(forum)

    assert send(db, forum, [without_address, elsewhere, reached]) == 1

    assert [m.recipient for m in announcements(db)] == [reached.person.email]
    db.expire_all()
    assert "announcement" not in [c.action for c in without_address.changes]


@pytest.mark.parametrize(
    ("subject", "body", "fields"),
    [
        ("", "Hello", {"subject"}),
        ("   ", "Hello", {"subject"}),
        ("x" * 201, "Hello", {"subject"}),
        ("Line\nbreak", "Hello", {"subject"}),
        ("Tab\there", "Hello", {"subject"}),
        ("Hello", "", {"body"}),
        ("Hello", "x" * 20_001, {"body"}),
        ("Hello", "bell\x07", {"body"}),
        ("", " ", {"subject", "body"}),
    ],
)
def test_bad_subjects_and_bodies_are_refused_before_anything_is_written(
    db: DbSession,
    forum: Event,
    make_registration: Callable[..., Registration],
    subject: str,
    body: str,
    fields: set[str],
) -> None:
    registration = make_registration(forum)

    with pytest.raises(ValidationError) as refused:
        send(db, forum, [registration], subject=subject, body=body)

    assert refused.value.fields == fields
    assert announcements(db) == []


def test_the_longest_subject_and_body_are_accepted(
    db: DbSession, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    assert send(db, forum, [make_registration(forum)], subject="s" * 200, body="b" * 20_000) == 1
