"""Traditional Chinese first, English on request; every text in the core has its Chinese translation."""
from babel.messages.extract import extract_from_dir
from lms.i18n import message_folders, read_catalogue
from lms.settings import PROJECT_ROOT

KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}


def extracted_core_messages() -> set[str]:
    found = set()
    method_map = [("lms/**.py", "python"), ("templates/base.html", "jinja2"), ("templates/lms/**.html", "jinja2")]
    for _, _, message, _, _ in extract_from_dir(str(PROJECT_ROOT), method_map, keywords=KEYWORDS,
                                                options_map={"templates/**.html": {}}):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_core_message_has_a_chinese_translation():
    folder = next(f for f in message_folders() if f.parts[-4] == "lms" and f.parts[-2] == "zh_Hant_TW")
    translated = {m.id for m in read_catalogue(folder) if m.id}
    untranslated = sorted(extracted_core_messages() - translated)
    assert untranslated == [], f"add these to {folder}: {untranslated}"


def test_no_message_means_two_things_across_the_catalogues():
    """The app merges the lms, courses and xapi catalogues into one (the last loaded wins): a message
    translated differently in two of them would show the other package's word on some pages."""
    translations: dict[str, dict[str, str]] = {}
    for folder in message_folders():
        if folder.parts[-2] == "zh_Hant_TW":
            for message in read_catalogue(folder):
                if message.id:
                    translations.setdefault(str(message.id), {})[folder.parts[-4]] = str(message.string)
    clashes = {mid: found for mid, found in translations.items() if len(set(found.values())) > 1}
    assert clashes == {}


def test_chinese_by_default_and_english_on_request(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="zh-Hant-TW"' in page and "登入" in page and "員工編號或電子郵件" in page
    client.post("/locale/en", data={"next": "/login"})
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in page and "Staff number or e-mail" in page and "登入" not in page


def test_unknown_locale_is_ignored(client):
    client.post("/locale/fr")
    assert 'lang="zh-Hant-TW"' in client.get("/login").get_data(as_text=True)


def test_templates_follow_the_request_locale_and_force_locale(app):
    """Templates translate through lms.templating.template_translations, which remembers each locale's
    catalogue: a switch of language, and force_locale inside a request, still change the words."""
    from flask import render_template_string, session
    from flask_babel import force_locale, refresh

    page = "{{ _('Courses') }}|{{ ngettext('%(num)s course', '%(num)s courses', 2) }}"
    with app.test_request_context("/"):
        assert render_template_string(page).split("|")[0] == "課程"
        with force_locale("en"):
            assert render_template_string(page).split("|")[0] == "Courses"
        assert render_template_string(page).split("|")[0] == "課程"
        session["locale"] = "en"
        refresh()  # the locale chosen again within the request
        assert render_template_string(page).split("|")[0] == "Courses"


def test_the_menu_follows_the_users_roles_and_language(client, login, make_user, city):
    """The menu is built once per roles and language: each user still sees their own, in their language."""
    import re

    from lms.auth.models import Role

    def menu():
        html = client.get("/my/learning").get_data(as_text=True)
        return re.findall(r'<li><a href="([^"]+)"[^>]*>([^<]+)</a>', html.split('class="main-nav"')[1].split("</nav>")[0])

    login(make_user())
    learner_zh = menu()
    assert ("/courses/", "課程") in learner_zh and not any(href == "/admin/courses/" for href, _ in learner_zh)
    client.post("/locale/en", data={"next": "/"})
    assert ("/courses/", "Courses") in menu()
    client.post("/locale/zh_Hant_TW", data={"next": "/"})
    login(make_user(Role.TRAINING_ADMIN))
    admin_zh = menu()
    assert ("/admin/courses/", "課程管理") in admin_zh and ("/people/", "人員") in admin_zh
    login(make_user())
    assert menu() == learner_zh
