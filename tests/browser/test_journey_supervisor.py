"""The Lingya precinct's supervisor (S0001) in a real browser: two sign-ups of a staff member wait for their
approval (classes that need it); the supervisor finds them from the unit's report, approves one and declines
the other (the reason forgotten first), reads the unit's forecast, and answers the follow-up survey about a
class the staff member completed three months earlier (the comment survives a forgotten answer); then
checks the emptied pages in English.

The state is made through the services: two classes needing approval with the requests in them, and a past
class that K000022 completed, whose follow-up survey the periodic task sends ninety days later."""
from __future__ import annotations

import re
import secrets
from datetime import date, datetime, time, timedelta, timezone

import pytest

from courses.enrollment.services import local_today
from tests.browser import helpers
from tests.browser.helpers import shown, sign_in

pytestmark = pytest.mark.browser

ASKING = "K000022"   # 徐瑋家 of the Lingya precinct, whose nearest supervisor is S0001
PAST_CLASS_DAY = date(2020, 3, 2)   # before every completion of the demo city: the follow-up task asks only about it


def _utc(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def waiting_for_s0001(demo_app):
    """{"approve": run code, "decline": run code, "survey": run code, "survey_title": course title} of the
    requests and the survey made for S0001."""
    from courses.attendance.services import Mark, mark_roster
    from courses.enrollment.services import ResultEntry, enroll, record_results
    from courses.evaluation.services import send_follow_ups
    from lms.extensions import db

    tag = secrets.token_hex(2).upper()
    with demo_app.app_context():
        person = helpers.staff(ASKING)
        codes = {}
        for answer, days in (("approve", 160), ("decline", 162)):
            run = helpers.open_class(f"SUP-{answer[0].upper()}{tag}", f"領導力研習班 {answer} {tag}",
                                     starts_on=local_today() + timedelta(days=days), capacity=10, approval=True)
            assert enroll(run, person).status == "pending"
            codes[answer] = run.code

        past = helpers.open_class(f"SUP-F{tag}", f"溝通技巧研習班 {tag}", starts_on=PAST_CLASS_DAY, capacity=10)
        enrollment = enroll(past, person, now=_utc(PAST_CLASS_DAY - timedelta(days=1), 2))
        mark_roster(past.sessions[0], [Mark(enrollment.id, True)])
        record_results(past, [ResultEntry(enrollment.id)], now=_utc(PAST_CLASS_DAY, 6))
        assert enrollment.outcome == "completed"
        assert send_follow_ups(now=_utc(PAST_CLASS_DAY + timedelta(days=95), 1)) == 1
        codes["survey"], codes["survey_title"] = past.code, past.course.title_zh
        db.session.commit()
        db.session.remove()
    return codes


def _number(pattern: str, text: str) -> int:
    return int(re.search(pattern, text).group(1))


def test_supervisor_approves_reads_forecast_answers_survey(page, live_server, waiting_for_s0001):
    codes = waiting_for_s0001
    sign_in(page, live_server, "S0001")
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="學習達標報表").click()
    summary = page.locator("section.summary").inner_text()
    assert _number(r"待您核准的報名：(\d+) 筆", summary) >= 2
    at_risk = _number(r"其中 (\d+) 人依目前進度年底將無法達成", summary)

    page.get_by_role("link", name="前往核准").click()
    assert page.get_by_role("heading", level=1).inner_text() == "待審核的報名"
    approve_row = page.get_by_role("row").filter(has_text=codes["approve"])
    assert ASKING in approve_row.inner_text()
    approve_row.get_by_role("button", name="同意", exact=True).click()
    assert shown(page.get_by_role("status").filter(has_text=f"已同意 徐瑋家 報名 {codes['approve']}。"))
    assert page.get_by_role("row").filter(has_text=codes["approve"]).count() == 0

    decline_row = page.get_by_role("row").filter(has_text=codes["decline"])
    decline_row.get_by_role("button", name="不同意", exact=True).click()
    assert shown(page.get_by_role("alert").filter(has_text="請說明不同意的原因。"))
    decline_row = page.get_by_role("row").filter(has_text=codes["decline"])
    decline_row.get_by_label("原因（不同意時必填）").fill("該週有值勤任務")
    decline_row.get_by_role("button", name="不同意", exact=True).click()
    assert shown(page.get_by_role("status").filter(has_text=f"已不同意 徐瑋家 報名 {codes['decline']}。"))
    assert page.get_by_role("row").filter(has_text=codes["decline"]).count() == 0

    # The unit's forecast: the people at risk are those the report counted.
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="學習達標報表").click()
    page.get_by_role("link", name="查看預測").click()
    assert page.get_by_role("heading", level=1).inner_text().endswith("達標預測")
    assert page.get_by_role("heading", name="預測方法說明").is_visible()
    people = page.locator("table").filter(has_text="狀態").last.locator("tbody tr")
    assert people.count() == at_risk
    assert all("依目前進度將未達標" in people.nth(i).inner_text() for i in range(people.count()))

    # The follow-up survey: a forgotten answer keeps the comment; the answer empties the list.
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="訓後追蹤問卷").click()
    page.get_by_role("link", name=f"徐瑋家 · {codes['survey_title']}").click()
    assert codes["survey"] in page.locator("main").inner_text()
    page.get_by_label("意見").fill("報告撰寫明顯進步")
    page.get_by_role("button", name="送出").click()
    assert shown(page.get_by_role("alert").filter(has_text="請回答是或否。"))
    assert page.get_by_label("意見").input_value() == "報告撰寫明顯進步"
    page.get_by_role("group", name="受訓後其工作表現是否提升？").get_by_label("是", exact=True).check()
    page.get_by_role("button", name="送出").click()
    assert shown(page.get_by_role("status").filter(has_text="感謝您的回覆。"))
    assert page.get_by_role("link", name=f"徐瑋家 · {codes['survey_title']}").count() == 0

    # The same pages in English.
    page.get_by_role("button", name="English").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Follow-up surveys").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Follow-up surveys"
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Approvals").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Enrolment requests to approve"
    assert page.get_by_role("row").filter(has_text=codes["decline"]).count() == 0
