"""Demo data for personnel records: this year's and last year's requirement rules (the national rule
and the cybersecurity hours). The demo's completions reach the ledger through the xAPI statements."""
from __future__ import annotations

from datetime import date

from lms.personnel.services import seed_national_rules


def seed_demo(staff_count: int, echo) -> None:
    this_year = date.today().year
    for year in (this_year - 1, this_year):
        rule_set = seed_national_rules(year)
        echo(f"Hour rules {year}: {len(rule_set.rules)} rules.")
