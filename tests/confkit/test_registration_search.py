"""The organisers' registration list: every filter, the counts by status, refused filter values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session as DbSession

from confkit import ValidationError, services
from confkit.models import Event, Registration, RegistrationStatus
from confkit.services.registration_search import filter_registrations
from tests.factories import FIXED_NOW

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


# Order and pages


@pytest.mark.parametrize(
    ("order", "descending", "expected"),
    [
        ("name", False, ["Aliyev", "Babayeva", "Huseynov", "Karimova"]),
        ("name", True, ["Karimova", "Huseynov", "Babayeva", "Aliyev"]),
        # A registration's life: unconfirmed, confirmed, waitlisted; names break the ties.
        ("status", False, ["Karimova", "Aliyev", "Babayeva", "Huseynov"]),
        ("category", True, ["Babayeva", "Aliyev", "Huseynov", "Karimova"]),
        # Without an organisation last, whichever the direction.
        ("organisation", False, ["Babayeva", "Aliyev", "Huseynov", "Karimova"]),
        ("organisation", True, ["Aliyev", "Huseynov", "Babayeva", "Karimova"]),
    ],
)
def test_the_list_can_be_sorted(
    db: DbSession, forum: Event, order: str, descending: bool, expected: list[str]
) -> None:
    found = filter_registrations(db, forum, order=order, descending=descending)

    assert names(list(found.registrations)) == expected


def test_the_registered_order_follows_the_time_of_registration(
    db: DbSession,
    open_event_for_registration: Callable[..., Event],
    make_registration: Callable[..., Registration],
) -> None:
    event = open_event_for_registration(capacity=None)
    for hours, family_name in [(3, "Early"), (1, "Earliest"), (5, "Late")]:
        make_registration(event, family_name=family_name, now=FIXED_NOW + timedelta(hours=hours))

    found = filter_registrations(db, event, order="registered", descending=True)

    assert names(list(found.registrations)) == ["Late", "Early", "Earliest"]


def test_pages_hold_per_page_registrations_and_count_every_match(
    db: DbSession, forum: Event
) -> None:
    first = filter_registrations(db, forum, per_page=3)
    second = filter_registrations(db, forum, per_page=3, page=2)
    beyond = filter_registrations(db, forum, per_page=3, page=3)
    confirmed = filter_registrations(db, forum, status="confirmed", per_page=1, page=2)

    assert names(list(first.registrations)) == ["Aliyev", "Babayeva", "Huseynov"]
    assert names(list(second.registrations)) == ["Karimova"]
    assert (first.matching, first.pages, second.page) == (4, 2, 2)
    assert list(beyond.registrations) == []
    assert names(list(confirmed.registrations)) == ["Babayeva"]
    assert (confirmed.matching, confirmed.pages) == (2, 2)


def test_an_unpaged_search_is_one_page(db: DbSession, forum: Event) -> None:
    found = filter_registrations(db, forum)

    assert (found.pages, found.matching) == (1, 4)


def test_bad_orders_and_pages_are_named(db: DbSession, forum: Event) -> None:
    with pytest.raises(ValidationError) as raised:
        filter_registrations(db, forum, order="shoe size", page=0, per_page=10_000)

    assert raised.value.fields == {"order", "page", "per_page"}
