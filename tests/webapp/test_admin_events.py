"""The organisers' event pages: a new event (admins only), an event's details with its venue,
and the venue's own page; who may open them, what each form saves and what it refuses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from confkit import Problem, clock, services
from confkit.models import Event, ProgrammeSession, Venue
from tests.factories import FIXED_NOW, baku
from tests.webapp.setup_pages import refused, submit
from tests.webapp.test_admin_auth import account, log_in
from tests.webapp.test_registration_pages import text, words
from webapp.admin.event_forms import VenueForm
from webapp.admin.form_errors import show_problems

ADMIN = "admin@example.org"
ORGANISER = "aysel@example.org"
NEW = "/admin/events/new"
EDIT = "/admin/events/forum/edit"
VENUE = "/admin/events/forum/venue"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture
def congress_centre(db: DbSession) -> Venue:
    return services.create_venue(db, name="Congress Centre", city="Baku", country="AZ")


@pytest.fixture
def forum(make_event: Callable[..., Event], congress_centre: Venue) -> Event:
    return make_event(slug="forum", name="Baku energy forum", venue=congress_centre)


@pytest.fixture
def admin(client: FlaskClient, db: DbSession) -> FlaskClient:
    account(db, ADMIN, "admin")
    assert log_in(client, ADMIN).status_code == 303
    return client


@pytest.fixture
def organiser(client: FlaskClient, db: DbSession, forum: Event) -> FlaskClient:
    account(db, ORGANISER, "organiser", forum)
    assert log_in(client, ORGANISER).status_code == 303
    return client


def new_event(**changes: str) -> dict[str, str]:
    fields = {
        "name": "Caspian security dialogue",
        "slug": "caspian-dialogue",
        "timezone": "Asia/Baku",
        "starts_on": "2025-03-10",
        "ends_on": "2025-03-11",
        "venue": "",
        "description": "Two days on the Caspian.",
        "languages": "en, az",
    }
    fields.update(changes)
    return fields


def event_details(event: Event, **changes: str) -> dict[str, str]:
    fields = {
        "name": event.name,
        "timezone": event.timezone,
        "starts_on": event.starts_on.isoformat(),
        "ends_on": event.ends_on.isoformat(),
        "venue": str(event.venue_id or ""),
        "description": event.description,
        "languages": ", ".join(event.languages),
    }
    fields.update(changes)
    return fields


# Who may open the pages


def test_anonymous_visitors_are_sent_to_the_login_page(client: FlaskClient, forum: Event) -> None:
    for path in (NEW, EDIT, VENUE):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith(f"/admin/login?next={path}")
        assert client.post(path, data=new_event()).status_code == 302


@pytest.mark.parametrize(
    ("role", "of_forum", "edit_status", "new_status"),
    [
        ("checkin", True, 403, 403),
        ("organiser", False, 403, 403),
        ("organiser", True, 200, 403),
        ("admin", False, 200, 200),
    ],
)
def test_organisers_edit_their_events_and_only_admins_create_events(
    client: FlaskClient,
    db: DbSession,
    forum: Event,
    make_event: Callable[..., Event],
    role: str,
    of_forum: bool,
    edit_status: int,
    new_status: int,
) -> None:
    other = make_event(slug="other-event")
    account(
        db, "staff@example.org", role, None if role == "admin" else (forum if of_forum else other)
    )
    log_in(client, "staff@example.org")

    assert client.get(EDIT).status_code == edit_status
    assert client.get(VENUE).status_code == edit_status
    assert client.get(NEW).status_code == new_status
    # Refused before the form is read, CSRF token included.
    posted = client.post(EDIT, data=event_details(forum, name="Taken over"))
    assert posted.status_code == (403 if edit_status == 403 else 400)
    assert client.post(NEW, data=new_event()).status_code == (403 if new_status == 403 else 400)
    db.expire_all()
    assert forum.name == "Baku energy forum"
    assert db.scalar(select(func.count()).select_from(Event)) == 2


def test_the_front_page_links_the_setup_pages(admin: FlaskClient, forum: Event) -> None:
    page = text(admin.get("/admin/"))
    assert f'href="{NEW}"' in page
    assert f'href="{EDIT}"' in page
    assert 'href="/admin/events/forum/registration-settings"' in page


def test_an_organiser_is_not_offered_a_new_event(organiser: FlaskClient) -> None:
    page = text(organiser.get("/admin/"))
    assert f'href="{NEW}"' not in page
    assert f'href="{EDIT}"' in page


# A new event


def test_a_new_event_is_saved_with_every_field(admin: FlaskClient, db: DbSession) -> None:
    response = submit(admin, NEW, **new_event())

    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/events/caspian-dialogue/edit"
    event = services.get_event(db, "caspian-dialogue")
    assert (event.name, event.timezone, event.starts_on, event.ends_on) == (
        "Caspian security dialogue",
        "Asia/Baku",
        date(2025, 3, 10),
        date(2025, 3, 11),
    )
    assert (event.description, event.languages, event.venue) == (
        "Two days on the Caspian.",
        ["en", "az"],
        None,
    )
    assert admin.get("/admin/events/caspian-dialogue/edit").status_code == 200


def test_a_new_event_at_an_existing_venue(
    admin: FlaskClient, db: DbSession, congress_centre: Venue
) -> None:
    page = text(admin.get(NEW))
    assert f'<option value="{congress_centre.id}">Congress Centre, Baku</option>' in page

    assert submit(admin, NEW, **new_event(venue=str(congress_centre.id))).status_code == 303

    assert services.get_event(db, "caspian-dialogue").venue == congress_centre


def test_a_new_event_at_a_new_venue(admin: FlaskClient, db: DbSession) -> None:
    response = submit(
        admin,
        NEW,
        **new_event(
            venue="new",
            venue_name="Gulustan Palace",
            venue_address="Bayil",
            venue_city="Baku",
            venue_country="AZ",
        ),
    )

    assert response.status_code == 303
    venue = services.get_event(db, "caspian-dialogue").venue
    assert venue is not None
    assert (venue.name, venue.address, venue.city, venue.country) == (
        "Gulustan Palace",
        "Bayil",
        "Baku",
        "AZ",
    )


@pytest.mark.parametrize(
    ("changes", "messages"),
    [
        ({"name": ""}, ["Name is required"]),
        ({"slug": "Caspian Dialogue"}, ["Short name in web addresses must be lowercase letters"]),
        ({"slug": "forum"}, ["'forum' is already taken by another event"]),
        ({"timezone": "Mars/Olympus"}, ["'Mars/Olympus' is not an IANA time zone name"]),
        ({"timezone": ""}, ["is not an IANA time zone name"]),
        ({"starts_on": "10 March"}, ["Not a valid date value"]),
        ({"ends_on": ""}, ["Last day is required"]),
        ({"ends_on": "2025-03-09"}, ["Last day is before the first day"]),
        ({"languages": "English; Azerbaijani"}, ["Give language codes separated by commas"]),
        ({"name": "Null\x00byte"}, ["Name contains a control character"]),
        ({"venue": "999999"}, ["Venue no venue with id 999999"]),
        ({"venue": "somewhere"}, ["Choose a venue from the list."]),
        ({"venue": "new", "venue_name": ""}, ["Name of the new venue is required"]),
        (
            {"venue": "new", "venue_name": "Hall", "venue_country": "Azerbaijan"},
            ["'Azerbaijan' is not an ISO 3166-1 alpha-2 country code"],
        ),
    ],
)
def test_a_bad_new_event_is_shown_again_with_its_problem(
    admin: FlaskClient,
    db: DbSession,
    forum: Event,
    changes: dict[str, str],
    messages: list[str],
) -> None:
    response = submit(admin, NEW, **new_event(**changes))

    refused(response, *messages)
    # What was typed is kept for correcting.
    assert "Two days on the Caspian." in text(response)
    assert db.scalar(select(func.count()).select_from(Event)) == 1
    assert db.scalar(select(func.count()).select_from(Venue)) == 1


def test_a_new_event_without_the_csrf_token_is_refused(admin: FlaskClient, db: DbSession) -> None:
    response = admin.post(NEW, data=new_event())

    refused(response, "The page was open too long, or the form did not come from this site.")
    assert db.scalar(select(func.count()).select_from(Event)) == 0


# An event's details


def test_the_details_are_shown_and_saved(
    organiser: FlaskClient, db: DbSession, forum: Event, congress_centre: Venue
) -> None:
    page = text(organiser.get(EDIT))
    assert 'value="Baku energy forum"' in page
    assert '<option selected value="Asia/Baku">' in page
    assert f'<option selected value="{congress_centre.id}">' in page

    response = submit(
        organiser,
        EDIT,
        **event_details(
            forum,
            name="Baku energy security forum",
            timezone="Europe/Brussels",
            ends_on="2024-11-27",
            venue="",
            languages="en, fr",
            description="Energy security.",
        ),
    )

    assert response.status_code == 303
    assert response.headers["Location"] == EDIT
    db.expire_all()
    event = services.get_event(db, "forum")
    assert (event.name, event.timezone, event.ends_on, event.venue) == (
        "Baku energy security forum",
        "Europe/Brussels",
        date(2024, 11, 27),
        None,
    )
    assert (event.languages, event.description) == (["en", "fr"], "Energy security.")


def test_the_slug_is_permanent(organiser: FlaskClient, db: DbSession, forum: Event) -> None:
    page = words(organiser.get(EDIT))
    assert "forum — permanent: calendars and links use it." in page
    assert 'name="slug"' not in text(organiser.get(EDIT))

    response = submit(organiser, EDIT, **event_details(forum, slug="renamed", name="Renamed"))

    assert response.status_code == 303
    db.expire_all()
    assert (forum.slug, forum.name) == ("forum", "Renamed")


def test_new_days_that_would_strand_sessions_are_refused_naming_them(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_session: Callable[..., ProgrammeSession],
) -> None:
    make_session(forum, title="Closing panel", starts_at=baku(26, 16), ends_at=baku(26, 17))

    response = submit(organiser, EDIT, **event_details(forum, ends_on="2024-11-25"))

    refused(
        response,
        "Last day would leave scheduled sessions outside the event's days: 'Closing panel'",
    )
    # A new zone is checked too; the problem is then the zone's.
    response = submit(organiser, EDIT, **event_details(forum, timezone="Pacific/Kiritimati"))
    refused(response, "Time zone would leave scheduled sessions outside the event's days")
    db.expire_all()
    assert (forum.ends_on, forum.timezone) == (date(2024, 11, 26), "Asia/Baku")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": " "}, "Name is required"),
        ({"timezone": "Baku"}, "'Baku' is not an IANA time zone name"),
        ({"starts_on": "2024-11-31"}, "Not a valid date value"),
        ({"starts_on": "2024-11-27"}, "Last day is before the first day"),
        ({"description": "x" * 50_001}, "Description is longer than 50000 characters"),
    ],
)
def test_bad_details_are_shown_again_and_nothing_changes(
    organiser: FlaskClient, db: DbSession, forum: Event, changes: dict[str, str], message: str
) -> None:
    refused(submit(organiser, EDIT, **event_details(forum, **changes)), message)

    db.expire_all()
    assert (forum.name, forum.timezone, forum.starts_on) == (
        "Baku energy forum",
        "Asia/Baku",
        date(2024, 11, 25),
    )


def test_details_without_the_csrf_token_are_refused(
    organiser: FlaskClient, db: DbSession, forum: Event
) -> None:
    refused(organiser.post(EDIT, data=event_details(forum, name="Renamed")), "open too long")
    db.expire_all()
    assert forum.name == "Baku energy forum"


def test_an_unknown_event_is_not_found(admin: FlaskClient) -> None:
    assert admin.get("/admin/events/no-such-event/edit").status_code == 404


# The venue


def test_the_venue_is_changed(
    organiser: FlaskClient, db: DbSession, forum: Event, congress_centre: Venue
) -> None:
    assert 'value="Congress Centre"' in text(organiser.get(VENUE))

    response = submit(
        organiser, VENUE, name="Baku Congress Centre", address="1 Heydar Aliyev Ave", city="Baku"
    )

    assert response.status_code == 303
    db.expire_all()
    assert (congress_centre.name, congress_centre.address, congress_centre.country) == (
        "Baku Congress Centre",
        "1 Heydar Aliyev Ave",
        None,
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Name is required"),
        ({"name": "Hall", "country": "XX"}, "'XX' is not an ISO 3166-1 alpha-2 country code"),
        ({"name": "Hall", "city": "c" * 201}, "City is longer than 200 characters"),
    ],
)
def test_a_bad_venue_is_shown_again(
    organiser: FlaskClient,
    db: DbSession,
    congress_centre: Venue,
    fields: dict[str, str],
    message: str,
) -> None:
    refused(submit(organiser, VENUE, **fields), message)
    db.expire_all()
    assert congress_centre.name == "Congress Centre"


def test_a_venue_without_the_csrf_token_is_refused(
    organiser: FlaskClient, db: DbSession, congress_centre: Venue
) -> None:
    refused(organiser.post(VENUE, data={"name": "Elsewhere"}), "open too long")
    db.expire_all()
    assert congress_centre.name == "Congress Centre"


def test_a_venue_shared_with_an_event_the_organiser_does_not_run_is_not_theirs_to_change(
    organiser: FlaskClient,
    db: DbSession,
    make_event: Callable[..., Event],
    congress_centre: Venue,
) -> None:
    make_event(slug="other-event", venue=congress_centre)

    assert organiser.get(VENUE).status_code == 403
    assert organiser.post(VENUE, data={"name": "Mine now"}).status_code == 403


def test_an_admin_sees_who_else_meets_at_the_venue(
    admin: FlaskClient, forum: Event, make_event: Callable[..., Event], congress_centre: Venue
) -> None:
    make_event(slug="other-event", name="Other meeting", venue=congress_centre)

    assert "also the venue of Other meeting" in words(admin.get(VENUE))


def test_an_event_without_a_venue_has_no_venue_page(
    admin: FlaskClient, make_event: Callable[..., Event]
) -> None:
    make_event(slug="nowhere")
    assert admin.get("/admin/events/nowhere/venue").status_code == 404


# The mapping of problems onto fields


def test_problems_go_to_the_fields_they_name_and_the_rest_are_returned(app: Flask) -> None:
    with app.test_request_context():
        form = VenueForm(formdata=None, meta={"csrf": False})
        unplaced = show_problems(
            form,
            [
                Problem("name", "is required"),
                Problem("town", "is unknown"),
                Problem("venue_city", "is too long"),
                Problem("csrf_token", "is forged"),
            ],
            fields={"venue_city": "city"},
        )

    assert form.name.errors == ["is required"]
    assert form.city.errors == ["is too long"]
    assert unplaced == ["town: is unknown", "csrf_token: is forged"]
