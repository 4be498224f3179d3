"""The HR system's bearer tokens: issued by a system administrator (CLI or page, shown once, hashed at
rest), revocable, and opening only the JSON export for reading."""
import hashlib
import re
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from lms.auth.models import Role
from lms.personnel.models import HrApiToken
from lms.personnel.services import issue_hr_token, revoke_hr_token

NATIONAL_ID = "E223456787"


@pytest.fixture
def record(make_employee, city, certified):
    employee = make_employee(agency=city["patrol"], national_id=NATIONAL_ID)
    return certified(employee, "ENV", 4, when=datetime(2025, 5, 6, 2, tzinfo=timezone.utc))


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_the_cli_prints_the_token_last_and_keeps_only_its_hash(app, db):
    result = app.test_cli_runner().invoke(args=["lms", "create-hr-token", "人事服務網 eCPA"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("hrt_") and len(token) > 40
    row = db.session.execute(sa.select(HrApiToken)).scalar_one()
    assert row.name == "人事服務網 eCPA" and row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in " ".join(str(getattr(row, c.name)) for c in HrApiToken.__table__.columns)


def test_the_export_answers_a_valid_token_and_refuses_none_or_revoked(app, db, record):
    row, token = issue_hr_token("HR")
    client = app.test_client()
    assert client.get("/api/v1/personnel/export?year=2025").status_code == 401
    assert client.get("/api/v1/personnel/export?year=2025", headers=bearer("hrt_wrong")).status_code == 401
    response = client.get("/api/v1/personnel/export?year=2025&layout=regist2", headers=bearer(token))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    [line] = response.get_json()["rows"]
    assert line["身分證字號"] == NATIONAL_ID and line["訓練總數"] == "4"
    assert row.last_used_at is not None
    revoke_hr_token(row)
    assert client.get("/api/v1/personnel/export?year=2025", headers=bearer(token)).status_code == 401


def test_a_token_reaches_nothing_but_the_export(app, db, login, make_user):
    _, token = issue_hr_token("HR")
    client = app.test_client()
    assert client.get("/api/v1/personnel/me/summary", headers=bearer(token)).status_code == 401
    assert client.post("/api/v1/personnel/export", headers=bearer(token)).status_code in (401, 405)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert client.get("/api/v1/subsidies/claims", headers=bearer(token)).status_code == 401
    page = client.get("/personnel/export", headers=bearer(token))
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    # A signed-in officer who sends a token is judged by the token: no widening of the session either.
    officer = login(make_user(Role.AGENCY_OFFICER))
    assert officer.get("/api/v1/personnel/me/summary", headers=bearer(token)).status_code == 401


def test_the_token_page_issues_once_lists_and_revokes(app, db, login, make_user, city):
    client = login(make_user(Role.SYSADMIN, agency=city["root"]))
    page = client.post("/personnel/hr-tokens", data={"name": "人事服務網"})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    token = re.search(r'<code id="new-token">(hrt_[^<]+)</code>', page.get_data(as_text=True)).group(1)
    listing = client.get("/personnel/hr-tokens").get_data(as_text=True)
    assert "人事服務網" in listing and token not in listing and token[:10] in listing
    assert client.post("/personnel/hr-tokens", data={"name": " "}).status_code == 400
    row = db.session.execute(sa.select(HrApiToken)).scalar_one()
    assert client.post(f"/personnel/hr-tokens/{row.id}/revoke").status_code == 302
    assert row.revoked_at is not None
    assert app.test_client().get("/api/v1/personnel/export", headers=bearer(token)).status_code == 401
    assert client.post("/personnel/hr-tokens/999999/revoke").status_code == 404


@pytest.mark.parametrize("role", [Role.AGENCY_OFFICER, Role.TRAINING_ADMIN, Role.LEARNER])
def test_only_system_administrators_manage_tokens(db, login, make_user, city, role):
    row, _ = issue_hr_token("HR")
    client = login(make_user(role, agency=city["police"]))
    assert client.get("/personnel/hr-tokens").status_code == 403
    assert client.post(f"/personnel/hr-tokens/{row.id}/revoke").status_code == 403
    assert row.revoked_at is None
