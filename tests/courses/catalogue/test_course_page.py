"""The learner's course page: each upcoming run with its seats left and, per session, where or how to attend,
in a number of queries that does not grow with runs, sessions or enrolments."""
from datetime import time, timedelta

import pytest

from courses.catalogue.queries import Seats
from courses.enrollment import services as enrolment
from courses.scheduling.services import save_room, save_venue
from lms.stamps import fragment_cache


@pytest.fixture
def course_with_runs(db, make_course, open_run, add_session, make_employee):
    course = make_course(code="BLD-301", title_zh="智慧城市數位治理混成研習班", delivery_mode="blended")
    small = open_run(course=course, capacity=2, days=2)
    add_session(small, day=small.starts_on, start=time(13), end=time(16), mode="online_prework")
    add_session(small, day=small.starts_on + timedelta(days=1), mode="remote",
                meeting_url="https://meet.example.tw/bld-301", start=time(9), end=time(12))
    for _ in range(3):                                   # two seats taken, the third waits
        enrolment.enroll(small, make_employee())
    roomy = open_run(course=course, capacity=30, starts_in=60, session=False)
    venue = save_venue("高雄市政府四維行政中心", address="高雄市苓雅區四維三路2號")
    add_session(roomy, day=roomy.starts_on, room_id=save_room(venue, "第一會議室", 40).id)
    enrolment.enroll(roomy, make_employee())
    return {"course": course, "small": small, "roomy": roomy}


def run_section(html: str, run) -> str:
    start = html.index(f'id="run-{run.id}"')
    end = html.find('<section class="card" id="run-', start + 1)
    return html[start:end if end > 0 else len(html)]


def test_each_run_shows_its_seats_left(learner_client, course_with_runs):
    html = learner_client.get("/courses/BLD-301").get_data(as_text=True)
    small = run_section(html, course_with_runs["small"])
    roomy = run_section(html, course_with_runs["roomy"])
    assert "額滿" in small and "候補 1 人" in small and "尚餘" not in small
    assert "尚餘 29 個名額" in roomy and "額滿" not in roomy


def test_sessions_say_where_or_how_to_attend(learner_client, course_with_runs):
    html = learner_client.get("/courses/BLD-301").get_data(as_text=True)
    small = run_section(html, course_with_runs["small"])
    roomy = run_section(html, course_with_runs["roomy"])
    assert "線上預習，於實體課程前自行完成" in small
    assert 'href="https://meet.example.tw/bld-301"' in small
    assert "高雄市政府四維行政中心 第一會議室" in roomy and "高雄市苓雅區四維三路2號" in roomy


def test_seats_left_never_go_below_zero():
    assert Seats(capacity=2, seated=3, waitlisted=4).left == 0
    assert Seats(capacity=30, seated=1).left == 29


def test_course_page_query_count_does_not_grow(app, db, learner_client, course_with_runs, open_run, add_session,
                                               make_employee, count_queries):
    """Rendered afresh (its shared parts not cached: tests/courses/catalogue/test_cache.py)."""
    learner_client.get("/courses/BLD-301")               # warm up the session and templates
    fragment_cache().clear()
    with count_queries() as few:
        assert learner_client.get("/courses/BLD-301").status_code == 200
    course = course_with_runs["course"]
    for n in range(4):
        run = open_run(course=course, capacity=5, starts_in=90 + 10 * n)
        add_session(run, day=run.starts_on, start=time(13), end=time(16), mode="remote",
                    meeting_url=f"https://meet.example.tw/{n}")
        enrolment.enroll(run, make_employee())
    db.session.flush()                                   # the test's own writes are not the page's queries
    fragment_cache().clear()
    with count_queries() as many:
        html = learner_client.get("/courses/BLD-301").get_data(as_text=True)
    assert html.count('class="seats"') == 6
    assert len(many) == len(few) <= 12, many
