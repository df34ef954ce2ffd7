"""Wall-clock times in an event's zone: skipped times refused, repeated ones taken first."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from confkit.errors import ValidationError
from confkit.local_times import local_day_and_time, local_instant


def test_a_plain_local_time_is_its_instant() -> None:
    instant = local_instant("Asia/Baku", date(2024, 11, 26), time(9, 30), field="starts_at")
    assert instant == datetime(2024, 11, 26, 5, 30, tzinfo=UTC)
    assert local_day_and_time(instant, "Asia/Baku") == (date(2024, 11, 26), time(9, 30))


def test_a_time_the_clocks_skip_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as refused:
        local_instant("Europe/Brussels", date(2024, 3, 31), time(2, 30), field="starts_at")
    assert refused.value.fields == {"starts_at"}
    assert "02:30 does not exist on 2024-03-31 in Europe/Brussels" in str(refused.value)


def test_a_time_the_clocks_show_twice_is_the_first_one() -> None:
    instant = local_instant("Europe/Brussels", date(2024, 10, 27), time(2, 30), field="starts_at")
    # Still summer time (UTC+2) at the first 02:30.
    assert instant == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)
