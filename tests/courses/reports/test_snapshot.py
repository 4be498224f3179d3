"""The stored standing: the same figures as the live computation, read from rows refreshed in the
background; an old snapshot is shown with its age and a refresh is queued; changed rules or a year
without a snapshot are computed at once; scope and transfers apply at read time."""
from __future__ import annotations

from datetime import timedelta

import pytest

from courses.reports import queries, services
from courses.reports.models import ReportSnapshot
from lms.auth.permissions import Scope

CITY = Scope(True)


def _stored(year, path, scope=CITY, max_age=900):
    return services.report_standing(year, path, scope, max_age)


def _rows(st):
    return [tuple(r) for r in queries.people(st, per_page=None)]


def test_stored_figures_equal_the_live_ones(staff, city, record, book, year):
    record(staff["behind"], 1.5, ("environment",), status="pending")
    found = _stored(year, city["root"].path)
    live = queries.standing(year, city["root"].path, CITY, found.snapshot.as_of)
    assert _rows(found.standing) == _rows(live) and len(_rows(live)) == 3
    for parent in (city["root"], city["police"], city["lingya"]):
        assert queries.unit_rows(found.standing, parent) == queries.unit_rows(live, parent)
    assert queries.rule_gaps(found.standing) == queries.rule_gaps(live)
    assert queries.people(found.standing, "behind", 1, 1) == queries.people(live, "behind", 1, 1)
    assert found.snapshot.people == 3 and not found.stale


def test_a_young_snapshot_is_read_as_stored_until_refreshed(staff, city, record, year):
    first = _stored(year, city["lingya"].path)
    behind = {r.employee_id for r in queries.people(first.standing, "behind", per_page=None)}
    assert behind == {staff["behind"].id}
    from tests.courses.reports.conftest import comply

    comply(record, staff["behind"])
    again = _stored(year, city["lingya"].path)
    assert not again.stale  # 15 minutes have not passed: the stored figures stand, with their time
    assert {r.employee_id for r in queries.people(again.standing, "behind", per_page=None)} == behind
    services.refresh_standings(year)
    after = _stored(year, city["lingya"].path)
    assert queries.people(after.standing, "behind", per_page=None) == []


def test_an_old_snapshot_is_stale_and_so_is_yesterdays(staff, city, year, db):
    found = _stored(year, city["lingya"].path)
    snap = db.session.get(ReportSnapshot, year)
    snap.refreshed_at -= timedelta(minutes=16)
    assert _stored(year, city["lingya"].path).stale
    snap.refreshed_at += timedelta(minutes=16)
    snap.as_of -= timedelta(days=1)  # projections were made on another day
    assert _stored(year, city["lingya"].path).stale
    assert found.snapshot is snap


def test_a_queued_refresh_of_a_snapshot_just_refreshed_does_nothing(staff, city, record, year):
    _stored(year, city["lingya"].path)
    from tests.courses.reports.conftest import comply

    comply(record, staff["behind"])
    services.refresh_standings(year, unless_younger_than=900)  # another page's refresh ran a moment ago
    assert {r.employee_id for r in queries.people(_stored(year, city["lingya"].path).standing, "behind",
                                                  per_page=None)} == {staff["behind"].id}
    services.refresh_standings(year, unless_younger_than=0)
    assert queries.people(_stored(year, city["lingya"].path).standing, "behind", per_page=None) == []


def test_changed_rules_are_computed_at_once(staff, city, rules, year, db):
    found = _stored(year, city["lingya"].path)
    total = next(r for r in rules.rules if r.code == "total")
    assert {r.employee_id for r in queries.people(found.standing, "behind", per_page=None)} == {staff["behind"].id}
    total.hours = 2  # the behind person has 2 gender hours: the total is now met, other rules still not
    db.session.flush()
    again = _stored(year, city["lingya"].path)
    index = next(i for i, r in enumerate(again.standing.rules) if r.code == "total")
    row = queries.person_row(again.standing, staff["behind"].id)
    assert float(row._mapping[f"r{index}"]) == 2 and float(row._mapping[f"c{index}"]) >= 2
    assert again.snapshot.signature == queries.rules_signature(again.standing.rules)


def test_scope_and_transfers_apply_at_read_time(staff, city, year, db):
    _stored(year, None)
    lingya_only = Scope(False, (city["lingya"].path,))
    ids = {r.employee_id for r in queries.people(_stored(year, None, lingya_only).standing, per_page=None)}
    assert ids == {staff["done"].id, staff["behind"].id}
    staff["fire"].agency_id = city["patrol"].id  # a transfer into the precinct, after the refresh
    db.session.flush()
    moved = _stored(year, city["lingya"].path, lingya_only)
    assert staff["fire"].id in {r.employee_id for r in queries.people(moved.standing, per_page=None)}
    rows, total = queries.unit_rows(moved.standing, city["lingya"])
    assert total.people == 3


@pytest.fixture
def aged_reports(app, monkeypatch):
    monkeypatch.setitem(app.config, "REPORTS_MAX_AGE_SECONDS", 900)


def test_the_page_shows_the_age_and_queues_a_refresh_when_old(aged_reports, sign_in, supervisor, staff, city,
                                                             record, year, db):
    client = sign_in(supervisor)
    url = f"/reports/units/{city['lingya'].id}?only=behind"
    page = client.get(url).get_data(as_text=True)
    assert "figures-as-of" in page and "落後者" in page
    from tests.courses.reports.conftest import comply

    comply(record, staff["behind"])
    assert "落後者" in client.get(url).get_data(as_text=True)  # stored figures, not yet refreshed
    snap = db.session.get(ReportSnapshot, year)
    snap.refreshed_at -= timedelta(minutes=20)
    db.session.flush()
    client.get(url)  # old: a refresh is queued (run at once here, tasks being eager)
    assert "落後者" not in client.get(url).get_data(as_text=True)
