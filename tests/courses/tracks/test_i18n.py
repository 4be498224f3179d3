"""Every text of the track pages has its Traditional Chinese translation, and pages show it by default."""
from babel.messages.extract import extract_from_dir

from lms.i18n import message_folders, read_catalogue
from lms.settings import PROJECT_ROOT

KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}


def test_every_track_message_has_a_chinese_translation():
    method_map = [("courses/tracks/**.py", "python"), ("templates/courses/tracks/**.html", "jinja2")]
    found = {m if isinstance(m, str) else m[0]
             for _f, _l, m, _c, _x in extract_from_dir(str(PROJECT_ROOT), method_map, keywords=KEYWORDS)}
    folder = next(f for f in message_folders() if f.parts[-4] == "courses" and f.parts[-2] == "zh_Hant_TW")
    translated = {m.id for m in read_catalogue(folder) if m.id}
    assert len(found) > 150
    assert sorted(found - translated) == []


def test_pages_are_chinese_first(client, procurement, make_user, login):
    login(make_user())
    page = client.get("/tracks/").get_data(as_text=True)
    assert "專業認證" in page and "我的資格" in page and "尚未取得任何資格。" in page
