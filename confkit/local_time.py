"""Wall-clock times in an event's zone turned into instants, refusing the times clocks skip."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from confkit.errors import ValidationError
from confkit.i18n import N_


class NonexistentLocalTime(ValueError):
    """The wall-clock time never happens in the zone: the clocks jump over it."""


def local_instant(wall_clock: datetime, zone: ZoneInfo) -> datetime:
    """The instant a naive wall-clock time names in ``zone``.

    A time the clocks go through twice (when summer time ends) is the first of the two. Raises
    NonexistentLocalTime for a time the clocks skip (when summer time starts), and ValueError
    for an aware ``wall_clock``.
    """
    if wall_clock.tzinfo is not None:
        raise ValueError("wall_clock must be naive: it is read in the zone given")
    candidate = wall_clock.replace(tzinfo=zone, fold=0)
    # A skipped time does not survive the round trip through UTC: it comes back an hour off.
    if candidate.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall_clock:
        raise NonexistentLocalTime(
            f"{wall_clock:%Y-%m-%d %H:%M} does not exist in {zone.key}: the clocks skip it"
        )
    return candidate


def wall_clock(instant: datetime, zone: ZoneInfo) -> datetime:
    """The naive wall-clock time an aware instant shows in ``zone``."""
    return instant.astimezone(zone).replace(tzinfo=None)


def instant_on(zone_name: str, day: date, clock_time: time, *, field: str) -> datetime:
    """The UTC instant shown as ``clock_time`` on ``day`` in the zone; a time the clocks skip
    raises ValidationError naming ``field`` (a repeated one is the first, as for local_instant).
    """
    try:
        wall = datetime.combine(day, clock_time.replace(tzinfo=None, fold=0))
        return local_instant(wall, ZoneInfo(zone_name)).astimezone(UTC)
    except NonexistentLocalTime:
        raise ValidationError.single(
            field,
            N_("is a time the clocks skip: %(time)s does not exist on %(day)s in %(zone)s"),
            time=f"{clock_time:%H:%M}",
            day=day.isoformat(),
            zone=zone_name,
        ) from None


def day_and_time(instant: datetime, zone_name: str) -> tuple[date, time]:
    """The day and wall-clock time the instant shows in the zone."""
    local = instant.astimezone(ZoneInfo(zone_name))
    return local.date(), local.time().replace(tzinfo=None, fold=0)
