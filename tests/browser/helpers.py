"""Steps every browser journey shares: signing in and out as a demo account (the Chinese pages)."""
from typing import NamedTuple

from lms.demo import DEMO_PASSWORD


def sign_in(page, base, staff_no, password=DEMO_PASSWORD):
    page.goto(base + "/login")
    page.get_by_label("員工編號或電子郵件").fill(staff_no)
    page.get_by_label("密碼").fill(password)
    page.get_by_role("button", name="登入").click()


def sign_out(page):
    page.get_by_role("button", name="登出").click()


def shown(locator) -> bool:
    """Whether `locator` becomes visible within the page's timeout: a message on the page a form submission loads,
    which `is_visible()` could look for while the old page is still there."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        locator.wait_for()
    except PlaywrightTimeout:
        return False
    return True


# ---- state a journey starts from, made through the app's services (call inside an app context) ----------

def staff(number: str):
    from lms.extensions import db
    from lms.people.models import Employee

    return db.session.execute(db.select(Employee).filter_by(staff_no=number)).scalar_one()


def open_class(code: str, title_zh: str, *, starts_on, capacity: int, approval: bool = False):
    """A new course `code` with one class run open for enrolment until the day before `starts_on`: one
    morning session in the journeys' test room, taught by the demo instructor I0001. The caller commits."""
    from datetime import time, timedelta

    from courses.catalogue.services import CourseData, create_course, upsert_category
    from courses.enrollment.services import PolicyData, local_today, update_policy
    from courses.scheduling.models import Instructor, Room, Venue
    from courses.scheduling.services import (RunData, SessionData, add_session, create_run, save_instructor,
                                             save_room, save_venue)
    from lms.extensions import db

    upsert_category("JOURNEY", "資訊安全", "Cybersecurity")
    course = create_course(CourseData(code=code, title_zh=title_zh, category_code="JOURNEY", credited_hours=3,
                                      agency_code=staff("A0001").agency.code))
    run = create_run(course, RunData(year=starts_on.year, starts_on=starts_on, ends_on=starts_on, capacity=capacity,
                                     status="open", enrol_opens_on=min(local_today(), starts_on) - timedelta(days=1),
                                     enrol_closes_on=starts_on - timedelta(days=1)))
    if approval:
        update_policy(run, PolicyData(approval_required=True))
    room = db.session.execute(db.select(Room).join(Venue).where(Venue.name_zh == "旅程測試中心")).scalar() \
        or save_room(save_venue("旅程測試中心"), "101", 30)
    teacher = db.session.execute(db.select(Instructor).filter_by(employee_id=staff("I0001").id)).scalar_one_or_none() \
        or save_instructor("", employee=staff("I0001"))
    add_session(run, SessionData(day=starts_on, start=time(9), end=time(12), room_id=room.id,
                                 instructor_ids=(teacher.id,)))
    return run


def class_day_is_today(app, run_id: int) -> None:
    """Time passes: the run's one session now runs from ten minutes ago for three hours."""
    from datetime import datetime, timedelta, timezone

    from courses.scheduling.models import ClassRun
    from lms.extensions import db

    with app.app_context():
        run = db.session.get(ClassRun, run_id)
        now = datetime.now(timezone.utc).replace(microsecond=0)
        session = run.sessions[0]
        session.starts_at, session.ends_at = now - timedelta(minutes=10), now + timedelta(minutes=170)
        run.starts_on = run.ends_on = session.local_start.date()
        run.enrol_opens_on = run.enrol_closes_on = None
        run.status = "running"
        db.session.commit()
        db.session.remove()


class ArrangedClass(NamedTuple):
    id: int
    code: str
    year: int
    names: dict   # staff number -> Chinese name, of the people seated


def arrange_class(app, prefix: str, title_zh: str, *, days_ahead: int, capacity: int, seated=(),
                  today: bool = False) -> ArrangedClass:
    """A new class `prefix-XXXX` (open_class) starting in `days_ahead` days with the `seated` staff enrolled,
    committed; with `today`, its session runs now (class_day_is_today)."""
    import secrets
    from datetime import timedelta

    from courses.enrollment.services import enroll, local_today
    from lms.extensions import db

    with app.app_context():
        code = f"{prefix}-{secrets.token_hex(2).upper()}"
        run = open_class(code, f"{title_zh} {code}", starts_on=local_today() + timedelta(days=days_ahead),
                         capacity=capacity)
        names = {}
        for number in seated:
            person = staff(number)
            enroll(run, person)
            names[number] = person.display_name("zh")
        db.session.commit()
        arranged = ArrangedClass(run.id, run.code, run.year, names)
        db.session.remove()
    if today:
        class_day_is_today(app, arranged.id)
    return arranged
