"""A small horizontal bar chart drawn on the server as SVG geometry (no JavaScript, nothing from the network)."""
from __future__ import annotations

from dataclasses import dataclass

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 190
CHART_WIDTH = 560
VALUE_WIDTH = 48


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: int


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_height: int


def bar_chart(items: list[tuple[str, int]]) -> BarChart:
    """Bars scaled to the largest value; the template draws them (see subsidies/_chart.html)."""
    largest = max((value for _label, value in items), default=0) or 1
    room = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = [Bar(label, value, n * (BAR_HEIGHT + GAP), max(1, round(room * value / largest)) if value else 0)
            for n, (label, value) in enumerate(items)]
    return BarChart(bars, CHART_WIDTH, max(BAR_HEIGHT, len(bars) * (BAR_HEIGHT + GAP) - GAP), LABEL_WIDTH,
                    BAR_HEIGHT)
