"""Wall-clock times in an event's zone turned into instants, never guessing at a clock change."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from confkit.errors import ValidationError


def local_instant(zone_name: str, day: date, clock_time: time, *, field: str) -> datetime:
    """The UTC instant shown as ``clock_time`` on ``day`` in the zone.

    A time the clocks skip (spring forward) raises ValidationError naming ``field``. A time
    they show twice (fall back) is the first of the two, the one before the change.
    """
    zone = ZoneInfo(zone_name)
    wall = datetime.combine(day, clock_time.replace(tzinfo=None, fold=0))
    instant = wall.replace(tzinfo=zone).astimezone(UTC)
    # A skipped time does not survive the trip to UTC and back: 02:30 comes back as 03:30.
    if instant.astimezone(zone).replace(tzinfo=None) != wall:
        raise ValidationError.single(
            field,
            f"is a time the clocks skip: {clock_time:%H:%M} does not exist on {day.isoformat()}"
            f" in {zone_name}",
        )
    return instant


def local_day_and_time(instant: datetime, zone_name: str) -> tuple[date, time]:
    """The day and wall-clock time the instant shows in the zone."""
    local = instant.astimezone(ZoneInfo(zone_name))
    return local.date(), local.time().replace(tzinfo=None, fold=0)
