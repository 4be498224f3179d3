"""Rules as data: the seeded defaults (DOMAIN.md §5), CEFR mapping, amounts, and the administrators' edits."""
from datetime import date
from decimal import Decimal

import pytest

from courses.subsidies import rules, services
from courses.subsidies.queries import rule_set_for_year
from lms.errors import ConflictError, ValidationFailed
from lms.events.queries import for_object


def test_seeded_defaults_follow_domain_section_5(rules_2026, sub):
    rs = rules_2026
    assert (rs.claim_deadline_months, rs.cap_per_claim, rs.failed_sits_per_year) == (3, None, 2)
    assert (rs.pass_rate, rs.failed_sit_rate, rs.min_cefr) == (Decimal("1.00"), Decimal("0.50"), "A2")
    assert [t.code for t in rs.tests] == ["GEPT", "TOEIC", "IELTS", "TOEFL_IBT"]
    gept = sub.find_test(rs, "GEPT")
    assert {lv.cefr: lv.label for lv in gept.levels} == {"A2": "初級", "B1": "中級", "B2": "中高級", "C1": "高級"}
    toeic = sub.find_test(rs, "TOEIC")
    assert {lv.cefr: int(lv.min_score) for lv in toeic.levels} == {"A2": 225, "B1": 550, "B2": 785, "C1": 945}
    assert {lv.cefr: lv.min_score for lv in sub.find_test(rs, "IELTS").levels} == {
        "A2": Decimal("3.0"), "B1": Decimal("4.0"), "B2": Decimal("5.5"), "C1": Decimal("7.0")}
    assert {lv.cefr: int(lv.min_score) for lv in sub.find_test(rs, "TOEFL_IBT").levels} == {"B1": 42, "B2": 72,
                                                                                             "C1": 95}


def test_a_year_is_seeded_once_and_can_copy_an_edited_year(rules_2026, sub):
    with pytest.raises(ConflictError):
        services.seed_rule_set(2026)
    services.update_rule_set(rules_2026, services.RuleSetData(
        claim_deadline_months=2, budget=50_000, cap_per_claim=1500, pass_rate=Decimal(1),
        failed_sit_rate=Decimal("0.5"), failed_sits_per_year=1, min_cefr="B1"))
    copied = services.seed_rule_set(2027, copy_from=rules_2026)
    assert (copied.claim_deadline_months, copied.budget, copied.cap_per_claim, copied.min_cefr) == (2, 50_000, 1500,
                                                                                                    "B1")
    assert sub.find_test(copied, "TOEIC").id != sub.find_test(rules_2026, "TOEIC").id
    assert {lv.cefr for lv in sub.find_test(copied, "TOEIC").levels} == {"A2", "B1", "B2", "C1"}


@pytest.mark.parametrize("test, score, level, expected", [
    ("TOEIC", Decimal(785), None, "B2"), ("TOEIC", Decimal(784), None, "B1"), ("TOEIC", Decimal(990), None, "C1"),
    ("TOEIC", Decimal(200), None, None), ("IELTS", Decimal("5.5"), None, "B2"), ("IELTS", Decimal(5), None, "B1"),
    ("TOEFL_IBT", Decimal(41), None, None), ("TOEFL_IBT", Decimal(95), None, "C1"), ("GEPT", None, "中級", "B1"),
    ("GEPT", None, "高級", "C1"),
])
def test_cefr_of_a_result(rules_2026, sub, test, score, level, expected):
    chosen = sub.find_test(rules_2026, test)
    level_id = next((lv.id for lv in chosen.levels if lv.label == level), None)
    assert rules.cefr_for(chosen, level_id, score) == expected


def test_amounts_rates_caps_and_rounding(rules_2026):
    assert rules.payable(rules_2026, "passed", 1600) == (Decimal("1.00"), 1600)
    assert rules.payable(rules_2026, "failed_sat", 1245) == (Decimal("0.50"), 623)  # half up, whole NT$
    rules_2026.cap_per_claim = 1000
    assert rules.payable(rules_2026, "passed", 5400)[1] == 1000


