"""The Statements resource over HTTP: writes, conflicts, voiding, single and filtered reads, paging."""
import base64
import json
import uuid

ACTIVITY = "https://lms.example.gov.tw/xapi/activities/course/CEDAW-101"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def test_post_fills_id_stored_authority_and_version(lrs, make_statement):
    response = lrs.post("/xapi/statements", json_body=make_statement())
    assert response.status_code == 200, response.json
    [sid] = response.json
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    got = lrs.get(f"/xapi/statements?statementId={sid}")
    assert got.status_code == 200
    statement = got.json
    assert statement["id"] == sid and statement["version"] == "1.0.0"
    assert statement["stored"].endswith("Z") and statement["timestamp"] == statement["stored"]
    assert statement["authority"]["account"]["name"].startswith("xapi-client:")
    assert "X-Experience-API-Consistent-Through" in got.headers and "Last-Modified" in got.headers


def test_put_identical_is_204_and_conflicting_is_409(lrs, make_statement):
    sid = str(uuid.uuid4())
    assert lrs.put(f"/xapi/statements?statementId={sid}", json_body=make_statement()).status_code == 204
    assert lrs.put(f"/xapi/statements?statementId={sid}", json_body=make_statement()).status_code == 204
    other = make_statement(verb={"id": "http://adlnet.gov/expapi/verbs/attempted"})
    assert lrs.put(f"/xapi/statements?statementId={sid}", json_body=other).status_code == 409
    assert lrs.post("/xapi/statements", json_body=[{**other, "id": sid}]).status_code == 409
    assert lrs.put("/xapi/statements", json_body=make_statement()).status_code == 400
    mismatch = make_statement(id=str(uuid.uuid4()))
    assert lrs.put(f"/xapi/statements?statementId={sid}", json_body=mismatch).status_code == 400


def test_post_array_is_all_or_nothing(lrs, make_statement):
    good_id = str(uuid.uuid4())
    bad = make_statement(verb={"id": "not an iri"})
    response = lrs.post("/xapi/statements", json_body=[make_statement(id=good_id), bad])
    assert response.status_code == 400
    assert "statement[1].verb.id" in response.json["message"]
    assert lrs.get(f"/xapi/statements?statementId={good_id}").status_code == 404
    dup = str(uuid.uuid4())
    assert lrs.post("/xapi/statements",
                    json_body=[make_statement(id=dup), make_statement(id=dup)]).status_code == 400


def test_protocol_errors(lrs, client, make_statement):
    assert lrs.get("/xapi/statements", headers={"X-Experience-API-Version": None}).status_code == 400
    assert lrs.get("/xapi/statements", headers={"X-Experience-API-Version": "0.9"}).status_code == 400
    assert lrs.get("/xapi/statements", headers={"Authorization": None}).status_code == 401
    assert lrs.get("/xapi/statements", headers={"Authorization": "Basic Zm9vOmJhcg=="}).status_code == 401
    assert lrs.get("/xapi/statements?statementID=x").status_code == 400
    assert lrs.get("/xapi/statements?verb=bad").status_code == 400
    assert lrs.get("/xapi/statements?limit=-1").status_code == 400
    assert lrs.delete("/xapi/statements").status_code == 405
    assert lrs.get("/xapi/nowhere").status_code == 404
    no_slash = lrs.get("/xapi/statements/")
    assert no_slash.status_code == 200 and "statements" in no_slash.json
    head = lrs.request("HEAD", "/xapi/statements")
    assert head.status_code == 200 and head.data == b""
    assert "X-Experience-API-Consistent-Through" in head.headers
    assert lrs.post("/xapi/statements", data="{", content_type="application/json").status_code == 400
    assert lrs.post("/xapi/statements", data="x", content_type="text/plain").status_code == 400
    v2 = lrs.get("/xapi/statements", headers={"X-Experience-API-Version": "2.0.0"})
    assert v2.headers["X-Experience-API-Version"] == "2.0.0"


def test_read_only_and_revoked_clients(lrs, make_lrs_client, make_statement):
    from lms.extensions import db
    from xapi.store.services import revoke_client

    reader, secret = make_lrs_client("Reporting tool", can_write=False)
    auth = "Basic " + base64.b64encode(f"{reader.key}:{secret}".encode()).decode()
    assert lrs.post("/xapi/statements", json_body=make_statement(), headers={"Authorization": auth}).status_code == 403
    assert lrs.get("/xapi/statements", headers={"Authorization": auth}).status_code == 200
    revoke_client(reader)
    db.session.commit()
    assert lrs.get("/xapi/statements", headers={"Authorization": auth}).status_code == 401


