"""The organisers' session pages: who may open them, adding and editing a session in the event's
local time, clashes and problems shown next to their fields, warnings after saving, cancel and
un-cancel, and the people in a session with their roles and order."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession
from werkzeug.test import TestResponse

from confkit import clock, services
from confkit.models import Event, Person, ProgrammeSession, Room, SessionStatus
from tests.factories import FIXED_NOW, baku
from tests.webapp.test_admin_auth import account, log_in
from tests.webapp.test_registration_pages import text, words

ORGANISER = "aysel@example.org"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture
def forum(make_event: Callable[..., Event]) -> Event:
    """An event in Baku on 25-26 November 2024."""
    return make_event(slug="forum", name="Baku energy forum", languages=["en", "az"])


@pytest.fixture
def hall(forum: Event, make_room: Callable[..., Room]) -> Room:
    return make_room(forum, slug="hall", name="Plenary Hall", capacity=50)


@pytest.fixture
def organiser(client: FlaskClient, db: DbSession, forum: Event) -> FlaskClient:
    """The client, logged in as an organiser of the forum."""
    account(db, ORGANISER, "organiser", forum)
    assert log_in(client, ORGANISER).status_code == 303
    return client


def form_token(client: FlaskClient, path: str) -> str:
    """The first CSRF token on the page at ``path``, whatever the form's field ids."""
    response = client.get(path)
    assert response.status_code == 200, text(response)
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text(response))
    assert found is not None, "no CSRF token on the page"
    return found.group(1)


def session_path(programme_session: ProgrammeSession, suffix: str = "") -> str:
    return f"/admin/events/{programme_session.event.slug}/sessions/{programme_session.uuid}{suffix}"


def session_form(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "kind": "panel",
        "title": "Energy security in the Caspian",
        "abstract": "Pipelines and power lines.",
        "day": "2024-11-26",
        "start_time": "10:00",
        "end_time": "11:30",
        "room": "",
        "track": "",
        "language": "en",
        "status": "scheduled",
        "visibility": "public",
        "signup_capacity": "",
        "expected_audience": "",
    }
    values.update(overrides)
    return values


def post_new(client: FlaskClient, event: Event, **overrides: Any) -> TestResponse:
    path = f"/admin/events/{event.slug}/sessions/new"
    data = {"csrf_token": form_token(client, path), **session_form(**overrides)}
    return client.post(path, data=data)


def post_edit(
    client: FlaskClient, programme_session: ProgrammeSession, **overrides: Any
) -> TestResponse:
    path = session_path(programme_session)
    data = {"csrf_token": form_token(client, path), **session_form(**overrides)}
    return client.post(path, data=data)


def post_button(client: FlaskClient, path: str, page: str, **data: Any) -> TestResponse:
    return client.post(path, data={"csrf_token": form_token(client, page), **data})


def field_errors(response: TestResponse, field_id: str) -> str:
    """The error messages shown under one field, as text."""
    found = re.search(
        rf'<ul class="field-errors" id="{re.escape(field_id)}-errors">(.*?)</ul>',
        text(response),
        re.S,
    )
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", found.group(1))).split()) if found else ""


def sessions_of(db: DbSession, event: Event) -> list[ProgrammeSession]:
    db.expire_all()
    return list(db.scalars(select(ProgrammeSession).where(ProgrammeSession.event_id == event.id)))


# Who may open the pages


