"""The dashboard figures: counted by the database, per day in the event zone, quiet days kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.orm import Session as DbSession

from confkit.models import Event, OrganisationKind, Registration, RegistrationStatus
from confkit.services.checkin import check_in
from confkit.services.dashboard import COUNTRIES_SHOWN, event_dashboard, per_day
from confkit.services.registration_settings import configure_registration
from confkit.services.seats import cancel_registration
from confkit.services.signup import NewOrganisation
from confkit.tickets import ticket_payload
from tests.factories import BASE_URL, FIXED_NOW

SECRET = "door-secret"
Status = RegistrationStatus


@pytest.fixture
def forum(db: DbSession, open_event_for_registration: Callable[..., Event]) -> Event:
    # Baku is UTC+4: 21:00 UTC is already the next day there.
    event = open_event_for_registration(capacity=3, slug="forum", timezone="Asia/Baku")
    return configure_registration(db, event, categories=["delegate", "speaker", "press"])


def organisation(name: str, kind: OrganisationKind, country: str) -> NewOrganisation:
    return NewOrganisation(name=name, kind=kind, country=country)


def test_the_figures_count_statuses_breakdowns_and_check_ins(
    db: DbSession, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    ministry = organisation("Ministry of Defence", OrganisationKind.GOVERNMENT, "AZ")
    university = organisation("ADA University", OrganisationKind.ACADEMIA, "AZ")
    nato = organisation("NATO", OrganisationKind.INTERNATIONAL, "BE")
    first = make_registration(forum, new_organisation=ministry)
    make_registration(forum, new_organisation=university, category="speaker")
    leaving = make_registration(forum, new_organisation=nato, category="press")
    make_registration(forum, new_organisation=nato)  # waitlisted: the forum has 3 seats
    make_registration(forum, confirm=False)  # holds no seat, not in the breakdowns
    cancel_registration(db, leaving, actor="attendee", base_url=BASE_URL, now=FIXED_NOW)
    check_in(
        db, forum, ticket_payload(first, SECRET), secret_key=SECRET, actor="door", now=FIXED_NOW
    )

    figures = event_dashboard(db, forum)

    assert figures.by_status[Status.CONFIRMED] == 3  # the waitlisted one was promoted
    assert figures.by_status[Status.CANCELLED] == 1
    assert figures.by_status[Status.UNCONFIRMED] == 1
    assert figures.by_status[Status.WAITLISTED] == 0
    assert figures.total == 5
    assert (figures.confirmed, figures.free_seats, figures.checked_in) == (3, 0, 1)
    assert dict(figures.by_category) == {"delegate": 2, "speaker": 1}
    assert dict(figures.by_organisation_kind) == {
        OrganisationKind.GOVERNMENT: 1,
        OrganisationKind.INTERNATIONAL: 1,
        OrganisationKind.ACADEMIA: 1,
    }
    assert figures.by_country == [("AZ", 2), ("BE", 1)]


def test_registrations_without_an_organisation_are_counted_as_not_given(
    db: DbSession, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    make_registration(forum)

    figures = event_dashboard(db, forum)

    assert list(figures.by_organisation_kind) == [(None, 1)]
    assert list(figures.by_country) == [(None, 1)]


def test_days_are_the_event_zone_s_days_and_quiet_days_are_kept(
    db: DbSession, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    # 21:00 UTC on 1 November is 01:00 on 2 November in Baku.
    late_evening = datetime(2024, 11, 1, 21, 0, tzinfo=UTC)
    make_registration(forum, now=FIXED_NOW)
    make_registration(forum, now=late_evening)
    make_registration(forum, now=FIXED_NOW + timedelta(days=3))

    figures = event_dashboard(db, forum)

    assert [(d.day, d.count, d.running_total) for d in figures.registered_per_day] == [
        (date(2024, 11, 1), 1, 1),
        (date(2024, 11, 2), 1, 2),
        (date(2024, 11, 3), 0, 2),
        (date(2024, 11, 4), 1, 3),
    ]


def test_countries_beyond_the_shown_number_are_summed_as_other(
    db: DbSession, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    forum.capacity = None
    codes = ["AZ", "BE", "DE", "FR", "GB", "GE", "IT", "NL", "NO", "PL", "TR", "UA", "US", "CA"]
    for number, code in enumerate(codes):
        for _ in range(2 if code == "AZ" else 1):
            make_registration(
                forum,
                new_organisation=organisation(f"Org {number}", OrganisationKind.NGO, code),
            )

    countries = dict(event_dashboard(db, forum).by_country)

    assert countries["AZ"] == 2
    assert len(countries) == COUNTRIES_SHOWN + 1
    assert countries["*"] == len(codes) - COUNTRIES_SHOWN


def test_the_figures_take_three_queries_whatever_the_number_of_registrations(
    db: DbSession, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    forum.capacity = None
    for _ in range(12):
        make_registration(forum, new_organisation=organisation("NATO", OrganisationKind.NGO, "BE"))
    db.flush()
    statements: list[str] = []

    def count(*_: object) -> None:
        statements.append("statement")

    connection = db.connection()
    sqlalchemy_event.listen(connection, "before_cursor_execute", count)
    try:
        event_dashboard(db, forum)
    finally:
        sqlalchemy_event.remove(connection, "before_cursor_execute", count)

    assert len(statements) == 3


def test_per_day_of_nothing_is_empty() -> None:
    assert per_day([], ZoneInfo("Asia/Baku")) == []
