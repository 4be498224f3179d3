"""The year-end forecast: the horizon arithmetic, the projection rule (pace or bookings, the larger),
the weekly hours still needed, and that SQL projects exactly what the Python function computes."""
from __future__ import annotations

from datetime import date

import pytest

from courses.reports import queries
from courses.reports.forecast import Horizon, projected, weekly_needed
from lms.auth.permissions import Scope


def test_horizon_mid_year():
    h = Horizon(2026, date(2026, 7, 1))
    assert h.elapsed_days == 182 and h.remaining_days == 183
    assert h.ratio == pytest.approx(183 / 182)


def test_horizon_of_past_and_future_years():
    assert Horizon(2025, date(2026, 3, 1)).remaining_days == 0
    assert Horizon(2025, date(2026, 3, 1)).ratio == 0
    assert Horizon(2027, date(2026, 3, 1)).elapsed_days == 0 and Horizon(2027, date(2026, 3, 1)).ratio == 0
    assert Horizon(2026, date(2026, 12, 31)).remaining_days == 0


def test_projection_takes_the_larger_of_pace_and_bookings():
    h = Horizon(2026, date(2026, 7, 1))
    assert projected(10, 0, h) == pytest.approx(10 + 10 * 183 / 182)
    assert projected(4, 12, h) == 16          # bookings beat a slow pace, and are not added on top of it
    assert projected(10, 3, h) == pytest.approx(10 + 10 * 183 / 182)
    assert projected(0, 0, h) == 0


def test_weekly_hours_still_needed():
    h = Horizon(2026, date(2026, 10, 2))      # 90 days left
    assert weekly_needed(20, 8, 0, h) == round(12 / (90 / 7), 2)
    assert weekly_needed(20, 8, 12, h) == 0    # bookings cover it
    late = Horizon(2026, date(2026, 12, 29))   # less than a week left: the whole gap
    assert weekly_needed(20, 18, 0, late) == 2


def test_sql_projects_like_python_and_flags_who_will_miss(rules, city, make_employee, record, book, year):
    today = date(year, 7, 1)
    steady = make_employee(city["lingya"])      # 10 h by July: on course for the 20-hour total
    booked = make_employee(city["lingya"])      # 4 h, but a 2-day (12 h) run booked in September
    idle = make_employee(city["lingya"])        # nothing
    record(steady, 10, on=date(year, 3, 1))
    record(booked, 4, on=date(year, 3, 1))
    book(booked, date(year, 9, 1), days=2)
    book(idle, date(year, 5, 1), days=2)        # started before today: not a future booking
    st = queries.standing(year, city["lingya"].path, Scope(True), today)
    total = next(i for i, r in enumerate(st.rules) if r.code == "total")
    rows = {r.employee_id: r._mapping for r in queries.people(st, per_page=None)}
    h = Horizon(year, today)
    assert float(rows[steady.id][f"f{total}"]) == pytest.approx(projected(10, 0, h))
    assert float(rows[booked.id][f"b{total}"]) == 12
    assert float(rows[booked.id][f"f{total}"]) == pytest.approx(projected(4, 12, h)) == 16
    assert float(rows[idle.id][f"b{total}"]) == 0 and float(rows[idle.id][f"f{total}"]) == 0
    gap = next(g for g in queries.rule_gaps(st) if g.rule.code == "total")
    assert (gap.owed, gap.met, gap.will_meet) == (3, 0, 1)
    # everyone misses the topic quotas (no topic hours): all three are at risk
    assert {r.employee_id for r in queries.people(st, "at_risk", per_page=None)} == {steady.id, booked.id, idle.id}


def test_topic_bookings_count_only_for_their_topic(rules, city, make_employee, book, year):
    person = make_employee(city["lingya"])
    book(person, date(year, 12, 30), days=1, topics=("environment",))
    st = queries.standing(year, city["lingya"].path, Scope(True), date(year, 6, 1))
    row = queries.people(st, per_page=None)[0]._mapping
    codes = {r.code: i for i, r in enumerate(st.rules)}
    assert float(row[f"b{codes['environment']}"]) == 6
    assert float(row[f"b{codes['policy']}"]) == 0
    assert float(row[f"b{codes['total']}"]) == 6
    gap = next(g for g in queries.rule_gaps(st) if g.rule.code == "environment")
    assert gap.will_meet == 1 and gap.met == 0
