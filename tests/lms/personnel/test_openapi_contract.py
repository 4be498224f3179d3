"""The personnel API answers as the OpenAPI document says: every documented (operation, status) is
produced here by a real request (session or the HR system's token) and its body checked."""
from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from lms.auth.models import Role
from lms.personnel.services import issue_hr_token
from tests.conftest import TEST_PASSWORD
from tests.openapi import Contract, contract_suite

TAGS = ("personnel",)


@pytest.fixture
def contract(client):
    return Contract(client.get("/api/v1/openapi.json").get_json())


@pytest.fixture
def world(app, db, make_user, make_employee, city, complete, certified, ingest, rules_2025):
    def signed_in(user):
        client = app.test_client()
        assert client.post("/login", data={"identifier": user.login_name, "password": TEST_PASSWORD}).status_code == 302
        return client

    learner = make_user(agency=city["patrol"])
    certified(learner.employee, "ENV", 4, topics=["environment"], mode=1)
    complete(learner.employee, "POL", 1, topics=["policy"], when=datetime(2025, 6, 1, tzinfo=timezone.utc))
    ingest()
    _, token = issue_hr_token("HR")
    return SimpleNamespace(
        learner=signed_in(learner), officer=signed_in(make_user(Role.AGENCY_OFFICER, agency=city["police"])),
        supervisor=signed_in(make_user(Role.SUPERVISOR, agency=city["police"])),
        nobody=signed_in(make_user(Role.SYSADMIN, employee=None, email="root@example.gov.tw")),
        hr=app.test_client(), token={"Authorization": f"Bearer {token}"})


SCENARIOS = {
    ("getMyHoursSummary", 200): lambda w: (w.learner, {"query": {"year": 2025}}),
    ("getMyHoursSummary", 404): lambda w: (w.nobody, {}),
    ("getHrExport", 200): lambda w: (w.officer, {"query": {"year": 2025, "layout": "regist2"}}),
    ("getHrExport", 400): lambda w: (w.officer, {"query": {"layout": "regist9"}}),
    ("getHrExport", 403): lambda w: (w.supervisor, {"query": {"year": 2025}}),
}


(test_scenarios_cover_every_documented_answer, test_answer_matches_the_document,
 test_unauthorized_answers_match_the_document) = contract_suite(SCENARIOS, TAGS, 2)


def test_the_summary_and_the_token_export_carry_the_documented_content(contract, world):
    summary = contract.call(world.learner, "getMyHoursSummary", query={"year": 2025}, expect=200).get_json()
    environment = next(r for r in summary["requirements"] if r["code"] == "environment")
    assert (environment["required"], environment["certified"], environment["met"]) == (4, 4, True)
    assert sorted((r["course_code"], r["status"]) for r in summary["records"]) == [("ENV", "certified"),
                                                                                    ("POL", "pending")]
    export = contract.call(world.hr, "getHrExport", query={"year": 2025}, headers=world.token, expect=200)
    assert [row["訓練總數"] for row in export.get_json()["rows"]] == ["4"]
    assert contract.document["paths"]["/api/v1/personnel/export"]["get"]["security"] == [{"session": []},
                                                                                        {"hrToken": []}]
