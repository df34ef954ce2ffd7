"""Event and session texts in other languages: the service, the fallback, the migration."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session as DbSession

from confkit import migrate
from confkit.db import make_engine
from confkit.errors import ValidationError
from confkit.models import Event, ProgrammeSession
from confkit.services.content_translations import (
    set_event_translation,
    set_session_translation,
    translation_languages,
)
from confkit.translations import translated
from tests.databases import scratch_database


def test_a_translated_title_is_shown_in_its_language_and_the_original_elsewhere(
    db: DbSession,
    make_event: Callable[..., Event],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    session = make_session(make_event(), title="Energy security", abstract="Pipelines.")

    set_session_translation(db, session, "az", title="Enerji təhlükəsizliyi")
    db.expire_all()

    assert translated(session, "title", "az") == "Enerji təhlükəsizliyi"
    assert translated(session, "title", "az_AZ") == "Enerji təhlükəsizliyi"
    assert translated(session, "abstract", "az") == "Pipelines."
    assert translated(session, "title", "ru") == "Energy security"
    assert translated(session, "title", "en") == "Energy security"


def test_setting_a_translation_keeps_the_others_and_empty_text_removes_it(
    db: DbSession, make_event: Callable[..., Event]
) -> None:
    event = make_event(name="Baku conference")
    set_event_translation(db, event, "az", name="Bakı konfransı", description="Təsvir")
    set_event_translation(db, event, "ru", name="Бакинская конференция")

    set_event_translation(db, event, "az", name="  ", description="")
    db.expire_all()

    assert event.translations == {"ru": {"name": "Бакинская конференция"}}
    assert translated(event, "name", "az") == "Baku conference"


def test_a_translation_is_not_a_change_calendars_see(
    db: DbSession,
    make_event: Callable[..., Event],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    event = make_event()
    session = make_session(event)
    sequence, stamp = session.sequence, event.programme_changed_at

    set_session_translation(db, session, "ru", title="Доклад")
    db.expire_all()

    assert (session.sequence, event.programme_changed_at) == (sequence, stamp)


@pytest.mark.parametrize(
    ("language", "fields", "field"),
    [
        ("de", {"name": "Konferenz"}, "language"),
        ("AZ", {"name": "Konfrans"}, "language"),
        ("az", {"name": "x" * 301}, "name"),
        ("ru", {"description": "bad\x00text"}, "description"),
    ],
)
def test_a_translation_outside_the_events_languages_or_limits_is_refused(
    db: DbSession,
    make_event: Callable[..., Event],
    language: str,
    fields: dict[str, str],
    field: str,
) -> None:
    event = make_event(languages=["en", "tr"])

    with pytest.raises(ValidationError) as refused:
        set_event_translation(db, event, language, **fields)

    assert refused.value.fields == {field}
    assert event.translations == {}


def test_an_event_may_be_translated_into_its_own_languages_and_the_interfaces(
    db: DbSession, make_event: Callable[..., Event]
) -> None:
    event = make_event(languages=["tr", "en"])

    set_event_translation(db, event, "tr", name="Bakü konferansı")

    assert translation_languages(event) == ["tr", "en", "az", "ru"]
    assert translated(event, "name", "tr") == "Bakü konferansı"


def test_a_session_title_over_the_limit_is_refused(
    db: DbSession,
    make_event: Callable[..., Event],
    make_session: Callable[..., ProgrammeSession],
) -> None:
    session = make_session(make_event())

    with pytest.raises(ValidationError) as refused:
        set_session_translation(db, session, "az", title="x" * 501)

    assert refused.value.fields == {"title"}


@pytest.fixture
def engine_at_0005(tmp_path: Path) -> Iterator[Engine]:
    with scratch_database(tmp_path, "translations") as url:
        engine = make_engine(url)
        migrate.upgrade(engine, "0005")
        yield engine
        engine.dispose()


def test_the_migration_gives_existing_events_and_sessions_no_translations(
    engine_at_0005: Engine,
) -> None:
    with engine_at_0005.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO events (slug, name, timezone, starts_on, ends_on, description,"
                " languages, capacity, registration_mode, waitlist_enabled,"
                " registration_categories, consent_text, programme_changed_at, created_at,"
                " updated_at) VALUES ('old', 'Old', 'Asia/Baku', :day, :day, '', '[]', NULL,"
                " 'open', true, '[]', '', :at, :at, :at)"
            ),
            {"day": date(2024, 11, 26), "at": "2024-11-01 00:00:00+00:00"},
        )

    migrate.upgrade(engine_at_0005)

    with engine_at_0005.connect() as connection:
        stored = connection.execute(text("SELECT translations FROM events")).scalar_one()
    assert stored in ({}, "{}")
    assert migrate.schema_differences(engine_at_0005) == []
    migrate.downgrade(engine_at_0005, "0005")
    assert migrate.current_revision(engine_at_0005) == "0005"
