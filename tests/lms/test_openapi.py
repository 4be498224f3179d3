"""The OpenAPI document: valid OpenAPI 3.1, served at /api/v1/openapi.json, describing every /api/v1 route,
merged safely from fragments; the people API's answers match it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from lms.auth.models import Role
from lms.openapi import OpenAPIFragmentError, build_document, fragment_files, merge_fragment
from tests.openapi import METHODS, Contract

# Blueprints whose /api/v1 routes are still being written by their owners and not yet described.
# Each owner adds an openapi.yaml beside the blueprint module, then removes the name from here
# (test_owed_documentation_is_still_owed says when).
DOCUMENTATION_OWED: set[str] = set()


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


@pytest.fixture
def contract(document):
    return Contract(document)


def _api_routes(app) -> dict[tuple[str, str], str]:
    """(method, OpenAPI path template) -> blueprint name, for every /api/v1 route of the app."""
    routes = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            template = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes[(method.lower(), template)] = rule.endpoint.split(".")[0]
    return routes


def _documented(document) -> set[tuple[str, str]]:
    return {(method, template) for template, item in document["paths"].items() for method in METHODS
            if method in item}


def test_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1.")
    validate(document)  # raises with the first problem found


def test_every_api_route_is_documented_and_nothing_else(app, document):
    routes = _api_routes(app)
    undocumented = sorted(key for key, blueprint in routes.items()
                          if key not in _documented(document) and blueprint not in DOCUMENTATION_OWED)
    assert undocumented == [], (
        "these /api/v1 routes are missing from the OpenAPI document; describe them in the openapi.yaml "
        f"beside their blueprint (see lms/openapi/__init__.py): {undocumented}")
    stale = sorted(_documented(document) - set(routes))
    assert stale == [], f"the document describes routes the app does not have: {stale}"


def test_owed_documentation_is_still_owed(app, document):
    routes = _api_routes(app)
    for blueprint in DOCUMENTATION_OWED:
        own = {key for key, name in routes.items() if name == blueprint}
        assert own - _documented(document), (
            f"{blueprint} is documented now (or has no /api/v1 routes): remove it from DOCUMENTATION_OWED")


def test_every_operation_has_an_id_and_every_secured_one_answers_401(document):
    ids = [op["operationId"] for item in document["paths"].values() for m, op in item.items() if m in METHODS]
    assert len(ids) == len(set(ids))
    for template, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                secured = item[method].get("security", document["security"]) != []
                assert ("401" in item[method]["responses"]) == secured, (method, template)


def test_fragments_are_found_beside_their_blueprints(app):
    files = {path.relative_to(Path(app.root_path).parent).as_posix() for path in fragment_files(app)}
    assert {"lms/people/openapi.yaml", "courses/catalogue/openapi.yaml",
            "courses/scheduling/openapi.yaml"} <= files


def test_a_fragment_cannot_redefine_a_path_or_component_or_add_other_keys(app):
    document = build_document(app)
    source = Path("example/openapi.yaml")
    with pytest.raises(OpenAPIFragmentError, match="/api/v1/me"):
        merge_fragment(document, {"paths": {"/api/v1/me": {}}}, source)
    with pytest.raises(OpenAPIFragmentError, match="components/schemas/Error"):
        merge_fragment(document, {"components": {"schemas": {"Error": {}}}}, source)
    with pytest.raises(OpenAPIFragmentError, match="info"):
        merge_fragment(document, {"info": {"title": "x"}}, source)
    merge_fragment(document, {"paths": {"/api/v1/new": {"get": {"operationId": "x", "responses": {}}}}}, source)
    assert "/api/v1/new" in document["paths"]


def test_the_served_document_is_not_changed_by_its_callers(app, client):
    client.get("/api/v1/openapi.json").get_json()["paths"].clear()
    assert client.get("/api/v1/openapi.json").get_json()["paths"]


# ---- the people API against its description ---------------------------------------------------------

@pytest.fixture
def people(city, make_employee, make_user, sign_in):
    officer_in_patrol = make_employee(city["patrol"], national_id="E123456783")
    return {
        "patrol_officer": officer_in_patrol,
        "fire_officer": make_employee(city["fire"]),
        "admin": sign_in(make_user(Role.TRAINING_ADMIN, agency=city["root"])),
        "supervisor": sign_in(make_user(Role.SUPERVISOR, agency=city["lingya"])),
        "learner": sign_in(make_user(agency=city["patrol"])),
        "nobody": sign_in(make_user(Role.SYSADMIN, employee=None, email="root@example.gov.tw")),
    }


PEOPLE_SCENARIOS = {
    ("getOpenapiDocument", 200): lambda p, anon: (anon, {}),
    ("getMe", 200): lambda p, anon: (p["learner"], {}),
    ("listEmployees", 200): lambda p, anon: (p["supervisor"], {"query": {"q": "員工", "per_page": 5}}),
    ("listEmployees", 403): lambda p, anon: (p["learner"], {}),
    ("getEmployee", 200): lambda p, anon: (p["supervisor"], {"path": {"employee_id": p["patrol_officer"].id}}),
    ("getEmployee", 403): lambda p, anon: (p["supervisor"], {"path": {"employee_id": p["fire_officer"].id}}),
    ("getEmployee", 404): lambda p, anon: (p["admin"], {"path": {"employee_id": 999999}}),
}


def test_people_scenarios_cover_every_documented_answer(contract):
    assert set(PEOPLE_SCENARIOS) | set(contract.unauthorized_calls("people", "meta")) == \
        contract.scenario_keys("people", "meta")


@pytest.mark.parametrize("key", sorted(PEOPLE_SCENARIOS), ids=lambda k: f"{k[0]}-{k[1]}")
def test_people_api_answers_match_the_document(app, contract, people, key):
    client, request = PEOPLE_SCENARIOS[key](people, app.test_client())
    contract.call(client, key[0], expect=key[1], **request)


def test_people_unauthorized_answers_match_the_document(app, contract):
    for (operation_id, status), path in contract.unauthorized_calls("people").items():
        contract.call(app.test_client(), operation_id, path=path, expect=status)


def test_employee_with_national_id_and_account_without_employee_match(contract, people):
    body = contract.call(people["admin"], "getEmployee", path={"employee_id": people["patrol_officer"].id},
                         expect=200).get_json()
    assert body["national_id"] == "E123456783"
    assert contract.call(people["nobody"], "getMe", expect=200).get_json()["employee"] is None
