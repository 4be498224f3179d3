"""State, Activity Profile and Agent Profile documents; the Activities and Agents resources."""
import json
from urllib.parse import urlencode

ACTIVITY = "https://lms.example.gov.tw/xapi/activities/course/FIRE-60"
AGENT = json.dumps({"objectType": "Agent", "account": {"homePage": "https://lms.example.gov.tw", "name": "E000001"}})


def state_url(**extra):
    return "/xapi/activities/state?" + urlencode({"activityId": ACTIVITY, "agent": AGENT, **extra})


def profile_url(**extra):
    return "/xapi/activities/profile?" + urlencode({"activityId": ACTIVITY, **extra})


def test_state_put_get_merge_list_delete(lrs):
    url = state_url(stateId="bookmark")
    assert lrs.put(url, json_body={"page": 3, "mode": "read"}).status_code == 204
    got = lrs.get(url)
    assert got.status_code == 200 and got.json == {"page": 3, "mode": "read"}
    assert got.headers["Content-Type"].startswith("application/json")
    etag = got.headers["ETag"]
    assert etag.startswith('"') and len(etag) == 42  # a quoted SHA-1
    assert lrs.post(url, json_body={"page": 4}).status_code == 204
    assert lrs.get(url).json == {"page": 4, "mode": "read"}
    assert lrs.put(url, json_body={"page": 1}).status_code == 204  # 1.0.3: State needs no precondition
    lrs.put(state_url(stateId="other"), data=b"raw", headers={"Content-Type": "text/plain"})
    assert lrs.get(state_url()).json == ["bookmark", "other"]
    assert lrs.get(state_url(since="2999-01-01T00:00:00Z")).json == []
    assert lrs.delete(url).status_code == 204
    assert lrs.get(url).status_code == 404
    assert lrs.delete(state_url()).status_code == 204
    assert lrs.get(state_url()).json == []


def test_state_is_keyed_by_registration(lrs):
    registration = "5f8e7a52-7c3b-4f0e-9a55-3f4c2b1d0e9f"
    lrs.put(state_url(stateId="s", registration=registration), json_body={"r": 1})
    assert lrs.get(state_url(stateId="s")).status_code == 404
    assert lrs.get(state_url(stateId="s", registration=registration)).json == {"r": 1}


def test_merge_needs_json_objects(lrs):
    url = state_url(stateId="notes")
    lrs.put(url, data=b"plain text", headers={"Content-Type": "text/plain"})
    assert lrs.post(url, json_body={"a": 1}).status_code == 400
    assert lrs.get(url).data == b"plain text"  # the refused request changed nothing
    json_url = state_url(stateId="j")
    lrs.put(json_url, json_body={"a": 1})
    assert lrs.post(json_url, data="[1]", headers={"Content-Type": "application/json"}).status_code == 400


def test_profile_concurrency(lrs):
    url = profile_url(profileId="settings")
    assert lrs.put(url, json_body={"v": 1}).status_code == 204
    assert lrs.put(url, json_body={"v": 2}).status_code == 409
    etag = lrs.get(url).headers["ETag"]
    assert lrs.put(url, json_body={"v": 2}, headers={"If-Match": '"' + "0" * 40 + '"'}).status_code == 412
    assert lrs.put(url, json_body={"v": 2}, headers={"If-None-Match": "*"}).status_code == 412
    assert lrs.get(url).json == {"v": 1}
    assert lrs.put(url, json_body={"v": 2}, headers={"If-Match": etag}).status_code == 204
    assert lrs.get(url).json == {"v": 2}
    new_url = profile_url(profileId="fresh")
    assert lrs.put(new_url, json_body={}, headers={"If-Match": etag}).status_code == 412
    assert lrs.put(new_url, json_body={}, headers={"If-None-Match": "*"}).status_code == 204
    assert lrs.delete(url, headers={"If-Match": etag}).status_code == 412
    assert lrs.delete(url).status_code == 204


def test_state_concurrency_follows_version_2(lrs):
    lrs.version = "2.0.0"
    url = state_url(stateId="v2")
    assert lrs.put(url, json_body={"v": 1}).status_code == 204
    assert lrs.put(url, json_body={"v": 2}).status_code == 409


def test_agent_profile_and_since(lrs):
    url = "/xapi/agents/profile?" + urlencode({"agent": AGENT, "profileId": "prefs"})
    assert lrs.put(url, json_body={"lang": "zh-TW"}).status_code == 204
    listed = lrs.get("/xapi/agents/profile?" + urlencode({"agent": AGENT, "since": "2000-01-01T00:00:00Z"}))
    assert listed.json == ["prefs"]
    later = lrs.get("/xapi/agents/profile?" + urlencode({"agent": AGENT, "since": "2999-01-01T00:00:00Z"}))
    assert later.json == []


def test_bad_document_parameters(lrs):
    assert lrs.get("/xapi/activities/state?" + urlencode({"activityId": ACTIVITY})).status_code == 400
    assert lrs.get(state_url(registration="nope")).status_code == 400
    assert lrs.get("/xapi/activities/state?" + urlencode({"activityId": "no iri", "agent": AGENT})).status_code == 400
    assert lrs.get("/xapi/activities/state?" + urlencode({"activityId": ACTIVITY, "agent": "{}"})).status_code == 400
    assert lrs.get(state_url(StateId="x")).status_code == 400
    assert lrs.put(state_url(), json_body={}).status_code == 400  # stateId is required to write
    assert lrs.delete(profile_url()).status_code == 400  # a profile is deleted one at a time


def test_activities_and_agents_resources(lrs, make_statement):
    definition = {"name": {"zh-TW": "消防安全檢查實務認證班"}, "type": "http://adlnet.gov/expapi/activities/course"}
    lrs.post("/xapi/statements", json_body=make_statement(object={"id": ACTIVITY, "definition": definition}))
    lrs.post("/xapi/statements", json_body=make_statement(object={"id": ACTIVITY, "definition": {
        "name": {"en-US": "Fire-safety inspection"}}}))
    activity = lrs.get("/xapi/activities?" + urlencode({"activityId": ACTIVITY})).json
    assert activity["definition"]["name"] == {"zh-TW": "消防安全檢查實務認證班", "en-US": "Fire-safety inspection"}
    assert activity["definition"]["type"] == "http://adlnet.gov/expapi/activities/course"
    person = lrs.get("/xapi/agents?" + urlencode({"agent": AGENT})).json
    assert person["objectType"] == "Person" and person["account"][0]["name"] == "E000001"
    assert lrs.get("/xapi/agents").status_code == 400
