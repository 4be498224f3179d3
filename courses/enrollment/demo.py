"""Demo enrolments on the demo runs (courses/demo.py): finished history runs with attendance, results and a
few certificates, the fire-safety class's follow-up survey (93.75 % yes), and seats and waitlists on the
2026 runs that are open, the demo learner L0001 among them. Called by `flask lms seed-demo`."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Callable

from courses.attendance.models import Attendance
from courses.enrollment import certificates, events, services
from courses.enrollment.models import Enrollment
from courses.evaluation.models import FollowUpSurvey, ReactionResponse
from courses.scheduling.models import LOCAL_TZ, ClassRun
from lms.errors import DomainError
from lms.extensions import db
from lms.people.models import Employee

# The fire-safety class of the seeds: 35 certified, 16 supervisors answered, 15 said yes (93.75 %).
FIRE_CLASS = "FIRE-201"
FOLLOW_UP = (16, 15)


def _history(run: ClassRun, people: list[Employee], rng: random.Random) -> list[Enrollment]:
    """Seated, attended and graded: about one in eight did not make it (a no-show or too little attendance)."""
    digital, physical = services.hours_split(run)
    finished_at = datetime.combine(run.ends_on, time(17), tzinfo=LOCAL_TZ)
    enrollments = []
    for seq, employee in enumerate(people, start=1):
        outcome = "completed" if rng.random() > 0.12 else "not_completed"
        no_show = outcome == "not_completed" and rng.random() < 0.5
        enrollment = Enrollment(run_id=run.id, employee_id=employee.id, status="seated", seq=seq, via="nomination",
                                requested_at=finished_at - timedelta(days=60), seated_at=finished_at - timedelta(days=60),
                                outcome=outcome, no_show=no_show, score=rng.randint(70, 98),
                                digital_hours=digital if outcome == "completed" else 0,
                                physical_hours=physical if outcome == "completed" else 0,
                                completed_at=finished_at if outcome == "completed" else None)
        db.session.add(enrollment)
        enrollments.append(enrollment)
    db.session.flush()
    rows = []
    for session in run.sessions:
        length = int(session.duration.total_seconds() // 60)
        for enrollment in enrollments:
            minutes = 0 if enrollment.no_show else length if enrollment.outcome == "completed" else length // 2
            rows.append({"session_id": session.id, "enrollment_id": enrollment.id, "minutes": minutes,
                         "method": "manual", "leave_type": "" if minutes else "absent"})
    if rows:
        db.session.execute(db.insert(Attendance), rows)
    for enrollment in enrollments:
        enrollment.minutes_attended = sum(r["minutes"] for r in rows if r["enrollment_id"] == enrollment.id)
    db.session.flush()
    for enrollment in enrollments:
        # The results become xAPI statements dated when the class ended, and so hours in the ledger.
        done = enrollment.outcome == "completed"
        events.record(events.OUTCOME_KINDS[enrollment.outcome], enrollment, occurred_at=finished_at,
                      hours=enrollment.credited_hours, digital_hours=enrollment.digital_hours,
                      physical_hours=enrollment.physical_hours, minutes_attended=enrollment.minutes_attended,
                      score=[enrollment.score, 0, 100], success=done, completion=done)
    return enrollments


def _follow_up(enrollments: list[Enrollment], boss: Employee | None) -> None:
    asked, yes = FOLLOW_UP
    done = [e for e in enrollments if e.outcome == "completed"][:asked]
    for n, enrollment in enumerate(done):
        db.session.add(FollowUpSurvey(enrollment_id=enrollment.id, supervisor_id=boss.id if boss else None,
                                      due_on=enrollment.completed_at.date() + timedelta(days=90), comment="",
                                      sent_at=enrollment.completed_at + timedelta(days=90),
                                      answered_at=enrollment.completed_at + timedelta(days=95), improved=n < yes))
        db.session.add(ReactionResponse(enrollment_id=enrollment.id, satisfaction=4 + n % 2, usefulness=5, comment=""))


def seed_demo(staff_count: int, echo: Callable[[str], None] = print) -> None:
    if db.session.execute(db.select(Enrollment.id).limit(1)).scalar() is not None:
        echo("Enrolments already present; the enrolment demo data was not added.")
        return
    rng = random.Random(2023)
    staff = list(db.session.execute(db.select(Employee).where(Employee.is_active.is_(True))
                                    .order_by(Employee.staff_no)).scalars())
    learners = [e for e in staff if e.staff_no[0] not in "AIOSX"]
    if not learners:
        echo("No staff to enrol; the enrolment demo data was not added.")
        return
    runs = list(db.session.execute(db.select(ClassRun).order_by(ClassRun.starts_on, ClassRun.code)).scalars())
    boss = db.session.execute(db.select(Employee).filter_by(staff_no="S0001")).scalar_one_or_none()
    history = 0
    for run in (r for r in runs if r.status == "finished"):
        people = rng.sample(learners, min(len(learners), run.capacity))
        enrollments = _history(run, people, rng)
        history += len(enrollments)
        if run.course.code == FIRE_CLASS:
            _follow_up(enrollments, boss)
            # One real PDF to look at; the rest come from the run's "generate certificates" button.
            certificates.request_certificate(next(e for e in enrollments if e.outcome == "completed"))
    seated = waitlisted = 0
    today = services.local_today()
    open_runs = [r for r in runs if r.enrolment_open_on(today)]
    for n, run in enumerate(open_runs[:6]):
        wanted = rng.sample(learners, min(len(learners), run.capacity // 3 + (run.capacity + 3 if n == 0 else 0)))
        first = [e for e in staff if e.staff_no == "L0001"] if n == 0 else []
        for employee in first + [e for e in wanted if e.staff_no != "L0001"]:
            try:
                enrollment = services.enroll(run, employee, via="nomination")
            except DomainError:
                continue
            seated += enrollment.status == "seated"
            waitlisted += enrollment.status == "waitlisted"
    db.session.flush()
    echo(f"Seeded {history} past enrolments with attendance and results, and {seated} seats and "
         f"{waitlisted} waitlisted places on {min(len(open_runs), 6)} open runs.")
