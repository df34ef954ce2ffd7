"""The UTC datetime type and the store's transactions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session as DbSession

from confkit import services
from confkit.db import Store
from confkit.models import Event


def test_instants_round_trip_identically_in_utc(db: DbSession, make_event) -> None:
    baku_time = datetime(2024, 11, 26, 9, 30, 15, 123456, tzinfo=ZoneInfo("Asia/Baku"))
    event = make_event(registration_closes_at=baku_time)
    db.flush()
    db.expire_all()
    stored = db.scalar(select(Event.registration_closes_at).where(Event.id == event.id))
    assert stored == baku_time
    assert stored.tzinfo is UTC
    assert stored == datetime(2024, 11, 26, 5, 30, 15, 123456, tzinfo=UTC)


def test_offsets_other_than_utc_are_normalised(db: DbSession, make_event) -> None:
    minus_five = datetime(2024, 3, 10, 1, 59, tzinfo=timezone(timedelta(hours=-5)))
    event = make_event(registration_closes_at=minus_five)
    db.flush()
    db.expire_all()
    assert db.get(Event, event.id).registration_closes_at.isoformat() == "2024-03-10T06:59:00+00:00"


def test_naive_datetimes_are_refused_by_the_column_type(db: DbSession, make_event) -> None:
    event = make_event()
    event.programme_changed_at = datetime(2024, 1, 1, 12, 0)
    with pytest.raises(StatementError, match="naive datetime"):
        db.flush()


def test_transaction_commits_on_success_and_rolls_back_on_error(store: Store) -> None:
    def create(slug: str) -> None:
        with store.transaction() as db:
            services.create_event(
                db,
                slug=slug,
                name=slug,
                timezone="UTC",
                starts_on=date(2024, 1, 1),
                ends_on=date(2024, 1, 1),
            )
            if slug == "rolled-back":
                raise RuntimeError("the caller failed after the service succeeded")

    create("kept")
    with pytest.raises(RuntimeError):
        create("rolled-back")
    with store.session() as db:
        assert db.scalars(select(Event.slug)).all() == ["kept"]
