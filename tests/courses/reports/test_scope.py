"""Scope: a supervisor's report, drill-down, person pages, exports and API never reach outside their
unit's subtree; an officer sees their agency; administrators the city; learners nothing."""
from __future__ import annotations

import pytest

from lms.auth.models import Role


@pytest.fixture
def lingya_client(sign_in, supervisor):
    return sign_in(supervisor)


def test_supervisor_sees_their_subtree_and_nobody_else(lingya_client, staff, city):
    page = lingya_client.get(f"/reports/units/{city['lingya'].id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "達成者" in html and "落後者" in html and "消防員" not in html
    patrol = lingya_client.get(f"/reports/units/{city['patrol'].id}")
    assert patrol.status_code == 200 and "落後者" in patrol.get_data(as_text=True)


@pytest.mark.parametrize("url", [
    "/reports/units/{fire}", "/reports/units/{police}", "/reports/units/{root}", "/reports/units/{fire}/forecast",
    "/reports/campaigns?agency={fire}", "/reports/export/people.csv?agency={fire}",
    "/reports/export/people.xlsx?agency={police}", "/reports/export/units.csv?agency={root}",
    "/reports/export/forecast.csv?agency={fire}", "/reports/export/campaign.xlsx?agency={fire}",
    "/api/v1/reports/units/{fire}", "/api/v1/reports/units/{police}",
])
def test_other_units_are_refused(lingya_client, staff, city, url):
    ids = {k: city[k].id for k in ("fire", "police", "root")}
    response = lingya_client.get(url.format(**ids))
    assert response.status_code == 403


def test_other_peoples_pages_are_refused(lingya_client, staff):
    assert lingya_client.get(f"/reports/people/{staff['fire'].id}").status_code == 403
    assert lingya_client.get(f"/reports/people/{staff['behind'].id}").status_code == 200
    assert lingya_client.get("/reports/people/999999").status_code == 404


def test_reminding_another_unit_is_refused(lingya_client, staff, city):
    assert lingya_client.post(f"/reports/units/{city['fire'].id}/remind").status_code == 403


def test_supervisor_export_holds_only_their_subtree(lingya_client, staff, city):
    # asking for no agency gives the supervisor's own unit, never the city
    csv_text = lingya_client.get("/reports/export/people.csv").get_data(as_text=True)
    assert staff["done"].staff_no in csv_text and staff["behind"].staff_no in csv_text
    assert staff["fire"].staff_no not in csv_text


def test_index_redirects_to_the_top_of_the_scope(lingya_client, city):
    response = lingya_client.get("/reports/")
    assert response.status_code == 302 and response.location.endswith(f"/reports/units/{city['lingya'].id}")


def test_officer_sees_their_agency_and_not_another(sign_in, make_user, staff, city):
    client = sign_in(make_user(Role.AGENCY_OFFICER, agency=city["police"]))
    assert client.get(f"/reports/units/{city['police'].id}").status_code == 200
    assert client.get(f"/reports/units/{city['fire'].id}").status_code == 403
    assert client.get(f"/reports/people/{staff['fire'].id}").status_code == 403


def test_admin_sees_the_city(sign_in, make_user, staff, city):
    client = sign_in(make_user(Role.TRAINING_ADMIN, agency=city["root"]))
    html = client.get(f"/reports/units/{city['root'].id}").get_data(as_text=True)
    assert "消防局" in html and "警察局" in html
    assert client.get(f"/reports/people/{staff['fire'].id}").status_code == 200


def test_learners_and_supervisors_do_not_get_the_dashboard(sign_in, make_user, supervisor, city, db):
    learner = sign_in(make_user(agency=city["patrol"]))
    assert learner.get("/reports/").status_code == 403
    assert learner.get(f"/reports/units/{city['patrol'].id}").status_code == 403
    assert learner.get(f"/reports/people/{make_user(agency=city['patrol']).employee_id}").status_code == 403
    boss = sign_in(supervisor)
    for url in ("/reports/dashboard", "/reports/export/runs.csv", "/reports/export/modes.xlsx",
                "/api/v1/reports/dashboard"):
        assert boss.get(url).status_code == 403


def test_unknown_unit_and_table(lingya_client, city):
    assert lingya_client.get("/reports/units/999999").status_code == 404
    assert lingya_client.get("/reports/export/salaries.csv").status_code == 404
    assert lingya_client.get("/reports/export/people.pdf").status_code == 404
