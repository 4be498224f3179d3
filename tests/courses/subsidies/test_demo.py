"""The subsidy demo data: the claims DOMAIN.md suggests, across every status, with one payout batch."""
from decimal import Decimal

from courses.subsidies.demo import seed_demo
from courses.subsidies.models import SubsidyClaim
from courses.subsidies.queries import budget_summary, local_today, rule_set_for_year


def test_seed_demo_adds_claims_in_every_status(db, make_employee):
    for n in range(12):
        make_employee(staff_no=f"K{n + 1:06d}")
    said = []
    seed_demo(12, said.append)
    claims = list(db.session.execute(db.select(SubsidyClaim)).scalars())
    assert {c.status for c in claims} == {"submitted", "approved", "rejected", "correction_requested", "paid"}
    results = {(c.test.code, c.result_text, c.cefr) for c in claims if c.outcome == "passed"}
    assert {("GEPT", "中級", "B1"), ("TOEIC", "785", "B2"), ("IELTS", "5.5", "B2")} <= results
    failed = [c for c in claims if c.outcome == "failed_sat"]
    assert failed and all(c.rate == Decimal("0.50") and c.amount * 2 in (c.fee_paid, c.fee_paid + 1) for c in failed)
    summary = budget_summary(rule_set_for_year(local_today().year))
    assert summary.paid > 0 and summary.approved > 0 and "payout" in said[-1]
    seed_demo(12, said.append)                       # a second call adds nothing
    assert "already" in said[-1]


def test_seed_demo_in_a_small_city_claims_less_but_never_fails(db, make_employee):
    for n in range(3):
        make_employee(staff_no=f"K{n + 1:06d}")
    seed_demo(3, print)
    assert db.session.execute(db.select(db.func.count(SubsidyClaim.id))).scalar() == 4
