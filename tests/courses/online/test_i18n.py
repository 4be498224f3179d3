"""Every text of the online-course pages has its Traditional Chinese translation; English on request."""

from lms.auth.models import Role
from tests.i18n import messages_and_missing


def test_every_online_message_has_a_chinese_translation():
    found, missing = messages_and_missing("courses/online")
    assert len(found) > 90
    assert missing == []


def test_course_page_in_both_languages(client, sample_course, make_user, login):
    login(make_user(Role.LEARNER))
    page = client.get(f"/online/courses/{sample_course.code}").get_data(as_text=True)
    assert "完成學習並通過測驗" in page and "自學線上課程" in page
    with client.session_transaction() as session:
        session["locale"] = "en"
    page = client.get(f"/online/courses/{sample_course.code}").get_data(as_text=True)
    assert "Complete it and pass the test" in page and sample_course.title_en in page
