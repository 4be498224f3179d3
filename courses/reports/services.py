"""What the reports change: reminders to the people behind (once per person per day) and the monthly
report to each supervisor (once per supervisor per month). Both record a ReportDispatch row first, so
running them twice sends once; they flush and never commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from courses.reports import queries
from courses.reports.models import MONTHLY, REMINDER, ReportDispatch
from lms.agencies.models import Agency
from lms.auth.models import User
from lms.auth.permissions import Scope, agency_scope
from lms.errors import RuleBrokenError
from lms.extensions import db
from lms.notifications.services import notify
from lms.people.models import Employee

REMINDER_LIMIT = 5000   # one click reminds at most this many people (a whole city is a campaign, not a click)
BEHIND_LISTED = 20      # names listed in the monthly report
MY_LEARNING = "/my/learning"  # links are paths: delivery puts BASE_URL in front (tasks have no request)


@dataclass(frozen=True)
class ReminderResult:
    sent: int
    already: int


def _claim(kind: str, employee_ids: list[int], period: str, user: User | None) -> list[int]:
    """Record a dispatch for each id that has none for `period`; returns the ids newly recorded."""
    if not employee_ids:
        return []
    done: set[int] = set()
    for start in range(0, len(employee_ids), 1000):
        chunk = employee_ids[start:start + 1000]
        done.update(db.session.execute(
            sa.select(ReportDispatch.employee_id).where(ReportDispatch.kind == kind, ReportDispatch.period == period,
                                                        ReportDispatch.employee_id.in_(chunk))).scalars())
    fresh = [i for i in employee_ids if i not in done]
    db.session.add_all(ReportDispatch(kind=kind, employee_id=i, period=period,
                                      sent_by_user_id=user.id if user else None) for i in fresh)
    db.session.flush()
    return fresh


def _shortfalls(row, rules, locale: str = "zh_Hant_TW") -> list[str]:
    lines = []
    for i, rule in enumerate(rules):
        required, certified = row._mapping[f"r{i}"], row._mapping[f"c{i}"]
        if required is not None and float(certified) < float(required):
            lines.append(_("%(rule)s: %(done)s of %(required)s hours", rule=rule.label(locale),
                           done=f"{float(certified):g}", required=f"{float(required):g}"))
    return lines


def remind_behind(user: User, agency: Agency, year: int, today: date | None = None) -> ReminderResult:
    """Notify every person in `agency`'s subtree (within the user's scope) who has not met the year's
    rules, except the sender; someone already reminded today is not reminded again, whoever clicked."""
    today = today or queries.local_today()
    st = queries.standing(year, agency.path, agency_scope(user), today)
    if st is None:
        raise RuleBrokenError(_("There are no hour rules for %(year)s.", year=year))
    rows = [r for r in queries.people(st, "behind", per_page=REMINDER_LIMIT) if r.employee_id != user.employee_id]
    fresh = set(_claim(REMINDER, [r.employee_id for r in rows], today.isoformat(), user))
    employees = {e.id: e for e in db.session.execute(sa.select(Employee).where(Employee.id.in_(fresh))).scalars()} \
        if fresh else {}
    link = MY_LEARNING
    for row in rows:
        if row.employee_id in employees:
            body = "\n".join([_("You have not yet met this year's learning-hour requirements:"),
                              *_shortfalls(row, st.rules)])
            notify(employees[row.employee_id], _("Reminder: learning hours for %(year)s", year=year), body,
                   kind="reports.reminder", link=link)
    return ReminderResult(len(employees), len(rows) - len(employees))


def supervisor_scope(supervisor: Employee) -> Scope:
    return Scope(False, (supervisor.agency.path,))


def send_monthly_report(supervisor_id: int, period: str, today: date | None = None) -> bool:
    """The monthly compliance report of one supervisor's unit; False when already sent (or nothing to send)."""
    supervisor = db.session.get(Employee, supervisor_id)
    if supervisor is None or not supervisor.is_active or not supervisor.is_supervisor:
        return False
    today = today or queries.local_today()
    st = queries.standing(today.year, supervisor.agency.path, supervisor_scope(supervisor), today)
    if st is None or not _claim(MONTHLY, [supervisor.id], period, None):
        return False
    _units, total = queries.unit_rows(st, supervisor.agency)
    behind = queries.people(st, "behind", per_page=BEHIND_LISTED)
    link = f"/reports/units/{supervisor.agency_id}"
    lines = [_("Learning-hour compliance of %(unit)s on %(day)s: %(rate)s %% (%(met)s of %(people)s people).",
               unit=supervisor.agency.name_zh, day=today.isoformat(), rate=total.rate, met=total.compliant,
               people=total.people),
             _("At risk of missing the requirement by 31 December: %(n)s.", n=total.at_risk), ""]
    if behind:
        lines.append(_("People behind:"))
        lines += [f"- {row.staff_no} {row.name_zh}: " + "; ".join(_shortfalls(row, st.rules)) for row in behind]
        if total.behind > len(behind):
            lines.append(_("… and %(n)s more.", n=total.behind - len(behind)))
    notify(supervisor, _("Monthly learning report %(period)s: %(unit)s", period=period, unit=supervisor.agency.name_zh),
           "\n".join(lines), kind="reports.monthly", link=link)
    return True


def monthly_period(today: date) -> str:
    return f"{today.year:04d}-{today.month:02d}"
