"""Browser journeys: the app served for real (its own committed database, demo data) and headless Chromium.

Chromium comes from Debian (/usr/bin/chromium; `.ci/run` installs it); Playwright only drives it.
"""
from __future__ import annotations

import os
import threading

import pytest
from werkzeug.serving import make_server

from tests import services

CHROMIUM = os.environ.get("LMS_TEST_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def live_server(demo_app):
    """Base URL of the demo app (tests/conftest.py) served in a thread on a free port."""
    server = make_server("127.0.0.1", 0, demo_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        services.service_missing("Playwright is not installed: pip install -e '.[dev]'")
    if not os.path.exists(CHROMIUM):
        services.service_missing(f"Chromium is not at {CHROMIUM}: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-TW")
    page = context.new_page()
    page.set_default_timeout(10000)
    yield page
    context.close()
