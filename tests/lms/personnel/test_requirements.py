"""Requirements as data: the seeded national and cybersecurity rules, topic quotas, periods, rules by
agency, rank class and role, and the set-based evaluation (one query for any number of staff)."""
from datetime import datetime, timezone

import pytest

from lms.auth.permissions import Scope
from lms.errors import ValidationFailed
from lms.personnel import queries, services
from lms.personnel.models import CERTIFIED, REJECTED
from xapi.emitter import vocabulary as v


@pytest.fixture
def credit(complete, ingest, officer):
    """Completions for one employee, ingested and (by default) certified by the officer."""
    def factory(employee, *items, status=CERTIFIED, **kw):
        ids = [complete(employee, f"K{i}-{employee.id}-{hours}", hours, topics=topics, **kw)
               for i, (hours, topics) in enumerate(items)]
        ingest()
        records = [r for r in queries.records_of(employee.id) if r.source_ref in ids]
        if status:
            services.review_records(officer, [r.id for r in records], status, reason="不符" if status == REJECTED else "")
        return records
    return factory


def standing(employee, year=2025):
    return {r.rule.code: (r.required, r.certified, r.pending, r.met) for r in queries.employee_summary(employee.id, year)}


def test_the_seed_is_the_national_rule_and_the_cyber_rules_by_role(db, rules_2025, make_employee, city):
    assert [r.code for r in rules_2025.rules] == [
        "total", "policy", "environment", "governance", "gender", "governance_topics",
        "cyber_pro_dedicated", "cyber_pro_it", "cyber_general"]
    general = make_employee(agency=city["police"])
    dedicated = make_employee(agency=city["police"], cyber_role="dedicated")
    it = make_employee(agency=city["police"], cyber_role="it")
    mandated = {"total": 20, "policy": 1, "environment": 4, "governance": 5, "gender": 1, "governance_topics": 4}
    assert {k: v[0] for k, v in standing(general).items()} == {**mandated, "cyber_general": 3}
    assert {k: v[0] for k, v in standing(dedicated).items()} == {**mandated, "cyber_pro_dedicated": 12}
    assert {k: v[0] for k, v in standing(it).items()} == {**mandated, "cyber_pro_it": 3, "cyber_general": 3}
    assert services.seed_national_rules(2025) is rules_2025  # seeding twice changes nothing


def test_a_complete_year_meets_every_quota(db, rules_2025, make_employee, city, credit):
    employee = make_employee(agency=city["police"])
    credit(employee, (1, ["policy"]), (4, ["environment"]), (1, ["gender"]), (2, ["integrity"]),
           (2, ["human_rights", "neutrality"]), (3, ["cyber_general"]), (7, []))
    result = standing(employee)
    assert all(met for *_, met in result.values()), result
    assert result["total"][1] == 20 and result["governance"][1] == 5 and result["governance_topics"][1] == 4


def test_pending_and_rejected_hours_do_not_meet_a_rule(db, rules_2025, make_employee, city, credit):
    employee = make_employee(agency=city["police"])
    credit(employee, (4, ["environment"]), status=None)
    credit(employee, (1, ["policy"]), status=REJECTED)
    result = standing(employee)
    assert result["environment"] == (4, 0, 4, False)
    assert result["policy"] == (1, 0, 0, False)


def test_a_gender_surplus_does_not_fill_the_four_hours_from_the_list(db, rules_2025, make_employee, city, credit):
    employee = make_employee(agency=city["police"])
    credit(employee, (3, ["gender"]), (2, ["integrity"]))
    result = standing(employee)
    assert result["governance"][1:] == (5, 0, True) and result["gender"][3]
    assert result["governance_topics"] == (4, 2, 0, False)


def test_professional_cyber_hours_never_count_as_general(db, rules_2025, make_employee, city, credit):
    it = make_employee(agency=city["police"], cyber_role="it")
    credit(it, (3, []), category="523")
    credit(it, (2, ["cyber_general", "cyber_pro"]))
    result = standing(it)
    assert result["cyber_pro_it"] == (3, 5, 0, True)
    assert result["cyber_general"] == (3, 0, 0, False)


def test_professional_hours_of_it_staff_count_over_two_years(db, rules_2025, make_employee, city, credit):
    it = make_employee(agency=city["police"], cyber_role="it")
    credit(it, (3, []), category="523", when=datetime(2024, 6, 1, tzinfo=timezone.utc))
    assert standing(it)["cyber_pro_it"][1:] == (3, 0, True)
    dedicated = make_employee(agency=city["police"], cyber_role="dedicated")
    credit(dedicated, (12, []), category="523", when=datetime(2024, 6, 1, tzinfo=timezone.utc))
    assert standing(dedicated)["cyber_pro_dedicated"][1] == 0  # a yearly rule looks at one year only


def test_only_job_related_hours_count_toward_the_yearly_total(db, rules_2025, make_employee, city, credit):
    employee = make_employee(agency=city["police"])
    credit(employee, (6, []), extensions={"https://lms.kcg.gov.tw/xapi/profile/v1/extensions/job-related": False})
    credit(employee, (2, []))
    assert standing(employee)["total"][1] == 2


def test_rules_by_agency_subtree_and_rank_class(db, rules_2025, make_employee, city):
    services.save_rule(rules_2025, services.RuleInput(
        "police_extra", "警察局加強訓練", "Police overlay", 10, 1, agency_code="POL", rank_classes=("junior",)))
    patrol = make_employee(agency=city["patrol"], rank_class="junior")
    elementary = make_employee(agency=city["patrol"], rank_class="elementary")
    fire = make_employee(agency=city["fire"], rank_class="junior")
    assert "police_extra" in standing(patrol)
    assert "police_extra" not in standing(elementary) and "police_extra" not in standing(fire)


def test_rule_input_is_checked_all_at_once(db, rules_2025):
    with pytest.raises(ValidationFailed) as failed:
        services.save_rule(rules_2025, services.RuleInput(
            "total", "", "", 0, 0, topics=("astrology",), cyber_roles=("hacker",), agency_code="NOPE"))
    assert {f for f, _ in failed.value.errors} == {"code", "label_zh", "hours", "period_years", "topics",
                                                    "cyber_roles", "agency_code"}


def test_a_year_copies_the_rules_of_another(db, rules_2025):
    copy = services.create_requirement_set(2026, "115 年度", copy_from=rules_2025)
    assert [(r.code, r.hours, r.topics) for r in copy.rules] == [(r.code, r.hours, r.topics) for r in rules_2025.rules]
    with pytest.raises(ValidationFailed):
        services.create_requirement_set(2026, "again")


def test_a_report_for_many_staff_is_one_query(db, rules_2025, make_employee, city, credit, count_queries):
    staff = [make_employee(agency=city["police"]) for _ in range(12)]
    for person in staff[:4]:
        credit(person, (1, ["policy"]))
    queries.requirement_set(2025)
    rules = list(rules_2025.rules)
    with count_queries() as counted:
        report = queries.evaluate(rules, 2025, queries.Employee.agency_id.in_([city["police"].id]))
    assert counted() == 1
    assert len(report) == 13  # the twelve and the officer, who works at the police too
    assert sum(1 for items in report.values() for r in items if r.rule.code == "policy" and r.met) == 4
    by_scope = queries.compliance_report(2025, Scope(False, (city["fire"].path,)))
    assert by_scope == {}
