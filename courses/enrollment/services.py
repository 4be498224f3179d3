"""Every enrolment change: enrol (self or nominated), cancel, approve or decline, expire requests, give
seats in arrival order under the run's row lock, promote from the waitlist within agency quotas,
release seats whose blended pre-work is late, and the run's policy."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from courses.enrollment import certificates, events, notices, queries
from courses.enrollment.models import Enrollment, RunPolicy
from courses.scheduling.models import LOCAL_TZ, ClassRun
from lms.agencies.models import Agency
from lms.auth.models import User
from lms.db import utcnow
from lms.errors import ConflictError, PermissionDeniedError, RuleBrokenError, ValidationFailed
from lms.extensions import db
from lms.people.models import RANK_CLASSES, Employee


def local_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(LOCAL_TZ).date()


# ---- the run's policy -----------------------------------------------------------------------------------

def ensure_policy(run: ClassRun) -> RunPolicy:
    policy = db.session.get(RunPolicy, run.id)
    if policy is None:
        blended = run.course.delivery_mode == "blended"
        policy = RunPolicy(run_id=run.id, approval_required=False, approval_days=7, cancel_days_before=3,
                           supervisors_only=False, rank_classes="", min_attendance_share=0.8,
                           online_required=blended, prework_days_before=3)
        db.session.add(policy)
        db.session.flush()
    return policy


@dataclass(frozen=True)
class PolicyData:
    approval_required: bool = False
    approval_days: int | None = 7
    cancel_days_before: int | None = 3
    agency_quota: int | None = None
    supervisors_only: bool = False
    rank_classes: tuple[str, ...] = field(default_factory=tuple)
    min_attendance_share: float | None = 0.8
    online_required: bool = False
    pass_mark: float | None = None
    prework_days_before: int | None = 3


def update_policy(run: ClassRun, data: PolicyData) -> RunPolicy:
    errors = []
    if data.approval_days is None or not 1 <= data.approval_days <= 60:
        errors.append(("approval_days", _("Give supervisors between 1 and 60 days.")))
    if data.cancel_days_before is None or not 0 <= data.cancel_days_before <= 60:
        errors.append(("cancel_days_before", _("The cancellation deadline is 0 to 60 days before the start.")))
    if data.agency_quota is not None and not 1 <= data.agency_quota <= run.capacity:
        errors.append(("agency_quota", _("An agency quota is between 1 and the capacity (%(n)s).", n=run.capacity)))
    if unknown := set(data.rank_classes) - set(RANK_CLASSES):
        errors.append(("rank_classes", _("Unknown rank classes: %(codes)s", codes=", ".join(sorted(unknown)))))
    if data.min_attendance_share is None or not 0 <= data.min_attendance_share <= 1:
        errors.append(("min_attendance_share", _("The attendance share is between 0 and 1.")))
    if data.pass_mark is not None and not 0 <= data.pass_mark <= 100:
        errors.append(("pass_mark", _("The pass mark is between 0 and 100.")))
    if data.prework_days_before is None or not 0 <= data.prework_days_before <= 60:
        errors.append(("prework_days_before", _("The pre-work deadline is 0 to 60 days before the classroom.")))
    if errors:
        raise ValidationFailed(errors)
    policy = ensure_policy(run)
    for name in PolicyData.__dataclass_fields__:
        value = getattr(data, name)
        setattr(policy, name, ",".join(value) if name == "rank_classes" else value)
    db.session.flush()
    return policy


# ---- locking and counting ----------------------------------------------------------------------------

def lock_run(run_id: int) -> ClassRun:
    """Take the run's row lock (SELECT ... FOR UPDATE; SQLite serialises writers anyway) so that seat
    counting, the arrival sequence and the change that follows happen one request at a time."""
    locked = db.session.execute(
        db.select(ClassRun.id).where(ClassRun.id == run_id).with_for_update()).scalar()
    if locked is None:
        raise ValidationFailed([("run", _("The class run does not exist."))])
    return db.session.get(ClassRun, run_id)


def top_agency_path(agency: Agency) -> str:
    """The 機關 a unit belongs to (the tree's second level): quotas count the whole agency."""
    parts = agency.path.split("/")
    return "/".join(parts[:2])


def _agency_has_room(run: ClassRun, policy: RunPolicy, employee: Employee) -> bool:
    if policy.agency_quota is None:
        return True
    return queries.seated_in_agency(run.id, top_agency_path(employee.agency)) < policy.agency_quota


def _next_seq(run_id: int) -> int:
    highest = db.session.execute(db.select(db.func.max(Enrollment.seq)).where(Enrollment.run_id == run_id)).scalar()
    return (highest or 0) + 1


def _place(run: ClassRun, policy: RunPolicy, enrollment: Enrollment, now: datetime, promoted: bool = False):
    """Seat the enrolment if a seat is free and its agency is under quota, else put it on the waitlist.
    The caller holds the run lock."""
    if queries.seated_count(run.id) < run.capacity and _agency_has_room(run, policy, enrollment.employee):
        enrollment.status, enrollment.seated_at = "seated", now
        db.session.flush()
        events.record(events.PROMOTED if promoted else events.REGISTERED, enrollment)
        notices.promoted(enrollment) if promoted else notices.confirmed(enrollment)
    else:
        enrollment.status = "waitlisted"
        db.session.flush()
        position = queries.waitlist_position(enrollment)
        events.record(events.WAITLISTED, enrollment, position=position)
        notices.waitlisted(enrollment, position)


def promote_waitlisted(run: ClassRun, now: datetime | None = None, require_prework: bool = False) -> list[Enrollment]:
    """Fill free seats from the waitlist in arrival order, skipping people whose agency is at its quota.
    The caller holds the run lock."""
    now = now or utcnow()
    policy = ensure_policy(run)
    promoted = []
    free = run.capacity - queries.seated_count(run.id)
    if free <= 0:
        return promoted
    for candidate in queries.waitlist(run.id):
        if free <= 0:
            break
        if require_prework and candidate.prework_done_at is None:
            continue
        if not _agency_has_room(run, policy, candidate.employee):
            continue
        candidate.status, candidate.seated_at = "seated", now
        db.session.flush()
        events.record(events.PROMOTED, candidate)
        notices.promoted(candidate)
        promoted.append(candidate)
        free -= 1
    return promoted


# ---- eligibility and enrolling --------------------------------------------------------------------------

def eligibility_problems(run: ClassRun, employee: Employee, policy: RunPolicy | None,
                         today: date) -> list[tuple[str, str]]:
    """Every reason this person cannot enrol in this run (empty: they can)."""
    problems = []
    if not employee.is_active:
        problems.append(("employee", _("The staff member is no longer active.")))
    if not run.enrolment_open_on(today):
        problems.append(("run", _("Enrolment for this run is not open.")))
    if policy is not None:
        if policy.supervisors_only and not employee.is_supervisor:
            problems.append(("audience", _("This run is for supervisors only.")))
        allowed = [c for c in policy.rank_classes.split(",") if c]
        if allowed and employee.rank_class not in allowed:
            problems.append(("audience", _("This run is not open to the staff member's rank class.")))
    missing = queries.missing_prerequisites(run.course, employee.id)
    if missing:
        problems.append(("prerequisites", _("Complete these courses first: %(codes)s",
                                            codes=", ".join(c.code for c in missing))))
    clash = queries.overlapping_run(run, employee.id)
    if clash is not None:
        problems.append(("overlap", _("Already enrolled in %(code)s at the same time.", code=clash.code)))
    return problems


def enroll(run: ClassRun, employee: Employee, *, via: str = "self", by_user: User | None = None,
           now: datetime | None = None) -> Enrollment:
    """Enrol one person: the eligibility rules, then a seat, the waitlist, or a request to the supervisor.
    Safe under a rush: everything after the run lock happens one request at a time."""
    # The rules that do not depend on the seats are checked before the lock, to keep the locked part short.
    problems = eligibility_problems(run, employee, queries.get_policy(run.id), local_today(now))
    run = lock_run(run.id)
    now = now or utcnow()   # after the lock: arrival times follow the arrival sequence
    policy = ensure_policy(run)
    enrollment = queries.enrollment_for(run.id, employee.id)
    if enrollment is not None and enrollment.active:
        raise ConflictError(_("%(name)s is already enrolled in this run.", name=employee.name_zh),
                            [("employee", _("Already enrolled in this run."))])
    if problems:
        raise RuleBrokenError("; ".join(m for _f, m in problems), problems)
    seq = _next_seq(run.id)
    if enrollment is None:
        enrollment = Enrollment(run_id=run.id, employee_id=employee.id, status="waitlisted", seq=seq,
                                requested_at=now)
        db.session.add(enrollment)
    enrollment.seq, enrollment.via, enrollment.requested_at = seq, via, now
    enrollment.nominated_by_id = by_user.id if by_user is not None and via == "nomination" else None
    enrollment.seated_at = enrollment.cancelled_at = enrollment.decided_at = enrollment.decided_by_id = None
    enrollment.cancel_reason = enrollment.decision_reason = ""
    enrollment.run, enrollment.employee = run, employee
    if policy.approval_required and via == "self":
        enrollment.status = "pending"
        enrollment.approval_due_at = now + timedelta(days=policy.approval_days)
        db.session.flush()
        events.record(events.REQUESTED, enrollment, due=enrollment.approval_due_at.isoformat())
        notices.approval_requested(enrollment, queries.supervisors_of(employee))
        return enrollment
    db.session.flush()
    _place(run, policy, enrollment, now)
    return enrollment


def cancel_deadline(run: ClassRun, policy: RunPolicy | None) -> date:
    days = policy.cancel_days_before if policy is not None else 3
    return run.starts_on - timedelta(days=days)


def cancel(enrollment: Enrollment, *, by_user: User | None = None, reason: str = "", override: bool = False,
           now: datetime | None = None, promote: bool = True) -> Enrollment:
    """Cancel an enrolment; a freed seat goes to the next in line (unless the whole run is cancelled).
    Learners cancel until the deadline, administrators (override) at any time."""
    now = now or utcnow()
    run = lock_run(enrollment.run_id)
    db.session.refresh(enrollment)
    if not enrollment.active:
        raise ConflictError(_("This enrolment is not active."))
    policy = ensure_policy(run)
    if not override and local_today(now) > cancel_deadline(run, policy):
        raise RuleBrokenError(_("Cancellations closed on %(day)s; ask the training centre.",
                                day=cancel_deadline(run, policy).isoformat()))
    was_seated = enrollment.status == "seated"
    enrollment.status, enrollment.cancelled_at, enrollment.cancel_reason = "cancelled", now, (reason or "")[:400]
    db.session.flush()
    events.record(events.CANCELLED, enrollment, actor_user_id=by_user.id if by_user else None,
                  was_seated=was_seated, reason=enrollment.cancel_reason)
    notices.cancelled(enrollment)
    if was_seated and promote:
        promote_waitlisted(run, now)
    return enrollment


def decide(enrollment: Enrollment, approve: bool, *, by_user: User, reason: str = "",
           now: datetime | None = None) -> Enrollment:
    """The supervisor's answer to a pending request; declining needs a reason."""
    now = now or utcnow()
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationFailed([("reason", _("Say why the request is declined."))])
    run = lock_run(enrollment.run_id)
    db.session.refresh(enrollment)
    if enrollment.status != "pending":
        raise ConflictError(_("This request has already been answered."))
    enrollment.decided_by_id, enrollment.decided_at, enrollment.decision_reason = by_user.id, now, reason[:400]
    if approve:
        db.session.flush()
        events.record(events.APPROVED, enrollment, actor_user_id=by_user.id)
        notices.decided(enrollment, True)
        _place(run, ensure_policy(run), enrollment, now)
    else:
        enrollment.status = "declined"
        db.session.flush()
        events.record(events.DECLINED, enrollment, actor_user_id=by_user.id, reason=enrollment.decision_reason)
        notices.decided(enrollment, False)
    return enrollment


def expire_requests(now: datetime | None = None) -> int:
    """Requests nobody answered in time lapse, with a notice. Safe to run twice."""
    now = now or utcnow()
    count = 0
    for enrollment_id in queries.overdue_request_ids(now):
        enrollment = db.session.get(Enrollment, enrollment_id)
        lock_run(enrollment.run_id)
        db.session.refresh(enrollment)
        if enrollment.status != "pending":
            continue
        enrollment.status = "expired"
        db.session.flush()
        events.record(events.EXPIRED, enrollment)
        notices.expired(enrollment)
        count += 1
    return count


# ---- blended runs: the online pre-work gates the classroom seat ------------------------------------------

def record_prework(enrollment: Enrollment, done: bool = True, now: datetime | None = None) -> Enrollment:
    now = now or utcnow()
    if done and enrollment.prework_done_at is None:
        enrollment.prework_done_at = now
        db.session.flush()
        events.record(events.PREWORK_DONE, enrollment)
    elif not done and enrollment.prework_done_at is not None:
        enrollment.prework_done_at = None
        db.session.flush()
    return enrollment


def gate_prework(now: datetime | None = None) -> int:
    """Seats of people whose pre-work is not done N days before the first classroom session go back to the
    waitlist (at its end), and the seat goes to someone who has done it. Returns how many were moved."""
    now = now or utcnow()
    today = local_today(now)
    moved = 0
    for run_id in queries.runs_in_prework_window(today, now):
        run = lock_run(run_id)
        for enrollment in queries.seated_without_prework(run_id):
            seq = _next_seq(run_id)
            enrollment.status, enrollment.seated_at, enrollment.seq = "waitlisted", None, seq
            db.session.flush()
            position = queries.waitlist_position(enrollment)
            events.record(events.GATED, enrollment, position=position)
            notices.gated(enrollment, position)
            moved += 1
        promote_waitlisted(run, now, require_prework=True)
    return moved


# ---- nomination by an agency's training officer ----------------------------------------------------------

@dataclass
class NominationReport:
    seated: list[Employee] = field(default_factory=list)
    waitlisted: list[Employee] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)   # (staff number or name, reason)