def test_anonymous_visitors_are_sent_to_the_login_page(
    client: FlaskClient, forum: Event, make_session: Callable[..., ProgrammeSession]
) -> None:
    programme_session = make_session(forum)
    for path in (
        "/admin/events/forum/sessions",
        "/admin/events/forum/sessions/new",
        session_path(programme_session),
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/admin/login?next=")
    assert client.post(session_path(programme_session, "/cancel")).status_code == 302


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
    make_session: Callable[..., ProgrammeSession],
    role: str,
    of_forum: bool,
    status: int,
) -> None:
    programme_session = make_session(forum)
    other = make_event(slug="other-event")
    account(
        db, "staff@example.org", role, None if role == "admin" else (forum if of_forum else other)
    )
    log_in(client, "staff@example.org")

    for path in (
        "/admin/events/forum/sessions",
        "/admin/events/forum/sessions/new",
        session_path(programme_session),
    ):
        assert client.get(path).status_code == status, path
    refused = client.post(session_path(programme_session, "/cancel"))
    # Refused before the form is read, CSRF token included.
    assert refused.status_code == (403 if status == 403 else 400)
    db.expire_all()
    assert programme_session.status is SessionStatus.SCHEDULED


def test_the_front_page_links_the_programme_pages(organiser: FlaskClient) -> None:
    page = text(organiser.get("/admin/"))
    assert 'href="/admin/events/forum/sessions"' in page
    assert 'href="/admin/events/forum/grid"' in page
    assert 'href="/admin/events/forum/delegations"' in page
    assert 'href="/admin/people"' in page


# Adding and editing


def test_a_new_session_is_saved_in_the_events_local_time(
    organiser: FlaskClient, db: DbSession, forum: Event, hall: Room
) -> None:
    response = post_new(organiser, forum, room=str(hall.id), signup_capacity="30")

    assert response.status_code == 303
    [saved] = sessions_of(db, forum)
    assert response.headers["Location"] == session_path(saved)
    assert (saved.title, saved.kind.value, saved.room, saved.signup_capacity) == (
        "Energy security in the Caspian",
        "panel",
        hall,
        30,
    )
    # 10:00 in Baku (UTC+4) is 06:00 UTC.
    assert (saved.starts_at, saved.ends_at) == (baku(26, 10), baku(26, 11, 30))
    page = organiser.get(response.headers["Location"])
    assert "Session added." in words(page)
    assert 'value="10:00"' in text(page)
    listed = words(organiser.get("/admin/events/forum/sessions"))
    assert (
        "26 November 2024, 10:00–11:30 Energy security in the Caspian Panel Plenary Hall" in listed
    )


