"""Case and equivalence rules: IRIs (verbs, activity ids) are case-sensitive in filters and
comparisons, an e-mail's domain is not but its local part is, UUIDs and SHA-1 digests are
case-insensitive; the same statement sent again (204) versus a different one (409); context
activities are returned as arrays."""
import hashlib
import json
import uuid
from urllib.parse import urlencode

from xapi.store.comparison import normalize_mbox, statements_equivalent

VERB = "http://adlnet.gov/expapi/verbs/completed"
ACTIVITY = "https://lms.example.gov.tw/xapi/activities/course/CEDAW-101"


def _ids(lrs, **query):
    response = lrs.get("/xapi/statements?" + urlencode(query))
    assert response.status_code == 200, response.json
    return {s["id"] for s in response.json["statements"]}


def test_verb_and_activity_filters_are_case_sensitive(lrs, make_statement):
    actor = {"mbox": f"mailto:{uuid.uuid4().hex}@example.gov.tw"}
    [lower] = lrs.post("/xapi/statements", json_body=make_statement(actor=actor)).json
    [upper] = lrs.post("/xapi/statements", json_body=make_statement(
        actor=actor, verb={"id": VERB.replace("completed", "Completed")},
        object={"id": ACTIVITY.upper().replace("HTTPS://", "https://")})).json
    agent = json.dumps(actor)
    assert _ids(lrs, agent=agent, verb=VERB) == {lower}
    assert _ids(lrs, agent=agent, verb=VERB.replace("completed", "Completed")) == {upper}
    assert _ids(lrs, agent=agent, activity=ACTIVITY) == {lower}
    assert _ids(lrs, agent=agent, activity=ACTIVITY.upper().replace("HTTPS://", "https://")) == {upper}


def test_mbox_domain_is_case_insensitive_but_not_the_local_part(lrs, make_statement):
    local = uuid.uuid4().hex
    [sid] = lrs.post("/xapi/statements", json_body=make_statement(
        actor={"mbox": f"mailto:Ming.{local}@Example.GOV.tw"})).json
    assert _ids(lrs, agent=json.dumps({"mbox": f"mailto:Ming.{local}@example.gov.tw"})) == {sid}
    assert _ids(lrs, agent=json.dumps({"mbox": f"mailto:ming.{local}@example.gov.tw"})) == set()
    sha1 = hashlib.sha1(f"mailto:{local}@example.gov.tw".encode()).hexdigest()
    [hashed] = lrs.post("/xapi/statements", json_body=make_statement(actor={"mbox_sha1sum": sha1.upper()})).json
    assert _ids(lrs, agent=json.dumps({"mbox_sha1sum": sha1})) == {hashed}


def test_account_names_and_homepages_are_case_sensitive(lrs, make_statement):
    name = "E" + uuid.uuid4().hex[:8]
    account = {"homePage": "https://lms.example.gov.tw", "name": name}
    [sid] = lrs.post("/xapi/statements", json_body=make_statement(actor={"account": account})).json
    assert _ids(lrs, agent=json.dumps({"account": account})) == {sid}
    assert _ids(lrs, agent=json.dumps({"account": {**account, "name": name.lower()}})) == set()
    assert _ids(lrs, agent=json.dumps({"account": {**account, "homePage": "https://LMS.example.gov.tw"}})) == set()


def test_resending_the_same_statement_differently_serialised_is_204(lrs, make_statement):
    sid = str(uuid.uuid4())
    registration = str(uuid.uuid4())
    first = make_statement(timestamp="2024-03-01T09:00:00+08:00",
                           actor={"mbox": "mailto:ming@example.gov.tw"},
                           context={"registration": registration,
                                    "contextActivities": {"parent": {"id": "https://lms.example.gov.tw/run/1"}}})
    assert lrs.put(f"/xapi/statements?statementId={sid}", json_body=first).status_code == 204
    again = dict(first, timestamp="2024-03-01T01:00:00.000Z", actor={"mbox": "mailto:ming@EXAMPLE.gov.tw"},
                 context={"registration": registration.upper(),
                          "contextActivities": {"parent": [{"id": "https://lms.example.gov.tw/run/1"}]}})
    assert lrs.put(f"/xapi/statements?statementId={sid.upper()}", json_body=again).status_code == 204


