"""JSON API of the reports: a unit's compliance with its sub-units, the year's forecast by requirement,
and the administrators' dashboard figures. Same scope rules as the pages (403 outside the viewer's scope)."""
from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user

from courses.permissions import signed_in_only
from courses.reports import queries
from courses.reports.views import ADMIN_ROLES, period_args, scoped_agency, standing_or_404, year_arg
from lms.auth.permissions import require_role

bp = signed_in_only(Blueprint("reports_api", __name__, url_prefix="/api/v1"))


def _unit_json(row: queries.UnitRow) -> dict:
    return {"agency_id": row.agency_id, "code": row.code, "name": row.name_zh, "people": row.people,
            "compliant": row.compliant, "behind": row.behind, "at_risk": row.at_risk, "rate": row.rate,
            "hours": row.hours}


@bp.get("/reports/units/<int:agency_id>")
def unit_report(agency_id: int):
    agency, scope = scoped_agency(agency_id)
    year = year_arg()
    found = standing_or_404(agency, scope, year)
    st = found.standing
    rows, total = queries.unit_rows(st, agency)
    gaps = queries.rule_gaps(st)
    return jsonify({"year": year, "figures_as_of": found.snapshot.refreshed_at.isoformat(), "unit": _unit_json(total), "sub_units": [_unit_json(r) for r in rows],
                    "requirements": [{"code": g.rule.code, "name": g.rule.label_zh, "hours": float(g.rule.hours),
                                      "owed": g.owed, "met": g.met, "projected_to_meet": g.will_meet,
                                      "met_rate": g.met_rate, "projected_rate": g.projected_rate,
                                      "missing_hours": g.missing_hours} for g in gaps]})


@bp.get("/reports/dashboard")
def dashboard():
    require_role(current_user, *ADMIN_ROLES)
    start, end = period_args()
    fill = queries.fill_summary(start, end)
    ledger = queries.ledger_totals(start, end)
    return jsonify({"start": start.isoformat(), "end": end.isoformat(),
                    "modes": [{"mode": m.mode, "selections": m.selections, "completions": m.completions,
                               "hours": m.hours} for m in queries.by_delivery_mode(start, end)],
                    "runs": {"count": fill.runs, "capacity": fill.capacity, "seated": fill.seated,
                             "fill_rate": fill.rate, "waitlisted": fill.waitlisted,
                             "runs_with_waitlist": fill.runs_with_waitlist, "bands": fill.buckets},
                    "ledger": {"people": ledger.people, "records": ledger.records, "hours": ledger.hours,
                               "digital_hours": ledger.digital_hours, "physical_hours": ledger.physical_hours}})