def nominate(run: ClassRun, *, by_user: User, scope, employees: list[Employee] = (),
             staff_numbers: list[str] = (), now: datetime | None = None) -> NominationReport:
    """遴員: enrol several staff of the officer's agency at once; every person who cannot be nominated is
    reported with the reason, the others are seated or waitlisted like anyone else."""
    report = NominationReport()
    wanted: dict[int, Employee] = {e.id: e for e in employees}
    numbers = [n.strip().upper() for n in staff_numbers if n and n.strip()]
    found = queries.employees_by_staff_no(numbers)
    for number in dict.fromkeys(numbers):
        employee = found.get(number)
        if employee is None:
            report.refused.append((number, _("No staff member has this number.")))
        else:
            wanted.setdefault(employee.id, employee)
    for employee in wanted.values():
        label = f"{employee.staff_no} {employee.name_zh}"
        if not scope.covers(employee.agency):
            report.refused.append((label, _("Not in your agency.")))
            continue
        savepoint = db.session.begin_nested()
        try:
            enrollment = enroll(run, employee, via="nomination", by_user=by_user, now=now)
        except (ConflictError, RuleBrokenError, PermissionDeniedError) as exc:
            savepoint.rollback()
            report.refused.append((label, "; ".join(m for _f, m in exc.errors) or exc.message))
            continue
        savepoint.commit()
        (report.seated if enrollment.status == "seated" else report.waitlisted).append(employee)
    if not wanted and not report.refused:
        raise ValidationFailed([("staff_numbers", _("Choose staff or paste staff numbers."))])
    return report



