"""What the reports change: reminders to the people behind (once per person per day) and the monthly
report to each supervisor (once per supervisor per month). Both record a ReportDispatch row first, so
running them twice sends once; they flush and never commit."""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from courses.reports import queries
from courses.reports.models import (
    MONTHLY, REMINDER, ReportDispatch, ReportSnapshot, ReportStanding, ReportStandingRule,
)
from lms.agencies.models import Agency
from lms.auth.models import User
from lms.auth.permissions import Scope, agency_scope
from lms.db import utcnow
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


# --- the stored standing ------------------------------------------------------------------------


def _lock_snapshot(year: int, today: date) -> ReportSnapshot:
    """The year's snapshot row, created if missing and locked (FOR UPDATE on PostgreSQL; SQLite has one
    writer anyway), so two refreshes of a year run one after the other instead of colliding."""
    found = db.session.execute(sa.select(ReportSnapshot).where(ReportSnapshot.year == year)
                               .with_for_update()).scalar_one_or_none()
    if found is not None:
        return found
    try:
        with db.session.begin_nested():
            db.session.add(ReportSnapshot(year=year, signature="", as_of=today))
    except sa.exc.IntegrityError:  # another refresh created it first: wait for its lock
        pass
    return db.session.execute(sa.select(ReportSnapshot).where(ReportSnapshot.year == year)
                              .with_for_update()).scalar_one()


def refresh_standings(year: int, today: date | None = None,
                      unless_younger_than: int | None = None) -> ReportSnapshot | None:
    """Recompute and store every active person's standing against `year`'s rules, for the whole city,
    in set-based statements (the live standing computed once, unpivoted into one row per person and
    rule; each person's enrolments and completions). None when the year has no rules.
    `unless_younger_than` (seconds): keep a snapshot of today and of these rules that is younger, as
    when several pages queued a refresh of the same old snapshot and an earlier one has just run.
    Flushes; the caller's request or task commits."""
    today = today or queries.local_today()
    st = queries.standing(year, None, Scope(True), today)
    if st is None:
        return None
    started = time.perf_counter()
    snap, signature = _lock_snapshot(year, today), queries.rules_signature(st.rules)
    if (unless_younger_than is not None and snap.signature == signature
            and snap.as_of == today and utcnow() - snap.refreshed_at < timedelta(seconds=unless_younger_than)):
        return snap
    rule_table, person_table = ReportStandingRule.__table__, ReportStanding.__table__
    db.session.execute(sa.delete(rule_table).where(rule_table.c.year == year))
    db.session.execute(sa.delete(person_table).where(person_table.c.year == year))
    live = st.query.cte("live").prefix_with("MATERIALIZED")
    per_rule = [sa.select(sa.literal(year), live.c.employee_id, sa.literal(i), live.c[f"c{i}"], live.c[f"p{i}"],
                          live.c[f"r{i}"], live.c[f"b{i}"], live.c[f"f{i}"]) for i in range(len(st.rules))]
    db.session.execute(sa.insert(rule_table).from_select(
        ["year", "employee_id", "rule_index", "certified", "pending", "required", "booked", "projected"],
        sa.union_all(*per_rule)))
    # Each person's summary from the rows just stored (the same columns a report reads).
    stored = queries.stored_rules_query(year, st.rules, [Employee.is_active.is_(True)],
                                        queries.activity_of_everyone(year)).subquery("stored")
    summary = ["enrolments", "completions", "met", "owed", "compliant", "at_risk", "hours"]
    db.session.execute(sa.insert(person_table).from_select(
        ["year", "employee_id", *summary], sa.select(sa.literal(year), stored.c.employee_id,
                                                     *(stored.c[name] for name in summary))))
    people = db.session.execute(sa.select(sa.func.count()).select_from(person_table)
                                .where(person_table.c.year == year)).scalar_one()
    snap.signature, snap.as_of, snap.refreshed_at = signature, today, utcnow()
    snap.people, snap.seconds = people, round(time.perf_counter() - started, 3)
    db.session.flush()
    return snap


@dataclass(frozen=True)
class ReportStandingResult:
    standing: queries.Standing
    snapshot: ReportSnapshot
    stale: bool    # older than the configured age: the caller should ask for a background refresh


def report_standing(year: int, path: str | None, scope: Scope, max_age_seconds: int) -> ReportStandingResult | None:
    """The stored standing of the subtree at `path` within `scope`. Computed now when the year has no
    snapshot or its rules changed since (stored figures would be wrong, not only old); `stale` when it
    is older than `max_age_seconds`. None when the year has no rules."""
    rule_set = queries.ledger.requirement_set(year)
    if rule_set is None or not rule_set.rules:
        return None
    rules = list(rule_set.rules)
    snap = queries.snapshot(year)
    if snap is None or snap.signature != queries.rules_signature(rules):
        snap = refresh_standings(year)
        stale = False
    else:
        stale = (utcnow() - snap.refreshed_at >= timedelta(seconds=max_age_seconds)
                 or snap.as_of != queries.local_today())
    return ReportStandingResult(queries.stored_standing(year, rules, path, scope, snap), snap, stale)
