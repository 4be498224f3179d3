"""The cmi5 launch: registration per learner and course, the launch URL's parameters, LMS.LaunchData,
the "launched" statement, the one-time fetch of the auth token, and what the token may do in the LRS."""
from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa

from tests.courses.online.conftest import ADL, CMI5, MOVEON

SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"


def statements_of(registration: str, verb: str) -> list[dict]:
    from xapi.store.identity import verb_hash
    from xapi.store.models import Statement
    from lms.extensions import db

    rows = db.session.execute(sa.select(Statement.payload).where(
        Statement.registration == registration, Statement.verb_hash == verb_hash(verb)).order_by(Statement.seq)
    ).scalars()
    return [json.loads(p) for p in rows]


def test_launch_url_carries_the_cmi5_parameters(sample_course, make_employee, launch):
    learner = make_employee()
    launched = launch(learner, sample_course)
    assert set(launched.params) == {"endpoint", "fetch", "actor", "registration", "activityId"}
    assert launched.url.startswith("http://localhost/online/content/")
    assert launched.params["endpoint"] == "http://localhost/xapi/"
    assert launched.params["fetch"].startswith("http://localhost/online/fetch/")
    assert launched.actor["account"]["name"] == learner.staff_no
    assert launched.activity_id.endswith(f"/course/{sample_course.code}/au/1")
    again = launch(learner, sample_course)
    assert again.registration == launched.registration and again.fetch_code != launched.fetch_code
    assert launch(make_employee(), sample_course).registration != launched.registration


def test_launch_data_and_launched_statement(sample_course, make_employee, launch):
    from xapi.store import documents
    from xapi.store.identity import activity_hash, agent_hash

    launched = launch(make_employee(), sample_course)
    scope = documents.DocumentScope(documents.STATE, activity_hash(launched.activity_id), agent_hash(launched.actor),
                                    launched.registration)
    data = json.loads(documents.get_document(scope, "LMS.LaunchData").content)
    assert data["launchMode"] == "Normal" and data["returnURL"] == "http://localhost/back"
    assert data["moveOn"] == "CompletedAndPassed" and data["masteryScore"] == 0.6
    grouping = data["contextTemplate"]["contextActivities"]["grouping"]
    publisher_au = "https://lms.kcg.gov.tw/sample/cmi5/gender-mainstreaming/au/1"
    assert grouping == [{"objectType": "Activity", "id": publisher_au}]
    session = data["contextTemplate"]["extensions"]["https://w3id.org/xapi/cmi5/context/extensions/sessionid"]
    preferences = documents.get_document(documents.DocumentScope(documents.AGENT_PROFILE,
                                                                 agent_hash=agent_hash(launched.actor)),
                                         "cmi5LearnerPreferences")
    assert json.loads(preferences.content)["languagePreference"] == "zh-TW,en-US"
    [statement] = statements_of(launched.registration, ADL + "launched")
    assert statement["object"]["id"] == launched.activity_id
    assert statement["context"]["extensions"]["https://w3id.org/xapi/cmi5/context/extensions/sessionid"] == session
    assert {"id": CMI5, "objectType": "Activity"} in statement["context"]["contextActivities"]["category"]


def test_fetch_returns_the_token_once(client, sample_course, make_employee, launch):
    launched = launch(make_employee(), sample_course)
    first = client.post(f"/online/fetch/{launched.fetch_code}")
    assert first.status_code == 200 and set(first.get_json()) == {"auth-token"}
    assert first.headers["Access-Control-Allow-Origin"] == "*" and first.headers["Cache-Control"] == "no-store"
    second = client.post(f"/online/fetch/{launched.fetch_code}")
    assert second.status_code == 400
    assert second.get_json()["error-code"] == "1" and second.get_json()["error-text"]
    unknown = client.post("/online/fetch/not-a-code")
    assert unknown.status_code == 400 and unknown.get_json()["error-code"] == "3"
    assert client.get(f"/online/fetch/{launched.fetch_code}").status_code == 405


def test_expired_fetch_and_token(client, db, sample_course, make_employee, launch, au_session):
    from xapi.store.launch_tokens import LaunchCredential

    launched = launch(make_employee(), sample_course)
    credential = db.session.execute(sa.select(LaunchCredential).order_by(LaunchCredential.id.desc())).scalars().first()
    credential.expires_at -= timedelta(days=1)
    db.session.flush()
    refused = client.post(f"/online/fetch/{launched.fetch_code}")
    assert refused.status_code == 400 and refused.get_json()["error-code"] == "2"

    session = au_session(make_employee(), sample_course)
    assert session.send("initialized").status_code == 200
    credential = db.session.execute(sa.select(LaunchCredential).where(LaunchCredential.key == session.key)).scalar_one()
    credential.expires_at -= timedelta(days=1)
    db.session.flush()
    assert session.send("completed").status_code == 401


def test_token_writes_statements_for_its_learner_only(sample_course, make_employee, au_session):
    session = au_session(make_employee(), sample_course)
    assert session.send("initialized").status_code == 200
    other = {"objectType": "Agent", "account": {"homePage": "http://localhost", "name": "SOMEONE-ELSE"}}
    refused = session.send("completed", actor=other)
    assert refused.status_code == 403 and "actor" in refused.get_json()["message"]
    wrong_registration = session.send("completed", registration="6f1d2c0e-0000-4000-8000-000000000000")
    assert wrong_registration.status_code == 403
    assert session.send(SATISFIED, categories=(CMI5, MOVEON)).status_code == 403
    assert session.send(ADL + "launched").status_code == 403
    assert [s["verb"]["id"] for s in statements_of(session.registration, ADL + "initialized")] == [ADL + "initialized"]
    assert statements_of(session.registration, ADL + "completed") == []


