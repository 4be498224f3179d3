from datetime import date

from courses.scheduling.models import ClassRun


def test_admin_schedules_a_run_and_its_sessions(db, admin_client, make_course, make_room, make_instructor):
    course = make_course(code="BLD-2", delivery_mode="blended")
    response = admin_client.post(f"/admin/courses/{course.id}/runs/new", data={
        "year": "2026", "starts_on": "2026-04-13", "ends_on": "2026-04-17", "capacity": "30", "min_size": "10",
        "status": "open", "route": "planned", "run_type": "self_run", "hours_per_day": "6",
        "enrol_opens_on": "2026-03-01", "enrol_closes_on": "2026-04-01"})
    assert response.status_code == 302
    run = db.session.execute(db.select(ClassRun).filter_by(course_id=course.id)).scalar_one()
    room, teacher = make_room(seats=40), make_instructor("陳老師")
    base = {"instructor_ids": [str(teacher.id)]}
    assert admin_client.post(f"/admin/runs/{run.id}/sessions/new", data={
        **base, "day": "2026-04-13", "start": "09:00", "end": "12:00", "mode": "online_prework"}).status_code == 302
    assert admin_client.post(f"/admin/runs/{run.id}/sessions/new", data={
        "day": "2026-04-15", "start": "09:00", "end": "16:00", "mode": "in_person", "room_id": str(room.id),
        **base}).status_code == 302
    page = admin_client.get(f"/admin/runs/{run.id}").get_data(as_text=True)
    assert "陳老師" in page and room.name in page
    assert [s.mode for s in run.sessions] == ["online_prework", "in_person"]


def test_session_form_shows_clashes_next_to_fields(admin_client, make_run, make_room, add_session):
    room = make_room(seats=40)
    add_session(make_run(), room_id=room.id)
    other = make_run()
    response = admin_client.post(f"/admin/runs/{other.id}/sessions/new", data={
        "day": "2026-03-02", "start": "10:00", "end": "11:00", "mode": "in_person", "room_id": str(room.id),
        "title": "kept title"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'id="room_id-error"' in html and room.name in html and 'value="kept title"' in html


def test_run_form_reports_bad_enrolment_window(admin_client, make_course):
    course = make_course()
    response = admin_client.post(f"/admin/courses/{course.id}/runs/new", data={
        "year": "2026", "starts_on": "2026-04-13", "ends_on": "2026-04-17", "capacity": "30",
        "status": "planned", "route": "planned", "run_type": "self_run", "enrol_closes_on": "2026-04-14"})
    assert response.status_code == 400
    assert 'id="enrol_closes_on-error"' in response.get_data(as_text=True)


def test_copy_and_cancel_from_the_pages(db, admin_client, make_run, make_room, add_session):
    run = make_run()
    add_session(run, room_id=make_room().id)
    response = admin_client.post(f"/admin/runs/{run.id}/copy", data={"starts_on": "2026-08-03"})
    assert response.status_code == 302
    copy = db.session.execute(db.select(ClassRun).filter_by(course_id=run.course_id, term=2)).scalar_one()
    assert copy.sessions[0].local_date == date(2026, 8, 3)
    assert admin_client.post(f"/admin/runs/{run.id}/cancel", data={"reason": "颱風"}).status_code == 302
    assert run.status == "cancelled" and run.cancel_reason == "颱風"


def test_learners_cannot_schedule(learner_client, make_run):
    run = make_run()
    assert learner_client.get("/admin/runs/").status_code == 403
    assert learner_client.get(f"/admin/runs/{run.id}").status_code == 403
    assert learner_client.post(f"/admin/runs/{run.id}/cancel").status_code == 403
    assert learner_client.get("/admin/venues/").status_code == 403


def test_venues_rooms_and_instructors_pages(db, admin_client, make_employee):
    assert admin_client.post("/admin/venues/new", data={"name_zh": "公務人力發展中心", "address": "高雄市"}).status_code == 302
    from courses.scheduling.models import Instructor, Venue

    venue = db.session.execute(db.select(Venue)).scalar_one()
    assert admin_client.post(f"/admin/venues/{venue.id}/rooms/new", data={"name": "201教室", "seats": "0"}
                             ).status_code == 400
    assert admin_client.post(f"/admin/venues/{venue.id}/rooms/new", data={"name": "201教室", "seats": "48"}
                             ).status_code == 302
    assert "201教室" in admin_client.get("/admin/venues/").get_data(as_text=True)
    staff = make_employee(name_zh="林志豪")
    assert admin_client.post("/admin/instructors/new", data={"staff_no": staff.staff_no}).status_code == 302
    assert admin_client.post("/admin/instructors/new", data={"staff_no": "NOBODY"}).status_code == 400
    instructor = db.session.execute(db.select(Instructor)).scalar_one()
    assert instructor.name_zh == "林志豪" and not instructor.is_external


def test_everyone_signed_in_sees_the_plan(learner_client, make_run):
    make_run(capacity=30, starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 6))
    html = learner_client.get("/plan/2026").get_data(as_text=True)
    assert 'id="total-runs">1<' in html and 'id="total-days">5<' in html and 'id="total-seats">30<' in html
