"""Wall-clock times read in an event's zone, across the clock changes of summer time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from confkit.errors import ValidationError
from confkit.local_time import (
    NonexistentLocalTime,
    day_and_time,
    instant_on,
    local_instant,
    wall_clock,
)

BRUSSELS = ZoneInfo("Europe/Brussels")


def test_an_ordinary_time_is_the_instant_it_names() -> None:
    instant = local_instant(datetime(2024, 11, 26, 9, 30), ZoneInfo("Asia/Baku"))

    assert instant.astimezone(UTC) == datetime(2024, 11, 26, 5, 30, tzinfo=UTC)
    assert wall_clock(instant, ZoneInfo("Asia/Baku")) == datetime(2024, 11, 26, 9, 30)


def test_a_time_the_clocks_skip_is_refused() -> None:
    # Brussels went from 02:00 to 03:00 on 30 March 2025.
    with pytest.raises(NonexistentLocalTime, match="2025-03-30 02:30 does not exist"):
        local_instant(datetime(2025, 3, 30, 2, 30), BRUSSELS)

    assert local_instant(datetime(2025, 3, 30, 3, 0), BRUSSELS).astimezone(UTC) == datetime(
        2025, 3, 30, 1, 0, tzinfo=UTC
    )


def test_a_time_the_clocks_pass_twice_is_the_first_of_the_two() -> None:
    # Brussels went from 03:00 back to 02:00 on 27 October 2024.
    instant = local_instant(datetime(2024, 10, 27, 2, 30), BRUSSELS)

    assert instant.astimezone(UTC) == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)


def test_an_aware_time_is_not_read_again() -> None:
    with pytest.raises(ValueError, match="naive"):
        local_instant(datetime(2024, 11, 26, 9, tzinfo=UTC), BRUSSELS)


# A day and a time from separate fields, as the session forms give them


def test_a_plain_local_time_is_its_instant() -> None:
    instant = instant_on("Asia/Baku", date(2024, 11, 26), time(9, 30), field="starts_at")
    assert instant == datetime(2024, 11, 26, 5, 30, tzinfo=UTC)
    assert day_and_time(instant, "Asia/Baku") == (date(2024, 11, 26), time(9, 30))


def test_a_time_the_clocks_skip_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as refused:
        instant_on("Europe/Brussels", date(2024, 3, 31), time(2, 30), field="starts_at")
    assert refused.value.fields == {"starts_at"}
    assert "02:30 does not exist on 2024-03-31 in Europe/Brussels" in str(refused.value)


def test_a_time_the_clocks_show_twice_is_the_first_one() -> None:
    instant = instant_on("Europe/Brussels", date(2024, 10, 27), time(2, 30), field="starts_at")
    # Still summer time (UTC+2) at the first 02:30.
    assert instant == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)
