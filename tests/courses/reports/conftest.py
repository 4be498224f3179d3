"""A small city for the report tests: this year's national rules, staff in the Lingya precinct, its patrol
unit and the fire department, ledger records written straight into the projection, booked runs."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

_n = itertools.count(1)


@pytest.fixture
def year():
    from courses.reports.queries import local_today

    return local_today().year


@pytest.fixture
def rules(db, year):
    from lms.personnel.services import seed_national_rules

    return seed_national_rules(year)


@pytest.fixture
def record(db, year):
    """A ledger record: record(employee, hours, topics=("gender",), status="certified", year=...)."""
    from lms.personnel.models import LearningRecord, topic_codes

    def factory(employee, hours, topics=(), status="certified", on=None, course="C-REPORT", year_=None):
        n = next(_n)
        when = on or date(year_ or year, 3, 1)
        row = LearningRecord(source_ref=f"test:{n}", completion_key=f"key{n}", employee_id=employee.id,
                             agency_id=employee.agency_id, year=when.year, course_code=course,
                             course_title=f"課程{course}", completed_on=when, hours=hours, physical_hours=hours,
                             topic_codes=topic_codes(topics), status=status, job_related=True)
        db.session.add(row)
        db.session.flush()
        return row
    return factory


def comply(record, employee):
    """Records that meet every national rule for a 'general' cyber-role employee."""
    record(employee, 12, ())
    record(employee, 1, ("policy",))
    record(employee, 4, ("environment",))
    record(employee, 1, ("gender",))
    record(employee, 4, ("integrity",))
    record(employee, 3, ("cyber_general",))


@pytest.fixture
def staff(city, make_employee, record, rules):
    """Lingya: one compliant (direct), one behind (patrol); fire: one behind."""
    done = make_employee(city["lingya"], name_zh="達成者")
    comply(record, done)
    behind = make_employee(city["patrol"], name_zh="落後者")
    record(behind, 2, ("gender",))
    fire = make_employee(city["fire"], name_zh="消防員")
    return {"done": done, "behind": behind, "fire": fire}


@pytest.fixture
def supervisor(make_user, city):
    from lms.auth.models import Role

    return make_user(Role.SUPERVISOR, agency=city["lingya"])


@pytest.fixture
def book(db, make_course, make_run):
    """Seat an employee in a run of a course tagged `topics` starting on `starts_on` (days × 6 h)."""
    from courses.catalogue.services import ensure_mandated_topics
    from courses.enrollment.models import Enrollment
    from lms.db import utcnow

    ensure_mandated_topics()

    def factory(employee, starts_on, days=1, topics=(), status="seated", mode="in_person"):
        course = make_course(topic_codes=tuple(topics), delivery_mode=mode)
        run = make_run(course, year=starts_on.year, starts_on=starts_on, ends_on=starts_on, days=days, capacity=30)
        enrolment = Enrollment(run_id=run.id, employee_id=employee.id, status=status, seq=next(_n),
                               requested_at=utcnow())
        db.session.add(enrolment)
        db.session.flush()
        return enrolment
    return factory
