"""Report pages: the unit report with drill-down (city → agency → unit → person), the forecast, topic
campaigns, the administrators' dashboard, reminders and the exports of every table. Every route
checks the viewer's agency scope (supervisor: their unit's subtree; officer: their agency; administrators:
the city); a unit or person outside it is refused with 403."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

import courses.reports.models  # noqa: F401  (tables for this blueprint)
from courses.catalogue.models import MANDATED_TOPICS
from courses.reports import charts, exports, queries, services, tasks
from courses.reports.forecast import weekly_needed
from courses.subsidies import queries as subsidy_queries
from lms.auth.models import Role
from lms.celery_app import enqueue
from lms.personnel import queries as personnel_queries
from lms.auth.permissions import Scope, agency_scope, require_oversight, require_role
from lms.errors import PermissionDeniedError, RecordNotFoundError, ValidationFailed
from lms.templating import add_nav_item

bp = Blueprint("reports", __name__)

OVERSIGHT_ROLES = {Role.SUPERVISOR, Role.AGENCY_OFFICER, Role.TRAINING_ADMIN, Role.SYSADMIN}
ADMIN_ROLES = (Role.TRAINING_ADMIN, Role.SYSADMIN)
add_nav_item("reports.index", _l("Compliance reports"), OVERSIGHT_ROLES)
add_nav_item("reports.dashboard", _l("Training dashboard"), set(ADMIN_ROLES))

PER_PAGE = 50


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


def _locale() -> str:
    return str(get_locale() or "zh_Hant_TW")


def year_arg() -> int:
    year = request.args.get("year", queries.local_today().year, type=int)
    if not 2000 <= year <= 2200:
        raise ValidationFailed([("year", _("Enter a year such as 2026."))])
    return year


def _date_arg(name: str, default: date) -> date:
    value = request.args.get(name, "")
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed([(name, _("Enter a date as YYYY-MM-DD."))]) from None


def scoped_agency(agency_id: int | None = None) -> tuple:
    """The unit asked for (default: the top of the viewer's scope) and the viewer's scope; 403 outside it."""
    scope = require_oversight(current_user)
    if agency_id is None:
        roots = queries.scope_roots(scope)
        if not roots:
            raise RecordNotFoundError(_("There is no unit in your scope."))
        return roots[0], scope
    agency = queries.get_agency(agency_id)
    if agency is None:
        raise RecordNotFoundError(_("The page or record you asked for does not exist."))
    if not scope.covers(agency):
        raise PermissionDeniedError(_("This unit is outside the staff you oversee."))
    return agency, scope


def standing_or_404(agency, scope: Scope, year: int) -> services.ReportStandingResult:
    """The stored standing of `agency`'s subtree; a refresh is queued when it is old (the page shows
    its age)."""
    max_age = current_app.config["REPORTS_MAX_AGE_SECONDS"]
    found = services.report_standing(year, agency.path, scope, max_age)
    if found is None:
        raise RecordNotFoundError(_("There are no hour rules for %(year)s.", year=year))
    if found.stale:  # pages read meanwhile queue the same refresh: the first to run does it
        enqueue(tasks.refresh_standings, year, max_age)
    return found


def _certifications(people: list) -> dict:
    return queries.certifications_of([p.employee_id for p in people], queries.local_today())


def _filter() -> str:
    only = request.args.get("only", "all")
    return only if only in queries.PEOPLE_FILTERS else "all"


@bp.route("/reports/")
@login_required
def index():
    scope = require_oversight(current_user)
    roots = queries.scope_roots(scope)
    if len(roots) == 1:
        return redirect(url_for("reports.unit_report", agency_id=roots[0].id))
    return render_template("courses/reports/index.html", roots=roots)


@bp.route("/reports/units/<int:agency_id>")
@login_required
def unit_report(agency_id: int):
    agency, scope = scoped_agency(agency_id)
    year, only = year_arg(), _filter()
    page = max(1, request.args.get("page", 1, type=int))
    found = standing_or_404(agency, scope, year)
    st = found.standing
    rows, total = queries.unit_rows(st, agency)
    people = queries.people(st, only, page, PER_PAGE)
    locale = _locale()
    chart = charts.rate_chart([(r.name(locale), r.rate) for r in rows]) if rows else None
    return render_template(
        "courses/reports/unit.html", snapshot=found.snapshot, status_chart=charts.status_chart(total), agency=agency, year=year, only=only, page=page, per_page=PER_PAGE,
        trail=queries.ancestors(agency, scope), rows=rows, total=total, chart=chart, rules=st.rules,
        people=people, certifications=_certifications(people),
        approvals=queries.pending_approvals(agency_scope(current_user, {Role.SUPERVISOR})
                                            if current_user.has_role(Role.SUPERVISOR) else scope),
        form=ActionForm())


@bp.route("/reports/units/<int:agency_id>/remind", methods=["POST"])
@login_required
def remind(agency_id: int):
    agency, _scope = scoped_agency(agency_id)
    year = year_arg()
    form = ActionForm()
    if not form.validate_on_submit():
        raise ValidationFailed([("csrf_token", _("The form expired; please try again."))])
    result = services.remind_behind(current_user, agency, year)
    flash(_("Reminders sent to %(sent)s people; %(already)s had already been reminded today.",
            sent=result.sent, already=result.already), "info")
    return redirect(url_for("reports.unit_report", agency_id=agency.id, year=year))


@bp.route("/reports/people/<int:employee_id>")
@login_required
def person_report(employee_id: int):
    scope = require_oversight(current_user)
    employee = queries.get_employee(employee_id)
    if employee is None:
        raise RecordNotFoundError(_("The page or record you asked for does not exist."))
    if not scope.covers(employee.agency):
        raise PermissionDeniedError(_("This person is outside the staff you oversee."))
    year = year_arg()
    st = queries.standing(year, None, scope, employee_id=employee.id)
    if st is None:
        raise RecordNotFoundError(_("There are no hour rules for %(year)s.", year=year))
    row = queries.person_row(st, employee.id)
    if row is None:
        raise RecordNotFoundError(_("This person has no report (not active)."))
    m = row._mapping
    lines = [(rule, {k: m[f"{k}{i}"] for k in "cprbf"},
              weekly_needed(float(m[f"r{i}"]), float(m[f"c{i}"]) + float(m[f"p{i}"]), float(m[f"b{i}"]), st.horizon)
              if m[f"r{i}"] is not None else None)
             for i, rule in enumerate(st.rules)]
    chart = charts.scaled_chart(
        [(rule.label(_locale()), round(100 * float(v["c"]) / float(v["r"]), 1) if v["r"] else 100.0)
         for rule, v, _w in lines if v["r"] is not None], 100.0, " %")
    return render_template("courses/reports/person.html", employee=employee, year=year, row=row, lines=lines,
                           chart=chart, trail=[*queries.ancestors(employee.agency, scope), employee.agency],
                           horizon=st.horizon, today=queries.local_today(), expiring_days=queries.EXPIRING_DAYS,
                           qualifications=personnel_queries.qualifications_of(employee.id),
                           enrolments=queries.enrolments_of(employee.id, year))


@bp.route("/reports/units/<int:agency_id>/forecast")
@login_required
def forecast(agency_id: int):
    agency, scope = scoped_agency(agency_id)
    year = year_arg()
    page = max(1, request.args.get("page", 1, type=int))
    found = standing_or_404(agency, scope, year)
    st = found.standing
    gaps = queries.rule_gaps(st)
    people = queries.people(st, "at_risk", page, PER_PAGE)
    locale = _locale()
    chart = charts.rate_chart([(g.rule.label(locale), g.projected_rate) for g in gaps]) if gaps else None
    return render_template("courses/reports/forecast.html", snapshot=found.snapshot, agency=agency, year=year, gaps=gaps, chart=chart,
                           rules=st.rules, horizon=st.horizon, page=page, per_page=PER_PAGE,
                           people=people, certifications=_certifications(people),
                           trail=queries.ancestors(agency, scope))


def _topic() -> tuple[str, str]:
    codes = [t[0] for t in MANDATED_TOPICS]
    topic = request.args.get("topic", "gender")
    if topic not in codes:
        raise ValidationFailed([("topic", _("Choose one of the mandated topics."))])
    return topic, request.args.get("course", "").strip()[:64]


@bp.route("/reports/campaigns")
@login_required
def campaign():
    agency, scope = scoped_agency(request.args.get("agency", type=int))
    topic, course = _topic()
    year = year_arg()
    rows, total = queries.campaign_rows(topic, year, agency, course)
    locale = _locale()
    chart = charts.rate_chart([(r.name(locale), r.rate) for r in rows]) if rows else None
    return render_template("courses/reports/campaign.html", agency=agency, year=year, topic=topic, course=course,
                           rows=rows, total=total, chart=chart, topics=MANDATED_TOPICS,
                           trail=queries.ancestors(agency, scope))


def period_args() -> tuple[date, date]:
    today = queries.local_today()
    start = _date_arg("start", date(today.year, 1, 1))
    end = _date_arg("end", today)
    if end < start:
        raise ValidationFailed([("end", _("The end of the period is before its start."))])
    return start, end


@bp.route("/reports/dashboard")
@login_required
def dashboard():
    require_role(current_user, *ADMIN_ROLES)
    start, end = period_args()
    modes = queries.by_delivery_mode(start, end)
    fill = queries.fill_summary(start, end)
    rule_set = subsidy_queries.rule_set_for_year(end.year)
    labels = exports.DELIVERY_MODE_LABELS
    return render_template(
        "courses/reports/dashboard.html", start=start, end=end, modes=modes, fill=fill,
        ledger=queries.ledger_totals(start, end), surveys=queries.survey_summary(start, end),
        budget=subsidy_queries.budget_summary(rule_set) if rule_set else None,
        selections_chart=charts.count_chart([(str(labels[m.mode]), m.selections) for m in modes]),
        completions_chart=charts.count_chart([(str(labels[m.mode]), m.completions) for m in modes]),
        fill_chart=charts.count_chart(list(fill.buckets.items())))


# --- exports ------------------------------------------------------------------------------------

EXPORT_TABLES = ("people", "units", "forecast", "campaign", "modes", "runs")


@bp.route("/reports/export/<table>.<fmt>")
@login_required
def export(table: str, fmt: str):
    if table not in EXPORT_TABLES or fmt not in exports.FORMATS:
        raise RecordNotFoundError(_("The page or record you asked for does not exist."))
    locale = _locale()
    if table in ("modes", "runs"):
        require_role(current_user, *ADMIN_ROLES)
        start, end = period_args()
        header, rows = (exports.modes_table(queries.by_delivery_mode(start, end)) if table == "modes"
                        else exports.runs_table(start, end, locale))
        return exports.respond(fmt, f"{table}-{start}-{end}", header, rows)
    agency, scope = scoped_agency(request.args.get("agency", type=int))
    year = year_arg()
    if table == "campaign":
        topic, course = _topic()
        header, rows = exports.units_table(*queries.campaign_rows(topic, year, agency, course), locale,
                                           _("Completed"))
        return exports.respond(fmt, f"campaign-{course or topic}-{agency.code}-{year}", header, rows)
    st = standing_or_404(agency, scope, year).standing
    if table == "people":
        header, rows = exports.people_table(st, locale, _filter())
    elif table == "units":
        header, rows = exports.units_table(*queries.unit_rows(st, agency), locale)
    else:
        header, rows = exports.gaps_table(queries.rule_gaps(st), locale)
    return exports.respond(fmt, f"{table}-{agency.code}-{year}", header, rows)
