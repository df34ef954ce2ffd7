"""The organisers' registration pages: who may open them, the filtered list and its counts, the
actions on one or many registrations with every refusal reported, the detail with its history,
and the CSV download."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session as DbSession
from werkzeug.test import TestResponse

from confkit import clock, services
from confkit.i18n import Translator
from confkit.models import Event, Registration, RegistrationStatus
from tests.factories import FIXED_NOW
from tests.webapp.test_admin_auth import account, log_in
from tests.webapp.test_registration_pages import csrf_token, mails_to, text, words
from webapp.admin import registration_forms

Status = RegistrationStatus
ORGANISER = "aysel@example.org"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture
def forum(open_event_for_registration: Callable[..., Event]) -> Event:
    return open_event_for_registration(capacity=2, slug="forum", name="Baku energy forum")


@pytest.fixture
def organiser(client: FlaskClient, db: DbSession, forum: Event) -> FlaskClient:
    """The client, logged in as an organiser of the forum."""
    account(db, ORGANISER, "organiser", forum)
    assert log_in(client, ORGANISER).status_code == 303
    return client


def list_path(event: Event, query: str = "") -> str:
    return f"/admin/events/{event.slug}/registrations{query}"


def detail_path(registration: Registration) -> str:
    return f"/admin/events/{registration.event.slug}/registrations/{registration.id}"


def act(
    client: FlaskClient, event: Event, action: str, *registrations: Registration
) -> TestResponse:
    token = csrf_token(client, list_path(event))
    return client.post(
        f"/admin/events/{event.slug}/registrations/actions",
        data={
            "csrf_token": token,
            "action": action,
            "registration_ids": [str(r.id) for r in registrations],
            "back": list_path(event),
        },
    )


# Who may open the pages


def every_page(event: Event, registration: Registration) -> list[str]:
    return [list_path(event), detail_path(registration), list_path(event, ".csv")]


def test_anonymous_visitors_are_sent_to_the_login_page(
    client: FlaskClient, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    registration = make_registration(forum)

    for path in every_page(forum, registration):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/admin/login?next=/admin/events/forum/")
    assert client.post("/admin/events/forum/registrations/actions").status_code == 302


@pytest.mark.parametrize(
    ("role", "of_forum", "status"),
    [
        ("checkin", True, 403),
        ("organiser", False, 403),
        ("organiser", True, 200),
        ("admin", False, 200),
    ],
)
def test_only_the_events_organisers_and_admins_may_open_the_pages(
    client: FlaskClient,
    db: DbSession,
    forum: Event,
    make_event: Callable[..., Event],
    make_registration: Callable[..., Registration],
    role: str,
    of_forum: bool,
    status: int,
) -> None:
    registration = make_registration(forum)
    other = make_event(slug="other-event")
    event = None if role == "admin" else (forum if of_forum else other)
    account(db, "staff@example.org", role, event)
    log_in(client, "staff@example.org")

    for path in every_page(forum, registration):
        assert client.get(path).status_code == status, path
    posted = client.post(
        "/admin/events/forum/registrations/actions",
        data={"action": "cancel", "registration_ids": [str(registration.id)]},
    )
    # Refused before anything is read from the form, CSRF token included.
    assert posted.status_code == (403 if status == 403 else 400)
    assert registration.status is Status.CONFIRMED


def test_the_back_office_front_page_links_the_registrations(organiser: FlaskClient) -> None:
    assert 'href="/admin/events/forum/registrations"' in text(organiser.get("/admin/"))


def test_a_registration_of_another_event_is_not_found(
    organiser: FlaskClient,
    open_event_for_registration: Callable[..., Event],
    make_registration: Callable[..., Registration],
) -> None:
    elsewhere = make_registration(open_event_for_registration(capacity=None))

    assert organiser.get(f"/admin/events/forum/registrations/{elsewhere.id}").status_code == 404


# The list


def test_the_list_shows_counts_seats_and_links_and_filters(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_registration: Callable[..., Registration],
) -> None:
    ministry = services.create_organisation(
        db, name="Ministry of Energy", kind="government", country="AZ"
    )
    db.flush()
    aliyev = make_registration(
        forum, given_name="Rashad", family_name="Aliyev", organisation_id=ministry.id
    )
    make_registration(forum, given_name="Nino", family_name="Babayeva", category="press")
    huseynov = make_registration(forum, given_name="Elvin", family_name="Huseynov")

    page = organiser.get(list_path(forum))
    assert page.status_code == 200
    assert "Seats: 2 confirmed of 2; 1 on the waiting list." in words(page)
    assert "Confirmed: 2 · Waitlisted: 1" in words(page)
    assert f'href="{detail_path(aliyev)}"' in text(page)
    assert page.headers["Cache-Control"] == "private, no-store"

    waiting = organiser.get(list_path(forum, "?status=waitlisted"))
    assert "Huseynov, Elvin" in words(waiting)
    assert "Aliyev" not in words(waiting)
    assert f'value="{huseynov.id}"' in text(waiting)

    government = organiser.get(list_path(forum, "?organisation_kind=government&country=az"))
    assert "Aliyev, Rashad" in words(government)
    assert "Babayeva" not in words(government)

    found = organiser.get(list_path(forum, "?text=nino&category=press"))
    assert "Babayeva, Nino" in words(found)
    assert "Confirmed: 1 · Waitlisted: 0" in words(found)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?status=lost", "status: 'lost' is not one of"),
        ("?country=Azerbaijan", "country: must be a two-letter country code"),
        ("?delegation=abc", "Delegation: Not a valid integer value."),
        ("?delegation=99999", "delegation: no delegation with id 99999 at this event"),
    ],
)
def test_bad_filter_values_are_explained(
    organiser: FlaskClient, forum: Event, query: str, message: str
) -> None:
    response = organiser.get(list_path(forum, query))

    assert response.status_code == 400
    assert message in words(response)
    assert "These filters cannot be used" in words(response)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?order=shoe", "Sort by: Not a valid choice."),
        ("?direction=sideways", "Direction: Not a valid choice."),
        ("?page=two", "Page: Not a valid integer value."),
        ("?page=0", "page: must be a whole number from 1 to"),
    ],
)
def test_bad_orders_and_pages_are_explained(
    organiser: FlaskClient, forum: Event, query: str, message: str
) -> None:
    response = organiser.get(list_path(forum, query))

    assert response.status_code == 400
    assert message in words(response)


def test_column_headings_sort_the_list_and_keep_the_filters(
    organiser: FlaskClient, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    forum.capacity = None
    for family_name in ["Babayeva", "Aliyev", "Huseynov"]:
        make_registration(forum, family_name=family_name, given_name="X")

    by_name = organiser.get(list_path(forum, "?status=confirmed"))
    descending_link = re.search(r'<a href="([^"]*order=name[^"]*)">Name</a>', text(by_name))
    assert descending_link is not None
    link = descending_link.group(1).replace("&amp;", "&")
    assert "status=confirmed" in link
    assert "direction=desc" in link
    reversed_page = organiser.get(link)

    shown = re.findall(r"(Aliyev|Babayeva|Huseynov), X", words(reversed_page))
    assert shown == ["Huseynov", "Babayeva", "Aliyev"]
    assert 'aria-sort="descending"' in text(reversed_page)


def test_long_lists_are_paged_with_previous_and_next_links(
    organiser: FlaskClient,
    forum: Event,
    make_registration: Callable[..., Registration],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(registration_forms, "REGISTRATIONS_PER_PAGE", 2)
    forum.capacity = None
    for family_name in ["Aliyev", "Babayeva", "Huseynov", "Karimova", "Mammadov"]:
        make_registration(forum, family_name=family_name, given_name="X")

    first = organiser.get(list_path(forum, "?text=x"))
    second = organiser.get(list_path(forum, "?text=x&page=2"))
    past = organiser.get(list_path(forum, "?text=x&page=9"))

    assert "Page 1 of 3 (5 registrations)" in words(first)
    assert re.findall(r"(\w+), X", words(first)) == ["Aliyev", "Babayeva"]
    assert 'rel="next"' in text(first)
    assert 'rel="prev"' not in text(first)
    assert re.findall(r"(\w+), X", words(second)) == ["Huseynov", "Karimova"]
    assert "page=3" in text(second)
    assert "text=x" in text(second)
    assert past.status_code == 200
    assert "This page is past the last one. Go to page 3" in words(past)


# Actions


def test_bulk_approval_applies_all_but_the_refused_and_says_why(
    client: FlaskClient,
    db: DbSession,
    open_event_for_registration: Callable[..., Event],
    make_registration: Callable[..., Registration],
) -> None:
    event = open_event_for_registration(capacity=None, mode="approval", slug="summit")
    account(db, "kamran@example.org", "organiser", event)
    log_in(client, "kamran@example.org")
    first = make_registration(event, given_name="Rashad", family_name="Aliyev")
    refused = make_registration(event, given_name="Leyla", family_name="Karimova", confirm=False)
    second = make_registration(event, given_name="Nino", family_name="Babayeva")

    response = act(client, event, "approve", first, refused, second)

    assert response.status_code == 200
    assert "Approve: 2 registrations done, 1 refused." in words(response)
    assert "Leyla Karimova : is unconfirmed and cannot be approved" in words(response)
    db.expire_all()
    assert [r.status for r in (first, refused, second)] == [
        Status.CONFIRMED,
        Status.UNCONFIRMED,
        Status.CONFIRMED,
    ]
    assert first.changes[-1].actor == "organiser:kamran@example.org"
    assert "approved" in mails_to(db, first.person.email or "")[-1].subject.lower()


def test_promotion_is_refused_when_the_event_is_full(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_registration: Callable[..., Registration],
) -> None:
    make_registration(forum)
    make_registration(forum)
    waiting = make_registration(forum, given_name="Elvin", family_name="Huseynov")

    response = act(organiser, forum, "promote", waiting)

    assert response.status_code == 200
    assert "Promote: 0 registrations done, 1 refused." in words(response)
    assert "Elvin Huseynov : all 2 seats are taken" in words(response)
    db.expire_all()
    assert waiting.status is Status.WAITLISTED


def test_cancelling_a_seat_promotes_the_next_waitlisted(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_registration: Callable[..., Registration],
) -> None:
    seated = make_registration(forum)
    make_registration(forum)
    waiting = make_registration(forum, given_name="Elvin", family_name="Huseynov")

    response = act(organiser, forum, "cancel", seated)

    assert "Cancel: 1 registration done." in words(response)
    assert "Given a freed seat Elvin Huseynov (from the waiting list)" in words(response)
    db.expire_all()
    assert (seated.status, waiting.status) == (Status.CANCELLED, Status.CONFIRMED)


def test_an_action_without_the_csrf_token_changes_nothing(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_registration: Callable[..., Registration],
) -> None:
    registration = make_registration(forum)

    response = organiser.post(
        "/admin/events/forum/registrations/actions",
        data={"action": "cancel", "registration_ids": [str(registration.id)]},
    )

    assert response.status_code == 400
    assert "did not come from this site" in words(response)
    db.expire_all()
    assert registration.status is Status.CONFIRMED


@pytest.mark.parametrize(
    ("action", "ids", "message"),
    [
        ("approve", [], "Choose at least one registration."),
        ("fly", None, "Not a valid choice"),
        ("approve", ["x"], "could not be coerced"),
        ("approve", ["999999"], "no registration of this event with id 999999"),
    ],
)
def test_a_bad_action_request_is_explained(
    organiser: FlaskClient,
    forum: Event,
    make_registration: Callable[..., Registration],
    action: str,
    ids: list[str] | None,
    message: str,
) -> None:
    registration = make_registration(forum)
    response = organiser.post(
        "/admin/events/forum/registrations/actions",
        data={
            "csrf_token": csrf_token(organiser, list_path(forum)),
            "action": action,
            "registration_ids": [str(registration.id)] if ids is None else ids,
        },
    )

    assert response.status_code == 400
    assert message in words(response)
    assert "Nothing was changed" in words(response)


# The detail and the CSV


def test_the_detail_shows_the_attendee_and_the_full_history(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_registration: Callable[..., Registration],
) -> None:
    services.add_question(db, forum, key="diet", label="Dietary needs", kind="short_text")
    db.flush()
    make_registration(forum)
    make_registration(forum)
    registration = make_registration(
        forum, given_name="Elvin", family_name="Huseynov", answers={"diet": "Vegetarian"}
    )

    page = organiser.get(detail_path(registration))
    assert page.status_code == 200
    shown = words(page)
    assert "Elvin Huseynov" in shown
    assert "Status Waitlisted Waiting-list position 1" in shown
    assert "Dietary needs Vegetarian" in shown
    assert "Checked in not yet" in shown
    assert "attendee confirm Unconfirmed → Waitlisted" in shown
    assert 'name="action" value="promote"' in text(page)

    act(organiser, forum, "reject", registration)
    history = words(organiser.get(detail_path(registration)))
    assert "organiser:aysel@example.org reject Waitlisted → Rejected" in history


def test_the_csv_download(
    organiser: FlaskClient, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    make_registration(forum, given_name="Rashad", family_name="Aliyev")

    response = organiser.get(list_path(forum, ".csv"))

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="forum-attendees.csv"'
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.mimetype == "text/csv"
    body = response.get_data().decode("utf-8-sig")
    assert body.startswith("Given name,Family name,")
    assert re.search(r"^Rashad,Aliyev,", body, re.MULTILINE)


# Registering someone by hand


def by_hand(client: FlaskClient, event: Event, **fields: str) -> TestResponse:
    path = f"/admin/events/{event.slug}/registrations/new"
    data = {
        "csrf_token": csrf_token(client, path),
        "given_name": "İlqar",
        "family_name": "Ağayev",
        "email": "ilqar@example.org",
        "category": "speaker",
        "notify_attendee": "y",
    }
    data.update(fields)
    return client.post(path, data=data)


def test_an_organiser_registers_someone_by_hand_who_gets_a_seat_and_a_mail(
    organiser: FlaskClient, db: DbSession, forum: Event
) -> None:
    response = by_hand(
        organiser,
        forum,
        organisation="new",
        organisation_name="Ministry of Defence",
        organisation_kind="government",
        organisation_country="AZ",
        position="Colonel",
    )

    assert response.status_code == 303
    (registration,) = forum.registrations
    assert response.headers["Location"] == detail_path(registration)
    assert registration.status is Status.CONFIRMED
    assert registration.category.value == "speaker"
    assert registration.affiliation is not None
    assert registration.affiliation.organisation.name == "Ministry of Defence"
    assert registration.changes[-1].actor == f"organiser:{ORGANISER}"
    assert [m.recipient for m in mails_to(db, "ilqar@example.org")] == ["ilqar@example.org"]
    assert "Ağayev, İlqar" in words(organiser.get(list_path(forum)))


def test_a_full_event_puts_a_hand_registration_on_the_waiting_list(
    organiser: FlaskClient, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    make_registration(forum)
    make_registration(forum)

    response = by_hand(organiser, forum, notify_attendee="")

    assert response.status_code == 303
    added = [r for r in forum.registrations if r.person.family_name == "Ağayev"]
    assert [r.status for r in added] == [Status.WAITLISTED]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"family_name": ""}, "Family name"),
        ({"email": "not an address"}, "Email address (optional)"),
        ({"category": "vip"}, "Not a valid choice"),
        ({"organisation": "9999999"}, "no organisation with id 9999999"),
        ({"organisation": "<script>"}, "is not one of the choices"),
        (
            {"organisation": "new", "organisation_name": "", "organisation_kind": ""},
            "Name of a new",
        ),
        ({"csrf_token": ""}, "The page was open too long"),
    ],
)
def test_bad_hand_registrations_are_explained_and_save_nothing(
    organiser: FlaskClient, forum: Event, fields: dict[str, str], message: str
) -> None:
    response = by_hand(organiser, forum, **fields)

    assert response.status_code == 400
    assert message in words(response)
    assert "The registration was not saved." in words(response)
    assert forum.registrations == []
    assert 'value="İlqar"' in text(response) or fields.get("given_name") == ""


def test_an_address_already_registered_is_named_on_the_form(
    organiser: FlaskClient, forum: Event, make_registration: Callable[..., Registration]
) -> None:
    make_registration(forum, email="ilqar@example.org")

    response = by_hand(organiser, forum)

    assert response.status_code == 400
    assert "ilqar@example.org is already registered for this event" in words(response)


def test_a_full_event_without_a_waiting_list_says_so_on_the_form(
    client: FlaskClient,
    db: DbSession,
    open_event_for_registration: Callable[..., Event],
    make_registration: Callable[..., Registration],
) -> None:
    event = open_event_for_registration(capacity=1, waitlist=False, slug="closed-list")
    make_registration(event)
    account(db, "kamran@example.org", "organiser", event)
    log_in(client, "kamran@example.org")

    response = by_hand(client, event)

    assert response.status_code == 400
    assert "all 1 seats are taken" in words(response)


def test_only_the_events_organisers_may_register_someone_by_hand(
    client: FlaskClient, db: DbSession, forum: Event
) -> None:
    path = "/admin/events/forum/registrations/new"
    assert client.get(path).status_code == 302
    account(db, "door@example.org", "checkin", forum)
    log_in(client, "door@example.org")
    assert client.get(path).status_code == 403
    assert client.post(path, data={"family_name": "X"}).status_code == 403


def test_the_mail_language_of_a_hand_registration_defaults_to_the_page_and_can_be_chosen(
    organiser: FlaskClient, db: DbSession, forum: Event
) -> None:
    form = organiser.get(f"/admin/events/{forum.slug}/registrations/new?lang=ru")
    response = by_hand(organiser, forum, locale="az")

    assert '<option selected value="ru">Русский</option>' in form.get_data(as_text=True)
    assert response.status_code == 303
    (registration,) = forum.registrations
    assert registration.locale == "az"
    (mail,) = mails_to(db, "ilqar@example.org")
    assert mail.subject.startswith(Translator("az").gettext("Your registration is confirmed"))


def test_a_mail_language_confkit_does_not_write_is_refused_next_to_its_field(
    organiser: FlaskClient, forum: Event
) -> None:
    response = by_hand(organiser, forum, locale="fr")

    assert response.status_code == 400
    assert "must be one of: en, az, ru" in words(response)
    assert forum.registrations == []
