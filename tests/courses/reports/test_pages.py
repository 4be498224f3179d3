"""The report pages render what the queries say: the unit report with its chart and drill-down, the
person page, the forecast with its method, topic campaigns, the administrators' dashboard."""
from __future__ import annotations

from datetime import date

import pytest

from lms.auth.models import Role


@pytest.fixture
def admin(sign_in, make_user):
    user = make_user(Role.TRAINING_ADMIN, employee=None, email="admin@example.gov.tw")
    user.locale = "en"
    return sign_in(user)


def test_unit_page_has_chart_drill_down_and_remind_button(sign_in, make_user, staff, city):
    client = sign_in(make_user(Role.AGENCY_OFFICER, employee=None, email="o@example.gov.tw", agency=city["police"]))
    html = client.get(f"/reports/units/{city['police'].id}").get_data(as_text=True)
    assert "<svg" in html and "50 %" in html      # Lingya's bar: 1 of 2 compliant
    assert f"/reports/units/{city['lingya'].id}" in html
    assert f"/reports/units/{city['police'].id}/remind" in html
    assert f"/reports/people/{staff['behind'].id}" in html


def test_unit_page_query_count_does_not_grow_with_people(sign_in, supervisor, staff, city, make_employee,
                                                         count_queries):
    client = sign_in(supervisor)
    url = f"/reports/units/{city['lingya'].id}"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for _ in range(15):
        make_employee(city["patrol"])
    with count_queries() as many:
        client.get(url)
    assert len(many) == len(few)


def test_person_page_shows_requirements_and_missing_topics(sign_in, supervisor, staff, book, year):
    booked = book(staff["behind"], date(year, 12, 30), topics=("environment",))
    html = sign_in(supervisor).get(f"/reports/people/{staff['behind'].id}").get_data(as_text=True)
    assert "環境教育" in html and "落後者" in html and "<svg" in html
    assert booked.run.code in html and booked.run.course.title_zh in html


def test_forecast_page_explains_the_method(sign_in, supervisor, staff, city):
    page = sign_in(supervisor).get(f"/reports/units/{city['lingya'].id}/forecast")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<ol>" in html and "落後者" in html and "達成者" not in html   # only those at risk are listed


def test_campaign_page_per_agency(admin, staff, city):
    html = admin.get(f"/reports/campaigns?topic=gender&agency={city['root'].id}").get_data(as_text=True)
    assert "66.7 %" in html and "Agency FIRE" in html                    # 2 of 3 staff have a gender-topic record
    assert admin.get("/reports/campaigns?topic=astrology").status_code == 400


def test_campaign_by_course(admin, staff, city, record, year):
    record(staff["fire"], 3, (), course="CEDAW-101")
    html = admin.get(f"/reports/campaigns?topic=gender&course=CEDAW-101&agency={city['root'].id}").get_data(as_text=True)
    assert "33.3 %" in html


def test_dashboard_figures(admin, staff, book, year):
    start = date(year, 1, 1)
    book(staff["behind"], date(year, 2, 3), mode="remote")
    book(staff["done"], date(year, 2, 3), mode="online", status="waitlisted")
    page = admin.get(f"/reports/dashboard?start={start}&end={year}-12-31")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("<svg") >= 3
    assert "2 runs starting in the period; 1 of 60 seats taken (1.7 %); 1 people waitlisted in 1 runs" in html
    assert "<td>Remote (live online)</td><td>1</td><td>0</td>" in html
    assert admin.get("/reports/dashboard?start=2026-13-01").status_code == 400
    assert admin.get("/reports/dashboard?start=2026-05-01&end=2026-04-01").status_code == 400


def test_dashboard_queries(staff, book, year, db):
    from courses.reports import queries

    book(staff["behind"], date(year, 2, 3), mode="remote")
    book(staff["done"], date(year, 2, 3), mode="online", status="waitlisted")
    start, end = date(year, 1, 1), date(year, 12, 31)
    modes = {m.mode: m for m in queries.by_delivery_mode(start, end)}
    assert modes["remote"].selections == 1 and modes["online"].selections == 1 and modes["in_person"].selections == 0
    fill = queries.fill_summary(start, end)
    assert (fill.runs, fill.capacity, fill.seated, fill.waitlisted, fill.runs_with_waitlist) == (2, 60, 1, 1, 1)
    assert fill.buckets["<50%"] == 2
    ledger = queries.ledger_totals(start, end)
    assert ledger.people == 2 and ledger.hours == 27
