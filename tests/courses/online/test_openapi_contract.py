"""The online-course API answers as /api/v1/openapi.json describes, for every documented status."""
from __future__ import annotations

import pytest

from lms.auth.models import Role
from tests.openapi import Contract
from tests.courses.online.conftest import zip_of

SCENARIOS = {("listOnlineCourses", 200), ("getOnlineCourse", 200), ("getOnlineCourse", 403),
             ("getOnlineCourse", 404), ("recordOnlineProgress", 200), ("recordOnlineProgress", 400),
             ("recordOnlineProgress", 403), ("recordOnlineProgress", 404), ("recordOnlineProgress", 422)}


@pytest.fixture
def contract(client):
    return Contract(client.get("/api/v1/openapi.json").get_json())


def test_scenarios_cover_every_documented_answer(contract):
    assert SCENARIOS | set(contract.unauthorized_calls("online")) == contract.scenario_keys("online")


def test_answers_match_the_document(app, contract, sample_course, online_course, upload, make_course, make_user,
                                    login):
    plain = make_course(delivery_mode="online")
    upload(plain, zip_of({"index.html": b"<p>a</p>", "end.html": b"<p>b</p>"}), completion_rule="last_page",
           last_page="end.html")
    client = login(make_user(Role.LEARNER))
    contract.call(client, "listOnlineCourses", expect=200)
    contract.call(client, "getOnlineCourse", path={"code": sample_course.code}, expect=200)
    contract.call(client, "getOnlineCourse", path={"code": "NOPE"}, expect=404)
    contract.call(client, "recordOnlineProgress", path={"code": plain.code}, json={"page": "end.html"}, expect=403)
    contract.call(client, "recordOnlineProgress", path={"code": "NOPE"}, json={"page": "end.html"}, expect=404)
    client.post(f"/online/courses/{plain.code}/units/1/launch")
    contract.call(client, "recordOnlineProgress", path={"code": plain.code}, json={"watched": 2}, expect=400)
    contract.call(client, "recordOnlineProgress", path={"code": plain.code}, json={"page": "end.html"}, expect=200)
    client.post(f"/online/courses/{sample_course.code}/units/1/launch")
    contract.call(client, "recordOnlineProgress", path={"code": sample_course.code}, json={"page": "index.html"},
                  expect=422)
    staffless = login(make_user(Role.LEARNER, employee=None, email="x@example.gov.tw"))
    contract.call(staffless, "getOnlineCourse", path={"code": sample_course.code}, expect=403)


def test_unauthorized_answers_match_the_document(app, contract):
    for (operation_id, status), path in contract.unauthorized_calls("online").items():
        contract.call(app.test_client(), operation_id, path=path, expect=status)
