"""The standing query: per-rule hours, rules that do not apply, compliance, roll-up to sub-units
(each sub-unit with its whole subtree), the requirements furthest behind and the people filters."""
from __future__ import annotations

from lms.auth.permissions import Scope

from courses.reports import queries

CITY = Scope(True)


def _index(st, code):
    return next(i for i, r in enumerate(st.rules) if r.code == code)


def test_per_rule_hours_and_compliance(staff, city, record, year):
    record(staff["behind"], 1.5, ("environment",), status="pending")
    st = queries.standing(year, city["lingya"].path, CITY)
    rows = {r.employee_id: r._mapping for r in queries.people(st, per_page=None)}
    assert set(rows) == {staff["done"].id, staff["behind"].id}
    done, behind = rows[staff["done"].id], rows[staff["behind"].id]
    total, env, gender = _index(st, "total"), _index(st, "environment"), _index(st, "gender")
    assert float(done[f"c{total}"]) == 25 and done["compliant"] == 1 and done["met"] == done["owed"]
    assert float(behind[f"c{gender}"]) == 2 and float(behind[f"r{gender}"]) == 1
    assert float(behind[f"p{env}"]) == 1.5 and float(behind[f"c{env}"]) == 0
    assert behind["compliant"] == 0
    dedicated = _index(st, "cyber_pro_dedicated")
    assert behind[f"r{dedicated}"] is None  # a general user does not owe the dedicated staff's hours


def test_roll_up_counts_whole_subtrees_and_direct_staff(staff, city, year):
    st = queries.standing(year, city["root"].path, CITY)
    rows, total = queries.unit_rows(st, city["police"])
    assert [(r.code, r.people, r.compliant) for r in rows] == [("POL-LY", 2, 1)]
    assert (total.people, total.compliant, total.rate) == (2, 1, 50.0)
    rows, _total = queries.unit_rows(st, city["lingya"])
    assert [(r.agency_id, r.code, r.people, r.compliant) for r in rows] == [
        (city["patrol"].id, "POL-LY-PT", 1, 0), (None, "POL-LY", 1, 1)]


def test_scope_limits_the_rows_whatever_the_path(staff, city, year):
    lingya_only = Scope(False, (city["lingya"].path,))
    st = queries.standing(year, city["root"].path, lingya_only)
    ids = {r.employee_id for r in queries.people(st, per_page=None)}
    assert staff["fire"].id not in ids and ids == {staff["done"].id, staff["behind"].id}


def test_filters_and_order(staff, city, year):
    st = queries.standing(year, None, CITY)
    assert {r.employee_id for r in queries.people(st, "behind", per_page=None)} == {staff["behind"].id,
                                                                                   staff["fire"].id}
    first = queries.people(st, per_page=1)
    assert first[0].compliant == 0


def test_rule_gaps_put_the_furthest_behind_first(staff, city, year):
    gaps = queries.rule_gaps(queries.standing(year, None, CITY))
    by_code = {g.rule.code: g for g in gaps}
    assert by_code["gender"].owed == 3 and by_code["gender"].met == 2
    assert by_code["policy"].met == 1 and by_code["policy"].missing_hours == 2.0
    rates = [g.projected_rate for g in gaps]
    assert rates == sorted(rates)
    assert "cyber_pro_dedicated" not in by_code  # nobody owes it


def test_no_rules_no_report(db, city, year):
    assert queries.standing(year + 5, None, CITY) is None


def test_one_statement_for_a_unit_page(staff, city, year, count_queries):
    st = queries.standing(year, city["lingya"].path, CITY)
    with count_queries() as statements:
        queries.people(st, per_page=50)
    assert len(statements) == 1