def test_token_reaches_only_its_own_state(sample_course, make_employee, au_session):
    learner = make_employee()
    session = au_session(learner, sample_course)
    own = session.get("activities/state", stateId="LMS.LaunchData", activityId=session.activity_id,
                      agent=json.dumps(session.actor), registration=session.registration)
    assert own.status_code == 200 and own.get_json()["moveOn"] == "CompletedAndPassed"
    other_agent = {"objectType": "Agent", "account": {"homePage": "http://localhost", "name": "X"}}
    assert session.get("activities/state", stateId="LMS.LaunchData", activityId=session.activity_id,
                       agent=json.dumps(other_agent), registration=session.registration).status_code == 403
    assert session.get("activities/state", stateId="LMS.LaunchData", activityId=session.activity_id,
                       agent=json.dumps(session.actor)).status_code == 403
    assert session.get("statements", agent=json.dumps(session.actor)).status_code == 200
    assert session.get("statements").status_code == 403


def test_bookmark_in_state_resumes(client, sample_course, make_employee, au_session):
    session = au_session(make_employee(), sample_course)
    query = {"stateId": "bookmark", "activityId": session.activity_id, "agent": json.dumps(session.actor),
             "registration": session.registration}
    saved = client.put("/xapi/activities/state", query_string=query, json={"page": 3}, headers={
        "Authorization": "Basic " + session.token, "X-Experience-API-Version": "1.0.3"})
    assert saved.status_code == 204
    assert session.get("activities/state", **query).get_json() == {"page": 3}


def test_no_statement_after_terminated(sample_course, make_employee, au_session):
    session = au_session(make_employee(), sample_course)
    assert session.send("initialized").status_code == 200
    assert session.send("terminated").status_code == 200
    assert session.send("completed").status_code == 403


def test_lrs_clients_are_unaffected(client, db):
    import base64

    from xapi.store.services import create_client

    lrs_client, secret = create_client("outside")
    db.session.flush()
    token = base64.b64encode(f"{lrs_client.key}:{secret}".encode()).decode()
    response = client.get("/xapi/statements", headers={"Authorization": "Basic " + token,
                                                        "X-Experience-API-Version": "1.0.3"})
    assert response.status_code == 200
    bad = base64.b64encode(b"cmi5-nothing:wrong").decode()
    assert client.get("/xapi/statements", headers={"Authorization": "Basic " + bad,
                                                    "X-Experience-API-Version": "1.0.3"}).status_code == 401


def test_tin_can_launch_carries_the_token_and_completion_counts(client, online_course, upload, make_employee,
                                                                launch):
    from courses.online import queries
    from tests.courses.online.conftest import zip_of

    xml = (b'<tincan xmlns="http://projecttincan.com/tincan.xsd"><activities>'
           b'<activity id="https://example.org/tc/1"><name>TC</name><launch>start.html</launch></activity>'
           b'</activities></tincan>')
    upload(online_course, zip_of({"tincan.xml": xml, "start.html": b"<p>tc</p>"}))
    learner = make_employee()
    launched = launch(learner, online_course)
    assert set(launched.params) == {"endpoint", "auth", "actor", "registration", "activity_id"}
    statement = {"actor": launched.actor, "verb": {"id": ADL + "completed"},
                 "object": {"id": launched.params["activity_id"]},
                 "context": {"registration": launched.registration}}
    response = client.post("/xapi/statements", json=statement, headers={
        "Authorization": launched.params["auth"], "X-Experience-API-Version": "1.0.3"})
    assert response.status_code == 200
    assert queries.registration_of(learner.id, online_course.id).satisfied_at is not None


def test_a_new_launch_abandons_the_unterminated_session(sample_course, make_employee, au_session):
    learner = make_employee()
    first = au_session(learner, sample_course)
    assert first.send("initialized").status_code == 200
    second = au_session(learner, sample_course)
    [abandoned] = statements_of(first.registration, "https://w3id.org/xapi/adl/verbs/abandoned")
    assert abandoned["result"]["duration"].startswith("PT")
    sessions = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
    [launched_first, _] = statements_of(first.registration, ADL + "launched")
    assert abandoned["context"]["extensions"][sessions] == launched_first["context"]["extensions"][sessions]
    assert first.send("completed").status_code == 403          # the old token stopped working
    assert second.send("initialized").status_code == 200
    assert second.send("terminated").status_code == 200
    au_session(learner, sample_course)                          # terminated properly: nothing abandoned
    assert len(statements_of(first.registration, "https://w3id.org/xapi/adl/verbs/abandoned")) == 1


def test_launched_statement_does_not_reveal_the_fetch_code(sample_course, make_employee, launch):
    launched = launch(make_employee(), sample_course)
    [statement] = statements_of(launched.registration, ADL + "launched")
    launch_url = statement["context"]["extensions"]["https://w3id.org/xapi/cmi5/context/extensions/launchurl"]
    assert launch_url == launched.url.split("?")[0] and launched.fetch_code not in json.dumps(statement)
