"""Checks real API answers against the served OpenAPI document: `Contract.call` sends a request through a
test client, then fails unless the answer's status is documented for that operation and its JSON body
matches the documented schema (and, for requests meant to be valid, the JSON body sent matches the
documented request body). `Contract.scenario_keys` lists every documented (operationId, status) so a test
module can prove it produced each one."""
from __future__ import annotations

import re
from urllib.parse import quote

from openapi_schema_validator import OAS31Validator

METHODS = ("get", "put", "post", "patch", "delete")


def _pointer(*parts: str) -> str:
    return "#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


class Contract:
    def __init__(self, document: dict):
        self.document = document
        self.operations: dict[str, tuple[str, str, dict]] = {}
        for template, item in document["paths"].items():
            for method in METHODS:
                if method in item:
                    self.operations[item[method]["operationId"]] = (method, template, item[method])

    def _validate(self, instance, pointer: str, what: str) -> None:
        # The whole document is the root, so "#/components/..." references resolve as they do for clients.
        schema = {**self.document, "$ref": pointer}
        errors = sorted(OAS31Validator(schema, format_checker=OAS31Validator.FORMAT_CHECKER).iter_errors(instance),
                        key=lambda e: list(e.absolute_path))
        assert not errors, f"{what} does not match {pointer}:\n" + "\n".join(
            f"  at {list(e.absolute_path)}: {e.message}" for e in errors[:10])

    def _response(self, operation_id: str, status: int) -> tuple[dict, list[str]]:
        method, template, operation = self.operations[operation_id]
        responses = operation["responses"]
        assert str(status) in responses, (
            f"{operation_id} answered {status}, which the document does not list ({sorted(responses)})")
        parts = ["paths", template, method, "responses", str(status)]
        response = responses[str(status)]
        while "$ref" in response:
            parts = response["$ref"].lstrip("#/").split("/")
            response = self.document
            for part in parts:
                response = response[part]
        return response, parts

    def scenario_keys(self, *tags: str) -> set[tuple[str, int]]:
        """Every (operationId, status) documented for the operations carrying one of `tags`."""
        return {(op_id, int(status)) for op_id, (_m, _t, op) in self.operations.items()
                if set(op.get("tags", [])) & set(tags) for status in op["responses"]}

    def unauthorized_calls(self, *tags: str) -> dict[tuple[str, int], dict]:
        """(operationId, 401) -> path values for an anonymous call to each secured operation of `tags`
        (any value fills the path: sign-in is checked before the record is looked up)."""
        return {(op_id, status): {name: 1 for name in re.findall(r"{(\w+)}", self.operations[op_id][1])}
                for op_id, status in self.scenario_keys(*tags) if status == 401}

    def url(self, operation_id: str, path: dict | None = None) -> str:
        _method, template, _op = self.operations[operation_id]
        for name, value in (path or {}).items():
            template = template.replace("{" + name + "}", quote(str(value), safe=""))
        assert "{" not in template, f"path parameters missing for {template}"
        return template

    def call(self, client, operation_id: str, path: dict | None = None, query: dict | None = None,
             json=None, expect: int | None = None, **kwargs):
        """Send the request; check the status is `expect` (when given) and documented, and the body."""
        method, template, operation = self.operations[operation_id]
        if json is not None and (expect is None or expect != 400):
            body = operation.get("requestBody")
            assert body, f"{operation_id} documents no request body"
            self._validate(json, _pointer("paths", template, method, "requestBody", "content",
                                          "application/json", "schema"), f"request body of {operation_id}")
        response = client.open(self.url(operation_id, path), method=method.upper(), query_string=query,
                               json=json, **kwargs)
        if expect is not None:
            assert response.status_code == expect, (
                f"{operation_id}: expected {expect}, got {response.status_code}: {response.get_data(as_text=True)[:400]}")
        documented, parts = self._response(operation_id, response.status_code)
        content = documented.get("content", {})
        if "application/json" in content:
            assert response.mimetype == "application/json", f"{operation_id}: answered {response.mimetype}"
            self._validate(response.get_json(), _pointer(*parts, "content", "application/json", "schema"),
                           f"{operation_id} {response.status_code} body")
        return response


def contract_suite(scenarios: dict, tags: tuple[str, ...], unauthorized: int | None = None):
    """The three tests every documented API package runs, for its module to bind by name:

        (test_scenarios_cover_every_documented_answer, test_answer_matches_the_document,
         test_unauthorized_answers_match_the_document) = contract_suite(SCENARIOS, TAGS, 10)

    `scenarios` maps (operationId, status) to a function of the module's `world` fixture giving
    (client, request keywords); `unauthorized` is how many 401 answers the document lists, when fixed."""
    import pytest

    def covers(contract):
        assert set(scenarios) | set(contract.unauthorized_calls(*tags)) == contract.scenario_keys(*tags)

    @pytest.mark.parametrize("key", sorted(scenarios), ids=lambda k: f"{k[0]}-{k[1]}")
    def matches(contract, world, key):
        client, request = scenarios[key](world)
        contract.call(client, key[0], expect=key[1], **request)

    def unauthorized_match(app, contract):
        calls = contract.unauthorized_calls(*tags)
        if unauthorized is not None:
            assert len(calls) == unauthorized
        for (operation_id, status), path in calls.items():
            contract.call(app.test_client(), operation_id, path=path, expect=status)

    return covers, matches, unauthorized_match
