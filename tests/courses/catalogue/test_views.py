from datetime import date, time

import pytest

from courses.catalogue.models import Course
from lms.auth.models import Role
from lms.stamps import fragment_cache


@pytest.fixture
def catalogue(make_course, make_category, make_run, make_room, add_session):
    cyber = make_category("CYBER", "資訊安全")
    fire = make_category("FIRE", "消防救災")
    remote = make_course(code="CYB-101", title_zh="網路架構與部署安全研習班（遠距班）", title_en="Network security",
                         category="CYBER", delivery_mode="remote", credited_hours=12, topic_codes=("cyber_pro",))
    inspect = make_course(code="FIRE-201", title_zh="消防安全檢查實務認證班", title_en="Fire-safety inspection",
                          category="FIRE", credited_hours=60)
    make_course(code="OLD-1", title_zh="已封存課程", category="FIRE", **{})
    run = make_run(remote, starts_on=date(2099, 9, 23), ends_on=date(2099, 9, 24), year=2099, status="open",
                   enrol_opens_on=date(2000, 1, 1), enrol_closes_on=date(2099, 9, 1))
    add_session(run, mode="remote", meeting_url="https://meet.example.tw/cyber-101", start=time(9), end=time(16))
    make_run(inspect, starts_on=date(2099, 5, 4), ends_on=date(2099, 5, 15), year=2099)
    return {"remote": remote, "inspect": inspect, "run": run, "cyber": cyber, "fire": fire}


def codes(response) -> list[str]:
    html = response.get_data(as_text=True)
    return [c for c in ("CYB-101", "FIRE-201", "OLD-1") if c in html]


def test_catalogue_needs_sign_in(client):
    assert client.get("/courses/").status_code == 302


def test_browse_and_search(learner_client, catalogue):
    assert codes(learner_client.get("/courses/")) == ["CYB-101", "FIRE-201", "OLD-1"]
    assert codes(learner_client.get("/courses/?q=消防")) == ["FIRE-201"]
    assert codes(learner_client.get("/courses/?q=network")) == ["CYB-101"]
    assert codes(learner_client.get("/courses/?q=fire-2")) == ["FIRE-201"]


def test_filters(learner_client, catalogue):
    assert codes(learner_client.get("/courses/?category=FIRE")) == ["FIRE-201", "OLD-1"]
    assert codes(learner_client.get("/courses/?mode=remote")) == ["CYB-101"]
    assert codes(learner_client.get("/courses/?month=5&year=2099")) == ["FIRE-201"]
    assert codes(learner_client.get("/courses/?max_hours=20")) == ["CYB-101", "OLD-1"]
    assert codes(learner_client.get("/courses/?open=1")) == ["CYB-101"]
    assert codes(learner_client.get("/courses/?topic=cyber_pro")) == ["CYB-101"]


def test_archived_courses_leave_the_catalogue(db, learner_client, catalogue):
    from courses.catalogue.services import archive_course

    archive_course(db.session.execute(db.select(Course).filter_by(code="OLD-1")).scalar_one())
    assert "OLD-1" not in codes(learner_client.get("/courses/"))
    assert learner_client.get("/courses/OLD-1").status_code == 403


def test_course_page_shows_runs_and_sessions(learner_client, catalogue):
    html = learner_client.get("/courses/CYB-101").get_data(as_text=True)
    assert "網路架構與部署安全研習班" in html and catalogue["run"].code in html
    assert "https://meet.example.tw/cyber-101" in html           # signed-in users see the link
    assert "/admin/courses/" not in html                        # learners get no edit links
    assert learner_client.get("/courses/NOPE").status_code == 404


