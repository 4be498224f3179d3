"""`flask lms rebuild-hours`, `flask lms seed-hour-rules` and `flask lms create-hr-token`: ledger
maintenance and the HR system's credentials from the command line."""
from __future__ import annotations

import sys

import click

from lms.cli import _committing, lms_cli


@lms_cli.command("rebuild-hours")
@_committing
def rebuild_hours() -> None:
    """Empty the hours ledger and project it again from every statement in the LRS."""
    from lms.personnel import ledger

    total = ledger.statements_to_read()
    with click.progressbar(length=total, label=f"Reading {total} statements", file=sys.stderr) as bar:
        read = ledger.rebuild_ledger(progress=bar.update)
    click.echo(f"Ledger rebuilt from {read} statements.")


@lms_cli.command("seed-hour-rules")
@click.argument("year", type=int)
@_committing
def seed_hour_rules(year: int) -> None:
    """Create YEAR's rule set with the national rule and the cybersecurity hours (if it has none)."""
    from lms.personnel.services import seed_national_rules

    rule_set = seed_national_rules(year)
    click.echo(f"{rule_set.name}: {len(rule_set.rules)} rules.")


@lms_cli.command("create-hr-token")
@click.argument("name")
@_committing
def create_hr_token(name: str) -> None:
    """Issue a bearer token with which the HR system NAME pulls the JSON export (printed once, last line)."""
    from lms.personnel.services import issue_hr_token

    row, token = issue_hr_token(name)
    click.echo(f"Token {row.id} for {row.name}; keep it now, it is not shown again "
               "(revoke it on the HR tokens page):")
    click.echo(token)