def test_about_needs_no_version_or_credentials(client):
    response = client.get("/xapi/about")
    assert response.status_code == 200
    assert "1.0.3" in response.json["version"] and "2.0.0" in response.json["version"]
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    older = client.get("/xapi/about", headers={"X-Experience-API-Version": "1.0.3"}).json["version"]
    assert "1.0.3" in older and "2.0.0" not in older  # 1.0.x clients (tincan) reject unknown versions
    options = client.options("/xapi/statements")
    assert options.status_code == 200 and options.headers["Access-Control-Allow-Origin"] == "*"


def test_voiding(lrs, make_statement):
    [target] = lrs.post("/xapi/statements", json_body=make_statement()).json
    void = make_statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target})
    [voiding] = lrs.post("/xapi/statements", json_body=void).json
    assert lrs.get(f"/xapi/statements?statementId={target}").status_code == 404
    assert lrs.get(f"/xapi/statements?voidedStatementId={target}").json["id"] == target
    assert lrs.get(f"/xapi/statements?voidedStatementId={voiding}").status_code == 404
    ids = [s["id"] for s in lrs.get("/xapi/statements").json["statements"]]
    assert target not in ids and voiding in ids
    void_the_void = make_statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": voiding})
    assert lrs.post("/xapi/statements", json_body=void_the_void).status_code == 400
    assert lrs.get(f"/xapi/statements?statementId={voiding}&verb={VOIDED}").status_code == 400


def test_filters_and_statement_refs(lrs, make_statement):
    other_agent = {"mbox": "mailto:other@example.gov.tw"}
    registration = str(uuid.uuid4())
    [mine] = lrs.post("/xapi/statements", json_body=make_statement(context={
        "registration": registration, "instructor": other_agent,
        "contextActivities": {"parent": {"id": "https://lms.example.gov.tw/run/1"}}})).json
    [theirs] = lrs.post("/xapi/statements", json_body=make_statement(actor=other_agent)).json
    [ref] = lrs.post("/xapi/statements", json_body=make_statement(
        actor={"mbox": "mailto:third@example.gov.tw"}, verb={"id": "http://adlnet.gov/expapi/verbs/commented"},
        object={"objectType": "StatementRef", "id": mine})).json

    def ids(query):
        response = lrs.get("/xapi/statements?" + query)
        assert response.status_code == 200, response.json
        return {s["id"] for s in response.json["statements"]}

    agent = json.dumps({"mbox": "mailto:ming@example.gov.tw"})
    assert ids(f"agent={agent}") == {mine, ref}  # the StatementRef to a match is returned too
    other = json.dumps(other_agent)
    assert ids(f"agent={other}") == {theirs}
    assert ids(f"agent={other}&related_agents=true") == {mine, theirs, ref}
    assert ids(f"registration={registration}") == {mine, ref}
    assert ids("activity=https://lms.example.gov.tw/run/1") == set()
    assert ids("activity=https://lms.example.gov.tw/run/1&related_activities=true") == {mine, ref}
    assert ids("verb=http://adlnet.gov/expapi/verbs/commented") == {ref}
    assert ids("since=2000-01-01T00:00:00Z&until=2000-01-02T00:00:00Z") == set()


def test_paging_with_more_is_stable(lrs, make_statement):
    # Filtered on an agent of this test only: other suites may have committed statements of their own.
    actor = {"mbox": f"mailto:{uuid.uuid4().hex}@example.gov.tw"}
    posted = lrs.post("/xapi/statements", json_body=[make_statement(actor=actor) for _ in range(5)]).json
    page = lrs.get("/xapi/statements?limit=2&ascending=true&agent=" + json.dumps(actor)).json
    seen = [s["id"] for s in page["statements"]]
    late = []
    while page["more"]:
        if len(late) < 2:  # stored while paging: comes after, never shifts what was already seen
            late += lrs.post("/xapi/statements", json_body=make_statement(actor=actor)).json
        assert page["more"].startswith("/xapi/statements?more=")
        page = lrs.get(page["more"]).json
        seen += [s["id"] for s in page["statements"]]
    assert seen == posted + late
    assert lrs.get("/xapi/statements?more=garbage").status_code == 400


def test_formats(lrs, make_statement):
    [sid] = lrs.post("/xapi/statements", json_body=make_statement()).json
    ids_format = lrs.get(f"/xapi/statements?statementId={sid}&format=ids").json
    assert ids_format["verb"] == {"id": "http://adlnet.gov/expapi/verbs/completed"}
    assert "definition" not in ids_format["object"] and "name" not in ids_format["actor"]
    canonical = lrs.get(f"/xapi/statements?statementId={sid}&format=canonical",
                        headers={"Accept-Language": "zh-TW, en;q=0.5"}).json
    assert canonical["verb"]["display"] == {"zh-TW": "完成"}
    assert lrs.get(f"/xapi/statements?statementId={sid}&format=full").status_code == 400
    # canonical uses the LRS's canonical definition, which a later statement enriched
    later = make_statement(object={"id": ACTIVITY, "definition": {"description": {"en-US": "Gender equality"}}})
    lrs.post("/xapi/statements", json_body=later)
    canonical = lrs.get(f"/xapi/statements?statementId={sid}&format=canonical",
                        headers={"Accept-Language": "en-US"}).json
    assert canonical["object"]["definition"] == {"name": {"en-US": "CEDAW basics"},
                                                 "description": {"en-US": "Gender equality"}}
    exact = lrs.get(f"/xapi/statements?statementId={sid}").json
    assert "description" not in exact["object"]["definition"]


