"""Roles and agency scope: who may see which staff records, through pages and the API."""
import pytest

from lms.auth.models import Role
from lms.auth.permissions import agency_scope, can


@pytest.fixture
def people(city, make_employee, make_user):
    return {
        "patrol_officer": make_employee(city["patrol"], national_id="E123456783"),
        "fire_officer": make_employee(city["fire"]),
        "supervisor": make_user(Role.SUPERVISOR, agency=city["lingya"]),
        "officer": make_user(Role.AGENCY_OFFICER, agency=city["police"]),
        "admin": make_user(Role.TRAINING_ADMIN, agency=city["root"]),
        "learner": make_user(agency=city["patrol"]),
    }


def test_scope_follows_the_agency_tree(people, city):
    scope = agency_scope(people["supervisor"])
    assert scope.covers(city["lingya"]) and scope.covers(city["patrol"])
    assert not scope.covers(city["police"]) and not scope.covers(city["fire"])
    assert agency_scope(people["admin"]).city_wide
    assert agency_scope(people["learner"]).empty


@pytest.mark.parametrize("who, target, allowed", [
    ("supervisor", "patrol_officer", True),
    ("supervisor", "fire_officer", False),
    ("officer", "patrol_officer", True),
    ("officer", "fire_officer", False),
    ("admin", "fire_officer", True),
    ("learner", "patrol_officer", False),
])
def test_employee_page_and_api_respect_scope(people, login, who, target, allowed):
    client = login(people[who])
    employee = people[target]
    page = client.get(f"/people/{employee.id}")
    api = client.get(f"/api/v1/employees/{employee.id}")
    expected = 200 if allowed else 403
    assert (page.status_code, api.status_code) == (expected, expected)
    if allowed:
        assert employee.staff_no in page.get_data(as_text=True)


def test_learner_sees_own_record_only(people, login):
    learner = people["learner"]
    client = login(learner)
    assert client.get(f"/api/v1/employees/{learner.employee_id}").status_code == 200
    assert client.get("/people/").status_code == 403
    assert client.get("/api/v1/employees").status_code == 403


def test_national_id_is_shown_to_personnel_not_to_supervisors(people, login):
    target = people["patrol_officer"]
    assert can(people["officer"], "view_national_id", target)
    assert not can(people["supervisor"], "view_national_id", target)
    supervisor_view = login(people["supervisor"]).get(f"/people/{target.id}").get_data(as_text=True)
    assert "E123456783" not in supervisor_view and "E1*****783" in supervisor_view
    api = login(people["officer"]).get(f"/api/v1/employees/{target.id}").get_json()
    assert api["national_id"] == "E123456783"


def test_national_id_is_encrypted_at_rest(people, db):
    raw = db.session.execute(db.text("SELECT national_id_cipher FROM employees WHERE id = :id"),
                             {"id": people["patrol_officer"].id}).scalar_one()
    assert raw and "E123456783" not in raw


def test_staff_list_is_filtered_to_the_supervisors_subtree(people, login):
    body = login(people["supervisor"]).get("/api/v1/employees?per_page=200").get_json()
    staff = {item["staff_no"] for item in body["items"]}
    assert people["patrol_officer"].staff_no in staff
    assert people["fire_officer"].staff_no not in staff


def test_status_page_is_for_administrators(people, login, client):
    assert login(people["learner"]).get("/admin/status").status_code == 403
    client.post("/logout")
    response = login(people["admin"]).get("/admin/status")
    assert response.status_code == 200
    assert "sqlite" in response.get_data(as_text=True) or "postgresql" in response.get_data(as_text=True)


def test_unknown_pages_get_a_404_page(client, make_user, login):
    client = login(make_user())
    response = client.get("/people/999999")
    assert response.status_code == 404
    assert client.get("/api/v1/employees/999999").get_json()["error"]
