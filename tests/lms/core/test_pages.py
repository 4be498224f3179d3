"""Home page per role, the staff list (set-based queries), error pages."""
import pytest

from lms.auth.models import Role


@pytest.mark.parametrize("role, expected", [
    (None, "我的資料"),
    (Role.SUPERVISOR, "所屬機關及單位"),
    (Role.TRAINING_ADMIN, "全市"),
])
def test_home_page_per_role(city, make_user, login, role, expected):
    user = make_user(*([role] if role else []), agency=city["lingya"])
    page = login(user).get("/").get_data(as_text=True)
    assert expected in page
    if role is None:
        assert "/people/" not in page  # a learner's navigation has no staff list
    else:
        assert "/people/" in page


def test_staff_list_runs_a_fixed_number_of_queries(city, make_employee, make_user, login, count_queries):
    admin = make_user(Role.TRAINING_ADMIN, agency=city["root"])
    client = login(admin)
    client.get("/people/")  # warm-up: first-request work is not what we measure
    with count_queries() as few:
        client.get("/people/")
    for _ in range(30):
        make_employee(city["patrol"])
    with count_queries() as many:
        body = client.get("/people/").get_data(as_text=True)
    assert "共 31 人" in body  # the 30 new people and the administrator
    assert many() == few(), "the staff list must not run a query per person"


def test_staff_search_finds_by_name_and_number(city, make_employee, make_user, login):
    target = make_employee(city["patrol"], name_zh="蔡依林", staff_no="Z123")
    make_employee(city["patrol"], name_zh="周杰倫")
    client = login(make_user(Role.SUPERVISOR, agency=city["lingya"]))
    for query in ("依林", "Z123"):
        body = client.get(f"/people/?q={query}").get_data(as_text=True)
        assert target.staff_no in body and "周杰倫" not in body


def test_404_page_is_html_with_a_way_back(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "找不到頁面" in body and 'href="/"' in body
