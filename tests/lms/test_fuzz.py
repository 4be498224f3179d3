"""Hostile input, generated: every operation of the JSON API's OpenAPI description fuzzed with
schemathesis (as an administrator and as a learner), and the LRS's statement resource fed arbitrary
JSON and mutated statements. Whatever arrives, the answer is never a server error."""
from __future__ import annotations

import base64
import copy
import json
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.auth.models import Role

EXAMPLES_PER_OPERATION = 15
FUZZ = settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck))


def _send(client, case):
    kwargs = {"method": case.method, "query_string": case.query or None,
              "headers": {k: str(v) for k, v in (case.headers or {}).items()}}
    from schemathesis.core import NotSet

    if not isinstance(case.body, NotSet):
        if case.media_type and "json" in case.media_type:
            kwargs["data"] = json.dumps(case.body)
            kwargs["content_type"] = "application/json"
        elif isinstance(case.body, (str, bytes)):
            kwargs["data"] = case.body
            kwargs["content_type"] = case.media_type
    return client.open(case.formatted_path, **kwargs)


@pytest.mark.parametrize("role", [Role.TRAINING_ADMIN, None])
def test_the_json_api_answers_every_generated_request_without_a_server_error(app, db, client, make_user, login,
                                                                              city, role):
    import schemathesis

    login(make_user(*([role] if role else []), agency=city["root"] if role else city["lingya"]))
    spec = client.get("/api/v1/openapi.json").get_json()
    schema = schemathesis.openapi.from_dict(spec)
    statuses: Counter = Counter()
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30

    for operation in operations:
        @FUZZ
        @given(case=operation.as_strategy())
        def fuzz(case):
            response = _send(client, case)
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} {case.query} {str(case.body)[:200]} "
                                f"-> {response.status_code}")
        fuzz()
    print(f"\nfuzz ({role.value if role else 'learner'}): {len(operations)} operations, {sum(statuses.values())} requests, "
          f"statuses {dict(sorted(statuses.items()))}")
    assert failures == [], "\n".join(failures[:20])
    assert sum(statuses.values()) >= len(operations) * 5


VALID = {
    "actor": {"objectType": "Agent", "account": {"homePage": "https://lms.kcg.gov.tw", "name": "L0001"}},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"zh-TW": "完訓"}},
    "object": {"id": "https://lms.kcg.gov.tw/courses/PROC-101", "objectType": "Activity",
               "definition": {"name": {"zh-TW": "採購"}}},
    "result": {"completion": True, "duration": "PT6H", "score": {"scaled": 0.8}},
    "context": {"registration": "6b3a5f3e-1d2c-4b5a-9e8f-7a6b5c4d3e2f", "language": "zh-TW"},
}
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20)
PATHS = [("actor",), ("actor", "account"), ("actor", "account", "name"), ("verb",), ("verb", "id"),
         ("verb", "display"), ("object",), ("object", "id"), ("object", "definition"), ("result",),
         ("result", "duration"), ("result", "score"), ("result", "score", "scaled"), ("context",),
         ("context", "registration"), ("timestamp",), ("id",), ("attachments",), ("version",)]


@st.composite
def mutated_statements(draw):
    statement = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        target = statement
        for key in path[:-1]:
            if not isinstance(target.get(key), dict):
                target[key] = {}
            target = target[key]
        target[path[-1]] = draw(json_values)
    return statement


@pytest.fixture
def lrs_client(app, db, client):
    from xapi.store.services import create_client

    lrs, secret = create_client("fuzz", can_write=True)
    db.session.flush()
    token = base64.b64encode(f"{lrs.key}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}


def test_the_lrs_answers_arbitrary_and_mutated_statements_with_200_or_400(client, lrs_client):
    statuses: Counter = Counter()
    failures: list[str] = []

    @settings(max_examples=150, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(body=st.one_of(mutated_statements(), st.lists(mutated_statements(), max_size=3), json_values))
    def fuzz(body):
        response = client.post("/xapi/statements", data=json.dumps(body), content_type="application/json",
                               headers=lrs_client)
        statuses[response.status_code] += 1
        if response.status_code not in (200, 400):
            failures.append(f"{json.dumps(body, ensure_ascii=False)[:300]} -> {response.status_code}")
    fuzz()
    print(f"\nLRS fuzz: {sum(statuses.values())} statements, statuses {dict(statuses)}")
    assert failures == [], failures[:10]
    assert statuses[400] > 0 and statuses[200] > 0  # the generator reaches both sides of validation
