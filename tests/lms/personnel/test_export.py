"""The HR export in the portal's two layouts (parsed back from CSV UTF-8/Big5, XLSX and JSON), the
national ID only there, and the push to a fake HR endpoint that fails some calls."""
import csv
import io
import json
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import openpyxl
import pytest

from lms.auth.models import Role
from lms.personnel import export, push, queries
from lms.personnel.ledger import EXT_PORTAL_COURSE_CODE
from lms.personnel.models import PUSH_ACCEPTED, PUSH_PENDING, PUSH_REJECTED, HrPushItem
from xapi.emitter import vocabulary as v

NATIONAL_ID = "E123456789"


@pytest.fixture
def two_records(make_employee, city, certified):
    employee = make_employee(agency=city["police"], national_id=NATIONAL_ID, name_zh="林美玲")
    outside = certified(employee, "FIRE-60", 60, title="消防安全檢查實務認證班", mode=3, digital=12, physical=48,
                        category="523", when=datetime(2025, 5, 6, 2, tzinfo=timezone.utc),
                        extensions={v.EXT_TERM: "1"})
    portal = certified(employee, "ENV", 4, title="打造低碳城", mode=1,
                       extensions={EXT_PORTAL_COURSE_CODE: "P1140123", v.EXT_TERM: "02"})
    return employee, outside, portal


def parse_csv(body: bytes, encoding: str):
    return list(csv.DictReader(io.StringIO(body.decode(encoding))))


def test_regist2_csv_has_the_portal_columns_codes_and_roc_dates(db, login, make_user, city, two_records):
    client = login(make_user(Role.AGENCY_OFFICER, agency=city["police"]))
    response = client.get("/personnel/export?download=1&year=2025&layout=regist2&file_format=csv-utf8")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    body = response.data
    assert body.startswith(b"\xef\xbb\xbf")  # Excel opens UTF-8 only with the BOM
    [row] = parse_csv(body, "utf-8-sig")
    assert list(row) == list(export.REGIST2)
    assert row["身分證字號"] == NATIONAL_ID and row["姓名"] == "林美玲" and row["課程名稱"] == "消防安全檢查實務認證班"
    assert (row["開課起始日期"], row["開課結束日期"], row["實際上課結束日期"]) == ("114-05-06",) * 3
    assert (row["訓練總數"], row["數位時數"], row["實體時數"], row["學習性質"]) == ("60", "12", "48", "3")
    assert (row["訓練總數單位"], row["學位學分"], row["課程類別代碼"], row["期別"]) == ("1", "6", "523", "1")
    assert float(row["數位時數"]) + float(row["實體時數"]) == float(row["訓練總數"])


def test_regist1_big5_and_xlsx_parse_back(db, login, make_user, two_records):
    client = login(make_user(Role.TRAINING_ADMIN))
    body = client.get("/personnel/export?download=1&year=2025&layout=regist1&file_format=csv-big5").data
    [row] = parse_csv(body, "cp950")
    assert list(row) == list(export.REGIST1)
    assert (row["課程代碼"], row["期別"], row["通過"], row["訓練總數"], row["數位時數"]) == ("P1140123", "02", "1", "4", "4")
    body = client.get("/personnel/export?download=1&year=2025&layout=regist2&file_format=xlsx").data
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(export.REGIST2) and rows[1][0] == NATIONAL_ID and len(rows) == 2


def test_big5_refuses_names_it_cannot_write(db, make_employee, city, certified):
    from lms.auth.permissions import Scope
    from lms.errors import ValidationFailed

    employee = make_employee(agency=city["police"], national_id=NATIONAL_ID, name_zh="林𡘙玲")
    certified(employee, "A", 3)
    table = export.export_table(Scope(True), 2025, "regist2")
    with pytest.raises(ValidationFailed) as failed:
        export.to_csv(table, "csv-big5")
    assert "𡘙" in failed.value.errors[0][1]
    assert "林𡘙玲" in export.to_csv(table, "csv-utf8").decode("utf-8-sig")


