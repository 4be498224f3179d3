"""Certificates of completion (結業證書): the record with its number and verification code, the PDF in
Traditional Chinese with an embedded CJK font (fpdf2 embeds the CFF-based Noto CJK OpenType font through
fontTools), storage through lms.storage, and bulk generation for a run."""
from __future__ import annotations

import io
import os
from dataclasses import dataclass

from flask import current_app
from fpdf import FPDF

from courses.enrollment import events, notices, queries
from courses.enrollment.models import Certificate, Enrollment
from courses.scheduling.models import LOCAL_TZ, ClassRun
from lms.celery_app import enqueue
from lms.db import utcnow
from lms.extensions import db
from lms.storage import get_storage
from lms.templating import roc_date

# Debian's fonts-noto-cjk (.ci/run installs it); index 3 of the collection is Traditional Chinese.
DEFAULT_FONT = ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 3)
ISSUER = "高雄市政府公務人力發展中心"


def font() -> tuple[str, int]:
    path = current_app.config.get("CERTIFICATE_FONT") or DEFAULT_FONT[0]
    index = int(current_app.config.get("CERTIFICATE_FONT_INDEX", DEFAULT_FONT[1]))
    if not os.path.exists(path):
        raise RuntimeError(f"The certificate font is missing at {path}: apt-get install -y fonts-noto-cjk "
                           "or set CERTIFICATE_FONT.")
    return path, index


def verify_url(certificate: Certificate) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    return f"{base}/verify/{certificate.code}"


def request_certificate(enrollment: Enrollment) -> Certificate:
    """Create the certificate record for a completed enrolment (once) and have its PDF generated."""
    certificate = db.session.execute(db.select(Certificate).filter_by(enrollment_id=enrollment.id)).scalar_one_or_none()
    if certificate is None:
        run = enrollment.run
        number = f"{run.year - 1911}-{run.code}-{enrollment.seq:04d}"
        certificate = Certificate(enrollment_id=enrollment.id, number=number, revoked=False)
        db.session.add(certificate)
        db.session.flush()
    certificate.revoked = False
    from courses.enrollment.tasks import generate_certificate

    enqueue(generate_certificate, certificate.id)
    return certificate


def render_pdf(certificate: Certificate) -> bytes:
    enrollment = certificate.enrollment
    run, employee = enrollment.run, enrollment.employee
    course = run.course
    path, index = font()
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.add_font("cjk", fname=path, collection_font_number=index)
    pdf.set_draw_color(120, 90, 40)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_font("cjk", size=36)
    pdf.set_y(30)
    pdf.cell(0, 18, "結業證書", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=12)
    pdf.cell(0, 8, f"證書字號：{certificate.number}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("cjk", size=18)
    hours = enrollment.credited_hours
    text = (f"{employee.agency.name_zh} {employee.name_zh} 君，參加「{course.title_zh}」"
            f"（班期 {run.code}，{roc_date(run.starts_on)} 至 {roc_date(run.ends_on)}），"
            f"研習期滿，成績合格，計 {hours:g} 小時（數位 {enrollment.digital_hours:g} 小時、"
            f"實體 {enrollment.physical_hours:g} 小時），特發此證。")
    pdf.set_x(35)
    pdf.multi_cell(227, 12, text, align="L")
    pdf.ln(12)
    pdf.set_font("cjk", size=20)
    pdf.cell(0, 12, ISSUER, align="C", new_x="LMARGIN", new_y="NEXT")
    issued = (certificate.issued_at or utcnow()).astimezone(LOCAL_TZ)
    pdf.set_font("cjk", size=14)
    pdf.cell(0, 10, f"中華民國 {issued.year - 1911} 年 {issued.month} 月 {issued.day} 日", align="C",
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    pdf.set_xy(20, 185)
    pdf.cell(0, 6, f"查驗網址：{verify_url(certificate)}")
    return bytes(pdf.output())


def storage_key(certificate: Certificate) -> str:
    return f"certificates/{certificate.enrollment.run.code}/{certificate.number}.pdf"


def generate(certificate: Certificate) -> None:
    """Render and store the PDF; the first time, record the issue. Safe to run twice."""
    enrollment = certificate.enrollment
    if certificate.revoked or enrollment.outcome != "completed":
        return
    first = certificate.issued_at is None
    certificate.issued_at = certificate.issued_at or utcnow()
    key = storage_key(certificate)
    get_storage().save(key, io.BytesIO(render_pdf(certificate)), "application/pdf")
    certificate.storage_key = key
    db.session.flush()
    if first:
        events.record(events.CERTIFICATE_ISSUED, enrollment, certificate_id=certificate.id,
                      number=certificate.number, hours=enrollment.credited_hours,
                      other={"kind": "certificate", "code": certificate.number,
                             "name_zh": f"{enrollment.run.course.title_zh} 結業證書"})
        notices.result(enrollment, f"/certificates/{certificate.id}.pdf")


def revoke_for(enrollment: Enrollment) -> None:
    """A corrected result that is no longer a completion withdraws the certificate."""
    certificate = db.session.execute(db.select(Certificate).filter_by(enrollment_id=enrollment.id)).scalar_one_or_none()
    if certificate is not None and not certificate.revoked:
        certificate.revoked = True
        db.session.flush()


def generate_for_run(run: ClassRun) -> int:
    """Bulk generation: a certificate for every completed enrolment of the run that has none yet."""
    count = 0
    for enrollment in queries.roster(run.id, ("seated",)):
        if enrollment.outcome == "completed" and certificate_of(enrollment) is None:
            request_certificate(enrollment)
            count += 1
    return count


def certificate_of(enrollment: Enrollment) -> Certificate | None:
    return db.session.execute(db.select(Certificate).filter_by(enrollment_id=enrollment.id)).scalar_one_or_none()


@dataclass(frozen=True)
class Progress:
    completed: int
    requested: int
    issued: int

    @property
    def percent(self) -> int:
        return round(100 * self.issued / self.completed) if self.completed else 100


def progress(run_id: int) -> Progress:
    completed = db.session.execute(db.select(db.func.count(Enrollment.id)).where(
        Enrollment.run_id == run_id, Enrollment.outcome == "completed")).scalar_one()
    requested, issued = db.session.execute(
        db.select(db.func.count(Certificate.id), db.func.count(Certificate.storage_key))
        .join(Enrollment, Certificate.enrollment_id == Enrollment.id)
        .where(Enrollment.run_id == run_id, Certificate.revoked.is_(False))).one()
    return Progress(completed, requested, issued)


def by_code(code: str) -> Certificate | None:
    return db.session.execute(db.select(Certificate).filter_by(code=code)).scalar_one_or_none()


def for_enrollments(enrollment_ids: list[int]) -> dict[int, Certificate]:
    if not enrollment_ids:
        return {}
    rows = db.session.execute(db.select(Certificate).where(Certificate.enrollment_id.in_(enrollment_ids),
                                                           Certificate.revoked.is_(False),
                                                           Certificate.storage_key.is_not(None))).scalars()
    return {c.enrollment_id: c for c in rows}
