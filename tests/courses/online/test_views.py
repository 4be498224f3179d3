"""Pages and routes: the learner's list, course page and launch, the package files streamed only to
registered learners and the course's editors, the upload page scoped to the course's agency, the
player of plain packages and its progress reports."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from lms.auth.models import Role
from tests.courses.online.conftest import zip_of

END = b"<!DOCTYPE html><p>end</p>"


@pytest.fixture
def learner_client(make_user, login):
    user = make_user(Role.LEARNER)
    return login(user), user


def test_learner_launches_from_the_course_page(sample_course, learner_client):
    client, user = learner_client
    listing = client.get("/online/")
    assert listing.status_code == 200 and sample_course.title_zh in listing.get_data(as_text=True)
    page = client.get(f"/online/courses/{sample_course.code}")
    assert page.status_code == 200 and "完成學習並通過測驗" in page.get_data(as_text=True)
    launched = client.post(f"/online/courses/{sample_course.code}/units/1/launch")
    assert launched.status_code == 302
    target = urlsplit(launched.headers["Location"])
    assert target.path.endswith("/index.html") and "fetch=" in target.query and "activityId=" in target.query
    content = client.get(target.path)
    assert content.status_code == 200 and content.headers["Content-Type"].startswith("text/html")
    assert "性別主流化" in content.get_data(as_text=True)
    script = client.get(target.path.replace("index.html", "au.js"))
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]
    assert client.get(target.path.replace("index.html", "missing.js")).status_code == 404
    assert client.get(target.path.replace("/v1/", "/v9/")).status_code == 404


def test_content_is_refused_to_learners_who_did_not_register(sample_course, make_user, login, city):
    from courses.online import queries

    package = queries.package_of(sample_course.id)
    other_agency_learner = make_user(Role.LEARNER, agency=city["fire"])
    client = login(other_agency_learner)
    assert client.get(f"/online/content/{package.id}/v1/index.html").status_code == 403
    assert client.get(f"/online/courses/{sample_course.code}/play").status_code == 403
    assert client.post(f"/api/v1/online/courses/{sample_course.code}/progress", json={"page": "x"}).status_code == 403


def test_editors_preview_content_without_registering(sample_course, admin_client):
    from courses.online import queries

    package = queries.package_of(sample_course.id)
    assert admin_client.get(f"/online/content/{package.id}/v1/cmi5.xml").status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, sample_course):
    assert client.get("/online/").status_code == 302
    assert client.get("/api/v1/online/courses").status_code == 401


def test_upload_page_for_administrators(admin_client, online_course):
    page = admin_client.get(f"/admin/online/courses/{online_course.code}/package")
    assert page.status_code == 200
    response = admin_client.post(f"/admin/online/courses/{online_course.code}/package", data={
        "package": (zip_of({"index.html": END, "end.html": END}), "plain.zip"), "kind": "",
        "completion_rule": "last_page", "last_page": "end.html"}, content_type="multipart/form-data")
    assert response.status_code == 302
    listing = admin_client.get("/admin/online/")
    assert listing.status_code == 200 and online_course.code in listing.get_data(as_text=True)


def test_upload_errors_are_shown_on_the_form(admin_client, online_course):
    response = admin_client.post(f"/admin/online/courses/{online_course.code}/package", data={
        "package": (zip_of({"../evil.html": END}), "bad.zip")}, content_type="multipart/form-data")
    assert response.status_code == 400 and "../evil.html" in response.get_data(as_text=True)


def test_upload_is_scoped_to_the_course_agency(make_course, make_user, login, city):
    police_course = make_course(delivery_mode="online", agency_code=city["police"].code)
    fire_officer = make_user(Role.AGENCY_OFFICER, agency=city["fire"])
    client = login(fire_officer)
    assert client.get(f"/admin/online/courses/{police_course.code}/package").status_code == 403
    assert police_course.code not in client.get("/admin/online/").get_data(as_text=True)
    police_officer = make_user(Role.AGENCY_OFFICER, agency=city["police"])
    client = login(police_officer)
    assert client.get(f"/admin/online/courses/{police_course.code}/package").status_code == 200
    assert police_course.code in client.get("/admin/online/").get_data(as_text=True)


def test_learners_cannot_manage(learner_client, online_course):
    client, _ = learner_client
    assert client.get("/admin/online/").status_code == 403
    assert client.get(f"/admin/online/courses/{online_course.code}/package").status_code == 403


def test_unknown_and_non_online_courses_are_404(learner_client, make_course):
    client, _ = learner_client
    assert client.get("/online/courses/NOPE").status_code == 404
    assert client.get(f"/online/courses/{make_course(delivery_mode='in_person').code}").status_code == 404


def test_api_lists_courses_and_progress(sample_course, learner_client, au_session):
    client, user = learner_client
    listing = client.get("/api/v1/online/courses").get_json()
    [item] = [i for i in listing["items"] if i["code"] == sample_course.code]
    assert item["registration"] is None and item["kind"] == "cmi5" and item["hours"] == 2.0
    client.post(f"/online/courses/{sample_course.code}/units/1/launch")
    detail = client.get(f"/api/v1/online/courses/{sample_course.code}").get_json()
    assert detail["registration"] and detail["units"][0]["move_on"] == "CompletedAndPassed"
    assert detail["units"][0]["satisfied"] is False


@pytest.fixture
def plain_course(online_course, upload):
    def factory(**rule):
        upload(online_course, zip_of({"index.html": END, "page2.html": END, "end.html": END, "clip.html": END}),
               **rule)
        return online_course
    return factory


def test_plain_package_completes_at_the_last_page(plain_course, learner_client):
    from courses.online import queries

    course = plain_course(completion_rule="last_page", last_page="end.html")
    client, user = learner_client
    launched = client.post(f"/online/courses/{course.code}/units/1/launch")
    assert launched.headers["Location"].endswith(f"/online/courses/{course.code}/play")
    player = client.get(f"/online/courses/{course.code}/play")
    assert player.status_code == 200 and "track.js" in player.get_data(as_text=True)
    url = f"/api/v1/online/courses/{course.code}/progress"
    assert client.post(url, json={"page": "page2.html"}).get_json()["satisfied"] is False
    assert client.post(url, json={"page": "end.html"}).get_json()["satisfied"] is True
    assert queries.registration_of(user.employee_id, course.id).satisfied_at is not None


def test_plain_package_completes_when_watched_enough(plain_course, learner_client):
    course = plain_course(completion_rule="watched", watched_percent=80)
    client, _ = learner_client
    client.post(f"/online/courses/{course.code}/units/1/launch")
    url = f"/api/v1/online/courses/{course.code}/progress"
    assert client.post(url, json={"page": "clip.html", "watched": 0.5}).get_json() == {
        "completed": False, "watched_percent": 50, "satisfied": False}
    assert client.post(url, json={"watched": 1.5}).status_code == 400
    assert client.post(url, json={"watched": "all"}).status_code == 400
    assert client.post(url, json={"page": "../x"}).status_code == 400
    assert client.post(url, json={"page": "clip.html", "watched": 0.85}).get_json()["satisfied"] is True


def test_progress_is_only_for_plain_packages(sample_course, learner_client):
    client, _ = learner_client
    client.post(f"/online/courses/{sample_course.code}/units/1/launch")
    assert client.post(f"/api/v1/online/courses/{sample_course.code}/progress", json={"page": "index.html"}
                       ).status_code == 422