def test_the_json_api_and_who_sees_the_national_id(db, login, make_user, city, two_records):
    employee, *_ = two_records
    officer = make_user(Role.AGENCY_OFFICER, agency=city["police"])
    data = login(officer).get("/api/v1/personnel/export?year=2025&layout=regist2").get_json()
    assert data["columns"] == list(export.REGIST2) and data["rows"][0]["身分證字號"] == NATIONAL_ID
    supervisor = make_user(Role.SUPERVISOR, agency=city["police"])
    assert login(supervisor).get("/api/v1/personnel/export?year=2025").status_code == 403
    assert login(supervisor).get("/personnel/export").status_code == 403
    fire_officer = make_user(Role.AGENCY_OFFICER, agency=city["fire"])
    assert login(fire_officer).get("/api/v1/personnel/export?year=2025").get_json()["rows"] == []
    # The learner's own pages and API never show it.
    from lms.auth.models import User

    learner = User(employee=employee, password_hash=officer.password_hash)
    db.session.add(learner)
    db.session.flush()
    client = login(learner)
    assert NATIONAL_ID not in client.get("/my/learning?year=2025").get_data(as_text=True)
    summary = client.get("/api/v1/personnel/me/summary?year=2025")
    assert NATIONAL_ID not in summary.get_data(as_text=True) and len(summary.get_json()["records"]) == 2


class FakeHr:
    """An HR endpoint on a real port: fails every `fail_every`-th call with 503, rejects records of
    more than 50 hours with a reason, remembers what it holds."""

    def __init__(self, fail_every=2):
        self.calls, self.held, self.fail_every, self.tokens = 0, {}, fail_every, []
        hr = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                hr.calls += 1
                hr.tokens.append(self.headers.get("Authorization"))
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if hr.fail_every and hr.calls % hr.fail_every == 0:
                    self.send_response(503)
                    self.end_headers()
                    return
                results = []
                for record in body["records"]:
                    if not record["deleted"] and float(record["fields"]["訓練總數"]) > 50:
                        results.append({"id": record["id"], "status": "rejected", "reason": "訓練總數超過上限"})
                        continue
                    if record["deleted"]:
                        hr.held.pop(record["id"], None)
                    else:
                        hr.held[record["id"]] = record["fingerprint"]
                    results.append({"id": record["id"], "status": "accepted"})
                payload = json.dumps({"results": results}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hours"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hr(app, monkeypatch):
    server = FakeHr()
    monkeypatch.setitem(app.config, "HR_EXPORT_URL", server.url)
    monkeypatch.setitem(app.config, "HR_EXPORT_TOKEN", "hr-token")
    monkeypatch.setattr(push, "BATCH", 1)  # one call per record, so "every second call fails" is exact
    yield server
    server.close()


def states(db):
    return {i.source_ref: (i.state, i.last_error) for i in db.session.execute(db.select(HrPushItem)).scalars()}


def test_the_push_reconciles_failures_rejections_and_corrections(db, app, hr, make_employee, city, certified,
                                                                  void, ingest, login, make_user):
    people = [make_employee(agency=city["police"], national_id=nid) for nid in ("A123456789", "B123456789")]
    a = certified(people[0], "A", 3)
    b = certified(people[1], "B", 6)
    big = certified(people[1], "BIG", 60)
    no_id = certified(make_employee(agency=city["police"]), "C", 2)
    run = push.push_changes()
    # Call 1 accepted, call 2 failed (503), call 3 rejected by HR; the record without an ID never left.
    assert (run.sent, run.accepted, run.rejected, run.failed, run.pending) == (3, 1, 2, 1, 1)
    found = states(db)
    assert found[no_id.source_ref] == (PUSH_REJECTED, push.MISSING_ID)
    assert sorted(s for s, _ in found.values()) == [PUSH_ACCEPTED, PUSH_PENDING, PUSH_REJECTED, PUSH_REJECTED]
    assert set(hr.tokens) == {"Bearer hr-token"}
    # The next run sends only what is still pending: accepted records are not sent twice.
    hr.fail_every = 0
    run = push.push_changes()
    assert (run.sent, run.accepted, run.pending) == (1, 1, 0)
    assert set(hr.held) == {a.source_ref, b.source_ref}
    assert push.push_changes().sent == 0  # nothing changed: nothing sent
    # A voided completion is withdrawn from the HR system.
    void(b.source_ref)
    ingest()
    run = push.push_changes()
    assert run.sent == 1 and set(hr.held) == {a.source_ref}
    # The administrator reads the reconciliation and re-runs it (rejections are retried on demand).
    client = login(make_user(Role.SYSADMIN, email="root@kcg.gov.tw", employee=None))
    page = client.get("/personnel/hr-push").get_data(as_text=True)
    assert "訓練總數超過上限" in page and push.MISSING_ID in page
    calls = hr.calls
    client.post("/personnel/hr-push")
    assert hr.calls == calls + 1  # the HR-rejected record was sent again; the one without an ID was not
    assert big.source_ref not in hr.held


def test_without_an_endpoint_the_push_does_nothing(db, app):
    assert app.config.get("HR_EXPORT_URL") in (None, "")
    assert push.push_changes() is None
