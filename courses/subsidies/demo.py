"""Demo data for the English test-fee subsidy: this year's default rules and a dozen claims by generated staff
as DOMAIN.md suggests (GEPT 中級 B1, TOEIC 785 B2, IELTS 5.5 B2, failed sits paid at 50 %), spread over every
status, with one payout batch. Called by `flask lms seed-demo` after the core's staff exist."""
from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from typing import Callable

from courses.subsidies import services
from courses.subsidies.queries import budget_summary, local_today, rule_set_for_year
from lms.extensions import db
from lms.people.models import Employee

# A tiny valid PDF standing in for the score report and the receipt.
DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")

# (staff index, test, level label or score, outcome, days before today, fee NT$, what happens, note)
CLAIMS = (
    (0, "GEPT", "中級", "passed", 75, 1600, "paid", ""),
    (1, "TOEIC", Decimal(785), "passed", 70, 1600, "paid", ""),
    (2, "IELTS", Decimal("5.5"), "passed", 66, 7210, "approved", ""),
    (3, "TOEIC", Decimal(550), "passed", 64, 1600, "paid", ""),
    (4, "GEPT", "中高級", "failed_sat", 60, 2050, "approved", ""),
    (5, "IELTS", Decimal("4.5"), "failed_sat", 58, 7210, "paid", ""),
    (0, "GEPT", "中高級", "passed", 40, 2050, "approved", ""),       # a higher level is paid again
    (6, "TOEFL_IBT", Decimal(80), "passed", 30, 7600, "submitted", ""),
    (7, "GEPT", "初級", "passed", 21, 1000, "submitted", ""),
    (8, "TOEIC", Decimal(860), "passed", 18, 1600, "correction_requested", "請上傳成績單正本掃描檔（含證書編號）。"),
    (9, "GEPT", "中級", "passed", 15, 1600, "rejected", "收據抬頭非申請人本人，請洽報名單位補發。"),
    (10, "IELTS", Decimal("5.5"), "passed", 10, 7210, "submitted", ""),
    (11, "GEPT", "中級", "failed_sat", 8, 1600, "submitted", ""),
)


def _files() -> dict[str, services.Upload]:
    return {"score_report": services.Upload(io.BytesIO(DEMO_PDF), "成績單.pdf"),
            "receipt": services.Upload(io.BytesIO(DEMO_PDF), "報名費收據.pdf")}


def _data(rule_set, test_code: str, result, outcome: str, test_date, fee: int) -> services.ClaimData:
    test = next(t for t in rule_set.tests if t.code == test_code)
    if test.result_kind == "level":
        level_id = next(lv.id for lv in test.levels if lv.label == result)
        return services.ClaimData(test.id, outcome, test_date, fee, level_id=level_id)
    return services.ClaimData(test.id, outcome, test_date, fee, score=result)


def seed_demo(staff_count: int, echo: Callable[[str], None] = print) -> None:
    today = local_today()
    if rule_set_for_year(today.year) is not None:
        echo("Subsidy rules already present; the subsidy demo data was not added.")
        return
    rule_set = services.seed_rule_set(today.year)
    staff = list(db.session.execute(db.select(Employee).where(Employee.staff_no.like("K%"))
                                    .order_by(Employee.staff_no).limit(12)).scalars())
    if not staff:
        echo(f"Subsidy: default rules for {today.year}; no generated staff to claim.")
        return
    to_pay = []
    claims = [c for c in CLAIMS if c[0] < len(staff)]  # a small city gets fewer claims, never refused ones
    for index, test_code, result, outcome, days_ago, fee, fate, note in claims:
        test_date = today - timedelta(days=days_ago)
        claim = services.submit_claim(staff[index], _data(rule_set, test_code, result, outcome, test_date, fee),
                                      _files(), today=today)
        if fate in ("approved", "paid"):
            services.approve_claim(claim)
        elif fate == "correction_requested":
            services.request_correction(claim, note)
        elif fate == "rejected":
            services.reject_claim(claim, note)
        if fate == "paid":
            to_pay.append(claim.id)
    batch = services.pay_claims(rule_set, to_pay, today - timedelta(days=3)) if to_pay else None
    summary = budget_summary(rule_set)
    echo(f"Subsidy {today.year}: {len(claims)} claims, payout {batch.reference if batch else '-'} "
         f"NT${summary.paid:,} paid, NT${summary.approved:,} approved, {summary.pending_count} waiting; "
         f"budget NT${summary.budget:,}.")
