"""The locale of a request, the language switcher, dates in the locale, translated content."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session as DbSession

from confkit import clock
from confkit.models import Event, ProgrammeSession, Registration
from confkit.services.content_translations import set_event_translation, set_session_translation
from tests.factories import baku
from tests.webapp.test_registration_pages import post_button
from webapp import i18n

NOW = datetime(2024, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def event(db: DbSession, make_event: Callable[..., Event]) -> Event:
    return make_event(slug="pfp30-baku", name="Partnership for Peace at 30")


def lang_of(html: str) -> str:
    found = re.search(r'<html lang="([^"]+)">', html)
    assert found is not None
    return found.group(1)


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]*>", " ", html).split())


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "expected"),
    [
        ("", None, None, "en"),
        ("", None, "ru-RU,ru;q=0.9,en;q=0.5", "ru"),
        ("", None, "de, az;q=0.8", "az"),
        ("", None, "de, fr", "en"),
        ("", "az", "ru", "az"),
        ("?lang=ru", "az", "az", "ru"),
        ("?lang=xx", "az", "ru", "az"),
        ("", "xx", "ru", "ru"),
    ],
)
def test_the_locale_is_the_choice_then_the_cookie_then_accept_language_then_english(
    client: FlaskClient,
    event: Event,
    query: str,
    cookie: str | None,
    accept: str | None,
    expected: str,
) -> None:
    if cookie is not None:
        client.set_cookie(i18n.LOCALE_COOKIE, cookie)
    headers = {"Accept-Language": accept} if accept else {}

    response = client.get(f"/events/pfp30-baku/{query}", headers=headers)

    assert lang_of(response.get_data(as_text=True)) == expected


def test_a_choice_is_kept_in_a_cookie_for_the_next_pages(client: FlaskClient, event: Event) -> None:
    chosen = client.get("/events/pfp30-baku/?lang=az")
    cookie = chosen.headers["Set-Cookie"]
    assert cookie.startswith(f"{i18n.LOCALE_COOKIE}=az;")
    assert "SameSite=Lax" in cookie
    assert "HttpOnly" in cookie

    later = client.get("/events/pfp30-baku/schedule", headers={"Accept-Language": "ru"})

    assert lang_of(later.get_data(as_text=True)) == "az"
    assert "Set-Cookie" not in later.headers


def test_pages_say_they_vary_with_the_language(client: FlaskClient, event: Event) -> None:
    response = client.get("/events/pfp30-baku/")

    assert {"Accept-Language", "Cookie"} <= set(response.vary)


def test_feeds_do_not_change_with_the_locale(client: FlaskClient, event: Event) -> None:
    english = client.get("/events/pfp30-baku/schedule.ics")
    russian = client.get(
        "/events/pfp30-baku/schedule.ics?lang=ru", headers={"Accept-Language": "ru"}
    )

    assert english.get_data() == russian.get_data()
    assert english.headers["ETag"] == russian.headers["ETag"]
    assert "Accept-Language" not in russian.vary
    assert "Set-Cookie" not in russian.headers


def test_the_switcher_links_this_page_in_every_language_and_marks_the_current(
    client: FlaskClient, event: Event
) -> None:
    html = client.get("/events/pfp30-baku/schedule?track=energy&lang=ru").get_data(as_text=True)

    switcher = re.search(r'<nav aria-label="Язык".*?</nav>', html, re.S)
    assert switcher is not None
    links = re.findall(r"<a ([^>]*)>([^<]*)</a>", switcher.group(0))
    assert [name for _attributes, name in links] == ["English", "Azərbaycanca", "Русский"]
    english, azerbaijani, russian = (attributes for attributes, _name in links)
    assert 'href="/events/pfp30-baku/schedule?track=energy&amp;lang=en"' in english
    assert 'hreflang="az" lang="az"' in azerbaijani
    assert 'aria-current="true"' in russian
    assert "aria-current" not in english + azerbaijani


@pytest.mark.parametrize(
    ("language", "dates", "zone", "day", "time"),
    [
        (
            "en",
            "25–26 November 2024",
            "Times are Baku time (Asia/Baku, UTC+04:00).",
            "Tuesday 26 November 2024",
            "09:00",
        ),
        (
            "az",
            "25–26 noyabr 2024",
            "Vaxt: Bakı vaxtı (Asia/Baku, UTC+04:00).",
            "Çərşənbə axşamı, 26 noyabr 2024",
            "09:00",
        ),
        (
            "ru",
            "25–26 ноября 2024 г.",
            "Время указано: время Баку (Asia/Baku, UTC+04:00).",
            "вторник, 26 ноября 2024 г.",
            "09:00",
        ),
    ],
)
def test_dates_and_times_read_in_the_locale_in_the_events_zone(
    client: FlaskClient,
    event: Event,
    make_session: Callable[..., ProgrammeSession],
    language: str,
    dates: str,
    zone: str,
    day: str,
    time: str,
) -> None:
    make_session(event, starts_at=baku(26, 9), ends_at=baku(26, 10), status="scheduled")

    html = client.get(f"/events/pfp30-baku/schedule?lang={language}").get_data(as_text=True)

    text = words(html)
    assert dates in text
    assert zone in text
    assert day in text
    assert f'<time datetime="2024-11-26T09:00:00+04:00">{time}</time>' in html
    assert '<time datetime="2024-11-26">' in html


def test_a_datetime_label_uses_the_instants_zone_not_the_viewers(app: Flask) -> None:
    with app.test_request_context("/?lang=ru"):
        assert i18n.datetime_label(baku(20, 9)) == "20 ноября 2024\u202fг., 09:00"
        assert i18n.date_range_label(date(2024, 11, 30), date(2024, 12, 2)) == (
            "30 ноября – 2 декабря 2024\u202fг."
        )
        assert i18n.language_name("az") == "Азербайджанский"
    with app.test_request_context("/?lang=az"):
        assert i18n.language_name("en") == "İngilis"


def test_translated_titles_show_in_their_language_and_fall_back_to_the_original(
    client: FlaskClient,
    db: DbSession,
    event: Event,
    make_session: Callable[..., ProgrammeSession],
) -> None:
    session = make_session(event, title="Energy security", status="scheduled")
    set_event_translation(db, event, "az", name="Sülh Naminə Tərəfdaşlığın 30 illiyi")
    set_session_translation(db, session, "az", title="Enerji təhlükəsizliyi")
    set_session_translation(db, session, "ru", title="Энергетическая безопасность")

    azerbaijani = words(client.get("/events/pfp30-baku/schedule?lang=az").get_data(as_text=True))
    russian = words(client.get("/events/pfp30-baku/schedule?lang=ru").get_data(as_text=True))
    english = words(client.get("/events/pfp30-baku/schedule?lang=en").get_data(as_text=True))

    assert "Enerji təhlükəsizliyi" in azerbaijani
    assert "Sülh Naminə Tərəfdaşlığın 30 illiyi" in azerbaijani
    assert "Энергетическая безопасность" in russian
    assert "Partnership for Peace at 30" in russian  # no Russian name: the original
    assert "Energy security" in english
    assert "Enerji" not in english


def test_the_feed_keeps_the_original_title(
    client: FlaskClient,
    db: DbSession,
    event: Event,
    make_session: Callable[..., ProgrammeSession],
) -> None:
    session = make_session(event, title="Energy security", status="scheduled")
    set_session_translation(db, session, "ru", title="Энергетическая безопасность")

    feed = client.get("/events/pfp30-baku/schedule.ics?lang=ru").get_data(as_text=True)

    assert "SUMMARY:Energy security" in feed
    assert "Энергетическая" not in feed


def test_an_error_page_is_in_the_locale(client: FlaskClient) -> None:
    response = client.get("/no-such-page", headers={"Accept-Language": "az"})

    assert response.status_code == 404
    assert "Bu ünvanda səhifə yoxdur." in response.get_data(as_text=True)


def test_a_flash_message_is_in_the_locale(
    client: FlaskClient,
    open_event_for_registration: Callable[..., Event],
    make_registration: Callable[..., Registration],
) -> None:
    registration = make_registration(open_event_for_registration())
    home = f"/r/{registration.token}"
    client.get(f"{home}?lang=ru")

    cancelled = post_button(client, home, f"{home}/cancel")

    assert cancelled.status_code == 303
    assert "Ваша регистрация отменена." in client.get(home).get_data(as_text=True)