def test_a_change_of_case_in_an_iri_or_a_name_is_a_conflict(lrs, make_statement):
    sid = str(uuid.uuid4())
    assert lrs.put(f"/xapi/statements?statementId={sid}", json_body=make_statement()).status_code == 204
    for changed in (make_statement(verb={"id": VERB.upper().replace("HTTP://", "http://")}),
                    make_statement(object={"id": ACTIVITY.replace("course", "Course")}),
                    make_statement(actor={"objectType": "Agent", "name": "林小明", "mbox": "mailto:Ming@example.gov.tw"}),
                    make_statement(result={"duration": "PT1H"})):
        assert lrs.put(f"/xapi/statements?statementId={sid}", json_body=changed).status_code == 409


def test_context_activities_are_returned_as_arrays(lrs, make_statement):
    sub = {"objectType": "SubStatement", "actor": {"mbox": "mailto:sub@example.gov.tw"},
           "verb": {"id": VERB}, "object": {"id": ACTIVITY},
           "context": {"contextActivities": {"grouping": {"id": "https://lms.example.gov.tw/track/1"}}}}
    statement = make_statement(object=sub, context={"contextActivities": {
        "parent": {"id": "https://lms.example.gov.tw/run/1"}, "other": [{"id": "https://lms.example.gov.tw/x"}]}})
    [sid] = lrs.post("/xapi/statements", json_body=statement).json
    stored = lrs.get(f"/xapi/statements?statementId={sid}").json
    assert stored["context"]["contextActivities"] == {"parent": [{"id": "https://lms.example.gov.tw/run/1"}],
                                                      "other": [{"id": "https://lms.example.gov.tw/x"}]}
    assert stored["object"]["context"]["contextActivities"] == {
        "grouping": [{"id": "https://lms.example.gov.tw/track/1"}]}
    # The related-activity filter still finds it through the single context activity.
    assert sid in _ids(lrs, activity="https://lms.example.gov.tw/run/1", related_activities="true")


def test_equivalence_rules():
    base = {"actor": {"mbox": "mailto:a@example.org"}, "verb": {"id": VERB}, "object": {"id": ACTIVITY}}
    assert statements_equivalent(base, {**base, "id": str(uuid.uuid4()), "stored": "2024-01-01T00:00:00Z",
                                        "authority": {"mbox": "mailto:lrs@example.org"}, "version": "1.0.0"})
    assert not statements_equivalent({**base, "id": str(uuid.uuid4())}, {**base, "id": str(uuid.uuid4())})
    sid = str(uuid.uuid4())
    assert statements_equivalent({**base, "id": sid}, {**base, "id": sid.upper()})
    assert statements_equivalent({**base, "timestamp": "2024-01-01T08:00:00+08:00"},
                                 {**base, "timestamp": "2024-01-01T00:00:00.000Z"})
    assert not statements_equivalent({**base, "timestamp": "2024-01-01T08:00:00+08:00"},
                                     {**base, "timestamp": "2024-01-01T08:00:00Z"})
    group = {"objectType": "Group", "member": [{"mbox": "mailto:a@example.org"}, {"mbox": "mailto:b@example.org"}]}
    assert statements_equivalent({**base, "actor": group}, {**base, "actor": {**group, "member": group["member"][::-1]}})
    extension = {"https://lms.example.gov.tw/xapi/ext/x": {"mbox": "mailto:A@Example.org"}}
    assert not statements_equivalent({**base, "result": {"extensions": extension}},
                                     {**base, "result": {"extensions": {
                                         "https://lms.example.gov.tw/xapi/ext/x": {"mbox": "mailto:A@example.org"}}}})
    assert normalize_mbox("MAILTO:Ming.Lin@Example.GOV.TW") == "mailto:Ming.Lin@example.gov.tw"
