"""The organisers' people pages: people (names in any script), organisations with their parents,
positions, and an event's delegations; who may edit them; every form's errors and CSRF."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from werkzeug.test import TestResponse

from confkit import services
from confkit.models import Event, Organisation, Person
from tests.webapp.test_admin_auth import account, log_in
from tests.webapp.test_admin_sessions import ORGANISER, field_errors, fixed_now, form_token
from tests.webapp.test_registration_pages import text, words

__all__ = ["fixed_now"]


@pytest.fixture
def forum(make_event: Callable[..., Event]) -> Event:
    return make_event(slug="forum", name="Baku energy forum")


@pytest.fixture
def organiser(client: FlaskClient, db: DbSession, forum: Event) -> FlaskClient:
    account(db, ORGANISER, "organiser", forum)
    assert log_in(client, ORGANISER).status_code == 303
    return client


@pytest.fixture
def ministry(db: DbSession) -> Organisation:
    organisation = services.create_organisation(
        db, name="Ministry of Defence", kind="government", country="AZ"
    )
    db.flush()
    return organisation


def submit(client: FlaskClient, path: str, *, page: str | None = None, **data: Any) -> TestResponse:
    """Post the form at ``path`` with a CSRF token read from ``page`` (default: ``path``)."""
    data["csrf_token"] = form_token(client, page or path)
    return client.post(path, data=data)


def person_form(**overrides: str) -> dict[str, str]:
    return {
        "honorific": "Colonel",
        "given_name": "Elçin",
        "family_name": "Abdullayev",
        "email": "elchin@Mod.GOV.az",
        "bio": "Head of the International Military Cooperation Department.",
    } | overrides


def person_named(db: DbSession, family_name: str) -> Person | None:
    db.expire_all()
    return db.scalar(select(Person).where(Person.family_name == family_name))


# Who may edit


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 302), ("checkin", 403), ("organiser", 200), ("admin", 200)],
)
def test_admins_and_organisers_of_any_event_may_edit_people_and_organisations(
    client: FlaskClient,
    db: DbSession,
    make_event: Callable[..., Event],
    ministry: Organisation,
    make_person: Callable[..., Person],
    role: str | None,
    status: int,
) -> None:
    person = make_person()
    if role is not None:
        # An organiser of an unrelated event is trusted with the shared directory too.
        account(db, "staff@example.org", role, None if role == "admin" else make_event())
        log_in(client, "staff@example.org")

    for path in (
        "/admin/people",
        "/admin/people/new",
        f"/admin/people/{person.id}",
        "/admin/organisations",
        "/admin/organisations/new",
        f"/admin/organisations/{ministry.id}",
    ):
        assert client.get(path).status_code == status, path
    posted = client.post("/admin/people/new", data=person_form())
    assert posted.status_code == (status if status != 200 else 400)
    assert person_named(db, "Abdullayev") is None


@pytest.mark.parametrize(
    ("role", "of_forum", "status"),
    [
        ("checkin", True, 403),
        ("organiser", False, 403),
        ("organiser", True, 200),
        ("admin", False, 200),
    ],
)
def test_only_the_events_organisers_and_admins_may_edit_its_delegations(
    client: FlaskClient,
    db: DbSession,
    forum: Event,
    make_event: Callable[..., Event],
    role: str,
    of_forum: bool,
    status: int,
) -> None:
    delegation = services.create_delegation(db, forum, name="NATO delegation")
    db.flush()
    other = make_event()
    account(
        db, "staff@example.org", role, None if role == "admin" else (forum if of_forum else other)
    )
    log_in(client, "staff@example.org")

    for path in (
        "/admin/events/forum/delegations",
        "/admin/events/forum/delegations/new",
        f"/admin/events/forum/delegations/{delegation.id}",
    ):
        assert client.get(path).status_code == status, path


# People


def test_a_person_is_added_with_names_in_any_script_and_found_by_search(
    organiser: FlaskClient, db: DbSession
) -> None:
    response = submit(organiser, "/admin/people/new", **person_form())

    assert response.status_code == 303
    saved = person_named(db, "Abdullayev")
    assert saved is not None
    assert (saved.honorific, saved.given_name, saved.email) == (
        "Colonel",
        "Elçin",
        "elchin@mod.gov.az",
    )
    assert response.headers["Location"] == f"/admin/people/{saved.id}"
    submit(
        organiser,
        "/admin/people/new",
        **person_form(honorific="", given_name="Сергей", family_name="Иванов", email=""),
    )
    assert person_named(db, "Иванов") is not None

    found = organiser.get("/admin/people?q=elçin")
    assert "Abdullayev, Elçin (Colonel)" in words(found)
    assert "Иванов" not in words(found)
    assert "Иванов, Сергей" in words(organiser.get("/admin/people?q=Серг"))
    assert "Nobody matches." in words(organiser.get("/admin/people?q=nobody-at-all"))


def test_a_person_is_edited(
    organiser: FlaskClient, db: DbSession, make_person: Callable[..., Person]
) -> None:
    person = make_person(given_name="Burcu", family_name="San")

    response = submit(
        organiser,
        f"/admin/people/{person.id}",
        **person_form(
            honorific="Dr",
            given_name="Burcu",
            family_name="San",
            email="",
            bio="NATO DASG for Operations",
        ),
    )

    assert response.status_code == 303
    db.expire_all()
    assert (person.honorific, person.email, person.bio) == ("Dr", None, "NATO DASG for Operations")
    assert "Person saved." in words(organiser.get(response.headers["Location"]))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"family_name": ""}, "family_name", "This field is required."),
        ({"email": "not-an-address"}, "email", "'not-an-address' is not an email address"),
        ({"email": "taken@example.org"}, "email", "Email belongs to another person"),
        ({"given_name": "x" * 201}, "given_name", "Given name is longer than 200 characters"),
        ({"bio": "bad\x00byte"}, "bio", "Short bio contains a control character"),
    ],
)
def test_each_invalid_person_is_explained(
    organiser: FlaskClient,
    db: DbSession,
    make_person: Callable[..., Person],
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    make_person(family_name="Owner", email="taken@example.org")

    response = submit(organiser, "/admin/people/new", **person_form(**overrides))

    assert response.status_code == 400
    assert message in field_errors(response, field)
    assert person_named(db, "Abdullayev") is None


def test_person_forms_without_the_csrf_token_are_refused(
    organiser: FlaskClient,
    db: DbSession,
    make_person: Callable[..., Person],
    ministry: Organisation,
) -> None:
    person = make_person(family_name="San")
    for path, data in (
        ("/admin/people/new", person_form()),
        (f"/admin/people/{person.id}", person_form(family_name="Changed")),
        (f"/admin/people/{person.id}/affiliations", {"organisation": str(ministry.id)}),
        ("/admin/organisations/new", {"name": "NATO", "kind": "international_organisation"}),
        ("/admin/events/forum/delegations/new", {"name": "NATO delegation"}),
    ):
        response = organiser.post(path, data=data)
        assert response.status_code == 400, path
        assert "did not come from this site" in words(response), path
    db.expire_all()
    assert person.family_name == "San"
    assert person.affiliations == []


def test_a_bad_search_is_explained(organiser: FlaskClient) -> None:
    response = organiser.get("/admin/people?q=" + "x" * 201)
    assert response.status_code == 400
    assert "is longer than 200 characters" in field_errors(response, "q")


# Organisations


def test_an_organisation_with_a_parent_is_added_and_listed_with_its_full_name(
    organiser: FlaskClient, db: DbSession, ministry: Organisation
) -> None:
    response = submit(
        organiser,
        "/admin/organisations/new",
        name="International Military Cooperation Department",
        short_name="",
        kind="armed_forces",
        country="AZ",
        parent=str(ministry.id),
    )

    assert response.status_code == 303
    db.expire_all()
    department = db.scalar(select(Organisation).where(Organisation.parent_id == ministry.id))
    assert department is not None
    assert (department.kind.value, department.country, department.short_name) == (
        "armed_forces",
        "AZ",
        None,
    )
    listed = words(organiser.get("/admin/organisations"))
    assert "International Military Cooperation Department, Ministry of Defence" in listed


def test_a_parent_that_makes_a_cycle_is_refused_next_to_the_parent(
    organiser: FlaskClient, db: DbSession, ministry: Organisation
) -> None:
    department = services.create_organisation(
        db, name="Department", kind="government", parent=ministry
    )
    db.flush()

    response = submit(
        organiser,
        f"/admin/organisations/{ministry.id}",
        name="Ministry of Defence",
        kind="government",
        country="AZ",
        parent=str(department.id),
    )

    assert response.status_code == 400
    assert "would make the organisation its own parent" in field_errors(response, "parent")
    db.expire_all()
    assert ministry.parent is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"country": "XX"}, "country", "Not a valid choice."),
        ({"kind": "club"}, "kind", "Not a valid choice."),
        ({"parent": "999999"}, "parent", "no organisation with id 999999"),
        ({"short_name": "x" * 51}, "short_name", "is longer than 50 characters"),
    ],
)
def test_each_invalid_organisation_is_explained(
    organiser: FlaskClient, db: DbSession, overrides: dict[str, str], field: str, message: str
) -> None:
    values = {
        "name": "NATO",
        "short_name": "",
        "kind": "international_organisation",
        "country": "",
        "parent": "",
    }

    response = submit(organiser, "/admin/organisations/new", **(values | overrides))

    assert response.status_code == 400
    assert message in field_errors(response, field)
    assert db.scalar(select(Organisation).where(Organisation.name == "NATO")) is None


# Positions


def test_a_position_is_added_and_edited(
    organiser: FlaskClient,
    db: DbSession,
    ministry: Organisation,
    make_person: Callable[..., Person],
) -> None:
    person = make_person(honorific="Colonel", given_name="Elchin", family_name="Abdullayev")
    page = f"/admin/people/{person.id}"

    added = submit(
        organiser,
        f"{page}/affiliations",
        page=page,
        organisation=str(ministry.id),
        position_title="Acting Head",
        starts_on="2024-01-01",
        ends_on="",
    )
    assert added.status_code == 303
    db.expire_all()
    [position] = person.affiliations
    assert (position.organisation, position.position_title, position.starts_on) == (
        ministry,
        "Acting Head",
        date(2024, 1, 1),
    )
    assert "Acting Head, Ministry of Defence (1 January 2024 – …)" in words(organiser.get(page))

    edit = f"{page}/affiliations/{position.id}"
    edited = submit(
        organiser, edit, position_title="Head", starts_on="2024-01-01", ends_on="2024-12-31"
    )
    assert edited.status_code == 303
    db.expire_all()
    assert (position.position_title, position.ends_on) == ("Head", date(2024, 12, 31))

    backwards = submit(
        organiser, edit, position_title="Head", starts_on="2024-06-01", ends_on="2024-01-01"
    )
    assert backwards.status_code == 400
    assert "Until is before the position starts" in field_errors(backwards, "ends_on")
    no_token = organiser.post(edit, data={"position_title": "Changed"})
    assert no_token.status_code == 400
    db.expire_all()
    assert position.position_title == "Head"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"organisation": ""}, "organisation", "Choose an organisation."),
        ({"organisation": "999999"}, "organisation", "no organisation with id 999999"),
        ({"starts_on": "1 January"}, "starts_on", "Not a valid date value."),
        (
            {"starts_on": "2024-06-01", "ends_on": "2024-01-01"},
            "ends_on",
            "is before the position starts",
        ),
    ],
)
def test_each_invalid_position_is_explained(
    organiser: FlaskClient,
    db: DbSession,
    ministry: Organisation,
    make_person: Callable[..., Person],
    data: dict[str, str],
    field: str,
    message: str,
) -> None:
    person = make_person()
    values = {
        "organisation": str(ministry.id),
        "position_title": "Adviser",
        "starts_on": "",
        "ends_on": "",
    }

    response = submit(
        organiser,
        f"/admin/people/{person.id}/affiliations",
        page=f"/admin/people/{person.id}",
        **(values | data),
    )

    assert response.status_code == 400
    assert message in field_errors(response, field)
    db.expire_all()
    assert person.affiliations == []


def test_a_position_of_someone_else_is_not_found(
    organiser: FlaskClient,
    db: DbSession,
    ministry: Organisation,
    make_person: Callable[..., Person],
) -> None:
    owner, other = make_person(), make_person()
    position = services.add_affiliation(db, owner, ministry)
    db.flush()
    assert organiser.get(f"/admin/people/{other.id}/affiliations/{position.id}").status_code == 404
    assert organiser.get("/admin/people/999999").status_code == 404


# Delegations


def test_a_delegation_is_added_and_edited(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_person: Callable[..., Person],
) -> None:
    nato = services.create_organisation(db, name="NATO", kind="international_organisation")
    san = make_person(honorific="Ms", given_name="Burcu", family_name="San")
    member = make_person(given_name="Anna", family_name="Kowalska")
    other = make_person(given_name="John", family_name="Doe")
    db.flush()

    added = submit(
        organiser,
        "/admin/events/forum/delegations/new",
        name="NATO delegation",
        organisation=str(nato.id),
        head=str(san.id),
        members=[str(member.id)],
    )
    assert added.status_code == 303
    db.expire_all()
    [delegation] = forum.delegations
    assert (delegation.head, delegation.organisation) == (san, nato)
    # The head is always one of the members.
    assert set(delegation.members) == {san, member}
    assert "NATO delegation , headed by Ms Burcu San: 2 members" in words(
        organiser.get("/admin/events/forum/delegations")
    )

    edited = submit(
        organiser,
        f"/admin/events/forum/delegations/{delegation.id}",
        name="NATO team",
        organisation="",
        head="",
        members=[str(other.id)],
    )
    assert edited.status_code == 303
    db.expire_all()
    assert (delegation.name, delegation.head, delegation.members) == ("NATO team", None, [other])


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"head": "999999"}, "head", "Head no person with id 999999"),
        ({"members": ["999999"]}, "members", "no person with id 999999"),
        (
            {"members": ["abc"]},
            "members",
            "Invalid choice(s): one or more data inputs could not be coerced.",
        ),
    ],
)
def test_each_invalid_delegation_is_explained(
    organiser: FlaskClient, forum: Event, data: dict[str, Any], field: str, message: str
) -> None:
    response = submit(
        organiser, "/admin/events/forum/delegations/new", **({"name": "NATO delegation"} | data)
    )

    assert response.status_code == 400
    assert message in field_errors(response, field)
    assert forum.delegations == []


def test_a_delegation_of_another_event_is_not_found(
    organiser: FlaskClient, db: DbSession, make_event: Callable[..., Event]
) -> None:
    elsewhere = services.create_delegation(db, make_event(), name="Elsewhere")
    db.flush()
    assert organiser.get(f"/admin/events/forum/delegations/{elsewhere.id}").status_code == 404
    assert "Elsewhere" not in text(organiser.get("/admin/events/forum/delegations"))