# ---- completion results ---------------------------------------------------------------------------------

DIGITAL_MODES = ("online_prework", "remote")


@dataclass(frozen=True)
class ResultEntry:
    enrollment_id: int
    score: float | None = None
    prework_done: bool | None = None
    # A correction by hand: the outcome to set whatever the rules say, with the reason (audit trail).
    outcome: str | None = None
    reason: str = ""


def _scheduled_minutes(run: ClassRun) -> dict[str, int]:
    minutes: dict[str, int] = {}
    for session in run.sessions:
        minutes[session.mode] = minutes.get(session.mode, 0) + int(session.duration.total_seconds() // 60)
    return minutes


def hours_split(run: ClassRun) -> tuple[float, float]:
    """(digital, physical) credited hours of the run: the course's hours shared out by the scheduled minutes of
    online and remote sessions (數位) against classroom sessions (實體)."""
    total = float(run.course.credited_hours)
    scheduled = _scheduled_minutes(run)
    all_minutes = sum(scheduled.values())
    if not all_minutes:
        digital = total if run.course.delivery_mode in ("remote", "online") else 0.0
        return digital, total - digital
    digital = round(total * sum(scheduled.get(m, 0) for m in DIGITAL_MODES) / all_minutes, 1)
    return digital, round(total - digital, 1)


def evaluate(enrollment: Enrollment, policy: RunPolicy, attended_by_mode: dict[str, int]) -> str:
    """The outcome the run's rules give: failed (exam below the pass mark), not completed (too little
    attendance, pre-work not done, no exam score yet) or completed."""
    run = enrollment.run
    scheduled = _scheduled_minutes(run)
    timed = sum(scheduled.get(m, 0) for m in ("in_person", "remote"))
    attended = sum(attended_by_mode.get(m, 0) for m in ("in_person", "remote"))
    if policy.pass_mark is not None and enrollment.score is not None and enrollment.score < policy.pass_mark:
        return "failed"
    if timed and attended / timed < policy.min_attendance_share:
        return "not_completed"
    if policy.online_required and run.course.delivery_mode == "blended" and enrollment.prework_done_at is None:
        return "not_completed"
    if policy.pass_mark is not None and enrollment.score is None:
        return "not_completed"
    return "completed"


def _apply_outcome(enrollment: Enrollment, outcome: str, *, by_user: User | None, reason: str,
                   attended_timed: int | None, now: datetime) -> bool:
    """Set the outcome and credited hours; record the event and tell the learner when something changed.
    `attended_timed` is None when attendance is unknown (offline results imported from a file)."""
    digital, physical = hours_split(enrollment.run) if outcome == "completed" else (0.0, 0.0)
    before = (enrollment.outcome, enrollment.digital_hours, enrollment.physical_hours)
    enrollment.no_show = attended_timed == 0 and any(s.mode != "online_prework" for s in enrollment.run.sessions)
    if before == (outcome, digital, physical):
        return False
    enrollment.outcome, enrollment.digital_hours, enrollment.physical_hours = outcome, digital, physical
    enrollment.completed_at = now if outcome == "completed" else None
    db.session.flush()
    policy = ensure_policy(enrollment.run)
    score = [enrollment.score, 0, 100] if enrollment.score is not None else None
    events.record(events.OUTCOME_KINDS[outcome], enrollment, actor_user_id=by_user.id if by_user else None,
                  hours=enrollment.credited_hours, digital_hours=digital, physical_hours=physical,
                  minutes_attended=enrollment.minutes_attended, score=score,
                  success=outcome == "completed", completion=outcome == "completed",
                  pass_mark=policy.pass_mark, previous_outcome=before[0], reason=reason)
    if outcome == "completed":
        certificates.request_certificate(enrollment)
    else:
        certificates.revoke_for(enrollment)
        notices.result(enrollment, None)
    return True


def record_results(run: ClassRun, entries: list[ResultEntry], *, by_user: User | None = None,
                   now: datetime | None = None) -> int:
    """Bulk results for a run: scores, pre-work, corrections; every seated person's outcome is (re)computed by
    the run's rules unless a correction sets it. Returns how many outcomes changed."""
    from courses.attendance import queries as attendance_queries

    now = now or utcnow()
    seated = {e.id: e for e in queries.roster(run.id, ("seated",))}
    errors = []
    for entry in entries:
        if entry.enrollment_id not in seated:
            errors.append(("results", _("Enrolment %(id)s has no seat in this run.", id=entry.enrollment_id)))
            continue
        who = seated[entry.enrollment_id].employee.staff_no   # a long roster: say whose row to fix
        if entry.score is not None and not 0 <= entry.score <= 100:
            errors.append(("results", f'{who} {_("A score is between 0 and 100.")}'))
        if entry.outcome is not None and entry.outcome not in ("completed", "not_completed", "failed"):
            errors.append(("results", f'{who} {_("Unknown result: %(value)s", value=entry.outcome)}'))
        if entry.outcome is not None and not entry.reason.strip():
            errors.append(("results", f'{who} {_("A correction needs a reason.")}'))
    if errors:
        raise ValidationFailed(errors)
    by_id = {entry.enrollment_id: entry for entry in entries}
    policy = ensure_policy(run)
    attended = attendance_queries.minutes_by_mode(list(seated))
    changed = 0
    for enrollment in seated.values():
        entry = by_id.get(enrollment.id, ResultEntry(enrollment.id, score=enrollment.score))
        enrollment.score = entry.score
        if entry.prework_done is not None:
            record_prework(enrollment, entry.prework_done, now)
        outcome = entry.outcome or evaluate(enrollment, policy, attended[enrollment.id])
        timed = sum(attended[enrollment.id].get(m, 0) for m in ("in_person", "remote"))
        changed += _apply_outcome(enrollment, outcome, by_user=by_user, reason=entry.reason.strip(),
                                  attended_timed=timed, now=now)
    return changed


@dataclass
class CompletionImportReport:
    rows: list[tuple[int, str, str, str]] = field(default_factory=list)   # (line, who, ok|error, message)

    @property
    def accepted(self) -> int:
        return sum(1 for r in self.rows if r[2] == "ok")


OUTCOME_WORDS = {"completed": "completed", "1": "completed", "通過": "completed", "完訓": "completed",
                 "y": "completed", "not_completed": "not_completed", "0": "not_completed",
                 "未完訓": "not_completed", "failed": "failed", "未通過": "failed"}


def import_completions(run: ClassRun, rows: list[dict[str, str]], *, by_user: User | None = None,
                       now: datetime | None = None) -> CompletionImportReport:
    """Results of offline training from a CSV (staff number, result, score): people not enrolled yet are
    added to the run as seated. Each row is reported; good rows are recorded, bad ones are not."""
    from courses.attendance.services import STAFF_NO_COLUMNS, pick

    now = now or utcnow()
    report = CompletionImportReport()
    for line, row in enumerate(rows, start=2):
        staff_no = pick(row, *STAFF_NO_COLUMNS).upper()
        raw_outcome = pick(row, "outcome", "result", "結果", "通過").lower()
        outcome = OUTCOME_WORDS.get(raw_outcome)
        raw_score = pick(row, "score", "成績", "訓練成績")
        problems = []
        employee = queries.employees_by_staff_no([staff_no]).get(staff_no) if staff_no else None
        if employee is None:
            problems.append(_("No staff member has this number."))
        if outcome is None:
            problems.append(_("Unknown result: %(value)s", value=raw_outcome or "—"))
        try:
            score = float(raw_score) if raw_score else None
            if score is not None and not 0 <= score <= 100:
                raise ValueError
        except ValueError:
            problems.append(_("A score is between 0 and 100."))
            score = None
        if problems:
            report.rows.append((line, staff_no or "—", "error", "; ".join(problems)))
            continue
        enrollment = queries.enrollment_for(run.id, employee.id)
        if enrollment is None:
            enrollment = Enrollment(run_id=run.id, employee_id=employee.id, status="seated", seq=_next_seq(run.id),
                                    via="import", requested_at=now, seated_at=now)
            db.session.add(enrollment)
            db.session.flush()
            events.record(events.REGISTERED, enrollment, actor_user_id=by_user.id if by_user else None, imported=True)
        elif enrollment.status != "seated":
            enrollment.status, enrollment.seated_at = "seated", now
        enrollment.score = score
        _apply_outcome(enrollment, outcome, by_user=by_user, reason=_("Imported from a file"),
                       attended_timed=None, now=now)
        report.rows.append((line, staff_no, "ok", f"{employee.name_zh}: {outcome}"))
    return report


# ---- the day-before reminder ------------------------------------------------------------------------------

def send_reminders(now: datetime | None = None) -> int:
    """Tell everyone seated in a run whose session is tomorrow (Taipei date); once per person and day."""
    now = now or utcnow()
    tomorrow = local_today(now) + timedelta(days=1)
    sent = 0
    for session in queries.sessions_on(tomorrow):
        for enrollment in queries.roster(session.run_id, ("seated",)):
            if enrollment.reminded_on == tomorrow:
                continue
            enrollment.reminded_on = tomorrow
            notices.reminder(enrollment, session)
            sent += 1
    db.session.flush()
    return sent
