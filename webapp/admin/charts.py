"""The geometry of the dashboard's SVG charts; the templates in ``admin/_charts.html`` draw it.

Charts are drawn on the server, so they need no script and print as they look; each one comes
with its figures as a table for screen readers and for copying.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

BAR_ROW_HEIGHT: Final = 26
BAR_LABEL_WIDTH: Final = 190
BAR_AREA_WIDTH: Final = 320
BAR_VALUE_WIDTH: Final = 60

LINE_WIDTH: Final = 560
LINE_HEIGHT: Final = 220
LINE_MARGIN_LEFT: Final = 48
LINE_MARGIN_BOTTOM: Final = 28
LINE_MARGIN_TOP: Final = 12
LINE_MARGIN_RIGHT: Final = 12


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: float
    text_y: int


@dataclass(frozen=True)
class BarChart:
    bars: Sequence[Bar]
    width: int
    height: int
    label_width: int
    value_x: int

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)


def bar_chart(rows: Sequence[tuple[str, int]]) -> BarChart:
    """Horizontal bars, the longest as wide as the bar area, in the order given."""
    largest = max((value for _, value in rows), default=0)
    bars = [
        Bar(
            label=label,
            value=value,
            y=index * BAR_ROW_HEIGHT + 4,
            width=round(BAR_AREA_WIDTH * value / largest, 1) if largest else 0.0,
            text_y=index * BAR_ROW_HEIGHT + BAR_ROW_HEIGHT // 2 + 5,
        )
        for index, (label, value) in enumerate(rows)
    ]
    return BarChart(
        bars=bars,
        width=BAR_LABEL_WIDTH + BAR_AREA_WIDTH + BAR_VALUE_WIDTH,
        height=max(len(bars), 1) * BAR_ROW_HEIGHT,
        label_width=BAR_LABEL_WIDTH,
        value_x=BAR_LABEL_WIDTH + 6,
    )


@dataclass(frozen=True)
class Series:
    """One line: its name, CSS class and the SVG ``points`` of its steps."""

    name: str
    css_class: str
    points: str
    last_value: int


@dataclass(frozen=True)
class Tick:
    label: str
    x: float
    y: float


@dataclass(frozen=True)
class LineChart:
    series: Sequence[Series]
    x_ticks: Sequence[Tick]
    y_ticks: Sequence[Tick]
    #: The y of a horizontal capacity line, or None.
    capacity_y: float | None
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int


def running_total_chart(
    lines: Sequence[tuple[str, str, Sequence[tuple[date, int]]]],
    *,
    capacity: int | None = None,
    day_label: Callable[[date], str] = date.isoformat,
    number_label: Callable[[int], str] = str,
) -> LineChart:
    """Step lines of running totals per day, all on one time axis and one scale.

    ``lines`` holds (name, CSS class, [(day, running total)]) for each line; the capacity, when
    given, is drawn as a level the lines can be seen reaching. The axes' days and numbers are
    written by ``day_label`` and ``number_label``.
    """
    days = sorted({day for _, _, points in lines for day, _ in points})
    left, right = LINE_MARGIN_LEFT, LINE_WIDTH - LINE_MARGIN_RIGHT
    top, bottom = LINE_MARGIN_TOP, LINE_HEIGHT - LINE_MARGIN_BOTTOM
    highest = max(
        [capacity or 0, *(total for _, _, points in lines for _, total in points)], default=0
    )
    levels = _levels(max(highest, 1))
    highest = levels[-1]

    def x_of(day: date) -> float:
        if len(days) < 2:
            return float(left)
        span = (days[-1] - days[0]).days
        return round(left + (right - left) * (day - days[0]).days / span, 1)

    def y_of(value: int) -> float:
        return round(bottom - (bottom - top) * value / highest, 1)

    series = []
    for name, css_class, points in lines:
        coordinates: list[str] = [f"{x_of(days[0]) if days else left},{y_of(0)}"]
        previous = 0
        for day, total in points:
            x = x_of(day)
            coordinates.append(f"{x},{y_of(previous)}")
            coordinates.append(f"{x},{y_of(total)}")
            previous = total
        coordinates.append(f"{right},{y_of(previous)}")
        series.append(Series(name, css_class, " ".join(coordinates), previous))

    x_ticks = [Tick(day_label(day), x_of(day), bottom + 18) for day in _spread(days)]
    y_ticks = [Tick(number_label(value), left - 6, y_of(value)) for value in levels]
    return LineChart(
        series=series,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        capacity_y=y_of(capacity) if capacity else None,
        width=LINE_WIDTH,
        height=LINE_HEIGHT,
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=bottom,
    )


def _spread(days: Sequence[date], most: int = 4) -> list[date]:
    """At most ``most`` days, first and last included, evenly apart: labels that never overlap."""
    if len(days) <= most:
        return list(days)
    step = (len(days) - 1) / (most - 1)
    return [days[round(index * step)] for index in range(most)]


def _levels(highest: int) -> list[int]:
    """Round values from 0 to at least ``highest`` for the vertical axis."""
    step = 1
    while highest / step > 5:
        for factor in (2, 5, 10):
            if highest / (step * factor) <= 5:
                step *= factor
                break
        else:
            step *= 10
    return list(range(0, highest + step, step))
