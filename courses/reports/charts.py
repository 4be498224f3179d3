"""Report charts: the subsidies' server-side bar geometry (drawn by its `bar_chart` macro, so no chart
markup is copied), generalised to a fixed scale so rates are drawn against 100 % rather than against
the largest bar. Nothing runs in the browser and nothing is fetched from the network."""
from __future__ import annotations

from flask_babel import gettext as _

from courses.subsidies.charts import BAR_HEIGHT, CHART_WIDTH, GAP, LABEL_WIDTH, VALUE_WIDTH, Bar, BarChart
from courses.subsidies.charts import bar_chart as count_chart  # counts: scaled to the largest


def scaled_chart(items: list[tuple[str, float]], maximum: float, suffix: str = "") -> BarChart:
    """Bars on a fixed scale (`maximum` fills the bar area); the value is printed with `suffix`."""
    room = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    maximum = maximum or 1
    bars = [Bar(label, f"{value:g}{suffix}", n * (BAR_HEIGHT + GAP),
                round(room * min(value, maximum) / maximum) if value > 0 else 0)
            for n, (label, value) in enumerate(items)]
    return BarChart(bars, CHART_WIDTH, max(BAR_HEIGHT, len(bars) * (BAR_HEIGHT + GAP) - GAP), LABEL_WIDTH,
                    BAR_HEIGHT)


def rate_chart(items: list[tuple[str, float]]) -> BarChart:
    """Percentages (compliance, completion, fill rates) against 100 %."""
    return scaled_chart(items, 100.0, " %")


def status_chart(total) -> BarChart:
    """How many people of a unit have met the year's rules, are behind but on course, or will miss them."""
    return count_chart([(_("Compliant"), total.compliant), (_("Behind, on course"), total.behind - total.at_risk),
                        (_("Will miss at this pace"), total.at_risk)])
