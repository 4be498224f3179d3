"""Query parameters on every xAPI resource: unknown or wrongly-cased names and repeated names are 400,
in the normal and in the alternate request syntax."""
import json
import uuid
from urllib.parse import urlencode

import pytest

ACTIVITY = "https://lms.example.gov.tw/xapi/activities/course/FIRE-60"
AGENT = json.dumps({"objectType": "Agent", "account": {"homePage": "https://lms.example.gov.tw", "name": "E000001"}})
STATEMENT_ID = "5f8e7a52-7c3b-4f0e-9a55-3f4c2b1d0e9f"

# (method, path, valid parameters): each call is valid as given, so only the change under test can
# turn it into a 400.
RESOURCES = [
    ("GET", "/xapi/statements", {"verb": "http://adlnet.gov/expapi/verbs/completed"}),
    ("GET", "/xapi/statements", {"statementId": STATEMENT_ID}),
    ("PUT", "/xapi/statements", {"statementId": STATEMENT_ID}),
    ("POST", "/xapi/statements", {}),
    ("GET", "/xapi/activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "bookmark"}),
    ("PUT", "/xapi/activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "bookmark"}),
    ("DELETE", "/xapi/activities/state", {"activityId": ACTIVITY, "agent": AGENT}),
    ("GET", "/xapi/activities/profile", {"activityId": ACTIVITY}),
    ("PUT", "/xapi/activities/profile", {"activityId": ACTIVITY, "profileId": "p"}),
    ("GET", "/xapi/agents/profile", {"agent": AGENT}),
    ("POST", "/xapi/agents/profile", {"agent": AGENT, "profileId": "p"}),
    ("GET", "/xapi/activities", {"activityId": ACTIVITY}),
    ("GET", "/xapi/agents", {"agent": AGENT}),
    ("GET", "/xapi/about", {}),
]


def _call(lrs, make_statement, method, path, params, extra=()):
    query = urlencode(list(params.items()) + list(extra))
    url = path + ("?" + query if query else "")
    body = make_statement() if path == "/xapi/statements" else {"k": "v"}
    if method in ("PUT", "POST"):
        return lrs.request(method, url, json_body=body, headers={"If-None-Match": "*"})
    return lrs.request(method, url)


@pytest.mark.parametrize("method, path, params", RESOURCES)
def test_the_valid_call_is_accepted(lrs, make_statement, method, path, params):
    response = _call(lrs, make_statement, method, path, params)
    assert response.status_code in (200, 204, 404), response.get_data(as_text=True)


@pytest.mark.parametrize("method, path, params", RESOURCES)
def test_unknown_and_wrongly_cased_parameters_are_400(lrs, make_statement, method, path, params):
    assert _call(lrs, make_statement, method, path, params, [("unknown", "1")]).status_code == 400
    for name in params:
        cased = {(name.upper() if k == name else k): v for k, v in params.items()}
        response = _call(lrs, make_statement, method, path, cased)
        assert response.status_code == 400, (name, response.get_data(as_text=True))


@pytest.mark.parametrize("method, path, params", [r for r in RESOURCES if r[2]])
def test_repeated_parameters_are_400(lrs, make_statement, method, path, params):
    name, value = next(iter(params.items()))
    response = _call(lrs, make_statement, method, path, params, [(name, value)])
    assert response.status_code == 400
    assert "more than once" in response.json["message"]


def test_repeated_filters_on_a_query_are_400(lrs):
    verbs = [("verb", "http://adlnet.gov/expapi/verbs/completed"), ("verb", "http://adlnet.gov/expapi/verbs/passed")]
    assert lrs.get("/xapi/statements?" + urlencode(verbs)).status_code == 400
    assert lrs.get("/xapi/statements?limit=1&limit=2").status_code == 400
    assert lrs.get("/xapi/statements?limit=1").status_code == 200


def test_repeated_parameters_in_the_alternate_syntax_are_400(lrs):
    form = [("Authorization", lrs.auth), ("X-Experience-API-Version", "1.0.3"),
            ("statementId", str(uuid.uuid4())), ("statementId", str(uuid.uuid4()))]
    response = lrs.client.post("/xapi/statements?method=GET", data=urlencode(form),
                               content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and "more than once" in response.json["message"]
