"""Signing in and out, throttling, password change, CSRF."""
from lms.auth.models import LoginAttempt, User
from tests.conftest import TEST_PASSWORD, RequestIsolatingClient, make_settings


def test_login_page_is_shown_to_visitors(client):
    response = client.get("/", follow_redirects=True)
    assert response.status_code == 200
    assert 'name="identifier"' in response.get_data(as_text=True)


def test_login_by_staff_number_and_by_email(client, make_user):
    user = make_user()
    for identifier in (user.employee.staff_no, user.employee.email.upper()):
        response = client.post("/login", data={"identifier": identifier, "password": TEST_PASSWORD})
        assert response.status_code == 302 and response.headers["Location"] == "/"
        assert client.get("/api/v1/me").get_json()["employee"]["staff_no"] == user.employee.staff_no
        client.post("/logout")
        assert client.get("/api/v1/me").status_code == 401


def test_wrong_password_is_refused_and_recorded(client, make_user, db):
    user = make_user()
    response = client.post("/login", data={"identifier": user.login_name, "password": "nope-nope-nope"})
    assert response.status_code == 401
    assert db.session.execute(db.select(db.func.count(LoginAttempt.id))
                              .filter_by(succeeded=False)).scalar_one() == 1


def test_inactive_employee_cannot_sign_in(client, make_user):
    user = make_user()
    user.employee.is_active = False
    response = client.post("/login", data={"identifier": user.login_name, "password": TEST_PASSWORD})
    assert response.status_code == 401


def test_repeated_failures_are_throttled_even_with_the_right_password(client, make_user, app):
    user = make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"identifier": user.login_name, "password": "wrong-wrong-wrong"})
    response = client.post("/login", data={"identifier": user.login_name, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert client.get("/api/v1/me").status_code == 401


def test_next_parameter_cannot_redirect_off_site(client, make_user):
    user = make_user()
    response = client.post("/login?next=//evil.example/x",
                           data={"identifier": user.login_name, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/"


def test_password_change_rotates_other_sessions(app, db, make_user, login):
    user = make_user()
    first = login(user)
    other = app.test_client()
    other.post("/login", data={"identifier": user.login_name, "password": TEST_PASSWORD})
    response = first.post("/account/password", data={
        "current_password": TEST_PASSWORD, "new_password": "a-much-better-secret", "confirm": "a-much-better-secret"})
    assert response.status_code == 302
    assert first.get("/api/v1/me").status_code == 200      # this browser stays signed in
    assert other.get("/api/v1/me").status_code == 401      # the other one is signed out
    assert db.session.get(User, user.id).password_hash.startswith("$argon2")


def test_password_change_reports_every_problem(make_user, login):
    client = login(make_user())
    response = client.post("/account/password", data={
        "current_password": "not-my-password", "new_password": "short", "confirm": "different"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "current password is wrong" in body or "目前的密碼錯誤" in body
    assert "10" in body


def test_forms_require_a_csrf_token(database_url, tmp_path, db, make_user):
    from lms import create_app

    user = make_user()
    app = create_app(make_settings(database_url, tmp_path, WTF_CSRF_ENABLED=True))
    app.test_client_class = RequestIsolatingClient
    client = app.test_client()
    response = client.post("/login", data={"identifier": user.login_name, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert client.post("/logout").status_code == 400


def test_signing_in_starts_a_new_session_no_fixation(client, make_user):
    user = make_user()
    with client.session_transaction() as planted:
        planted["csrf_token"] = "token-an-attacker-knows"
        planted["planted"] = "by someone else"
        planted["locale"] = "en"
    response = client.post("/login", data={"identifier": user.employee.staff_no, "password": TEST_PASSWORD})
    assert response.status_code == 302
    with client.session_transaction() as after:
        assert "planted" not in after and after.get("csrf_token") != "token-an-attacker-knows"
        assert after["locale"] == "en" and after["_user_id"].startswith(f"{user.id}:")
