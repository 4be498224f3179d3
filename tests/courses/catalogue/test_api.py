def body(city, **overrides):
    values = {"code": "API-1", "title_zh": "公務英語", "title_en": "Official English", "category": "LANG",
              "credited_hours": 12, "agency": city["root"].code, "delivery_mode": "in_person",
              "topics": ["policy"]}
    values.update(overrides)
    return values


def test_api_needs_sign_in(client):
    assert client.get("/api/v1/courses").status_code == 401


def test_admin_creates_reads_and_patches_a_course(admin_client, make_category, city):
    make_category("LANG")
    response = admin_client.post("/api/v1/courses", json=body(city))
    assert response.status_code == 201 and response.json["topics"] == ["policy"]
    assert admin_client.post("/api/v1/courses", json=body(city)).status_code == 409
    response = admin_client.patch("/api/v1/courses/API-1", json={"credited_hours": 18})
    assert response.status_code == 200 and response.json["credited_hours"] == 18
    assert response.json["title_zh"] == "公務英語"
    listing = admin_client.get("/api/v1/courses?q=英語").json
    assert listing["total"] == 1 and listing["items"][0]["code"] == "API-1"
    assert admin_client.get("/api/v1/courses/API-1").json["runs"] == []
    assert admin_client.get("/api/v1/courses/NOPE").status_code == 404


def test_bad_input_is_400_with_field_errors(admin_client, make_category, city):
    make_category("LANG")
    response = admin_client.post("/api/v1/courses", json=body(city, credited_hours="lots", topics="policy"))
    assert response.status_code == 400
    assert {e["field"] for e in response.json["errors"]} == {"credited_hours", "topics"}
    response = admin_client.post("/api/v1/courses", json=body(city, title_zh="", delivery_mode="x"))
    assert {e["field"] for e in response.json["errors"]} == {"title_zh", "delivery_mode"}
    assert admin_client.post("/api/v1/courses", data="nope", content_type="application/json").status_code == 400


def test_learner_reads_but_cannot_write(learner_client, make_course, city):
    course = make_course()
    assert learner_client.get(f"/api/v1/courses/{course.code}").status_code == 200
    assert learner_client.post("/api/v1/courses", json=body(city, category=course.category.code)).status_code == 403
    assert learner_client.patch(f"/api/v1/courses/{course.code}", json={"title_zh": "x"}).status_code == 403