def test_alternate_request_syntax(lrs, make_statement):
    sid = str(uuid.uuid4())
    form = {"Authorization": lrs.auth, "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json",
            "content": json.dumps(make_statement()), "statementId": sid}
    response = lrs.client.post("/xapi/statements?method=PUT", data=form)
    assert response.status_code == 204
    got = lrs.client.post("/xapi/statements?method=GET", data={
        "Authorization": lrs.auth, "X-Experience-API-Version": "1.0.3", "statementId": sid})
    assert got.json["id"] == sid
    extra = lrs.client.post(f"/xapi/statements?method=GET&statementId={sid}", data={
        "Authorization": lrs.auth, "X-Experience-API-Version": "1.0.3"})
    assert extra.status_code == 400


def test_sub_statements_are_stored_and_found_as_related(lrs, make_statement):
    sub = {"objectType": "SubStatement", "actor": {"mbox": "mailto:sub@example.gov.tw"},
           "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
           "object": {"id": "https://lms.example.gov.tw/run/9"}}
    [sid] = lrs.post("/xapi/statements", json_body=make_statement(object=sub)).json
    agent = json.dumps({"mbox": "mailto:sub@example.gov.tw"})
    assert lrs.get(f"/xapi/statements?agent={agent}").json["statements"] == []
    related = lrs.get(f"/xapi/statements?agent={agent}&related_agents=true").json["statements"]
    assert [s["id"] for s in related] == [sid] and related[0]["object"] == sub


def test_voiding_statement_may_arrive_before_its_target(lrs, make_statement):
    target = str(uuid.uuid4())
    void = make_statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target})
    assert lrs.post("/xapi/statements", json_body=void).status_code == 200
    assert lrs.put(f"/xapi/statements?statementId={target}", json_body=make_statement()).status_code == 204
    assert lrs.get(f"/xapi/statements?statementId={target}").status_code == 404
    assert lrs.get(f"/xapi/statements?voidedStatementId={target}").status_code == 200


def test_too_large_request_is_413_in_xapi_form(app, lrs, make_statement, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 200)
    response = lrs.post("/xapi/statements", json_body=[make_statement() for _ in range(5)])
    assert response.status_code == 413 and response.is_json
    assert response.headers["X-Experience-API-Version"] == "1.0.3"


def test_a_batch_indexes_each_statement_under_its_own_agents_and_activities(lrs, make_statement):
    # One request of several statements: each is found by its own actor and activity only, all share
    # one `stored`, and an activity defined twice in the batch keeps both definitions merged.
    activity = f"https://lms.example.gov.tw/xapi/activities/run/{uuid.uuid4()}"
    actors = [{"mbox": f"mailto:{uuid.uuid4().hex}@example.gov.tw"} for _ in range(3)]
    batch = [make_statement(actor=actors[0], object={"id": activity, "definition": {"name": {"zh-TW": "研習班"}}}),
             make_statement(actor=actors[1], object={"id": activity, "definition": {"name": {"en-US": "Course"}}}),
             make_statement(actor=actors[2])]
    lrs.post("/xapi/statements", json_body=make_statement())  # an earlier batch: keys continue after it
    posted = lrs.post("/xapi/statements", json_body=batch).json
    stored = set()
    for actor, sid in zip(actors, posted):
        found = lrs.get("/xapi/statements?agent=" + json.dumps(actor)).json["statements"]
        assert [s["id"] for s in found] == [sid]
        stored.add(found[0]["stored"])
    assert len(stored) == 1
    by_activity = lrs.get("/xapi/statements?activity=" + activity).json["statements"]
    assert {s["id"] for s in by_activity} == set(posted[:2])
    # The same definition again changes nothing; a new language is merged in.
    lrs.post("/xapi/statements", json_body=batch[:1])
    lrs.post("/xapi/statements", json_body=make_statement(
        object={"id": activity, "definition": {"name": {"ja": "研修"}}}))
    definition = lrs.get("/xapi/activities?activityId=" + activity).json["definition"]
    assert definition["name"] == {"zh-TW": "研習班", "en-US": "Course", "ja": "研修"}
