"""The Agents resource (GET /xapi/agents): a Person object merging what the LRS knows of the agent --
its names in stored statements and the other identifiers of the same employee that statements use."""
import hashlib
import json
import uuid
from urllib.parse import urlencode


def _person(lrs, agent: dict):
    response = lrs.get("/xapi/agents?" + urlencode({"agent": json.dumps(agent)}))
    assert response.status_code == 200, response.json
    return response.json


def test_unknown_agent_is_a_person_of_itself(lrs):
    agent = {"objectType": "Agent", "name": "Visitor", "openid": f"https://id.example.org/{uuid.uuid4().hex}"}
    assert _person(lrs, agent) == {"objectType": "Person", "name": ["Visitor"], "openid": [agent["openid"]]}


def test_names_used_in_statements_are_merged(lrs, make_statement):
    mbox = f"mailto:{uuid.uuid4().hex}@example.gov.tw"
    lrs.post("/xapi/statements", json_body=[
        make_statement(actor={"name": "林小明", "mbox": mbox}),
        make_statement(actor={"mbox": "mailto:other@example.gov.tw"}, context={"instructor": {"name": "Lin", "mbox": mbox}}),
        make_statement(actor={"name": "Someone else", "mbox": "mailto:else@example.gov.tw"}),
    ])
    person = _person(lrs, {"mbox": mbox})
    assert person["objectType"] == "Person" and person["mbox"] == [mbox]
    assert sorted(person["name"]) == ["Lin", "林小明"]
    assert "account" not in person


def test_an_employee_account_brings_the_identifiers_statements_use(app, lrs, make_statement, make_employee):
    employee = make_employee(email=f"{uuid.uuid4().hex}@Example.gov.tw")
    account = {"homePage": app.config["BASE_URL"], "name": employee.staff_no}
    mbox = f"mailto:{employee.email.lower()}"
    lrs.post("/xapi/statements", json_body=[make_statement(actor={"account": account}),
                                            make_statement(actor={"name": "王大明", "mbox": mbox})])
    person = _person(lrs, {"objectType": "Agent", "account": account})
    assert person["account"] == [account] and person["mbox"] == [mbox]
    assert person["name"] == ["王大明"]
    # The e-mail digest is known to the directory but no statement uses it: it is not revealed.
    assert "mbox_sha1sum" not in person
    sha1 = hashlib.sha1(mbox.encode()).hexdigest()
    lrs.post("/xapi/statements", json_body=make_statement(actor={"mbox_sha1sum": sha1}))
    assert _person(lrs, {"account": account})["mbox_sha1sum"] == [sha1]


def test_an_account_on_another_home_page_is_not_the_employee(lrs, make_statement, make_employee):
    employee = make_employee()
    mbox = f"mailto:{employee.email.lower()}"
    lrs.post("/xapi/statements", json_body=make_statement(actor={"mbox": mbox}))
    account = {"homePage": "https://elsewhere.example.org", "name": employee.staff_no}
    assert _person(lrs, {"account": account}) == {"objectType": "Person", "account": [account]}


def test_agents_parameter_rules(lrs, client, make_user, make_agency, login):
    from lms.auth.models import Role

    assert lrs.get("/xapi/agents").status_code == 400
    group = {"objectType": "Group", "mbox": "mailto:team@example.gov.tw"}
    assert lrs.get("/xapi/agents?" + urlencode({"agent": json.dumps(group)})).status_code == 400
    assert lrs.get("/xapi/agents?" + urlencode({"agent": '{"name": "no identifier"}'})).status_code == 400
    # Only LRS clients may ask: signed-in people, a learner or another agency's training officer,
    # may read only their own statements.
    agent = urlencode({"agent": json.dumps({"mbox": "mailto:a@example.gov.tw"})})
    for user in (make_user(Role.LEARNER), make_user(Role.AGENCY_OFFICER, agency=make_agency())):
        login(user)
        response = client.get("/xapi/agents?" + agent, headers={"X-Experience-API-Version": "1.0.3"})
        assert response.status_code == 403
