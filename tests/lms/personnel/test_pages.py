"""The pages: My learning (chart, pending apart from certified, history, transcript PDF, external
learning), the officer's review queue with bulk approval, and the administrators' rule editor."""
import io
import re
from datetime import datetime, timezone

from lms.auth.models import Role
from lms.personnel import queries
from lms.personnel.models import CERTIFIED, ExternalLearning

PDF = b"%PDF-1.4\n% proof\n"


def test_my_learning_shows_the_standing_and_keeps_pending_apart(db, login, make_user, city, complete, ingest,
                                                               rules_2025, officer, count_queries):
    learner = make_user(agency=city["police"])
    complete(learner.employee, "ENV", 4, topics=["environment"], title="打造低碳城～看見綠實力研習班")
    complete(learner.employee, "POL", 1, topics=["policy"], title="智在高雄～智慧城市任你行")
    complete(learner.employee, "OLD", 6, when=datetime(2024, 5, 1, tzinfo=timezone.utc), title="往年課程")
    ingest()
    env = next(r for r in queries.records_of(learner.employee_id) if r.course_code == "ENV")
    from lms.personnel.services import review_records

    review_records(officer, [env.id], CERTIFIED)
    client = login(learner)
    with count_queries() as counted:
        page = client.get("/my/learning?year=2025").get_data(as_text=True)
    assert counted() < 15
    assert "<svg" in page and "環境教育" in page and "<script" not in page
    certified, pending = page.split("待人事人員審核") if "待人事人員審核" in page else page.split("Waiting for")
    assert "打造低碳城" in certified and "智在高雄" in pending and "智在高雄" not in certified
    assert "2024" in page  # earlier years
    old = client.get("/my/learning?year=2024").get_data(as_text=True)
    assert "往年課程" in old


def test_the_transcript_is_a_pdf_with_the_cjk_font_embedded(db, login, make_user, complete, ingest, rules_2025):
    learner = make_user()
    complete(learner.employee, "ENV", 4, topics=["environment"], title="打造低碳城")
    ingest()
    response = login(learner).get("/my/learning/transcript.pdf?year=2025")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    body = response.data
    assert body.startswith(b"%PDF") and b"/FontFile3" in body and b"NotoSansCJK" in body


def test_a_learner_submits_external_learning_and_the_officer_approves_it(db, login, make_user, city, officer):
    learner = make_user(agency=city["lingya"])
    client = login(learner)
    response = client.post("/my/learning/external/new", data={
        "title": "", "provider": "", "hours": "0", "learning_mode": "2"}, content_type="multipart/form-data")
    assert response.status_code == 400 and "請輸入課程名稱" in response.get_data(as_text=True)
    response = client.post("/my/learning/external/new", data={
        "title": "公務倫理研習", "provider": "國家文官學院", "started_on": "2025-03-03", "ended_on": "2025-03-03",
        "hours": "3", "learning_mode": "2", "topics": ["integrity"], "job_related": "y",
        "proof": (io.BytesIO(PDF), "證明.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    item = db.session.execute(db.select(ExternalLearning)).scalar_one()
    client = login(officer)
    queue = client.get("/personnel/review").get_data(as_text=True)
    assert "公務倫理研習" in queue
    assert client.get(f"/personnel/external/{item.id}/proof").data == PDF
    client.post(f"/personnel/external/{item.id}/decide", data={"decision": "approve"})
    assert [r.status for r in queries.records_of(learner.employee_id)] == [CERTIFIED]


def test_the_officer_certifies_the_queue_in_bulk(db, login, make_employee, city, complete, ingest, officer,
                                                 make_user):
    staff = [make_employee(agency=city["patrol"]) for _ in range(3)]
    for person in staff:
        complete(person, "CEDAW", 3, topics=["gender"])
    ingest()
    client = login(officer)
    page = client.get("/personnel/review").get_data(as_text=True)
    ids = re.findall(r'name="record_id" value="(\d+)"', page)
    assert len(ids) == 3
    client.post("/personnel/review", data={"record_id": ids, "decision": "certified"})
    assert {r.status for p in staff for r in queries.records_of(p.id)} == {CERTIFIED}
    assert "record_id" not in client.get("/personnel/review").get_data(as_text=True)
    learner = make_user(agency=city["police"])
    assert login(learner).get("/personnel/review").status_code == 403


def test_a_refused_review_keeps_the_officers_choice(db, login, make_employee, city, complete, ingest, officer):
    for _ in range(3):
        complete(make_employee(agency=city["patrol"]), "CEDAW", 3, topics=["gender"])
    ingest()
    client = login(officer)
    ids = re.findall(r'name="record_id" value="(\d+)"', client.get("/personnel/review").get_data(as_text=True))
    response = client.post("/personnel/review", data={"record_id": ids[:1], "decision": "rejected", "reason": " "})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "請填寫退回時數的理由。" in page and "共 3 筆待審核。" in page
    assert re.findall(r'id="record-(\d+)" checked', page) == ids[:1]   # not every box ticked again
    response = client.post("/personnel/review", data={"record_id": ids[:1], "decision": "rejected", "reason": "重複"},
                           follow_redirects=True)
    assert "已退回 1 筆紀錄。" in response.get_data(as_text=True)


def test_administrators_edit_the_rules_in_the_ui(db, login, make_user, rules_2025):
    admin = make_user(Role.TRAINING_ADMIN)
    client = login(admin)
    assert "性別主流化" in client.get("/personnel/requirements/2025").get_data(as_text=True)
    response = client.post("/personnel/requirements", data={"year": "2026", "name": "115 年度", "copy_from": rules_2025.id})
    assert response.status_code == 302
    assert len(queries.requirement_set(2026).rules) == len(rules_2025.rules)
    rule = next(r for r in queries.requirement_set(2026).rules if r.code == "total")
    form = client.get(f"/personnel/rules/{rule.id}").get_data(as_text=True)
    assert 'value="20' in form
    response = client.post(f"/personnel/rules/{rule.id}", data={
        "code": "total", "label_zh": "年度學習總時數", "label_en": "Yearly", "hours": "40", "period_years": "1",
        "job_related_only": "y", "position": "1"})
    assert response.status_code == 302 and rule.hours == 40
    bad = client.post("/personnel/requirements/2026", data={"code": "", "label_zh": "", "hours": "", "period_years": "0"})
    assert bad.status_code == 400
    client.post(f"/personnel/rules/{rule.id}/delete")
    assert "total" not in [r.code for r in queries.requirement_set(2026).rules]
    assert login(make_user()).get("/personnel/requirements").status_code == 403
