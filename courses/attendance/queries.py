"""Read side of attendance: the marks of one session, the sessions of a run with their attendance counts."""
from __future__ import annotations

from courses.attendance.models import Attendance
from lms.extensions import db


def attendance_by_enrollment(session_id: int) -> dict[int, Attendance]:
    rows = db.session.execute(db.select(Attendance).filter_by(session_id=session_id)).scalars()
    return {row.enrollment_id: row for row in rows}


def minutes_by_mode(enrollment_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per enrolment: minutes attended per session mode (in_person, remote, online_prework)."""
    from courses.scheduling.models import ClassSession

    result: dict[int, dict[str, int]] = {e: {} for e in enrollment_ids}
    if enrollment_ids:
        stmt = (db.select(Attendance.enrollment_id, ClassSession.mode, db.func.sum(Attendance.minutes))
                .join(ClassSession, Attendance.session_id == ClassSession.id)
                .where(Attendance.enrollment_id.in_(enrollment_ids))
                .group_by(Attendance.enrollment_id, ClassSession.mode))
        for enrollment_id, mode, minutes in db.session.execute(stmt):
            result[enrollment_id][mode] = int(minutes or 0)
    return result
