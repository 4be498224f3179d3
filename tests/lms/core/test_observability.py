"""Request ids, structured logs, security headers, health and readiness endpoints, safe redirects."""
import json
import logging

import pytest

from lms.core import health
from lms.core.observability import JsonFormatter, RequestIdFilter


def test_every_response_carries_a_request_id_and_security_headers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 24
    assert client.get("/healthz").headers["X-Request-ID"] != request_id  # one per request
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain-HTTP development default


def test_a_proxys_request_id_is_kept_but_a_forged_one_is_replaced(client):
    kept = client.get("/healthz", headers={"X-Request-ID": "edge-1234abcd"})
    assert kept.headers["X-Request-ID"] == "edge-1234abcd"
    for forged_id in ('"}, "level": "CRITICAL', "<script>alert(1)</script>", "short"):
        forged = client.get("/healthz", headers={"X-Request-ID": forged_id})
        assert len(forged.headers["X-Request-ID"]) == 24 and forged.headers["X-Request-ID"] != forged_id


def test_json_log_lines_carry_the_request_id(app):
    formatter, request_filter = JsonFormatter(), RequestIdFilter()
    with app.test_request_context("/courses/"):
        from flask import g

        g.request_id = "abcdef0123456789"
        record = logging.LogRecord("lms.test", logging.WARNING, __file__, 1, "課程 %s", ("X",), None)
        record.status = 404
        assert request_filter.filter(record)
        line = json.loads(formatter.format(record))
    assert line["request_id"] == "abcdef0123456789" and line["message"] == "課程 X"
    assert line["level"] == "WARNING" and line["status"] == 404 and line["logger"] == "lms.test"
    outside = logging.LogRecord("lms.test", logging.INFO, __file__, 1, "no request", (), None)
    request_filter.filter(outside)
    assert json.loads(formatter.format(outside))["request_id"] == "-"


def test_readiness_names_the_failing_service_without_its_address(client, monkeypatch):
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json() == {"status": "ready", "checks": {"database": True, "broker": True, "storage": True}}
    monkeypatch.setattr(health, "check_storage",
                        lambda: health.Check("storage", False, "http://10.0.0.5:9000 refused (secret)"))
    down = client.get("/readyz")
    assert down.status_code == 503
    assert down.get_json()["checks"]["storage"] is False and down.get_json()["status"] == "unavailable"
    assert "10.0.0.5" not in down.get_data(as_text=True)


@pytest.mark.parametrize("target, allowed", [
    ("/courses/?q=%E6%B6%88%E9%98%B2", True),
    ("//evil.example/", False),
    ("/\\evil.example/", False),
    ("https://evil.example/", False),
    ("javascript:alert(1)", False),
    ("/ok\r\nLocation: https://evil.example", False),
])
def test_language_switch_only_redirects_within_the_site(client, target, allowed):
    response = client.post("/locale/en", data={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == (target if allowed else "/")


def test_the_access_log_names_the_user_a_page_loaded_and_a_probe_loads_no_user(
        client, login, make_user, count_queries, caplog):
    user = make_user()
    login(user)
    with caplog.at_level(logging.INFO, logger="lms.access"):
        assert client.get("/my/learning").status_code == 200
        with count_queries() as counted:
            assert client.get("/healthz").status_code == 200
    page, probe = [r for r in caplog.records if r.name == "lms.access"][-2:]
    assert (page.path, page.user_id) == ("/my/learning", user.id)
    assert (probe.path, probe.user_id) == ("/healthz", None)
    assert counted() == 0  # the signed-in probe read no user just to log it
