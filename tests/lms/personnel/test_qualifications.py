"""Qualifications in the personnel record: awarded/approved statements with the qualification extensions
become rows (wherever the extensions sit), voiding removes them, a rebuild gives the same rows, a subsidy
approval produces one from its real statement, and they show on My learning and in the transcript."""
import io
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from lms.personnel import ledger
from lms.personnel.models import Qualification
from lms.personnel.queries import qualifications_of
from xapi.emitter import vocabulary as v

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def award(app, db):
    """Emit an awarded/approved statement; `placement` puts the extensions in result or context."""
    from xapi.emitter import services

    def factory(employee, kind="procurement", level="basic", *, valid_until=None, verb="awarded",
                placement="result", when=datetime(2025, 11, 16, 2, 0, tzinfo=timezone.utc), name="政府採購專業人員"):
        ext = {v.EXT_QUALIFICATION: kind, v.EXT_QUALIFICATION_LEVEL: level}
        if valid_until:
            ext[v.EXT_VALID_UNTIL] = valid_until
        statement = services.build_statement(services.LearningEvent(
            verb=verb, employee=employee, activity=services.other_activity("track", kind, name), occurred_at=when,
            success=True, extensions=ext if placement == "context" else {}))
        if placement == "result":
            statement["result"]["extensions"] = ext
        return services._write(statement, verb).statement_id
    return factory


def rows(db):
    return [(q.source_ref, q.employee_id, q.kind, q.level, q.awarded_on, q.valid_until, q.title)
            for q in db.session.execute(sa.select(Qualification).order_by(Qualification.source_ref)).scalars()]


def test_an_award_in_result_extensions_becomes_a_qualification(db, make_employee, award, ingest):
    employee = make_employee()
    sid = award(employee, "drone", "professional-basic", valid_until="2027-02-14",
                when=datetime(2025, 2, 14, 17, 0, tzinfo=timezone.utc), name="無人機專業高級（初階）證照輔導專班")
    ingest()
    [q] = qualifications_of(employee.id)
    assert (q.source_ref, q.kind, q.level, q.title) == (sid, "drone", "professional-basic",
                                                         "無人機專業高級（初階）證照輔導專班")
    assert (q.awarded_on, q.valid_until) == (date(2025, 2, 15), date(2027, 2, 14))  # Taipei date
    assert q.valid_on(date(2027, 2, 14)) and not q.valid_on(date(2027, 2, 15))


def test_extensions_in_context_count_too_and_plain_approvals_do_not(db, make_employee, award, ingest):
    from xapi.emitter import services

    employee = make_employee()
    award(employee, "procurement", "advanced", placement="context")
    services.record_event(services.LearningEvent(  # an approval with no qualification (e.g. a failed sit)
        verb="approved", employee=employee, activity=services.other_activity("subsidy", "9", "英檢補助"),
        success=False))
    ingest()
    assert [(q.kind, q.level, q.valid_until) for q in qualifications_of(employee.id)] == [
        ("procurement", "advanced", None)]


def test_voiding_removes_a_qualification_and_a_rebuild_gives_the_same_rows(db, make_employee, award, void, ingest):
    people = [make_employee(), make_employee()]
    keep = award(people[0], "procurement", "basic")
    wrong = award(people[1], "procurement", "advanced")
    ingest()
    assert len(rows(db)) == 2
    void(wrong)
    ingest()
    incremental = rows(db)
    assert [r[0] for r in incremental] == [keep]
    ledger.rebuild_ledger()
    assert rows(db) == incremental


def test_a_void_stored_before_its_award_keeps_it_out(db, make_employee, award, ingest):
    from xapi.emitter.actors import platform_authority
    from xapi.store.services import StoreRequest, store_statements

    employee = make_employee()
    target = "6f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4b"
    store_statements(StoreRequest([{"id": "0e0e0e0e-1111-4222-8333-444455556666", "actor": platform_authority(),
                                    "verb": {"id": v.VERBS["voided"][0]},
                                    "object": {"objectType": "StatementRef", "id": target}}], platform_authority()))
    ingest()
    from xapi.emitter import services

    statement = services.build_statement(services.LearningEvent(
        verb="awarded", employee=employee, activity=services.other_activity("track", "procurement", "採購"),
        extensions={v.EXT_QUALIFICATION: "procurement", v.EXT_QUALIFICATION_LEVEL: "basic"}), statement_id=target)
    services._write(statement, "awarded")
    ingest()
    assert qualifications_of(employee.id) == []


def test_a_subsidy_approval_records_the_english_level(app, db, make_employee, ingest):
    from courses.subsidies.models import SubsidyTest
    from courses.subsidies.services import ClaimData, Upload, approve_claim, seed_rule_set, submit_claim

    rule_set = seed_rule_set(2026)
    gept = db.session.execute(sa.select(SubsidyTest).filter_by(rule_set_id=rule_set.id, code="GEPT")).scalar_one()
    level = next(lv for lv in gept.levels if lv.label == "中級")
    employee = make_employee()
    files = {"score_report": Upload(io.BytesIO(PDF), "成績單.pdf"), "receipt": Upload(io.BytesIO(PNG), "receipt.png")}
    claim = submit_claim(employee, ClaimData(test_id=gept.id, outcome="passed", test_date=date(2026, 4, 12),
                                             fee_paid=1000, level_id=level.id, score=None), files,
                         today=date(2026, 5, 20))
    approve_claim(claim)
    ingest()  # the approval already ingested eagerly; reading again changes nothing
    [q] = qualifications_of(employee.id)
    assert (q.kind, q.level, q.valid_until) == ("english", "B1", None)
    assert "英檢報名費補助" in q.title
    from xapi.store.models import Statement

    payload = db.session.execute(sa.select(Statement.payload)
                                 .where(Statement.statement_id == q.source_ref)).scalar_one()
    assert v.EXT_QUALIFICATION in payload and v.VERBS["approved"][0] in payload


def test_qualifications_show_on_my_learning_and_in_the_transcript(db, login, make_user, award, ingest, rules_2025):
    from pypdf import PdfReader

    learner = make_user()
    award(learner.employee, "english", "B2", name="英檢報名費補助：TOEIC 785")
    ingest()
    client = login(learner)
    page = client.get("/my/learning?year=2025").get_data(as_text=True)
    assert "英語能力" in page and "B2" in page and "TOEIC 785" in page
    body = client.get("/my/learning/transcript.pdf?year=2025").data
    # The CJK font is a CID font: pypdf's text comes with a NUL before each character.
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages).replace("\x00", "")
    assert "資格證照" in text and "B2" in text and "TOEIC 785" in text
