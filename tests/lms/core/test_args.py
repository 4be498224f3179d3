"""Numbers from paths and query strings are bounded before they reach the database (found by the fuzz
run in tests/lms/test_fuzz.py: each of these was a 500)."""
from lms.auth.models import Role


def test_an_id_beyond_a_32_bit_column_does_not_match_the_route(client, make_user, login, city):
    client = login(make_user(Role.TRAINING_ADMIN, agency=city["root"]))
    assert client.get("/api/v1/runs/2147483647").status_code == 404
    assert client.get("/api/v1/runs/13784971466769244469854208").status_code == 404


def test_a_huge_page_number_falls_back_like_any_non_number(client, make_user, login, city):
    client = login(make_user(Role.TRAINING_ADMIN, agency=city["root"]))
    for url in ("/api/v1/runs?page=253695182656225696", "/api/v1/courses?page=1516506444698375159808"):
        response = client.get(url)
        assert response.status_code == 200 and response.get_json()["items"] == []


def test_an_implausible_year_is_a_400_with_the_range_or_is_ignored_by_a_search(client, make_user, login, city):
    client = login(make_user(agency=city["lingya"]))
    response = client.get("/api/v1/personnel/me/summary?year=15912")
    assert response.status_code == 400
    assert response.get_json()["errors"] == [{"field": "year", "message": "年度須介於 1990 至 2100 之間。"}]
    assert client.get("/api/v1/courses?year=-690&month=7").status_code == 200


def test_a_nul_character_in_any_input_is_a_400_not_a_driver_error(client, make_user, login, city):
    client = login(make_user(Role.TRAINING_ADMIN, agency=city["root"]))
    posted = client.post("/api/v1/courses", json={"code": "X\x00", "topics": ["a\x00b"]})
    assert posted.status_code == 400
    assert posted.get_json()["errors"] == [{"field": "", "message": "文字不得包含 NUL 控制字元。"}]
    assert client.get("/api/v1/courses?q=a%00b").status_code == 400
    assert client.get("/courses/?q=a%00b").status_code == 400
