"""Factories for the subsidy tests: a year's default rules, uploads that pass the content checks, claims."""
from __future__ import annotations

import io
from datetime import date
from types import SimpleNamespace

import pytest

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TODAY = date(2026, 5, 20)


@pytest.fixture
def rules_2026(db):
    from courses.subsidies.services import seed_rule_set

    return seed_rule_set(2026)


@pytest.fixture
def this_year_rules(db):
    """The rules of the year the pages run in (views use the real date)."""
    from courses.subsidies.queries import local_today, rule_set_for_year
    from courses.subsidies.services import seed_rule_set

    year = local_today().year
    return rule_set_for_year(year) or seed_rule_set(year)


def upload(content: bytes = PDF, filename: str = "report.pdf"):
    from courses.subsidies.services import Upload

    return Upload(io.BytesIO(content), filename)


def uploads(**overrides):
    files = {"score_report": upload(PDF, "成績單.pdf"), "receipt": upload(PNG, "receipt.png")}
    files.update(overrides)
    return files


def find_test(rule_set, code):
    return next(t for t in rule_set.tests if t.code == code)


def claim_data(rule_set, test="GEPT", level=None, score=None, outcome="passed", test_date=date(2026, 4, 12),
               fee=1000):
    from courses.subsidies.services import ClaimData

    chosen = find_test(rule_set, test)
    level_id = next(lv.id for lv in chosen.levels if lv.label == level) if level else None
    return ClaimData(test_id=chosen.id, outcome=outcome, test_date=test_date, fee_paid=fee, level_id=level_id,
                     score=score)


@pytest.fixture
def make_claim(db, make_employee):
    """submit_claim with sensible defaults: make_claim(employee, test="TOEIC", score=Decimal(785))."""
    from courses.subsidies.services import submit_claim

    def factory(employee=None, rule_set=None, today=TODAY, files=None, **kw):
        from courses.subsidies.queries import rule_set_for_year

        rule_set = rule_set or rule_set_for_year(today.year)
        if "level" not in kw and "score" not in kw and kw.get("test", "GEPT") == "GEPT":
            kw["level"] = "中級"
        return submit_claim(employee or make_employee(), claim_data(rule_set, **kw), files or uploads(), today=today)
    return factory


@pytest.fixture
def sub():
    """The helpers above for test modules (test folders are not packages, so they cannot import them)."""
    return SimpleNamespace(PDF=PDF, PNG=PNG, TODAY=TODAY, upload=upload, uploads=uploads, find_test=find_test,
                           claim_data=claim_data)