def test_editing_a_session_changes_it_and_raises_its_sequence(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    hall: Room,
    make_track: Callable[..., Any],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    track = make_track(forum, name="Energy")
    programme_session = make_session(forum)
    sequence = programme_session.sequence

    response = post_edit(
        organiser,
        programme_session,
        title="Bilateral meeting",
        kind="meeting",
        day="2024-11-25",
        start_time="15:00",
        end_time="16:00",
        room=str(hall.id),
        track=str(track.id),
        language="az",
        visibility="closed",
        status="draft",
    )

    assert response.status_code == 303
    db.expire_all()
    assert programme_session.title == "Bilateral meeting"
    assert (programme_session.starts_at, programme_session.ends_at) == (baku(25, 15), baku(25, 16))
    assert (programme_session.room, programme_session.track) == (hall, track)
    assert programme_session.visibility.value == "closed"
    assert programme_session.status is SessionStatus.DRAFT
    assert programme_session.language == "az"
    assert programme_session.sequence > sequence


def test_a_warning_is_shown_after_saving(
    organiser: FlaskClient, db: DbSession, forum: Event, hall: Room
) -> None:
    response = post_new(organiser, forum, room=str(hall.id), expected_audience="80")

    assert response.status_code == 303
    page = words(organiser.get(response.headers["Location"]))
    assert "Warning: Expected audience of 80 is more than room 'Plenary Hall' holds (50)." in page
    assert len(sessions_of(db, forum)) == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"title": "x" * 501}, "title", "Title is longer than 500 characters"),
        ({"start_time": "25:00"}, "start_time", "Not a valid time value."),
        ({"day": "26/11/2024"}, "day", "Not a valid date value."),
        ({"end_time": "09:00"}, "end_time", "End must be after the start"),
        ({"day": "2024-12-01"}, "start_time", "Start is outside the event's days"),
        ({"kind": "concert"}, "kind", "Not a valid choice."),
        ({"signup_capacity": "-3"}, "signup_capacity", "Number must be at least 0."),
        ({"room": "abc"}, "room", "Invalid Choice: could not coerce."),
        ({"room": "999999"}, "room", "Room no room with id 999999"),
        ({"language": "a-very-long-language-tag"}, "language", "is longer than 16 characters"),
    ],
)
def test_each_invalid_input_is_explained_next_to_its_field(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = post_new(organiser, forum, **overrides)

    assert response.status_code == 400
    assert message in field_errors(response, field)
    assert "Please check the form: nothing was saved." in words(response)
    assert sessions_of(db, forum) == []


def test_a_room_of_another_event_is_refused(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_event: Callable[..., Event],
    make_room: Callable[..., Room],
) -> None:
    elsewhere = make_room(make_event(slug="elsewhere"))

    response = post_new(organiser, forum, room=str(elsewhere.id))

    assert response.status_code == 400
    assert "Room belongs to another event than 'forum'" in words(response)


def test_a_local_time_the_clocks_skip_is_refused(
    client: FlaskClient, db: DbSession, make_event: Callable[..., Event]
) -> None:
    brussels = make_event(
        slug="brussels",
        timezone="Europe/Brussels",
        starts_on=date(2024, 3, 30),
        ends_on=date(2024, 3, 31),
    )
    account(db, "org@example.org", "organiser", brussels)
    log_in(client, "org@example.org")

    skipped = post_new(client, brussels, day="2024-03-31", start_time="02:30", end_time="04:00")
    assert skipped.status_code == 400
    assert (
        "Start is a time the clocks skip: 02:30 does not exist on 2024-03-31 in Europe/Brussels"
        in field_errors(skipped, "start_time")
    )
    # Across the change the session lasts one hour of real time, not two.
    across = post_new(client, brussels, day="2024-03-31", start_time="01:30", end_time="03:30")
    assert across.status_code == 303
    [saved] = sessions_of(db, brussels)
    assert (saved.ends_at - saved.starts_at).total_seconds() == 3600


def test_a_room_clash_is_shown_next_to_the_room_naming_the_other_session(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    hall: Room,
    make_session: Callable[..., ProgrammeSession],
) -> None:
    make_session(
        forum, title="Opening plenary", room=hall, starts_at=baku(26, 9), ends_at=baku(26, 10, 30)
    )

    response = post_new(organiser, forum, room=str(hall.id))

    assert response.status_code == 400
    page = text(response)
    room_field = page[page.index('for="room"') : page.index('for="track"')]
    assert (
        "Clash: room &#34;Plenary Hall&#34;" in room_field
        or 'Clash: room "Plenary Hall"' in room_field
    )
    assert "overlaps &#34;Opening plenary&#34; (26 Nov 09:00–10:30)" in room_field
    assert len(sessions_of(db, forum)) == 1


def test_a_person_clash_is_shown_naming_the_person_and_the_other_session(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_person: Callable[..., Person],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    colonel = make_person(honorific="Colonel", given_name="Elchin", family_name="Abdullayev")
    first = make_session(
        forum, title="Opening plenary", starts_at=baku(26, 9), ends_at=baku(26, 10)
    )
    second = make_session(
        forum, title="Afternoon panel", starts_at=baku(26, 14), ends_at=baku(26, 15)
    )
    services.assign_role(db, first, colonel, "speaker")
    services.assign_role(db, second, colonel, "chair")
    db.flush()

    response = post_edit(
        organiser, second, title="Afternoon panel", start_time="09:30", end_time="10:30"
    )

    assert response.status_code == 400
    assert (
        'Clash: Colonel Elchin Abdullayev: "Afternoon panel" (26 Nov 09:30–10:30) overlaps'
        ' "Opening plenary" (26 Nov 09:00–10:00)'
    ) in field_errors(response, "start_time")
    db.expire_all()
    assert second.starts_at == baku(26, 14)


def test_a_form_without_the_csrf_token_is_refused(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_session: Callable[..., ProgrammeSession],
) -> None:
    programme_session = make_session(forum)

    created = organiser.post("/admin/events/forum/sessions/new", data=session_form())
    edited = organiser.post(session_path(programme_session), data=session_form(title="Changed"))

    for response in (created, edited):
        assert response.status_code == 400
        assert "did not come from this site" in words(response)
    assert [s.title for s in sessions_of(db, forum)] == [programme_session.title]


def test_an_unknown_session_is_not_found(organiser: FlaskClient, forum: Event) -> None:
    assert organiser.get("/admin/events/forum/sessions/not-a-uuid").status_code == 404
    missing = "/admin/events/forum/sessions/00000000-0000-0000-0000-000000000000"
    assert organiser.get(missing).status_code == 404


# Cancel and un-cancel


def test_cancel_and_uncancel(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    hall: Room,
    make_session: Callable[..., ProgrammeSession],
) -> None:
    programme_session = make_session(forum, title="Opening plenary", room=hall)
    page = session_path(programme_session)

    cancelled = post_button(organiser, session_path(programme_session, "/cancel"), page)
    assert cancelled.status_code == 303
    db.expire_all()
    assert programme_session.status is SessionStatus.CANCELLED
    shown = organiser.get(page)
    assert "<del>Opening plenary</del> (cancelled)" in text(shown)
    assert "Put back on the programme" in words(shown)

    back = post_button(organiser, session_path(programme_session, "/uncancel"), page)
    assert back.status_code == 303
    db.expire_all()
    assert programme_session.status is SessionStatus.SCHEDULED


def test_uncancel_is_refused_when_the_room_was_taken_meanwhile(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    hall: Room,
    make_session: Callable[..., ProgrammeSession],
) -> None:
    programme_session = make_session(forum, title="Opening plenary", room=hall)
    services.cancel_session(db, programme_session)
    make_session(forum, title="Replacement talk", room=hall)
    db.flush()

    response = post_button(
        organiser, session_path(programme_session, "/uncancel"), session_path(programme_session)
    )

    assert response.status_code == 400
    assert "The status was not changed." in words(response)
    assert 'overlaps "Replacement talk"' in words(response)
    db.expire_all()
    assert programme_session.status is SessionStatus.CANCELLED


def test_cancel_without_the_csrf_token_is_refused(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_session: Callable[..., ProgrammeSession],
) -> None:
    programme_session = make_session(forum)

    response = organiser.post(session_path(programme_session, "/cancel"))

    assert response.status_code == 400
    assert "did not come from this site" in words(response)
    db.expire_all()
    assert programme_session.status is SessionStatus.SCHEDULED


# People in a session


def test_people_are_added_reordered_and_removed(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_person: Callable[..., Person],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    programme_session = make_session(forum)
    ministry = services.create_organisation(
        db, name="Ministry of Defence", kind="government", country="AZ"
    )
    colonel = make_person(honorific="Colonel", given_name="Elchin", family_name="Abdullayev")
    position = services.add_affiliation(db, colonel, ministry, position_title="Acting Head")
    san = make_person(given_name="Burcu", family_name="San")
    db.flush()
    page = session_path(programme_session)
    people = session_path(programme_session, "/people")

    first = post_button(
        organiser, people, page, person=colonel.id, role="chair", affiliation=position.id
    )
    second = post_button(organiser, people, page, person=san.id, role="speaker", affiliation="")
    assert (first.status_code, second.status_code) == (303, 303)
    db.expire_all()
    assert [(r.person, r.role.value) for r in programme_session.roles] == [
        (colonel, "chair"),
        (san, "speaker"),
    ]
    assert programme_session.roles[0].affiliation == position
    shown = words(organiser.get(page))
    assert "Chair : Colonel Elchin Abdullayev, Acting Head, Ministry of Defence" in shown

    chair, speaker = programme_session.roles
    # The "Move up" button of the second person sends the swapped order.
    swapped = re.search(
        r'<input type="hidden" name="roles" value="(\d+)">'
        r'<input type="hidden" name="roles" value="(\d+)">\s*'
        r'<button type="submit" aria-label="Move Burcu San up">',
        text(organiser.get(page)),
    )
    assert swapped is not None
    assert swapped.groups() == (str(speaker.id), str(chair.id))
    reordered = post_button(
        organiser,
        session_path(programme_session, "/people/order"),
        page,
        roles=[speaker.id, chair.id],
    )
    assert reordered.status_code == 303
    db.expire_all()
    assert [r.person for r in programme_session.roles] == [san, colonel]

    removed = post_button(
        organiser, session_path(programme_session, f"/people/{chair.id}/remove"), page
    )
    assert removed.status_code == 303
    db.expire_all()
    assert [r.person for r in programme_session.roles] == [san]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"person": "", "role": "speaker"}, "person", "Choose a person."),
        ({"person": "999999", "role": "speaker"}, "person", "Person no person with id 999999"),
        ({"role": "juggler"}, "role", "Not a valid choice."),
        (
            {"role": "speaker", "affiliation": "other"},
            "affiliation",
            "Shown as is a position of another person",
        ),
        ({"role": "chair"}, "person", "Person is already chair of this session"),
    ],
)
def test_a_bad_role_is_explained(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_person: Callable[..., Person],
    make_session: Callable[..., ProgrammeSession],
    data: dict[str, str],
    field: str,
    message: str,
) -> None:
    programme_session = make_session(forum)
    person = make_person()
    someone_else = make_person()
    ministry = services.create_organisation(db, name="Ministry", kind="government")
    other_position = services.add_affiliation(db, someone_else, ministry)
    services.assign_role(db, programme_session, person, "chair")
    db.flush()
    values = {"person": str(person.id), "affiliation": ""} | data
    if values["affiliation"] == "other":
        values["affiliation"] = str(other_position.id)

    response = post_button(
        organiser,
        session_path(programme_session, "/people"),
        session_path(programme_session),
        **values,
    )

    assert response.status_code == 400
    assert message in field_errors(response, field)
    assert "Nobody was added." in words(response)
    db.expire_all()
    assert len(programme_session.roles) == 1


