"""Review and payout: approval reserves budget (also under concurrent approvals), rejection, correction and
resubmission, payout batches, the certified English level, and the audit trail of every decision."""
from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest

from courses.subsidies import services
from courses.subsidies.models import SubsidyClaim
from courses.subsidies.queries import budget_summary, certified_english_level, reserved_amount
from courses.subsidies.services import ClaimRefusedError
from lms.errors import ConflictError, ValidationFailed
from lms.events.queries import for_employee, for_object
from lms.notifications.models import Notification
from tests import services as test_services


def kinds(claim) -> list[str]:
    return [e.kind for e in for_object("SubsidyClaim", claim.id)]


def notifications(db, employee) -> list[str]:
    return [n.kind for n in db.session.execute(db.select(Notification).filter_by(employee_id=employee.id)
                                               .order_by(Notification.id)).scalars()]


def test_approval_reserves_budget_certifies_the_level_and_notifies(db, rules_2026, make_claim, make_user):
    officer = make_user()
    claim = make_claim(test="TOEIC", score=Decimal(785), fee=1600)
    services.approve_claim(claim, officer)
    assert (claim.status, claim.decided_by_id) == ("approved", officer.id)
    assert reserved_amount(rules_2026.id) == 1600
    assert kinds(claim) == ["subsidy.submitted", "subsidy.approved", "subsidy.english_level_certified"]
    approved, certified = for_object("SubsidyClaim", claim.id)[1:]
    assert approved.payload["before"]["status"] == "submitted" and approved.payload["after"]["status"] == "approved"
    assert approved.payload["other"]["kind"] == "subsidy"  # the xAPI emitter's activity
    assert (certified.payload["before"], certified.payload["after"]) == (None, "B2")
    level = certified_english_level(claim.employee_id)
    assert (level.cefr, level.test_code, level.result, level.claim_id) == ("B2", "TOEIC", "785", claim.id)
    assert notifications(db, claim.employee) == ["subsidy_approved"]


def test_a_higher_level_raises_the_certified_level_a_failed_sit_does_not(rules_2026, make_claim, make_employee):
    employee = make_employee()
    services.approve_claim(make_claim(employee, test="GEPT", level="中級", test_date=date(2026, 3, 1)))
    services.approve_claim(make_claim(employee, test="GEPT", level="高級", outcome="failed_sat",
                                      test_date=date(2026, 3, 20)))
    assert certified_english_level(employee.id).cefr == "B1"
    higher = make_claim(employee, test="IELTS", score=Decimal(6), test_date=date(2026, 4, 2))
    services.approve_claim(higher)
    assert certified_english_level(employee.id).cefr == "B2"
    events = for_employee(employee.id, ("subsidy.english_level_certified",))
    assert [(e.payload["before"], e.payload["after"]) for e in events] == [(None, "B1"), ("B1", "B2")]


def test_no_level_is_certified_before_approval(rules_2026, make_claim):
    assert certified_english_level(make_claim().employee_id) is None


def test_approval_rechecks_the_budget(rules_2026, make_claim):
    first, second = make_claim(fee=1600), make_claim(fee=1600)
    rules_2026.budget = 2000
    services.approve_claim(first)
    with pytest.raises(ClaimRefusedError) as caught:
        services.approve_claim(second)
    assert caught.value.rules == ["yearly_budget"] and second.status == "submitted"
    assert reserved_amount(rules_2026.id) == 1600


def test_approval_rechecks_levels_against_approved_claims(rules_2026, make_claim, make_employee):
    employee = make_employee()
    lower = make_claim(employee, test="GEPT", level="中級")
    higher = make_claim(employee, test="TOEIC", score=Decimal(800))
    services.approve_claim(higher)
    with pytest.raises(ClaimRefusedError) as caught:
        services.approve_claim(lower)
    assert caught.value.rules == ["higher_level_only"]


def test_reject_needs_a_reason_and_is_final(db, rules_2026, make_claim):
    claim = make_claim()
    with pytest.raises(ValidationFailed):
        services.reject_claim(claim, "  ")
    services.reject_claim(claim, "收據非本人姓名")
    assert (claim.status, claim.note) == ("rejected", "收據非本人姓名")
    event = for_object("SubsidyClaim", claim.id)[-1]
    assert event.kind == "subsidy.rejected" and event.payload["after"]["note"] == "收據非本人姓名"
    with pytest.raises(ConflictError):
        services.approve_claim(claim)
    assert notifications(db, claim.employee) == ["subsidy_rejected"]


def test_correction_and_resubmission(db, rules_2026, make_claim, sub):
    claim = make_claim(test="GEPT", level="中級", fee=1000)
    old_report = claim.score_report_key
    services.request_correction(claim, "請上傳複試成績單")
    assert claim.status == "correction_requested"
    with pytest.raises(ConflictError):
        services.approve_claim(claim)
    data = sub.claim_data(rules_2026, test="GEPT", level="中高級", fee=1500)
    services.resubmit_claim(claim, data, {"score_report": sub.upload(sub.PDF, "複試.pdf"), "receipt": None},
                            today=date(2026, 8, 30))  # after the deadline: counted from the first submission
    assert (claim.status, claim.cefr, claim.amount) == ("submitted", "B2", 1500)
    assert claim.score_report_key != old_report and claim.score_report_name == "複試.pdf"
    assert claim.receipt_name == "receipt.png"
    event = for_object("SubsidyClaim", claim.id)[-1]
    assert event.payload["resubmission"] is True
    assert (event.payload["before"]["cefr"], event.payload["after"]["cefr"]) == ("B1", "B2")
    assert event.payload["files"] == {"score_report": ["成績單.pdf", "複試.pdf"]}
    assert notifications(db, claim.employee) == ["subsidy_correction"]


