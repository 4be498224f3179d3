"""The subsidy API answers as the OpenAPI document says (courses/subsidies/openapi.yaml): every documented
(operation, status) is produced here by a real request and its body checked against the schema."""
from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from courses.subsidies import services
from courses.subsidies.queries import local_today
from lms.auth.models import Role
from tests.conftest import TEST_PASSWORD
from tests.openapi import Contract, contract_suite

TAGS = ("subsidies",)


@pytest.fixture
def contract(client):
    return Contract(client.get("/api/v1/openapi.json").get_json())


@pytest.fixture
def world(app, db, make_user, make_employee, city, this_year_rules, sub):
    def signed_in(user):
        client = app.test_client()
        assert client.post("/login", data={"identifier": user.login_name, "password": TEST_PASSWORD}).status_code == 302
        return client

    def claim(employee, test="GEPT", **kw):
        if test == "GEPT":
            kw.setdefault("level", "中級")
        return services.submit_claim(employee, sub.claim_data(this_year_rules, test, test_date=local_today(), **kw),
                                     sub.uploads())

    learner = make_user(agency=city["patrol"])
    mine = claim(learner.employee)
    returned = services.request_correction(claim(learner.employee, test="TOEIC", score=Decimal(800), fee=1600),
                                           "請補正本收據")
    colleague = make_employee(agency=city["patrol"])
    lower = claim(colleague)  # submitted first; once the higher level is approved, approving it breaks a rule
    approved = services.approve_claim(claim(colleague, test="TOEIC", score=Decimal(800)))
    outside = claim(make_employee(agency=city["fire"]))

    def form(**overrides):
        data = {"test": "TOEIC", "outcome": "passed", "score": "785", "test_date": local_today().isoformat(),
                "fee_paid": "1600", "score_report": (io.BytesIO(sub.PDF), "toeic.pdf"),
                "receipt": (io.BytesIO(sub.PNG), "receipt.png")}
        data.update(overrides)
        return {"data": {k: v for k, v in data.items() if v is not None}, "content_type": "multipart/form-data"}

    return SimpleNamespace(
        learner=signed_in(learner), other=signed_in(make_user(agency=city["patrol"])),
        officer=signed_in(make_user(Role.AGENCY_OFFICER, agency=city["police"])),
        nobody=signed_in(make_user(Role.SYSADMIN, employee=None, email="root@example.gov.tw")),
        mine=mine, returned=returned, approved=approved, lower=lower, outside=outside, form=form,
        late=(local_today() - timedelta(days=200)).isoformat(), year=this_year_rules.year)


def _id(claim):
    return {"claim_id": claim.id}


NO_CLAIM = {"claim_id": 999999}
SCENARIOS = {
    ("listMySubsidyClaims", 200): lambda w: (w.learner, {}),
    ("submitSubsidyClaim", 201): lambda w: (w.other, w.form()),
    ("submitSubsidyClaim", 400): lambda w: (w.other, w.form(test="NOPE", test_date="yesterday")),
    ("submitSubsidyClaim", 403): lambda w: (w.nobody, w.form()),
    ("submitSubsidyClaim", 422): lambda w: (w.other, w.form(test_date=w.late, fee_paid="-5")),
    ("getSubsidyClaim", 200): lambda w: (w.officer, {"path": _id(w.mine)}),
    ("getSubsidyClaim", 403): lambda w: (w.other, {"path": _id(w.mine)}),
    ("getSubsidyClaim", 404): lambda w: (w.learner, {"path": NO_CLAIM}),
    ("resubmitSubsidyClaim", 200): lambda w: (w.learner, {"path": _id(w.returned), **w.form()}),
    ("resubmitSubsidyClaim", 400): lambda w: (w.learner, {"path": _id(w.returned), **w.form(test_date="x")}),
    ("resubmitSubsidyClaim", 403): lambda w: (w.officer, {"path": _id(w.returned), **w.form()}),
    ("resubmitSubsidyClaim", 404): lambda w: (w.learner, {"path": NO_CLAIM, **w.form()}),
    ("resubmitSubsidyClaim", 409): lambda w: (w.learner, {"path": _id(w.mine), **w.form()}),
    ("resubmitSubsidyClaim", 422): lambda w: (w.learner, {"path": _id(w.returned), **w.form(fee_paid="-5")}),
    ("approveSubsidyClaim", 200): lambda w: (w.officer, {"path": _id(w.mine)}),
    ("approveSubsidyClaim", 403): lambda w: (w.officer, {"path": _id(w.outside)}),
    ("approveSubsidyClaim", 404): lambda w: (w.officer, {"path": NO_CLAIM}),
    ("approveSubsidyClaim", 409): lambda w: (w.officer, {"path": _id(w.approved)}),
    ("approveSubsidyClaim", 422): lambda w: (w.officer, {"path": _id(w.lower)}),
    ("rejectSubsidyClaim", 200): lambda w: (w.officer, {"path": _id(w.mine), "json": {"reason": "收據非本人"}}),
    ("rejectSubsidyClaim", 400): lambda w: (w.officer, {"path": _id(w.mine), "json": {"reason": " "}}),
    ("rejectSubsidyClaim", 403): lambda w: (w.officer, {"path": _id(w.outside), "json": {"reason": "x"}}),
    ("rejectSubsidyClaim", 404): lambda w: (w.officer, {"path": NO_CLAIM, "json": {"reason": "x"}}),
    ("rejectSubsidyClaim", 409): lambda w: (w.officer, {"path": _id(w.approved), "json": {"reason": "x"}}),
    ("requestSubsidyClaimCorrection", 200): lambda w: (w.officer, {"path": _id(w.mine), "json": {"reason": "補件"}}),
    ("requestSubsidyClaimCorrection", 400): lambda w: (w.officer, {"path": _id(w.mine), "json": {"reason": ""}}),
    ("requestSubsidyClaimCorrection", 403): lambda w: (w.learner, {"path": _id(w.mine), "json": {"reason": "x"}}),
    ("requestSubsidyClaimCorrection", 404): lambda w: (w.officer, {"path": NO_CLAIM, "json": {"reason": "x"}}),
    ("requestSubsidyClaimCorrection", 409): lambda w: (w.officer, {"path": _id(w.returned), "json": {"reason": "x"}}),
    ("listSubsidyReviewQueue", 200): lambda w: (w.officer, {"query": {"per_page": 5}}),
    ("listSubsidyReviewQueue", 403): lambda w: (w.learner, {}),
    ("getMyEnglishLevel", 200): lambda w: (w.learner, {}),
    ("getMyEnglishLevel", 404): lambda w: (w.nobody, {}),
    ("getSubsidyRules", 200): lambda w: (w.learner, {"path": {"year": w.year}}),
    ("getSubsidyRules", 404): lambda w: (w.learner, {"path": {"year": 1999}}),
}


(test_scenarios_cover_every_documented_answer, test_answer_matches_the_document,
 test_unauthorized_answers_match_the_document) = contract_suite(SCENARIOS, TAGS, 10)


def test_a_refusal_names_the_rules_in_the_documented_shape(contract, world):
    body = contract.call(world.officer, "approveSubsidyClaim", path=_id(world.lower), expect=422).get_json()
    assert body["error"] == "claim refused" and body["rules"] == ["higher_level_only"]
