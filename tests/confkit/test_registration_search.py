"""The organisers' registration list: every filter, the counts by status, refused filter values."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session as DbSession

from confkit import ValidationError, services
from confkit.models import Event, Registration, RegistrationStatus
from confkit.services.registration_search import filter_registrations

Status = RegistrationStatus


@pytest.fixture
def forum(
    db: DbSession,
    open_event_for_registration: Callable[..., Event],
    make_registration: Callable[..., Registration],
) -> Event:
    """Two seats: Aliyev and Babayeva confirmed, Huseynov waiting, Karimova unconfirmed."""
    event = open_event_for_registration(capacity=2, slug="forum")
    ministry = services.create_organisation(
        db, name="Ministry of Energy", kind="government", country="AZ", short_name="MinEnergy"
    )
    paper = services.create_organisation(db, name="Caspian Daily", kind="media", country="GE")
    delegation = services.create_delegation(db, event, name="Georgian delegation")
    db.flush()
    make_registration(
        event, given_name="Rashad", family_name="Aliyev", email="rashad@example.org",
        organisation_id=ministry.id, position="Adviser",
    )  # fmt: skip
    make_registration(
        event, given_name="Nino", family_name="Babayeva", email="nino@example.ge",
        organisation_id=paper.id, category="press", delegation_id=delegation.id,
    )  # fmt: skip
    make_registration(
        event, given_name="Elvin", family_name="Huseynov", email="elvin@example.org",
        organisation_id=ministry.id,
    )  # fmt: skip
    make_registration(
        event, confirm=False, given_name="Leyla", family_name="Karimova",
        email="leyla_k@example.org",
    )  # fmt: skip
    return event


def names(registrations: list[Registration] | tuple[Registration, ...]) -> list[str]:
    return [r.person.family_name for r in registrations]


def test_without_filters_every_registration_is_listed_by_name_with_counts(
    db: DbSession, forum: Event
) -> None:
    found = filter_registrations(db, forum)

    assert names(list(found.registrations)) == ["Aliyev", "Babayeva", "Huseynov", "Karimova"]
    assert found.counts[Status.CONFIRMED] == 2
    assert found.counts[Status.WAITLISTED] == 1
    assert found.counts[Status.UNCONFIRMED] == 1
    assert found.counts[Status.REJECTED] == 0
    assert found.total == 4


def test_the_status_filter_narrows_the_list_but_not_the_counts(db: DbSession, forum: Event) -> None:
    found = filter_registrations(db, forum, status="waitlisted")

    assert names(list(found.registrations)) == ["Huseynov"]
    assert found.counts[Status.CONFIRMED] == 2
    assert found.total == 4


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"category": "press"}, ["Babayeva"]),
        ({"organisation_kind": "government"}, ["Aliyev", "Huseynov"]),
        ({"country": "ge"}, ["Babayeva"]),
        ({"text": "rashad"}, ["Aliyev"]),
        ({"text": "EXAMPLE.GE"}, ["Babayeva"]),
        ({"text": "minenergy"}, ["Aliyev", "Huseynov"]),
        ({"text": "ministry elvin"}, ["Huseynov"]),
        # A wildcard typed in the box is a plain character, not "anything".
        ({"text": "_k@"}, ["Karimova"]),
        ({"text": "%"}, []),
        ({"organisation_kind": "government", "status": Status.CONFIRMED}, ["Aliyev"]),
        ({"status": "", "category": "", "country": "  ", "text": ""}, None),
    ],
)
def test_each_filter(
    db: DbSession, forum: Event, filters: dict[str, object], expected: list[str] | None
) -> None:
    found = filter_registrations(db, forum, **filters)  # type: ignore[arg-type]

    everyone = ["Aliyev", "Babayeva", "Huseynov", "Karimova"]
    assert names(list(found.registrations)) == (everyone if expected is None else expected)


def test_the_delegation_filter_and_counts_follow_the_other_filters(
    db: DbSession, forum: Event
) -> None:
    delegation = forum.delegations[0]

    found = filter_registrations(db, forum, delegation_id=delegation.id)

    assert names(list(found.registrations)) == ["Babayeva"]
    assert found.total == 1
    assert found.counts[Status.CONFIRMED] == 1


def test_other_events_are_never_listed(
    db: DbSession,
    forum: Event,
    open_event_for_registration: Callable[..., Event],
    make_registration: Callable[..., Registration],
) -> None:
    other = open_event_for_registration(capacity=None)
    make_registration(other, given_name="Rashad", family_name="Zeynalov")

    assert names(list(filter_registrations(db, forum, text="rashad").registrations)) == ["Aliyev"]


def test_bad_filter_values_are_all_named(
    db: DbSession,
    forum: Event,
    open_event_for_registration: Callable[..., Event],
) -> None:
    elsewhere = services.create_delegation(
        db, open_event_for_registration(capacity=None), name="Elsewhere"
    )
    db.flush()

    with pytest.raises(ValidationError) as raised:
        filter_registrations(
            db,
            forum,
            status="lost",
            category="vip",
            organisation_kind="club",
            country="Azerbaijan",
            delegation_id=elsewhere.id,
            text="x" * 201,
        )

    assert raised.value.fields == {
        "status",
        "category",
        "organisation_kind",
        "country",
        "delegation",
        "text",
    }
