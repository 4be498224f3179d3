"""The reports' JSON API against its OpenAPI description, with the scope refusals it documents."""
from __future__ import annotations

import pytest

from lms.auth.models import Role
from tests.openapi import Contract


@pytest.fixture
def contract(client):
    return Contract(client.get("/api/v1/openapi.json").get_json())


def test_unit_report_matches_the_document(contract, sign_in, supervisor, staff, city):
    client = sign_in(supervisor)
    body = contract.call(client, "getUnitReport", {"agency_id": city["lingya"].id}, expect=200).get_json()
    assert body["unit"]["people"] == 3 and body["unit"]["compliant"] == 1   # the supervisor counts too
    assert [u["code"] for u in body["sub_units"]] == ["POL-LY-PT", "POL-LY"]
    contract.call(client, "getUnitReport", {"agency_id": city["fire"].id}, expect=403)
    contract.call(client, "getUnitReport", {"agency_id": 999999}, expect=404)
    contract.call(client, "getUnitReport", {"agency_id": city["lingya"].id}, {"year": 1900}, expect=400)
    contract.call(client, "getTrainingDashboard", expect=403)


def test_dashboard_matches_the_document(contract, sign_in, make_user, staff):
    admin = sign_in(make_user(Role.SYSADMIN, employee=None, email="root@example.gov.tw"))
    body = contract.call(admin, "getTrainingDashboard", query={"start": "2026-01-01", "end": "2026-12-31"},
                         expect=200).get_json()
    assert [m["mode"] for m in body["modes"]] == ["in_person", "remote", "blended", "online"]


def test_anonymous_calls_are_401(contract, client, city):
    for (operation, status), path in contract.unauthorized_calls("reports").items():
        contract.call(client, operation, path, expect=status)