def test_adding_a_person_busy_elsewhere_names_the_other_session(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_person: Callable[..., Person],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    colonel = make_person(honorific="Colonel", given_name="Elchin", family_name="Abdullayev")
    busy = make_session(forum, title="Meeting with the NATO delegation")
    services.assign_role(db, busy, colonel, "participant")
    programme_session = make_session(forum, title="Parallel panel")
    db.flush()

    response = post_button(
        organiser,
        session_path(programme_session, "/people"),
        session_path(programme_session),
        person=colonel.id,
        role="speaker",
    )

    assert response.status_code == 400
    shown = field_errors(response, "person")
    assert "Clash: Colonel Elchin Abdullayev" in shown
    assert 'overlaps "Meeting with the NATO delegation"' in shown


def test_a_stale_order_or_a_missing_token_changes_nothing(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    make_person: Callable[..., Person],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    programme_session = make_session(forum)
    first = services.assign_role(db, programme_session, make_person(), "chair")
    second = services.assign_role(db, programme_session, make_person(), "speaker")
    db.flush()
    page = session_path(programme_session)
    order = session_path(programme_session, "/people/order")

    stale = post_button(organiser, order, page, roles=[second.id])
    assert stale.status_code == 400
    assert "Order must list each of the session's roles exactly once" in words(stale)
    tokenless = organiser.post(order, data={"roles": [second.id, first.id]})
    assert tokenless.status_code == 400
    assert "did not come from this site" in words(tokenless)
    removal = organiser.post(session_path(programme_session, f"/people/{first.id}/remove"))
    assert removal.status_code == 400
    db.expire_all()
    assert programme_session.roles == [first, second]
