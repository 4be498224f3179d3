"""The year-end forecast: how many hours a person will have on 31 December at their current pace.

One function serves both Python numbers (tests, the person page) and SQL expressions (the reports
project every person in the database in one query), so the method shown on the page is the method run.

Method (explained on the forecast page):
1. `done` = certified + pending hours of the year so far (pending hours are normally certified).
2. Pace = done / days elapsed since 1 January; continuing at that pace adds pace × days left.
3. Runs already booked (seated) that start later this year add their credited hours.
4. The booked hours and the pace are not added together (the booked classes ARE how most people keep
   their pace); the larger of the two is taken: projected = done + max(pace × days left, booked).
5. The person will miss a requirement when projected < required. The weekly hours still needed =
   (required − done − booked) / weeks left.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Horizon:
    """Where `today` falls in `year`: the days behind and ahead that the pace is measured on."""

    year: int
    today: date

    @property
    def elapsed_days(self) -> int:
        if self.today.year < self.year:
            return 0
        end = min(self.today, date(self.year, 12, 31))
        return (end - date(self.year, 1, 1)).days + 1

    @property
    def remaining_days(self) -> int:
        if self.today.year > self.year:
            return 0
        if self.today.year < self.year:
            return 365
        return (date(self.year, 12, 31) - self.today).days

    @property
    def ratio(self) -> float:
        """Days left per day elapsed: the pace projection adds done × ratio."""
        return self.remaining_days / self.elapsed_days if self.elapsed_days else 0.0

    @property
    def weeks_left(self) -> float:
        return self.remaining_days / 7


def python_larger(a, b):
    return a if a >= b else b


def projected(done, booked, horizon: Horizon, larger=python_larger):
    """Hours on 31 December: done + the larger of (pace × days left) and the booked hours."""
    return done + larger(done * horizon.ratio, booked)


def weekly_needed(required: float, done: float, booked: float, horizon: Horizon) -> float:
    """Hours a week still to find beyond what is booked to reach `required` by 31 December."""
    gap = max(0.0, required - done - booked)
    if gap == 0:
        return 0.0
    return round(gap / horizon.weeks_left, 2) if horizon.weeks_left >= 1 else round(gap, 2)
