"""Track pages through the test client: a learner's progress and joining, certificates, staff progress and
reports within the agency scope (403 outside it), CSV and XLSX exports, and the officers' and administrators'
forms (nominate, record an exam and a licence, define a track, a level and a requirement)."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from courses.tracks import queries, services
from lms.auth.models import Role


@pytest.fixture
def holder(procurement, make_employee, attend, passing_scores, city):
    """A patrol officer (police tree) holding procurement basic."""
    def factory(agency=None):
        person = make_employee(agency=agency or city["patrol"])
        services.join_track(procurement.track, person)
        attend(person, procurement.basic_course, 360, completed=True)
        services.record_exam_result(procurement.exam, person, passing_scores)
        return person, queries.holding(procurement.basic.id, person.id)
    return factory


def test_learner_sees_progress_per_requirement_and_joins(client, procurement, make_user, login):
    learner = make_user()
    login(learner)
    page = client.get("/tracks/procurement").get_data(as_text=True)
    assert "基本資格" in page and "進階資格" in page and "加入此認證" in page
    response = client.post("/tracks/procurement/join")
    assert response.status_code == 303
    assert queries.membership(procurement.track.id, learner.employee_id).via == "self"
    page = client.get("/tracks/procurement").get_data(as_text=True)
    assert "0 / 2" not in page and "已符合 0 項，共 2 項" in page and "加入此認證" not in page


def test_tracks_list_shows_my_qualifications(client, holder, make_user, login):
    person, holding = holder()
    login(make_user(employee=person))
    page = client.get("/tracks/").get_data(as_text=True)
    assert holding.certificate_no in page and "政府採購專業人員" in page


def test_certificate_pdf_for_the_holder_and_overseers_only(app, client, holder, make_user, login, city):
    person, holding = holder()
    url = f"/tracks/holdings/{holding.id}/certificate.pdf"
    login(make_user(employee=person))
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF") and b"NotoSansCJK" in response.data
    login(make_user(agency=city["patrol"]))                              # a colleague
    assert client.get(url).status_code == 403
    login(make_user(Role.AGENCY_OFFICER, agency=city["fire"]))           # another agency's officer
    assert client.get(url).status_code == 403
    login(make_user(Role.SUPERVISOR, agency=city["lingya"]))
    assert client.get(url).status_code == 200


def test_staff_progress_is_shown_within_the_scope_only(client, procurement, make_employee, make_user, login, city):
    inside, outside = make_employee(agency=city["patrol"]), make_employee(agency=city["fire"])
    login(make_user(Role.SUPERVISOR, agency=city["lingya"]))
    page = client.get(f"/tracks/procurement?employee={inside.id}")
    assert page.status_code == 200 and inside.name_zh in page.get_data(as_text=True)
    assert client.get(f"/tracks/procurement?employee={outside.id}").status_code == 403
    assert client.get("/tracks/procurement?employee=999999").status_code == 404
    assert client.get("/tracks/no-such-track").status_code == 404


def test_reports_are_for_overseers_and_scoped_to_their_agencies(client, holder, make_user, login, city):
    police, _h = holder(city["patrol"])
    firefighter, _h = holder(city["fire"])
    login(make_user())
    assert client.get("/tracks/reports").status_code == 403
    login(make_user(Role.AGENCY_OFFICER, agency=city["police"]))
    page = client.get("/tracks/reports").get_data(as_text=True)
    assert police.staff_no in page and firefighter.staff_no not in page
    login(make_user(Role.TRAINING_ADMIN))
    page = client.get("/tracks/reports?track=procurement").get_data(as_text=True)
    assert police.staff_no in page and firefighter.staff_no in page


def test_report_shows_who_is_close_and_who_lapses(client, drone, procurement, make_employee, complete, licence,
                                                  attend, make_user, login, today, city):
    from datetime import timedelta

    close = make_employee(agency=city["patrol"])
    services.join_track(procurement.track, close)
    attend(close, procurement.basic_course, 360, completed=True)              # the exam is all that is missing
    lapsing = make_employee(agency=city["patrol"])
    services.join_track(drone.track, lapsing)
    complete(lapsing, drone.course)
    licence(lapsing, today - timedelta(days=700))                               # expires in ~30 days
    rows = queries.close_to_award(queries.Scope(True), today)
    assert [(r.employee.id, r.level.code) for r in rows] == [(close.id, "proc-basic")]
    login(make_user(Role.SUPERVISOR, agency=city["lingya"]))
    page = client.get("/tracks/reports").get_data(as_text=True)
    assert "90 天內失效 (1)" in page and "即將取得資格 (1)" in page
    assert lapsing.staff_no in page and close.staff_no in page


def test_report_exports_csv_and_xlsx(client, holder, make_user, login):
    person, holding = holder()
    login(make_user(Role.TRAINING_ADMIN))
    response = client.get("/tracks/reports?format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.data.decode("utf-8-sig")
    assert person.staff_no in text and "基本資格" in text
    response = client.get("/tracks/reports?format=xlsx&track=procurement")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any(person.staff_no in row for row in values)


def test_report_page_queries_do_not_grow_with_holders(client, holder, make_user, login, count_queries):
    login(make_user(Role.TRAINING_ADMIN))
    holder()
    with count_queries() as few:
        client.get("/tracks/reports")
    for _n in range(4):
        holder()
    with count_queries() as many:
        client.get("/tracks/reports")
    assert len(many) <= len(few) + 2


def test_officer_records_an_exam_for_own_staff_only(client, procurement, make_employee, attend, make_user, login,
                                                    city, tr):
    inside, outside = make_employee(agency=city["patrol"]), make_employee(agency=city["fire"])
    for person in (inside, outside):
        attend(person, procurement.basic_course, 360)
    login(make_user(Role.AGENCY_OFFICER, agency=city["police"]))
    form = {"requirement_id": procurement.exam.id, "taken_on": "2026-01-10", "score-0": "80", "score-1": "75",
            "score-2": "90"}
    response = client.post("/tracks/exams/new", data={**form, "staff_no": outside.staff_no})
    assert response.status_code == 400 and "不在您" in response.get_data(as_text=True)
    response = client.post("/tracks/exams/new", data={**form, "staff_no": inside.staff_no})
    assert response.status_code == 302
    [result] = queries.exam_results_of(inside.id)
    assert result.passed and result.scores == {"法規": 80.0, "實務": 75.0, "招標": 90.0}
    login(make_user())
    assert client.get("/tracks/exams/new").status_code == 403


def test_exam_barred_by_absence_answers_422_with_the_reason(client, procurement, make_employee, attend, make_user,
                                                            login, city):
    person = make_employee(agency=city["patrol"])
    attend(person, procurement.basic_course, 200)
    login(make_user(Role.TRAINING_ADMIN))
    response = client.post("/tracks/exams/new", data={"requirement_id": procurement.exam.id, "staff_no": person.staff_no,
                                                      "score-0": "80", "score-1": "80", "score-2": "80"})
    assert response.status_code == 422 and "缺課" in response.get_data(as_text=True)
    assert queries.exam_results_of(person.id) == []


def test_officer_records_and_renews_a_licence(client, drone, make_employee, make_user, login, city):
    person = make_employee(agency=city["patrol"])
    login(make_user(Role.AGENCY_OFFICER, agency=city["police"]))
    response = client.post("/tracks/licences/new", data={
        "staff_no": person.staff_no, "kind": "professional", "level": "basic", "structure": "multirotor",
        "number": "CAA-0001", "issued_on": "2025-02-15"})
    assert response.status_code == 302
    [lic] = queries.licences_of(person.id)
    assert lic.expires_on.isoformat() == "2027-02-15"
    response = client.post(f"/tracks/licences/{lic.id}/renew", data={"issued_on": "2026-01-20"})
    assert response.status_code == 302 and lic.expires_on.isoformat() == "2028-01-20"
    login(make_user(Role.AGENCY_OFFICER, agency=city["fire"]))
    assert client.get(f"/tracks/licences/{lic.id}/renew").status_code == 403


def test_officer_nominates_from_the_page(client, procurement, make_employee, make_user, login, city):
    people = [make_employee(agency=city["patrol"]) for _n in range(2)]
    login(make_user(Role.AGENCY_OFFICER, agency=city["police"]))
    response = client.post("/tracks/procurement/nominate",
                           data={"staff_nos": "\n".join(p.staff_no for p in people) + "\nNOBODY"})
    assert response.status_code == 400 and "NOBODY" in response.get_data(as_text=True)
    response = client.post("/tracks/procurement/nominate", data={"staff_nos": ", ".join(p.staff_no for p in people)})
    assert response.status_code == 302
    assert all(queries.membership(procurement.track.id, p.id).via == "nomination" for p in people)
    login(make_user(Role.SUPERVISOR, agency=city["lingya"]))
    assert client.get("/tracks/procurement/nominate").status_code == 403


def test_administrator_defines_a_track_with_a_level_and_a_requirement(client, make_course, make_user, login):
    make_course(code="FIRE-201", credited_hours=60)
    login(make_user())
    assert client.get("/tracks/new").status_code == 403
    login(make_user(Role.TRAINING_ADMIN))
    assert client.post("/tracks/new", data={"code": "fire", "name_zh": "消防安全檢查認證", "active": "y"}).status_code == 302
    assert client.post("/tracks/fire/levels/new", data={"code": "fire-1", "name_zh": "檢查員", "rank": "1",
                                                        "validity_kind": "fixed"}).status_code == 400
    assert client.post("/tracks/fire/levels/new", data={"code": "fire-1", "name_zh": "檢查員", "rank": "1",
                                                        "validity_kind": "none"}).status_code == 302
    level = queries.get_track("fire").levels[0]
    response = client.post(f"/tracks/levels/{level.id}/requirements/new",
                           data={"kind": "course", "course_code": "FIRE-201", "label_zh": "60小時認證班"})
    assert response.status_code == 302
    assert [(r.kind, r.course.code) for r in queries.get_track("fire").levels[0].requirements] == [("course", "FIRE-201")]
