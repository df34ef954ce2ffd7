"""The organisers' room and track pages: who may open them, adding, changing, moving and
removing, and every refusal shown on the page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session as DbSession

from confkit import clock, services
from confkit.models import Event, ProgrammeSession, Room, Track
from tests.factories import FIXED_NOW
from tests.webapp.setup_pages import refused, submit
from tests.webapp.test_admin_auth import account, log_in
from tests.webapp.test_registration_pages import text, words

ORGANISER = "aysel@example.org"
ROOMS = "/admin/events/forum/rooms"
TRACKS = "/admin/events/forum/tracks"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture
def forum(make_event: Callable[..., Event]) -> Event:
    return make_event(slug="forum", name="Baku energy forum")


@pytest.fixture
def hall(db: DbSession, forum: Event) -> Room:
    return services.add_room(db, forum, slug="hall", name="Plenary Hall", capacity=200)


@pytest.fixture
def energy(db: DbSession, forum: Event) -> Track:
    return services.add_track(db, forum, slug="energy", name="Energy security", colour="#1f6feb")


@pytest.fixture
def organiser(client: FlaskClient, db: DbSession, forum: Event) -> FlaskClient:
    account(db, ORGANISER, "organiser", forum)
    assert log_in(client, ORGANISER).status_code == 303
    return client


def slugs(places: list[Room] | list[Track]) -> list[str]:
    return [place.slug for place in places]


def reloaded_rooms(db: DbSession, event: Event) -> list[Room]:
    db.expire_all()
    return list(event.rooms)


# Who may open the pages


def every_page(room: Room, track: Track) -> list[str]:
    return [ROOMS, f"{ROOMS}/{room.id}", TRACKS, f"{TRACKS}/{track.id}"]


def every_button(room: Room, track: Track) -> list[str]:
    return [
        f"{ROOMS}/{room.id}/move",
        f"{ROOMS}/{room.id}/remove",
        f"{TRACKS}/{track.id}/move",
        f"{TRACKS}/{track.id}/remove",
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(
    client: FlaskClient, hall: Room, energy: Track
) -> None:
    for path in every_page(hall, energy) + every_button(hall, energy):
        response = client.post(path, data={"by": "1"})
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/admin/login?next=/admin/events/forum/")
    for path in every_page(hall, energy):
        assert client.get(path).status_code == 302


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
    hall: Room,
    energy: Track,
    make_event: Callable[..., Event],
    role: str,
    of_forum: bool,
    status: int,
) -> None:
    other = make_event(slug="other-event")
    account(
        db, "staff@example.org", role, None if role == "admin" else (forum if of_forum else other)
    )
    log_in(client, "staff@example.org")

    for path in every_page(hall, energy):
        assert client.get(path).status_code == status, path
    for path in every_page(hall, energy) + every_button(hall, energy):
        posted = client.post(path, data={"by": "1", "name": "Taken", "slug": "taken"})
        assert posted.status_code == (403 if status == 403 else 400), path
    assert slugs(reloaded_rooms(db, forum)) == ["hall"]
    assert (hall.name, energy.name) == ("Plenary Hall", "Energy security")


def test_a_room_of_another_event_is_not_found(
    organiser: FlaskClient, db: DbSession, make_event: Callable[..., Event]
) -> None:
    elsewhere = services.add_room(db, make_event(), slug="far", name="Far away")
    track = services.add_track(db, elsewhere.event, slug="far", name="Far away")

    assert organiser.get(f"{ROOMS}/{elsewhere.id}").status_code == 404
    assert organiser.get(f"{TRACKS}/{track.id}").status_code == 404
    assert organiser.get(f"{ROOMS}/999999").status_code == 404


# Rooms


def test_rooms_are_added_in_order(organiser: FlaskClient, db: DbSession, forum: Event) -> None:
    first = submit(organiser, ROOMS, slug="hall", name="Plenary Hall", capacity="200")
    second = submit(organiser, ROOMS, slug="meeting-room", name="Meeting Room", capacity="")

    assert (first.status_code, second.status_code) == (303, 303)
    assert first.headers["Location"] == ROOMS
    rooms = reloaded_rooms(db, forum)
    assert [(r.slug, r.name, r.capacity) for r in rooms] == [
        ("hall", "Plenary Hall", 200),
        ("meeting-room", "Meeting Room", None),
    ]
    assert "Plenary Hall hall 200 Up Down Remove Meeting Room meeting-room —" in words(
        organiser.get(ROOMS)
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"slug": "hall"}, "'hall' is already used in this event"),
        ({"slug": "Big Hall"}, "Short name in web addresses must be lowercase letters"),
        ({"slug": ""}, "Short name in web addresses is required"),
        ({"name": ""}, "Name is required"),
        ({"capacity": "-1"}, "Seats cannot be negative"),
        ({"capacity": "many"}, "Not a valid integer value."),
    ],
)
def test_a_bad_room_is_shown_again(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    hall: Room,
    fields: dict[str, str],
    message: str,
) -> None:
    values = {"slug": "annex", "name": "Annex", "capacity": "30", **fields}

    refused(submit(organiser, ROOMS, **values), message)
    assert slugs(reloaded_rooms(db, forum)) == ["hall"]


def test_a_room_without_the_csrf_token_is_refused(
    organiser: FlaskClient, db: DbSession, forum: Event
) -> None:
    refused(organiser.post(ROOMS, data={"slug": "annex", "name": "Annex"}), "open too long")
    assert reloaded_rooms(db, forum) == []


def test_a_room_is_changed_but_keeps_its_slug(
    organiser: FlaskClient, db: DbSession, hall: Room
) -> None:
    path = f"{ROOMS}/{hall.id}"
    assert 'value="Plenary Hall"' in text(organiser.get(path))

    response = submit(organiser, path, name="Main Hall", capacity="150", slug="main")

    assert response.status_code == 303
    db.expire_all()
    assert (hall.slug, hall.name, hall.capacity) == ("hall", "Main Hall", 150)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Name is required"),
        ({"name": "Hall", "capacity": "-5"}, "Seats cannot be negative"),
        ({"name": "x" * 201}, "Name is longer than 200 characters"),
    ],
)
def test_a_bad_change_to_a_room_is_shown_again(
    organiser: FlaskClient, db: DbSession, hall: Room, fields: dict[str, str], message: str
) -> None:
    refused(submit(organiser, f"{ROOMS}/{hall.id}", **fields), message)
    db.expire_all()
    assert (hall.name, hall.capacity) == ("Plenary Hall", 200)


def test_a_change_to_a_room_without_the_csrf_token_is_refused(
    organiser: FlaskClient, db: DbSession, hall: Room
) -> None:
    refused(organiser.post(f"{ROOMS}/{hall.id}", data={"name": "Renamed"}), "open too long")
    db.expire_all()
    assert hall.name == "Plenary Hall"


def test_rooms_move_up_and_down(
    organiser: FlaskClient, db: DbSession, forum: Event, hall: Room
) -> None:
    services.add_room(db, forum, slug="annex", name="Annex")
    foyer = services.add_room(db, forum, slug="foyer", name="Foyer")

    assert (
        submit(organiser, f"{ROOMS}/{foyer.id}/move", form_page=ROOMS, by="-1").status_code == 303
    )
    assert slugs(reloaded_rooms(db, forum)) == ["hall", "foyer", "annex"]
    assert submit(organiser, f"{ROOMS}/{hall.id}/move", form_page=ROOMS, by="1").status_code == 303
    assert slugs(reloaded_rooms(db, forum)) == ["foyer", "hall", "annex"]


@pytest.mark.parametrize("by", ["5", "up", ""])
def test_a_forged_move_is_refused(
    organiser: FlaskClient, db: DbSession, forum: Event, hall: Room, by: str
) -> None:
    services.add_room(db, forum, slug="annex", name="Annex")

    response = submit(organiser, f"{ROOMS}/{hall.id}/move", form_page=ROOMS, by=by)

    refused(response, "That button does not move anything.")
    assert slugs(reloaded_rooms(db, forum)) == ["hall", "annex"]


def test_a_move_without_the_csrf_token_is_refused(
    organiser: FlaskClient, db: DbSession, forum: Event, hall: Room
) -> None:
    services.add_room(db, forum, slug="annex", name="Annex")

    refused(organiser.post(f"{ROOMS}/{hall.id}/move", data={"by": "1"}), "open too long")
    assert slugs(reloaded_rooms(db, forum)) == ["hall", "annex"]


def test_an_unused_room_is_removed(
    organiser: FlaskClient, db: DbSession, forum: Event, hall: Room
) -> None:
    response = submit(organiser, f"{ROOMS}/{hall.id}/remove", form_page=ROOMS)

    assert response.status_code == 303
    assert reloaded_rooms(db, forum) == []


def test_a_room_in_use_stays_and_the_page_names_its_sessions(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    hall: Room,
    make_session: Callable[..., ProgrammeSession],
) -> None:
    make_session(forum, title="Opening plenary", room=hall)

    response = submit(organiser, f"{ROOMS}/{hall.id}/remove", form_page=ROOMS)

    refused(response, "Plenary Hall is used by sessions: 'Opening plenary'")
    assert slugs(reloaded_rooms(db, forum)) == ["hall"]


def test_a_removal_without_the_csrf_token_is_refused(
    organiser: FlaskClient, db: DbSession, forum: Event, hall: Room
) -> None:
    refused(organiser.post(f"{ROOMS}/{hall.id}/remove"), "open too long")
    assert slugs(reloaded_rooms(db, forum)) == ["hall"]


# Tracks


def test_tracks_are_added_changed_moved_and_removed(
    organiser: FlaskClient, db: DbSession, forum: Event, energy: Track
) -> None:
    added = submit(
        organiser, TRACKS, slug="grids", name="Grids", description="Cables.", colour="#00AA55"
    )
    assert added.status_code == 303
    db.expire_all()
    grids = forum.tracks[1]
    assert (grids.slug, grids.name, grids.description, grids.colour) == (
        "grids",
        "Grids",
        "Cables.",
        "#00AA55",
    )

    changed = submit(organiser, f"{TRACKS}/{grids.id}", name="Power grids", colour="", slug="x")
    assert changed.status_code == 303
    db.expire_all()
    assert (grids.slug, grids.name, grids.colour) == ("grids", "Power grids", None)

    moved = submit(organiser, f"{TRACKS}/{grids.id}/move", form_page=TRACKS, by="-1")
    assert moved.status_code == 303
    db.expire_all()
    assert slugs(forum.tracks) == ["grids", "energy"]

    removed = submit(organiser, f"{TRACKS}/{energy.id}/remove", form_page=TRACKS)
    assert removed.status_code == 303
    db.expire_all()
    assert slugs(forum.tracks) == ["grids"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"colour": "blue"}, "Colour must be a colour like #1f6feb"),
        ({"colour": "#12345"}, "Colour must be a colour like #1f6feb"),
        ({"colour": "#12345g"}, "Colour must be a colour like #1f6feb"),
        ({"slug": "energy"}, "'energy' is already used in this event"),
        ({"name": ""}, "Name is required"),
    ],
)
def test_a_bad_track_is_shown_again(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    energy: Track,
    fields: dict[str, str],
    message: str,
) -> None:
    values = {"slug": "grids", "name": "Grids", "colour": "#00aa55", **fields}

    refused(submit(organiser, TRACKS, **values), message)
    db.expire_all()
    assert slugs(forum.tracks) == ["energy"]


def test_a_bad_change_to_a_track_is_shown_again(
    organiser: FlaskClient, db: DbSession, energy: Track
) -> None:
    response = submit(organiser, f"{TRACKS}/{energy.id}", name="Energy", colour="red")

    refused(response, "Colour must be a colour like #1f6feb")
    assert 'value="red"' in text(response)
    db.expire_all()
    assert energy.colour == "#1f6feb"


def test_track_forms_without_the_csrf_token_are_refused(
    organiser: FlaskClient, db: DbSession, forum: Event, energy: Track
) -> None:
    for path, data in [
        (TRACKS, {"slug": "grids", "name": "Grids"}),
        (f"{TRACKS}/{energy.id}", {"name": "Renamed"}),
        (f"{TRACKS}/{energy.id}/remove", {}),
        (f"{TRACKS}/{energy.id}/move", {"by": "1"}),
    ]:
        refused(organiser.post(path, data=data), "open too long")
    db.expire_all()
    assert [(t.slug, t.name) for t in forum.tracks] == [("energy", "Energy security")]


def test_a_track_with_sessions_stays_and_the_page_names_them(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    energy: Track,
    make_session: Callable[..., ProgrammeSession],
) -> None:
    make_session(forum, title="Gas corridor", track=energy)

    response = submit(organiser, f"{TRACKS}/{energy.id}/remove", form_page=TRACKS)

    refused(response, "Energy security is used by sessions: 'Gas corridor'")
    db.expire_all()
    assert slugs(forum.tracks) == ["energy"]