def test_resubmission_is_judged_by_the_rules_again(rules_2026, make_claim, make_employee, sub):
    employee = make_employee()
    services.approve_claim(make_claim(employee, test="TOEIC", score=Decimal(800)))
    claim = make_claim(employee, test="TOEIC", score=Decimal(950))
    services.request_correction(claim, "分數有誤")
    with pytest.raises(ClaimRefusedError) as caught:
        services.resubmit_claim(claim, sub.claim_data(rules_2026, test="TOEIC", score=Decimal(790)), {})
    assert caught.value.rules == ["one_per_level"] and claim.status == "correction_requested"


def test_only_a_submitted_claim_can_be_sent_back_or_resubmitted(rules_2026, make_claim, sub):
    claim = make_claim()
    with pytest.raises(ConflictError):
        services.resubmit_claim(claim, sub.claim_data(rules_2026, level="中級"), {})
    services.approve_claim(claim)
    with pytest.raises(ConflictError):
        services.request_correction(claim, "x")


def test_payout_batches_mark_approved_claims_paid(db, rules_2026, make_claim, make_user):
    admin = make_user()
    claims = [make_claim(fee=1000 + n) for n in range(3)]
    for claim in claims[:2]:
        services.approve_claim(claim)
    with pytest.raises(ConflictError, match=str(claims[2].id)):
        services.pay_claims(rules_2026, [c.id for c in claims], by=admin)
    batch = services.pay_claims(rules_2026, [c.id for c in claims[:2]], date(2026, 6, 30), by=admin)
    assert (batch.reference, batch.claim_count, batch.total) == ("2026-001", 2, 2001)
    assert [c.status for c in claims] == ["paid", "paid", "submitted"]
    assert claims[0].payout_batch is batch and claims[0].paid_at is not None
    assert kinds(claims[0])[-1] == "subsidy.paid"
    assert for_object("SubsidyClaim", claims[0].id)[-1].payload["batch"] == "2026-001"
    summary = budget_summary(rules_2026)
    assert (summary.paid, summary.approved, summary.pending_count, summary.pending_amount) == (2001, 0, 1, 1002)
    assert services.pay_claims(rules_2026, [claims[2].id] * 0 + [_approved(claims[2]).id]).reference == "2026-002"
    with pytest.raises(ValidationFailed):
        services.pay_claims(rules_2026, [])


def _approved(claim: SubsidyClaim) -> SubsidyClaim:
    return services.approve_claim(claim)


@pytest.mark.skipif(test_services.TEST_DB != "postgresql", reason="row locks need PostgreSQL")
def test_concurrent_approvals_never_overspend(tmp_path):
    """Two reviewers approve different claims at the same moment; the budget fits only one of them.

    Runs on a database of its own: the commits (and the xAPI statements they emit) must not leak into
    the other tests' database."""
    import io

    import flask_migrate

    from lms.agencies.services import upsert_agency
    from lms.extensions import db as _db
    from lms.people.models import Employee
    from tests.conftest import committed_app

    def files():
        return {"score_report": services.Upload(io.BytesIO(b"%PDF-1.4 x"), "a.pdf"),
                "receipt": services.Upload(io.BytesIO(b"%PDF-1.4 y"), "b.pdf")}

    with test_services.postgres_database("lms_subsidy_race") as url, committed_app(url, tmp_path) as real:
        flask_migrate.upgrade(revision="heads")
        agency = upsert_agency("RACE", "併發測試機關", "Concurrency", "agency", None)
        rule_set = services.seed_rule_set(2031)
        rule_set.budget = 2000
        people = [Employee(staff_no=f"RACE{n}", name_zh=f"併發{n}", agency=agency) for n in range(2)]
        _db.session.add_all(people)
        gept = next(t for t in rule_set.tests if t.code == "GEPT")
        data = services.ClaimData(gept.id, "passed", date(2031, 3, 1), 1600,
                                  level_id=next(lv.id for lv in gept.levels if lv.cefr == "B1"))
        claim_ids = [services.submit_claim(p, data, files(), today=date(2031, 3, 10)).id for p in people]
        rule_set_id = rule_set.id
        _db.session.commit()
        barrier, outcomes = threading.Barrier(2), []

        def approve(claim_id):
            with real.app_context():
                try:
                    barrier.wait()
                    services.approve_claim(_db.session.get(SubsidyClaim, claim_id))
                    _db.session.commit()
                    outcomes.append("approved")
                except ClaimRefusedError as exc:
                    _db.session.rollback()
                    outcomes.append(exc.rules[0])
                finally:
                    _db.session.remove()

        threads = [threading.Thread(target=approve, args=(cid,)) for cid in claim_ids]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        try:
            assert sorted(outcomes) == ["approved", "yearly_budget"]
            assert reserved_amount(rule_set_id) == 1600
        finally:
            _db.session.remove()
            _db.engine.dispose()
