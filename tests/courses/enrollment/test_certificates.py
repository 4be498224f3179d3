"""Certificates: a PDF in Traditional Chinese with the CJK font embedded (text extracted back with pypdf),
stored through lms.storage, issued once, downloadable by the learner, checked on the public page, and
generated in bulk for a run with progress."""
import io

from courses.attendance import services as attendance
from courses.enrollment import certificates, services
from courses.enrollment.models import Certificate
from lms.events.models import DomainEvent
from lms.notifications.models import Notification
from lms.storage import get_storage


def complete(run, enrollment):
    session = run.sessions[0]
    attendance.mark_roster(session, [attendance.Mark(enrollment.id, True)])
    services.record_results(run, [])
    return db_certificate(enrollment)


def db_certificate(enrollment):
    from lms.extensions import db

    return db.session.execute(db.select(Certificate).filter_by(enrollment_id=enrollment.id)).scalar_one_or_none()


def test_completion_issues_a_chinese_pdf_with_an_embedded_font(db, open_run, make_course, seated, make_employee):
    import pypdf

    run = open_run(course=make_course(title_zh="消防安全檢查實務認證班"))
    session, enrollment = seated(run, make_employee(name_zh="陳志明"))
    certificate = complete(run, enrollment)
    assert certificate.issued_at is not None and certificate.storage_key.endswith(".pdf")
    data = get_storage().open(certificate.storage_key).read()
    reader = pypdf.PdfReader(io.BytesIO(data))
    # pypdf reads fpdf2's two-byte CID codes through the font's own CMap and leaves a NUL before each one.
    text = "".join(reader.pages[0].extract_text().replace("\x00", "").split())
    for expected in ("結業證書", "陳志明", "消防安全檢查實務認證班", "高雄市政府公務人力發展中心", certificate.number):
        assert expected in text
    fonts = [f for f in reader.pages[0]["/Resources"]["/Font"].values()]
    descendant = fonts[0].get_object()["/DescendantFonts"][0].get_object()
    descriptor = descendant["/FontDescriptor"].get_object()
    assert any(k in descriptor for k in ("/FontFile2", "/FontFile3")), "the CJK font must be embedded"
    issued = db.session.execute(db.select(DomainEvent).filter_by(kind="certification.issued")).scalar_one()
    assert issued.payload["number"] == certificate.number and issued.payload["other"]["kind"] == "certificate"
    note = db.session.execute(db.select(Notification).filter_by(employee_id=enrollment.employee_id,
                                                                kind="enrollment_result")).scalar_one()
    assert note.link == f"/certificates/{certificate.id}.pdf"
    certificates.generate(certificate)      # twice is safe: one issue event
    assert db.session.execute(db.select(db.func.count()).select_from(DomainEvent)
                              .filter_by(kind="certification.issued")).scalar() == 1


def test_download_and_public_verification(db, client, login, make_user, open_run, seated):
    learner = make_user()
    run = open_run()
    session, enrollment = seated(run, learner.employee)
    certificate = complete(run, enrollment)
    login(make_user())
    assert client.get(f"/certificates/{certificate.id}.pdf").status_code == 403
    login(learner)
    response = client.get(f"/certificates/{certificate.id}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    mine = client.get("/my/enrolments").get_data(as_text=True)
    assert f"/certificates/{certificate.id}.pdf" in mine
    client.post("/logout")
    page = client.get(f"/verify/{certificate.code}")
    assert page.status_code == 200 and 'id="verified"' in page.get_data(as_text=True)
    assert certificate.number in page.get_data(as_text=True)
    assert client.get("/verify/not-a-code").status_code == 404


def test_bulk_generation_for_a_run_with_progress(db, admin_client, open_run, seated):
    run = open_run()
    pairs = [seated(run) for _ in range(2)]
    session = pairs[0][0]
    attendance.mark_roster(session, [attendance.Mark(e.id, True) for _s, e in pairs])
    for _s, enrollment in pairs:
        enrollment.outcome = "completed"       # recorded before certificates existed (e.g. imported history)
        enrollment.physical_hours = 6
    assert certificates.progress(run.id).issued == 0
    admin_client.post(f"/admin/enrolment/runs/{run.id}/certificates")
    progress = admin_client.get(f"/admin/enrolment/runs/{run.id}/certificates",
                                headers={"Accept": "application/json"}).get_json()
    assert progress == {"completed": 2, "requested": 2, "issued": 2, "percent": 100}
    assert 'value="100"' in admin_client.get(f"/admin/enrolment/runs/{run.id}/certificates").get_data(as_text=True)
