"""The organisers' event, programme and people pages, and the check-in desk, read in the chosen
language: every page, rendered in Russian over data written in Cyrillic, shows no English of its
own; a form error and a flashed message read in Azerbaijani."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session as DbSession

from confkit import clock, services
from confkit.db import Store
from confkit.models import Event, Person, ProgrammeSession, Registration, Room, Track
from confkit.services.accounts import grant_role
from confkit.services.checks import iana_zone_names
from confkit.services.registration_settings import add_invitation_code, add_question
from confkit.tickets import ticket_payload
from tests.factories import FIXED_NOW, baku
from tests.webapp.page_words import english_left, read_text
from tests.webapp.test_admin_auth import account, log_in
from tests.webapp.test_registration_pages import csrf_token, words
from webapp import create_app
from webapp.i18n import LANGUAGES

ORGANISER = "organiser@example.org"
ADMIN = "admin@example.org"
SECRET_KEY = "testing"
CHECKIN_CODE = "door-code-2024"
# Written the same way in every language: the product's and the setting's names, the command an
# admin types, a key's name, the examples of what to type into a field, the language switcher's
# names (each in its own language) and the IANA zone names of the time zone list.
AS_WRITTEN = [
    "confkit",
    "confkit create-user",
    "CONFKIT_CHECKIN_TOKEN",
    "Ctrl",
    "pfp30-baku",
    "dietary_needs",
    "#1f6feb",
    *LANGUAGES.values(),
    *iana_zone_names(),
]


@dataclass
class Forum:
    """An event with everything its back-office pages show, named in Cyrillic where names can
    be (slugs, keys, codes and addresses are Latin by rule)."""

    event: Event
    room: Room
    track: Track
    colonel: Person
    opening: ProgrammeSession
    panel: ProgrammeSession
    cancelled: ProgrammeSession
    paths: dict[str, str] = field(default_factory=dict)
    content: list[str] = field(default_factory=list)


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)


@pytest.fixture
def app(store: Store) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET_KEY,
            "CONFKIT_STORE": store,
            "CONFKIT_CHECKIN_TOKEN": CHECKIN_CODE,
        }
    )


@pytest.fixture
def forum(
    db: DbSession,
    open_event_for_registration: Callable[..., Event],
    make_event: Callable[..., Event],
    make_room: Callable[..., Room],
    make_track: Callable[..., Track],
    make_person: Callable[..., Person],
    make_session: Callable[..., ProgrammeSession],
    make_registration: Callable[..., Registration],
) -> Forum:
    venue = services.create_venue(
        db, name="Конгресс-центр", address="проспект Нефтяников, 1", city="Баку", country="AZ"
    )
    event = open_event_for_registration(
        capacity=1, slug="forum", name="Бакинский энергетический форум", venue=venue
    )
    school = make_event(slug="school", name="Зимняя школа", venue=venue)
    seminar = make_event(slug="seminar", name="Летний семинар")
    room = make_room(event, slug="plenary", name="Пленарный зал", capacity=200)
    make_room(event, slug="small", name="Малый зал", capacity=None)
    track = make_track(event, slug="energy", name="Энергетическая безопасность", colour="#2a7ab0")
    question = add_question(
        db,
        event,
        key="meal",
        label="Особое питание?",
        kind="single_choice",
        choices=["Рыба", "Вегетарианское"],
        required=True,
    )
    code = add_invitation_code(db, event, code="PRESS-DESK", max_uses=5, category="press")
    attendees = [
        make_registration(event, email=email, given_name=given, family_name=family, answers=answer)
        for email, given, family, answer in (
            ("aygun@example.org", "Айгюн", "Керимова", {"meal": "Рыба"}),
            ("nigar@example.org", "Нигяр", "Алиева", {"meal": "Рыба"}),
        )
    ]

    colonel = make_person(
        honorific="полковник",
        given_name="Эльчин",
        family_name="Абдуллаев",
        email="elchin@example.org",
        bio="Начальник управления международного военного сотрудничества.",
    )
    deputy = make_person(given_name="Лейла", family_name="Гасанова")
    ministry = services.create_organisation(
        db, name="Министерство обороны", kind="government", country="AZ"
    )
    department = services.create_organisation(
        db, name="Управление военного сотрудничества", kind="government", parent=ministry
    )
    position = services.add_affiliation(
        db, colonel, department, position_title="Начальник", starts_on=date(2024, 1, 1)
    )
    delegation = services.create_delegation(
        db, event, name="Делегация министерства", head=colonel, members=[colonel, deputy]
    )
    services.create_delegation(db, event, name="Гости форума", members=[deputy])

    opening = make_session(
        event,
        title="Открытие форума",
        kind="plenary",
        room=room,
        track=track,
        starts_at=baku(26, 9),
        ends_at=baku(26, 10),
    )
    panel = make_session(
        event,
        title="Панельная дискуссия",
        kind="panel",
        starts_at=baku(26, 11),
        ends_at=baku(26, 12),
    )
    cancelled = make_session(
        event, title="Отменённый доклад", starts_at=baku(25, 15), ends_at=baku(25, 16)
    )
    services.cancel_session(db, cancelled)
    services.assign_role(db, opening, colonel, "speaker", affiliation=position)
    services.assign_role(db, opening, deputy, "chair")
    services.assign_role(db, panel, colonel, "panellist")
    # A room clash and a person clash, as older data may hold them: the grid marks both.
    panel.room = room
    panel.starts_at, panel.ends_at = baku(26, 9, 30), baku(26, 10, 30)
    db.flush()

    user = account(db, ORGANISER, "organiser", event)
    grant_role(db, user, "organiser", school)
    grant_role(db, user, "checkin", seminar)
    account(db, ADMIN, "admin")

    slug = event.slug
    paths = {
        "front page": "/admin/",
        "event": f"/admin/events/{slug}/edit",
        "venue": f"/admin/events/{slug}/venue",
        "rooms": f"/admin/events/{slug}/rooms",
        "room": f"/admin/events/{slug}/rooms/{room.id}",
        "tracks": f"/admin/events/{slug}/tracks",
        "track": f"/admin/events/{slug}/tracks/{track.id}",
        "registration settings": f"/admin/events/{slug}/registration-settings",
        "questions": f"/admin/events/{slug}/questions",
        "question": f"/admin/events/{slug}/questions/{question.id}",
        "invitation codes": f"/admin/events/{slug}/invitation-codes",
        "sessions": f"/admin/events/{slug}/sessions",
        "new session": f"/admin/events/{slug}/sessions/new",
        "session": f"/admin/events/{slug}/sessions/{opening.uuid}",
        "cancelled session": f"/admin/events/{slug}/sessions/{cancelled.uuid}",
        "grid": f"/admin/events/{slug}/grid?day=2024-11-26",
        "people": "/admin/people",
        "new person": "/admin/people/new",
        "person": f"/admin/people/{colonel.id}",
        "position": f"/admin/people/{colonel.id}/affiliations/{position.id}",
        "organisations": "/admin/organisations",
        "new organisation": "/admin/organisations/new",
        "organisation": f"/admin/organisations/{department.id}",
        "delegations": f"/admin/events/{slug}/delegations",
        "new delegation": f"/admin/events/{slug}/delegations/new",
        "delegation": f"/admin/events/{slug}/delegations/{delegation.id}",
        "check-in desk": f"/events/{slug}/check-in",
    }
    content = [
        event.name,
        school.name,
        seminar.name,
        slug,
        event.timezone,
        venue.name,
        venue.address,
        venue.city,
        *(r.name for r in event.rooms),
        *(r.slug for r in event.rooms),
        track.name,
        track.slug,
        "#2a7ab0",
        question.label,
        question.key,
        *question.choices,
        code.code,
        ORGANISER,
        ADMIN,
        *(attendee.person.email or "" for attendee in attendees),
        colonel.email or "",
        colonel.bio,
        *(s.title for s in (opening, panel, cancelled)),
        *(str(s.uuid) for s in (opening, panel, cancelled)),
    ]
    return Forum(event, room, track, colonel, opening, panel, cancelled, paths, content)


def in_russian(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(path + ("&" if "?" in path else "?") + "lang=ru")
    page = response.get_data(as_text=True)
    assert response.status_code == status, page
    assert '<html lang="ru">' in page
    return page


@pytest.fixture
def organiser(client: FlaskClient, forum: Forum) -> FlaskClient:
    assert log_in(client, ORGANISER).status_code == 303
    return client


PAGES = [
    "front page",
    "event",
    "venue",
    "rooms",
    "room",
    "tracks",
    "track",
    "registration settings",
    "questions",
    "question",
    "invitation codes",
    "sessions",
    "new session",
    "session",
    "cancelled session",
    "grid",
    "people",
    "new person",
    "person",
    "position",
    "organisations",
    "new organisation",
    "organisation",
    "delegations",
    "new delegation",
    "delegation",
    "check-in desk",
]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_of_an_organiser_reads_in_russian(
    organiser: FlaskClient, forum: Forum, page: str
) -> None:
    html = in_russian(organiser, forum.paths[page])

    assert english_left(html, content=[*forum.content, *AS_WRITTEN]) == []


def test_the_pages_show_what_they_translate(organiser: FlaskClient, forum: Forum) -> None:
    # The pages above are not merely empty: their own words are there, in Russian.
    assert "Накладка с «Панельная дискуссия»" in in_russian(organiser, forum.paths["grid"])
    settings = in_russian(organiser, forum.paths["registration settings"])
    assert "подтверждено <strong>1</strong> из 1 места" in settings
    assert "Ответили 2 человека" in in_russian(organiser, forum.paths["question"])
    sessions = words_of(in_russian(organiser, forum.paths["sessions"]))
    assert "26 ноября 2024 г., 09:00–10:00 Открытие форума Пленарное заседание" in sessions
    delegations = words_of(in_russian(organiser, forum.paths["delegations"]))
    assert "(глава — полковник Эльчин Абдуллаев): 2 члена" in delegations


def words_of(html: str) -> str:
    return " ".join(read_text(html))


@pytest.mark.parametrize(
    ("page", "sent"),
    [
        ("rooms", {"name": "", "slug": "Большой зал", "capacity": "много"}),
        ("tracks", {"name": "", "slug": "", "colour": "синий"}),
        ("event", {"name": "", "starts_on": "завтра", "languages": "русский"}),
        ("questions", {"label": "", "key": "", "kind": "single_choice"}),
        ("invitation codes", {"code": "ab", "max_uses": "0"}),
        ("registration settings", {"opens_at": "завтра", "capacity": "-1"}),
        ("new session", {"title": "", "day": "завтра", "start_time": "", "end_time": ""}),
        ("new person", {"family_name": ""}),
        ("new organisation", {"name": "", "kind": "government"}),
        ("new delegation", {"name": ""}),
        ("person", {"family_name": ""}),
    ],
)
def test_a_refused_form_reads_in_russian(
    organiser: FlaskClient, forum: Forum, page: str, sent: dict[str, str]
) -> None:
    path = forum.paths[page]
    token = csrf_token(organiser, path + "?lang=ru")

    response = organiser.post(path, data={"csrf_token": token, **sent})

    html = response.get_data(as_text=True)
    assert response.status_code == 400, html
    assert english_left(html, content=[*forum.content, *AS_WRITTEN, *sent.values()]) == []


def test_a_day_the_grid_cannot_show_reads_in_russian(organiser: FlaskClient, forum: Forum) -> None:
    grid = f"/admin/events/{forum.event.slug}/grid?day=tomorrow"

    html = in_russian(organiser, grid, status=400)

    assert "«tomorrow» — не дата вида 2024-11-25." in html
    assert english_left(html, content=[*forum.content, *AS_WRITTEN, "tomorrow"]) == []


def test_an_admins_pages_read_in_russian(client: FlaskClient, forum: Forum) -> None:
    assert log_in(client, ADMIN).status_code == 303
    content = [*forum.content, *AS_WRITTEN]

    for path in ("/admin/", "/admin/events/new"):
        assert english_left(in_russian(client, path), content=content) == []


def test_the_login_and_check_in_pages_read_in_russian(
    client: FlaskClient, store: Store, forum: Forum
) -> None:
    content = [*forum.content, *AS_WRITTEN]
    login = in_russian(client, "/admin/login")
    unlock = in_russian(client, forum.paths["check-in desk"])
    without_code = create_app({"SECRET_KEY": SECRET_KEY, "CONFKIT_STORE": store}).test_client()
    not_configured = in_russian(without_code, forum.paths["check-in desk"], status=404)

    for html in (login, unlock, not_configured):
        assert english_left(html, content=content) == []


def test_check_in_verdicts_read_in_russian(
    organiser: FlaskClient, db: DbSession, forum: Forum
) -> None:
    desk = forum.paths["check-in desk"]
    confirmed = next(r for r in forum.event.registrations if r.status.value == "confirmed")
    payload = ticket_payload(confirmed, SECRET_KEY)
    in_russian(organiser, desk)
    content = [*forum.content, *AS_WRITTEN, *(r.person.display_name for r in [confirmed])]

    # The third is no ticket at all: the form refuses it before confkit reads it.
    for sent, status, verdict in (
        (payload, 200, "Добро пожаловать: регистрация в 16:00"),
        (payload, 200, "Уже прошёл регистрацию в 16:00"),
        ("не билет", 422, "Отказано: не пропускать"),
    ):
        response = organiser.post(
            desk, data={"csrf_token": csrf_token(organiser, desk), "payload": sent}
        )
        html = response.get_data(as_text=True)
        assert (response.status_code, verdict in html) == (status, True)
        assert english_left(html, content=content) == []


def test_a_form_error_reads_in_azerbaijani(organiser: FlaskClient, forum: Forum) -> None:
    rooms = forum.paths["rooms"]
    token = csrf_token(organiser, rooms + "?lang=az")

    response = organiser.post(rooms, data={"csrf_token": token, "name": "", "slug": "hall"})

    assert response.status_code == 400
    assert "Ad (məcburi) Bu sahəni doldurun." in words(response)


def test_a_flashed_message_reads_in_azerbaijani(organiser: FlaskClient, forum: Forum) -> None:
    token = csrf_token(organiser, "/admin/people/new?lang=az")

    added = organiser.post(
        "/admin/people/new",
        data={"csrf_token": token, "given_name": "Fuad", "family_name": "Məmmədov"},
    )

    assert added.status_code == 303
    assert "Şəxs əlavə edildi." in words(organiser.get(added.headers["Location"]))
