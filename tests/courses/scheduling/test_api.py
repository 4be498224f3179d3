from datetime import date


def test_run_lifecycle_through_the_api(admin_client, make_course, make_room, make_instructor):
    course = make_course(code="API-R")
    response = admin_client.post("/api/v1/runs", json={
        "course": "API-R", "year": 2026, "starts_on": "2026-10-05", "ends_on": "2026-10-09", "capacity": 30,
        "enrol_closes_on": "2026-09-20", "status": "open"})
    assert response.status_code == 201, response.json
    run_id = response.json["id"]
    assert response.json["code"] == "API-R-115-01" and response.json["days"] == 5
    room, teacher = make_room(seats=30), make_instructor()
    session = {"day": "2026-10-05", "start": "09:00", "end": "12:00", "mode": "in_person", "room_id": room.id,
               "instructor_ids": [teacher.id]}
    response = admin_client.post(f"/api/v1/runs/{run_id}/sessions", json=session)
    assert response.status_code == 201 and response.json["sessions"][0]["room"]["seats"] == 30
    clash = admin_client.post(f"/api/v1/runs/{run_id}/sessions", json={**session, "start": "10:00", "end": "11:00"})
    assert clash.status_code == 409
    assert {e["field"] for e in clash.json["errors"]} == {"room_id", "instructor_ids"}
    patched = admin_client.patch(f"/api/v1/runs/{run_id}", json={"capacity": 25})
    assert patched.status_code == 200 and patched.json["capacity"] == 25
    listing = admin_client.get("/api/v1/runs?year=2026&course=API-R").json["items"]
    assert [r["id"] for r in listing] == [run_id]
    cancelled = admin_client.post(f"/api/v1/runs/{run_id}/cancel", json={"reason": "颱風"})
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"


def test_api_statuses(admin_client, learner_client, make_run):
    run = make_run()
    assert admin_client.get("/api/v1/runs/999999").status_code == 404
    bad = admin_client.post("/api/v1/runs", json={"course": run.course.code, "year": "soon", "starts_on": "x"})
    assert bad.status_code == 400 and {e["field"] for e in bad.json["errors"]} == {"year", "starts_on"}
    missing = admin_client.post("/api/v1/runs", json={"course": run.course.code})
    assert missing.status_code == 400 and "capacity" in {e["field"] for e in missing.json["errors"]}
    duplicate = admin_client.post("/api/v1/runs", json={"course": run.course.code, "year": 2026, "term": run.term,
                                                        "starts_on": "2026-05-04", "ends_on": "2026-05-04",
                                                        "capacity": 10})
    assert duplicate.status_code == 409
    assert learner_client.get(f"/api/v1/runs/{run.id}").status_code == 200
    assert learner_client.post("/api/v1/runs", json={"course": run.course.code}).status_code == 403
    assert learner_client.post(f"/api/v1/runs/{run.id}/cancel").status_code == 403
    assert run.starts_on == date(2026, 3, 2)
