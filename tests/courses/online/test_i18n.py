"""Every text of the online-course pages has its Traditional Chinese translation; English on request."""
from babel.messages.extract import extract_from_dir

from lms.auth.models import Role
from lms.i18n import message_folders, read_catalogue
from lms.settings import PROJECT_ROOT

KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}


def test_every_online_message_has_a_chinese_translation():
    method_map = [("courses/online/**.py", "python"), ("templates/courses/online/**.html", "jinja2")]
    found = {m if isinstance(m, str) else m[0]
             for _f, _l, m, _c, _x in extract_from_dir(str(PROJECT_ROOT), method_map, keywords=KEYWORDS)}
    folder = next(f for f in message_folders() if f.parts[-4] == "courses" and f.parts[-2] == "zh_Hant_TW")
    translated = {m.id for m in read_catalogue(folder) if m.id}
    assert len(found) > 90
    assert sorted(found - translated) == []


def test_course_page_in_both_languages(client, sample_course, make_user, login):
    login(make_user(Role.LEARNER))
    page = client.get(f"/online/courses/{sample_course.code}").get_data(as_text=True)
    assert "完成學習並通過測驗" in page and "自學線上課程" in page
    with client.session_transaction() as session:
        session["locale"] = "en"
    page = client.get(f"/online/courses/{sample_course.code}").get_data(as_text=True)
    assert "Complete it and pass the test" in page and sample_course.title_en in page
