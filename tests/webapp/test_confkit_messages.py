"""What confkit itself says on a page (its problems, clashes and refusals) reads in the page's
language, from confkit's own catalogue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.models import Event, ProgrammeSession, Room
from confkit.services.content_translations import set_session_translation
from tests.factories import FIXED_NOW, baku
from tests.webapp.test_admin_auth import account, log_in
from tests.webapp.test_admin_sessions import field_errors, post_new
from tests.webapp.test_registration_pages import register_through_form, text, words

ORGANISER = "aysel@example.org"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture
def forum(open_event_for_registration: Callable[..., Event]) -> Event:
    return open_event_for_registration(capacity=30, slug="forum", name="Baku energy forum")


@pytest.fixture
def hall(forum: Event, make_room: Callable[..., Room]) -> Room:
    return make_room(forum, slug="hall", name="Plenary Hall", capacity=50)


@pytest.fixture
def organiser(client: FlaskClient, db: DbSession, forum: Event) -> FlaskClient:
    account(db, ORGANISER, "organiser", forum)
    assert log_in(client, ORGANISER).status_code == 303
    return client


def in_language(client: FlaskClient, language: str) -> None:
    """Choose the language with the switcher: the choice is kept for the next pages."""
    assert client.get(f"/?lang={language}").status_code == 200


# The registration form


def test_the_registration_forms_problems_read_in_russian(client: FlaskClient, forum: Event) -> None:
    in_language(client, "ru")

    response = register_through_form(client, forum, given_name=" ", email="not-an-address")

    assert response.status_code == 400
    page = text(response)
    assert "обязательно для заполнения" in field_errors(response, "given_name")
    assert "это не действительный адрес электронной почты" in field_errors(response, "email")
    # The address library explains in English only: its words stay out of a Russian page.
    assert "@-sign" not in page
    assert "is required" not in page


def test_the_registration_forms_problems_read_in_azerbaijani(
    client: FlaskClient, forum: Event
) -> None:
    in_language(client, "az")

    response = register_through_form(client, forum, family_name="x" * 201)

    assert response.status_code == 400
    assert "200 simvoldan uzundur" in field_errors(response, "family_name")


def test_the_registration_forms_problems_stay_english_in_english(
    client: FlaskClient, forum: Event
) -> None:
    in_language(client, "en")

    response = register_through_form(client, forum, given_name=" ", email="not-an-address")

    assert "is required" in field_errors(response, "given_name")
    assert "@-sign" in field_errors(response, "email")


# The back-office


def test_a_session_clash_reads_in_russian_with_russian_dates_and_titles(
    organiser: FlaskClient,
    db: DbSession,
    forum: Event,
    hall: Room,
    make_session: Callable[..., ProgrammeSession],
) -> None:
    opening = make_session(
        forum, title="Opening plenary", room=hall, starts_at=baku(26, 9), ends_at=baku(26, 10, 30)
    )
    set_session_translation(db, opening, "ru", title="Открытие")
    in_language(organiser, "ru")

    response = post_new(organiser, forum, room=str(hall.id), title="Energy in the Caspian")

    assert response.status_code == 400
    page = text(response)
    room_field = page[page.index('for="room"') : page.index('for="track"')]
    shown = " ".join(room_field.replace("&#34;", '"').split())
    assert (
        "Накладка: зал «Plenary Hall»: «Energy in the Caspian» (26 нояб. 10:00–11:30)"
        " пересекается с «Открытие» (26 нояб. 09:00–10:30)"
    ) in shown
    assert "overlaps" not in shown


def test_a_validation_error_reads_in_russian_next_to_its_field(
    organiser: FlaskClient, forum: Event
) -> None:
    in_language(organiser, "ru")

    response = post_new(organiser, forum, start_time="11:00", end_time="10:00")

    assert response.status_code == 400
    assert "должно быть позже начала" in field_errors(response, "end_time")
    assert "must be after the start" not in text(response)


def test_a_problem_no_field_shows_reads_in_russian_with_its_place(
    organiser: FlaskClient, forum: Event
) -> None:
    in_language(organiser, "ru")

    response = organiser.get("/admin/events/forum/audit?page=99")

    assert response.status_code == 400
    assert "page: страницы 99 нет: страницы идут с 1 по 1" in words(response)


# Public pages


def test_a_programme_filter_problem_reads_in_russian(client: FlaskClient, forum: Event) -> None:
    in_language(client, "ru")

    response = client.get("/events/forum/schedule?kind=talk&kind=panel")

    assert response.status_code == 400
    assert "Выберите не больше одного вида, а не 2." in words(response)
