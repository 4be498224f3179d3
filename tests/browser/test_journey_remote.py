"""A remote class (遠距班) in a real browser: the learner finds it in the catalogue by a keyword, the delivery
mode and "open for enrolment", enrols, sees the session and its meeting link at the top of their calendar, and
on the class day finds the link to join the online class, and the check-in, on My enrolments.

The remote run is arranged through the services (a new run of the demo's forensics course, online on a
meeting link); between the enrolment and the class day the test moves the session to now ("time passes")."""
from __future__ import annotations

import secrets
from datetime import time, timedelta

import pytest

from tests.browser import helpers
from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser

COURSE = "CYB-102"
TITLE = "資安事件處理與數位鑑識實務研習班（遠距班）"


@pytest.fixture(scope="module")
def remote_run(demo_app):
    """(run id, run code, meeting link) of a new run of COURSE, open for enrolment, with one remote session."""
    from courses.catalogue.queries import get_course_by_code
    from courses.enrollment.services import local_today
    from courses.scheduling.services import RunData, SessionData, add_session, create_run
    from lms.extensions import db

    link = f"https://meet.example.gov.tw/cyb-102-{secrets.token_hex(3)}"
    with demo_app.app_context():
        day = local_today() + timedelta(days=130)   # clear of the demo's classes and of the other journeys'
        run = create_run(get_course_by_code(COURSE), RunData(
            year=day.year, starts_on=day, ends_on=day, capacity=50, status="open",
            enrol_opens_on=local_today() - timedelta(days=1), enrol_closes_on=day - timedelta(days=7),
            partner="崑山科技大學", run_type="co_organised"))
        add_session(run, SessionData(day=day, start=time(13, 30), end=time(16, 30), mode="remote", meeting_url=link,
                                     title="數位鑑識實務演練"))
        db.session.commit()
        arranged = run.id, run.code, link
        db.session.remove()
    return arranged


def test_learner_finds_a_remote_class_enrols_and_joins_it(demo_app, page, live_server, remote_run):
    run_id, run_code, link = remote_run
    sign_in(page, live_server, "L0001")

    # Find it: a keyword, the remote mode, open for enrolment.
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="課程", exact=True).click()
    search = page.get_by_role("search")
    search.get_by_label("搜尋", exact=True).fill("數位鑑識")
    search.get_by_label("上課型態").select_option(label="遠距（線上直播）")
    search.get_by_label("報名中").check()
    search.get_by_role("button", name="搜尋").click()
    assert page.get_by_text("共 1 門課程").is_visible()
    found = page.locator("ul.course-list li")
    assert found.count() == 1 and "報名中" in found.inner_text() and "遠距（線上直播）" in found.inner_text()
    found.get_by_role("link", name=TITLE).click()

    run = page.locator(f"#run-{run_id}")
    assert run_code in run.inner_text() and run.locator("p.seats").inner_text().startswith("尚餘 50 個名額")
    run.get_by_role("link", name="報名").click()

    # Enrol: the class page says how the session is held, then the seat is confirmed.
    assert page.get_by_role("heading", level=1).inner_text() == f"{TITLE} {run_code}"
    session = page.locator("ul.sessions li")
    assert session.count() == 1
    assert "遠距（線上直播）" in session.inner_text() and "數位鑑識實務演練" in session.inner_text()
    page.get_by_role("button", name="報名").click()
    assert page.get_by_role("status").inner_text() == "報名成功，您已正取。"
    assert page.locator("#enrolment-status").inner_text() == "正取"

    # The calendar puts the class first, with its meeting link; past sessions are folded away below.
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="我的行事曆").click()
    upcoming = page.locator("#upcoming li")
    mine = upcoming.filter(has_text=run_code)
    assert mine.count() == 1 and mine.get_by_role("link", name="會議連結").get_attribute("href") == link
    past = page.locator("#past")
    assert past.locator("summary").inner_text().startswith("已結束的課堂（")
    assert not past.locator("ul").is_visible()      # folded until opened
    assert past.get_by_role("link", name="會議連結").count() == 0

    # Time passes: on the class day My enrolments has the way in, and the check-in for the code.
    helpers.class_day_is_today(demo_app, run_id)
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="我的報名").click()
    row = page.locator(f'tr[data-run="{run_code}"]')
    assert "正取" in row.locator("td.status").inner_text()
    join = row.get_by_role("link", name="進入線上教室")
    assert join.get_attribute("href") == link
    assert row.get_by_role("link", name="簽到").is_visible()
