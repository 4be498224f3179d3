"""The JSON API: 401 for visitors, 201 on a claim, 422 naming the broken rules, 403/404/409 where due."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest

from courses.subsidies import services
from courses.subsidies.queries import local_today
from lms.auth.models import Role


def claim_form(sub, **overrides):
    data = {"test": "TOEIC", "outcome": "passed", "score": "785", "test_date": local_today().isoformat(),
            "fee_paid": "1600", "score_report": (io.BytesIO(sub.PDF), "toeic.pdf"),
            "receipt": (io.BytesIO(sub.PNG), "receipt.png")}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def learner(make_user, city):
    return make_user(agency=city["lingya"])


def test_visitors_get_401(client):
    assert client.get("/api/v1/subsidies/claims").status_code == 401
    assert client.post("/api/v1/subsidies/claims").status_code == 401


def test_learner_claims_and_lists_their_own(client, this_year_rules, learner, login, sub):
    login(learner)
    response = client.post("/api/v1/subsidies/claims", data=claim_form(sub), content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["test"], body["cefr"], body["amount"], body["status"]) == ("TOEIC", "B2", 1600, "submitted")
    gept = client.post("/api/v1/subsidies/claims", content_type="multipart/form-data",
                       data=claim_form(sub, test="GEPT", score=None, level="高級", fee_paid="2000"))
    assert gept.status_code == 201 and gept.get_json()["cefr"] == "C1"
    items = client.get("/api/v1/subsidies/claims").get_json()["items"]
    assert [i["id"] for i in items] == [gept.get_json()["id"], body["id"]]
    assert client.get(f"/api/v1/subsidies/claims/{body['id']}").get_json()["score"] == "785"
    assert client.get("/api/v1/subsidies/english-level").get_json() == {"cefr": None}


def test_refusals_answer_422_with_the_rules_named(client, this_year_rules, learner, login, sub):
    login(learner)
    late = (local_today() - timedelta(days=120)).isoformat()
    response = client.post("/api/v1/subsidies/claims", content_type="multipart/form-data",
                           data=claim_form(sub, test_date=late, fee_paid="-5",
                                           receipt=(io.BytesIO(b"text"), "receipt.txt")))
    assert response.status_code == 422
    body = response.get_json()
    assert sorted(body["rules"]) == ["claim_deadline", "positive_fee", "upload"]
    assert {e["field"] for e in body["errors"]} == {"test_date", "fee_paid", "receipt"}


def test_bad_input_answers_400(client, this_year_rules, learner, login, sub):
    login(learner)
    response = client.post("/api/v1/subsidies/claims", content_type="multipart/form-data",
                           data=claim_form(sub, test="NOPE", test_date="yesterday"))
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "test_date"
    response = client.post("/api/v1/subsidies/claims", content_type="multipart/form-data",
                           data=claim_form(sub, test="NOPE", receipt=None))
    assert response.status_code == 400
    assert {e["field"] for e in response.get_json()["errors"]} == {"test_id", "receipt"}


def test_review_through_the_api(client, this_year_rules, make_employee, make_user, login, city, sub):
    employee = make_employee(agency=city["patrol"])
    data = sub.claim_data(this_year_rules, level="中級", test_date=local_today())
    claim = services.submit_claim(employee, data, sub.uploads())
    other = services.submit_claim(make_employee(agency=city["fire"]), data, sub.uploads())
    login(make_user(Role.AGENCY_OFFICER, agency=city["police"]))
    queue = client.get("/api/v1/subsidies/queue").get_json()
    assert [i["id"] for i in queue["items"]] == [claim.id] and queue["total"] == 1
    assert client.post(f"/api/v1/subsidies/claims/{other.id}/approve").status_code == 403
    assert client.post("/api/v1/subsidies/claims/999999/approve").status_code == 404
    assert client.post(f"/api/v1/subsidies/claims/{claim.id}/reject", json={}).status_code == 400
    assert client.post(f"/api/v1/subsidies/claims/{claim.id}/request-correction",
                       json={"reason": "請補收據"}).get_json()["status"] == "correction_requested"
    assert client.post(f"/api/v1/subsidies/claims/{claim.id}/approve").status_code == 409


def test_learner_resubmits_through_the_api_and_sees_the_level(client, this_year_rules, learner, login, sub):
    data = sub.claim_data(this_year_rules, level="中級", test_date=local_today())
    claim = services.submit_claim(learner.employee, data, sub.uploads())
    login(learner)
    assert client.post(f"/api/v1/subsidies/claims/{claim.id}/resubmit", data={}).status_code == 409
    services.request_correction(claim, "級別有誤")
    response = client.post(f"/api/v1/subsidies/claims/{claim.id}/resubmit", content_type="multipart/form-data",
                           data={"test": "GEPT", "level": "中高級", "outcome": "passed",
                                 "test_date": local_today().isoformat(), "fee_paid": "1500"})
    assert response.status_code == 200 and response.get_json()["cefr"] == "B2"
    services.approve_claim(claim)
    assert client.get("/api/v1/subsidies/english-level").get_json()["cefr"] == "B2"


def test_learners_have_no_queue_and_no_other_claims(client, this_year_rules, learner, login, make_employee, sub):
    data = sub.claim_data(this_year_rules, level="中級", test_date=local_today())
    theirs = services.submit_claim(make_employee(), data, sub.uploads())
    login(learner)
    assert client.get("/api/v1/subsidies/queue").status_code == 403
    assert client.get(f"/api/v1/subsidies/claims/{theirs.id}").status_code == 403
    assert client.post(f"/api/v1/subsidies/claims/{theirs.id}/approve").status_code == 403


def test_rules_of_a_year(client, this_year_rules, learner, login):
    login(learner)
    body = client.get(f"/api/v1/subsidies/rules/{this_year_rules.year}").get_json()
    assert body["failed_sit_rate"] == "0.50" and body["tests"][1]["levels"]["B2"] == "785"
    assert client.get("/api/v1/subsidies/rules/1999").status_code == 404
