"""Submitting a claim: the CEFR level and amount are computed, and every broken rule is named at once."""
from datetime import date
from decimal import Decimal

import pytest

from courses.subsidies import services
from courses.subsidies.rules import RULE_NAMES
from courses.subsidies.services import ClaimInputError, ClaimRefusedError
from lms.events.queries import for_object
from lms.storage import get_storage


def refused_rules(call) -> list[str]:
    with pytest.raises((ClaimRefusedError, ClaimInputError)) as caught:
        call()
    return caught.value.rules


def test_a_passed_gept_is_paid_in_full_and_its_files_are_stored(rules_2026, make_claim, make_employee, sub):
    employee = make_employee()
    claim = make_claim(employee, test="GEPT", level="中級", fee=1600)
    assert (claim.status, claim.cefr, claim.rate, claim.amount) == ("submitted", "B1", Decimal("1.00"), 1600)
    assert claim.rule_set is rules_2026
    storage = get_storage()
    with storage.open(claim.score_report_key) as stored:
        assert stored.read() == sub.PDF
    assert claim.score_report_name == "成績單.pdf" and claim.receipt_type == "image/png"
    [event] = for_object("SubsidyClaim", claim.id)
    assert event.kind == "subsidy.submitted" and event.employee_id == employee.id
    assert event.payload["after"]["cefr"] == "B1" and event.payload["after"]["amount"] == 1600


@pytest.mark.parametrize("test, score, cefr", [("TOEIC", Decimal(785), "B2"), ("IELTS", Decimal("5.5"), "B2"),
                                               ("TOEFL_IBT", Decimal(80), "B2")])
def test_scores_map_to_cefr(rules_2026, make_claim, test, score, cefr):
    assert make_claim(test=test, score=score).cefr == cefr


def test_a_failed_but_fully_sat_test_is_paid_at_half_the_fee(rules_2026, make_claim):
    claim = make_claim(test="GEPT", level="中高級", outcome="failed_sat", fee=1245)
    assert (claim.cefr, claim.rate, claim.amount) == (None, Decimal("0.50"), 623)


def test_failed_sits_are_paid_at_most_twice_a_year(rules_2026, make_claim, make_employee):
    employee = make_employee()
    make_claim(employee, test="TOEIC", score=Decimal(400), outcome="failed_sat", test_date=date(2026, 3, 1))
    make_claim(employee, test="GEPT", level="中高級", outcome="failed_sat", test_date=date(2026, 4, 1))
    assert refused_rules(lambda: make_claim(employee, test="IELTS", score=Decimal(3), outcome="failed_sat",
                                            test_date=date(2026, 5, 1))) == ["failed_sit_limit"]


def test_claim_deadline_is_three_months_after_the_test(rules_2026, make_claim):
    assert make_claim(test_date=date(2026, 2, 20)).status == "submitted"  # due 2026-05-20, claimed that day
    with pytest.raises(ClaimRefusedError) as caught:
        make_claim(test_date=date(2026, 2, 19))
    assert caught.value.rules == ["claim_deadline"]
    assert str(RULE_NAMES["claim_deadline"]) in caught.value.message
    assert "115/05/19" in caught.value.message


def test_the_same_level_in_another_test_is_not_paid_again(rules_2026, make_claim, make_employee):
    employee = make_employee()
    make_claim(employee, test="GEPT", level="中高級")
    assert refused_rules(lambda: make_claim(employee, test="TOEIC", score=Decimal(800))) == ["one_per_level"]


def test_a_lower_level_is_not_paid_and_a_higher_one_is(rules_2026, make_claim, make_employee):
    employee = make_employee()
    make_claim(employee, test="IELTS", score=Decimal("5.5"))
    assert refused_rules(lambda: make_claim(employee, test="GEPT", level="中級")) == ["higher_level_only"]
    assert make_claim(employee, test="TOEIC", score=Decimal(950)).cefr == "C1"


def test_a_rejected_claim_does_not_block_the_level(rules_2026, make_claim, make_employee):
    employee = make_employee()
    services.reject_claim(make_claim(employee), "成績單模糊")
    assert make_claim(employee).status == "submitted"


def test_a_result_below_the_lowest_level_is_not_a_pass(rules_2026, make_claim):
    assert refused_rules(lambda: make_claim(test="TOEIC", score=Decimal(200))) == ["pass_threshold"]


def test_fee_must_be_positive(rules_2026, make_claim):
    assert refused_rules(lambda: make_claim(fee=0)) == ["positive_fee"]


def test_uploads_are_checked_for_type_and_size(app, rules_2026, make_claim, sub):
    files = sub.uploads(score_report=sub.upload(b"MZ\x90\x00binary", "report.pdf"),
                        receipt=sub.upload(b"plain text", "receipt.txt"))
    assert refused_rules(lambda: make_claim(files=files)) == ["upload", "upload"]
    limit = app.config["UPLOAD_MAX_BYTES"]
    app.config["UPLOAD_MAX_BYTES"] = 10
    try:
        with pytest.raises(ClaimRefusedError) as caught:
            make_claim()
    finally:
        app.config["UPLOAD_MAX_BYTES"] = limit
    assert caught.value.rules == ["upload", "upload"] and {f for f, _m in caught.value.errors} == {"score_report",
                                                                                                   "receipt"}


def test_budget_exhausted_is_refused(rules_2026, make_claim):
    rules_2026.budget = 1000
    assert refused_rules(lambda: make_claim(fee=1600)) == ["yearly_budget"]


def test_every_problem_is_collected_at_once(rules_2026, make_claim, make_employee, sub):
    employee = make_employee()
    make_claim(employee, test="GEPT", level="中高級")
    rules_2026.budget = 100
    with pytest.raises(ClaimRefusedError) as caught:
        make_claim(employee, test="TOEIC", score=Decimal(790), test_date=date(2026, 1, 2), fee=1600,
                   files=sub.uploads(receipt=sub.upload(b"nope", "r.gif")))
    assert sorted(caught.value.rules) == ["claim_deadline", "one_per_level", "upload", "yearly_budget"]


def test_missing_input_is_a_400_listing_the_rules_found_too(rules_2026, make_employee, sub):
    data = services.ClaimData(test_id=None, outcome="maybe", test_date=None, fee_paid=0)
    with pytest.raises(ClaimInputError) as caught:
        services.submit_claim(make_employee(), data, {"score_report": None, "receipt": None}, today=sub.TODAY)
    assert caught.value.status == 400
    assert {f for f, _m in caught.value.errors} == {"test_id", "outcome", "test_date", "fee_paid", "score_report",
                                                     "receipt"}
    assert caught.value.rules == ["positive_fee"]


def test_no_rules_for_the_year_means_no_claims(make_employee, sub, rules_2026):
    data = sub.claim_data(rules_2026, level="中級")
    with pytest.raises(ClaimInputError, match="2027"):
        services.submit_claim(make_employee(), data, sub.uploads(), today=date(2027, 1, 5))


def test_a_future_test_date_and_a_score_out_of_range_are_input_errors(rules_2026, make_claim):
    with pytest.raises(ClaimInputError) as caught:
        make_claim(test="IELTS", score=Decimal(10), test_date=date(2026, 6, 1))
    assert {f for f, _m in caught.value.errors} == {"test_date", "score"}


def test_an_inactive_test_cannot_be_claimed(rules_2026, make_claim, sub):
    sub.find_test(rules_2026, "TOEFL_IBT").active = False
    with pytest.raises(ClaimInputError) as caught:
        make_claim(test="TOEFL_IBT", score=Decimal(80))
    assert [f for f, _m in caught.value.errors] == ["test_id"]