def test_deadline_is_counted_in_calendar_months():
    assert rules.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert rules.add_months(date(2026, 1, 15), 3) == date(2026, 4, 15)


def test_rule_edits_are_checked_together_and_audited(rules_2026):
    with pytest.raises(ValidationFailed) as caught:
        services.update_rule_set(rules_2026, services.RuleSetData(
            claim_deadline_months=0, budget=-1, cap_per_claim=0, pass_rate=Decimal(2), failed_sit_rate=None,
            failed_sits_per_year=-1, min_cefr="Z9"))
    fields = {f for f, _m in caught.value.errors}
    assert fields == {"claim_deadline_months", "budget", "cap_per_claim", "pass_rate", "failed_sit_rate",
                      "failed_sits_per_year", "min_cefr"}
    services.update_rule_set(rules_2026, services.RuleSetData(
        claim_deadline_months=3, budget=120_000, cap_per_claim=None, pass_rate=Decimal(1),
        failed_sit_rate=Decimal("0.5"), failed_sits_per_year=2, min_cefr="A2"))
    changes = [e for e in for_object("SubsidyRuleSet", rules_2026.id) if e.payload.get("changed")]
    assert changes[-1].payload["changed"] == {"budget": [300_000, 120_000]}


def test_budget_cannot_drop_below_what_approved_claims_take(rules_2026, make_claim):
    services.approve_claim(make_claim(fee=1600))
    with pytest.raises(ValidationFailed, match="1,600"):
        services.update_rule_set(rules_2026, services.RuleSetData(
            claim_deadline_months=3, budget=1000, cap_per_claim=None, pass_rate=Decimal(1),
            failed_sit_rate=Decimal("0.5"), failed_sits_per_year=2, min_cefr="A2"))


def test_administrators_add_and_edit_tests(rules_2026, sub):
    cambridge = services.save_test(rules_2026, services.TestData(
        code="cambridge", name_zh="劍橋英語認證", name_en="Cambridge English", result_kind="level",
        thresholds={"B1": "PET", "B2": "FCE", "C1": "CAE"}))
    assert cambridge.code == "CAMBRIDGE" and {lv.cefr for lv in cambridge.levels} == {"B1", "B2", "C1"}
    toeic = sub.find_test(rules_2026, "TOEIC")
    services.save_test(rules_2026, services.TestData(code="TOEIC", name_zh="多益", result_kind="score",
                                                     score_max=Decimal(990), thresholds={"B1": 560, "B2": 800}),
                       toeic)
    assert {lv.cefr: int(lv.min_score) for lv in toeic.levels} == {"B1": 560, "B2": 800}
    assert rule_set_for_year(2026) is rules_2026


@pytest.mark.parametrize("data, field", [
    (dict(code="", name_zh="", result_kind="level", thresholds={"B1": "x"}), "code"),
    (dict(code="GEPT", name_zh="重複", result_kind="level", thresholds={"B1": "x"}), "code"),
    (dict(code="NEW", name_zh="新", result_kind="score", thresholds={}), "thresholds"),
    (dict(code="NEW", name_zh="新", result_kind="score", thresholds={"B1": 500, "B2": 400}), "thresholds"),
    (dict(code="NEW", name_zh="新", result_kind="score", score_max=Decimal(100), thresholds={"B1": 500}),
     "thresholds"),
    (dict(code="NEW", name_zh="新", result_kind="score", thresholds={"B1": "abc"}), "thresholds"),
    (dict(code="NEW", name_zh="新", result_kind="level", thresholds={"B1": "A", "B2": "A"}), "thresholds"),
    (dict(code="NEW", name_zh="新", result_kind="grade", thresholds={"B1": "A"}), "result_kind"),
])
def test_bad_tests_are_refused_by_field(rules_2026, data, field):
    with pytest.raises(ValidationFailed) as caught:
        services.save_test(rules_2026, services.TestData(**data))
    assert field in {f for f, _m in caught.value.errors}