def test_listing_page_query_count_does_not_grow(learner_client, catalogue, make_course, make_run, count_queries):
    """Rendered afresh (the cached page body: tests/courses/catalogue/test_cache.py)."""
    learner_client.get("/courses/")        # warm up the session and templates
    fragment_cache().clear()
    with count_queries() as few:
        learner_client.get("/courses/")
    for n in range(12):
        make_run(make_course(category="CYBER"), starts_on=date(2099, 3, 2), ends_on=date(2099, 3, 3), year=2099)
    fragment_cache().clear()
    with count_queries() as many:
        response = learner_client.get("/courses/")
    assert response.status_code == 200
    assert len(many) == len(few) <= 10, many


def test_learner_cannot_reach_admin_pages(learner_client, catalogue):
    assert learner_client.get("/admin/courses/").status_code == 403
    assert learner_client.get("/admin/courses/new").status_code == 403
    assert learner_client.post(f"/admin/courses/{catalogue['remote'].id}/archive").status_code == 403


def test_admin_creates_course_and_sees_errors_by_fields(db, admin_client, catalogue, city):
    response = admin_client.post("/admin/courses/new", data={
        "code": "CYB-101", "title_zh": "", "category": "CYBER", "delivery_mode": "blended",
        "credited_hours": "6", "agency": city["root"].code, "title_en": "kept input"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="title_zh-error"' in html and 'value="kept input"' in html
    response = admin_client.post("/admin/courses/new", data={
        "code": "BLD-1", "title_zh": "數位混成課程", "category": "CYBER", "delivery_mode": "blended",
        "credited_hours": "6", "agency": city["root"].code, "topics": ["gender", "policy"],
        "prerequisites": "CYB-101"})
    assert response.status_code == 302
    course = db.session.execute(db.select(Course).filter_by(code="BLD-1")).scalar_one()
    assert {t.code for t in course.topics} == {"gender", "policy"} and course.prerequisites[0].code == "CYB-101"


def test_duplicate_code_from_the_form_is_409(admin_client, catalogue, city):
    response = admin_client.post("/admin/courses/new", data={
        "code": "CYB-101", "title_zh": "重複", "category": "CYBER", "delivery_mode": "remote",
        "credited_hours": "6", "agency": city["root"].code})
    assert response.status_code == 409 and 'id="code-error"' in response.get_data(as_text=True)


def test_admin_edits_and_archives(db, admin_client, catalogue):
    course = catalogue["inspect"]
    page = admin_client.get(f"/admin/courses/{course.id}/edit").get_data(as_text=True)
    assert 'value="消防安全檢查實務認證班"' in page
    assert admin_client.post(f"/admin/courses/{course.id}/archive", data={"archived": "1"}).status_code == 302
    assert course.archived is True
    assert admin_client.post(f"/admin/courses/{course.id}/delete").status_code == 409


def test_agency_officer_edits_only_their_agencys_courses(make_user, login, make_course, city):
    ours = make_course(agency_code=city["police"].code)
    theirs = make_course(agency_code=city["fire"].code)
    officer = login(make_user(Role.AGENCY_OFFICER, agency=city["police"]))
    assert officer.get(f"/admin/courses/{ours.id}/edit").status_code == 200
    assert officer.get(f"/admin/courses/{theirs.id}/edit").status_code == 403
    response = officer.post("/admin/courses/new", data={
        "code": "X-1", "title_zh": "別人的課", "category": theirs.category.code, "delivery_mode": "in_person",
        "credited_hours": "3", "agency": city["fire"].code})
    assert response.status_code == 403


def test_search_follows_edits_and_takes_wildcards_literally(db, learner_client, catalogue):
    course = catalogue["inspect"]
    course.title_en = "Drone Pilot Licence"
    db.session.flush()
    assert codes(learner_client.get("/courses/?q=dRONE")) == ["FIRE-201"]
    assert codes(learner_client.get("/courses/?q=Fire-safety")) == []        # the old title is gone
    assert codes(learner_client.get("/courses/?q=%")) == []
    assert codes(learner_client.get("/courses/?q=C_B")) == []
    assert codes(learner_client.get("/courses/?q=cyb-1")) == ["CYB-101"]
