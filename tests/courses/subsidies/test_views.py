"""Subsidy pages through the test client: the learner's claim form, access to claims and their files, the
reviewers' queue and decisions, the rule editor, payouts with the XLSX register, and the dashboard."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from courses.subsidies import services
from courses.subsidies.queries import local_today
from lms.auth.models import Role


@pytest.fixture
def police_officer(make_user, city):
    return make_user(Role.AGENCY_OFFICER, agency=city["police"])


@pytest.fixture
def claim_in(this_year_rules, make_employee, sub):
    """A submitted GEPT B1 claim of someone in `agency`, tested last week."""
    def factory(agency, employee=None, level="中級"):
        employee = employee or make_employee(agency=agency)
        data = sub.claim_data(this_year_rules, level=level, test_date=local_today() - timedelta(days=7))
        return services.submit_claim(employee, data, sub.uploads())
    return factory


def test_learner_submits_a_claim_with_both_files(client, this_year_rules, make_user, login, sub):
    learner = make_user()
    login(learner)
    page = client.get("/subsidies/claims/new")
    assert page.status_code == 200 and "多益測驗" in page.get_data(as_text=True)
    toeic = sub.find_test(this_year_rules, "TOEIC")
    response = client.post("/subsidies/claims/new", content_type="multipart/form-data", data={
        "test_id": toeic.id, "outcome": "passed", "score": "785", "test_date": local_today().isoformat(),
        "fee_paid": "1600", "score_report": (io.BytesIO(sub.PDF), "toeic.pdf"),
        "receipt": (io.BytesIO(sub.PNG), "receipt.png")})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "B2" in page and "1,600" in page
    mine = client.get("/subsidies/").get_data(as_text=True)
    assert "785" in mine


def test_refusals_are_shown_next_to_their_fields(client, this_year_rules, make_user, login, sub):
    login(make_user())
    response = client.post("/subsidies/claims/new", content_type="multipart/form-data", data={
        "test_id": sub.find_test(this_year_rules, "TOEIC").id, "outcome": "passed", "score": "100",
        "test_date": (local_today() - timedelta(days=200)).isoformat(), "fee_paid": "0",
        "score_report": (io.BytesIO(b"GIF89a"), "x.gif")})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert page.count('class="field-error"') >= 5  # score, test date, fee, both files


def test_learners_see_only_their_own_claims_and_files(client, claim_in, city, make_user, login, sub):
    mine_user = make_user(agency=city["lingya"])
    mine = claim_in(city["lingya"], employee=mine_user.employee)
    theirs = claim_in(city["lingya"])
    login(mine_user)
    assert client.get(f"/subsidies/claims/{mine.id}").status_code == 200
    file = client.get(f"/subsidies/claims/{mine.id}/files/score_report")
    assert file.status_code == 200 and file.data == sub.PDF and file.mimetype == "application/pdf"
    assert file.headers["Content-Disposition"].startswith("inline")
    assert client.get(f"/subsidies/claims/{theirs.id}").status_code == 403
    assert client.get(f"/subsidies/claims/{theirs.id}/files/receipt").status_code == 403
    assert client.get(f"/subsidies/claims/{mine.id}/files/passport").status_code == 404
    assert client.get("/subsidies/review/").status_code == 403
    assert client.post(f"/subsidies/claims/{mine.id}/approve").status_code == 403


def test_agency_officer_reviews_their_agency_tree_only(client, claim_in, city, police_officer, login):
    police_claim = claim_in(city["patrol"])
    fire_claim = claim_in(city["fire"])
    login(police_officer)
    queue = client.get("/subsidies/review/").get_data(as_text=True)
    assert f"#{police_claim.id}" in queue and f"#{fire_claim.id}" not in queue
    assert client.get(f"/subsidies/claims/{fire_claim.id}").status_code == 403
    assert client.get(f"/subsidies/claims/{police_claim.id}/files/receipt").status_code == 200
    response = client.post(f"/subsidies/claims/{police_claim.id}/approve", data={})
    assert response.status_code == 302 and police_claim.status == "approved"
    assert client.post(f"/subsidies/claims/{fire_claim.id}/approve").status_code == 403


def test_nobody_decides_their_own_claim(client, claim_in, city, police_officer, login):
    own = claim_in(city["police"], employee=police_officer.employee)
    login(police_officer)
    assert client.get(f"/subsidies/claims/{own.id}").status_code == 200
    assert client.post(f"/subsidies/claims/{own.id}/approve").status_code == 403
    assert own.status == "submitted"


def test_reject_and_correction_from_the_claim_page(client, claim_in, city, police_officer, login, sub):
    first, second = claim_in(city["patrol"]), claim_in(city["patrol"])
    login(police_officer)
    response = client.post(f"/subsidies/claims/{first.id}/reject", data={"reason": ""})
    assert response.status_code == 303 and first.status == "submitted"
    client.post(f"/subsidies/claims/{first.id}/reject", data={"reason": "非本人收據"})
    client.post(f"/subsidies/claims/{second.id}/request-correction", data={"reason": "請補複試成績"})
    assert (first.status, second.status) == ("rejected", "correction_requested")
    history = client.get(f"/subsidies/claims/{second.id}").get_data(as_text=True)
    assert "請補複試成績" in history


def test_learner_corrects_a_returned_claim(client, claim_in, city, make_user, login, this_year_rules, sub):
    learner = make_user(agency=city["lingya"])
    claim = claim_in(city["lingya"], employee=learner.employee)
    assert client.get(f"/subsidies/claims/{claim.id}/correct").status_code == 302  # not signed in
    services.request_correction(claim, "請補複試成績")
    login(learner)
    form = client.get(f"/subsidies/claims/{claim.id}/correct").get_data(as_text=True)
    assert "請補複試成績" in form
    gept = sub.find_test(this_year_rules, "GEPT")
    level = next(lv for lv in gept.levels if lv.cefr == "B2")
    response = client.post(f"/subsidies/claims/{claim.id}/correct", content_type="multipart/form-data", data={
        "test_id": gept.id, "outcome": "passed", "level": level.id, "test_date": claim.test_date.isoformat(),
        "fee_paid": "1500", "score_report": (io.BytesIO(sub.PDF), "retest.pdf")})
    assert response.status_code == 302
    assert (claim.status, claim.cefr, claim.score_report_name) == ("submitted", "B2", "retest.pdf")
    assert client.get(f"/subsidies/claims/{claim.id}/correct").status_code == 403


def test_admin_edits_rules_and_tests_and_seeds_a_year(client, this_year_rules, make_user, login):
    login(make_user(Role.TRAINING_ADMIN))
    year = this_year_rules.year
    assert "TOEFL" in client.get(f"/admin/subsidies/rules/{year}").get_data(as_text=True)
    response = client.post(f"/admin/subsidies/rules/{year}", data={
        "claim_deadline_months": "4", "budget": "450000", "cap_per_claim": "", "pass_rate": "1",
        "failed_sit_rate": "0.5", "failed_sits_per_year": "2", "min_cefr": "A2"})
    assert response.status_code == 302 and this_year_rules.budget == 450_000
    assert this_year_rules.claim_deadline_months == 4
    response = client.post(f"/admin/subsidies/rules/{year}/tests/new", data={
        "code": "CAMBRIDGE", "name_zh": "劍橋英語", "result_kind": "level", "level_B2": "FCE", "active": "y"})
    assert response.status_code == 302 and any(t.code == "CAMBRIDGE" for t in this_year_rules.tests)
    bad = client.post(f"/admin/subsidies/rules/{year}/tests/new", data={"code": "X", "name_zh": "x",
                                                                        "result_kind": "score"})
    assert bad.status_code == 400
    response = client.post("/admin/subsidies/rules/", data={"year": str(year + 1),
                                                            "copy_from": str(this_year_rules.id)})
    assert response.status_code == 302
    assert "450,000" in client.get("/admin/subsidies/rules/").get_data(as_text=True)


def test_only_training_admins_edit_rules_or_pay(client, this_year_rules, police_officer, login):
    login(police_officer)
    assert client.get(f"/admin/subsidies/rules/{this_year_rules.year}").status_code == 403
    assert client.get("/subsidies/payouts").status_code == 403
    assert client.get("/subsidies/dashboard").status_code == 200


def test_payout_batch_and_xlsx_register(client, claim_in, city, make_user, login):
    claims = [claim_in(city["patrol"]), claim_in(city["fire"])]
    for claim in claims:
        services.approve_claim(claim)
    login(make_user(Role.TRAINING_ADMIN))
    page = client.get("/subsidies/payouts").get_data(as_text=True)
    assert all(f'value="{c.id}"' in page for c in claims)
    response = client.post("/subsidies/payouts", data={"claim_ids": [str(c.id) for c in claims], "paid_on": ""})
    assert response.status_code == 302 and [c.status for c in claims] == ["paid", "paid"]
    batch = claims[0].payout_batch
    export = client.get(f"/subsidies/payouts/{batch.id}.xlsx")
    assert export.status_code == 200 and export.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(export.data)).active.iter_rows(values_only=True))
    assert len(rows) == 4 and rows[1][0] == batch.reference
    assert {rows[1][2], rows[2][2]} == {c.employee.staff_no for c in claims}
    assert rows[3][12] == sum(c.amount for c in claims)
    again = client.post("/subsidies/payouts", data={"claim_ids": [str(claims[0].id)]})
    assert again.status_code == 409


def test_dashboard_shows_budget_and_a_bar_chart(client, claim_in, city, make_user, login, this_year_rules):
    approved = claim_in(city["patrol"])
    services.approve_claim(approved)
    claim_in(city["fire"])
    login(make_user(Role.TRAINING_ADMIN))
    page = client.get("/subsidies/dashboard").get_data(as_text=True)
    assert f"NT${approved.amount:,}" in page and "<svg" in page and "<rect" in page
    assert "B1" in page and "<script" not in page


def test_review_queue_runs_a_fixed_number_of_queries(client, claim_in, city, make_user, login, count_queries):
    login(make_user(Role.TRAINING_ADMIN))
    claim_in(city["patrol"])
    with count_queries() as few:
        client.get("/subsidies/review/")
    for _ in range(5):
        claim_in(city["fire"])
    with count_queries() as many:
        assert client.get("/subsidies/review/").status_code == 200
    assert len(many) == len(few)
