"""LRS credentials: the CLI that issues them and a signed-in person reading only their own statements."""
import base64
import json

from flask.testing import FlaskCliRunner


def test_create_client_command_prints_key_and_secret_last(app, db, client):
    result = FlaskCliRunner(app).invoke(args=["xapi", "create-client", "Moodle bridge", "--read-only"])
    assert result.exit_code == 0, result.output
    key, secret = result.output.strip().splitlines()[-1].split()
    auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
    headers = {"Authorization": auth, "X-Experience-API-Version": "1.0.3"}
    assert client.get("/xapi/statements", headers=headers).status_code == 200
    assert client.post("/xapi/statements", headers=headers, json={}).status_code == 403
    revoke = FlaskCliRunner(app).invoke(args=["xapi", "revoke-client", key])
    assert revoke.exit_code == 0
    assert client.get("/xapi/statements", headers=headers).status_code == 401


def test_signed_in_user_reads_only_own_statements(app, db, lrs, make_user, login, make_statement):
    user = make_user()
    db.session.commit()
    own_agent = {"objectType": "Agent", "account": {"homePage": app.config["BASE_URL"],
                                                    "name": user.employee.staff_no}}
    [mine] = lrs.post("/xapi/statements", json_body=make_statement(actor=own_agent)).json
    [other] = lrs.post("/xapi/statements", json_body=make_statement()).json
    browser = login(user)
    headers = {"X-Experience-API-Version": "1.0.3"}
    listed = browser.get("/xapi/statements", headers=headers)
    assert listed.status_code == 200
    assert [s["id"] for s in listed.json["statements"]] == [mine]
    assert browser.get(f"/xapi/statements?statementId={other}", headers=headers).status_code == 403
    someone = json.dumps({"mbox": "mailto:ming@example.gov.tw"})
    assert browser.get(f"/xapi/statements?agent={someone}", headers=headers).status_code == 403
    assert browser.post("/xapi/statements", headers=headers, json=make_statement()).status_code == 403
