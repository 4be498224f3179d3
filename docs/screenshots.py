"""Regenerate docs/screenshots/*.png: the seeded demo city served on a free port, each main page as its user sees it.

    .venv/bin/python docs/screenshots.py        (or: make screenshots)

Like the browser tests' live_server: a fresh SQLite database in a temporary folder, every migration head,
`flask lms seed-demo --staff 40`, then headless Chromium (Debian's /usr/bin/chromium, LMS_CHROMIUM to change)
at 1280x800 in Traditional Chinese. Writes docs/README.md listing the pictures.
"""
from __future__ import annotations

import os
import secrets
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.test_accessibility import first_linked_page  # noqa: E402  (the same helpers as the tests)
from tests.browser.helpers import sign_in  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("LMS_CHROMIUM", "/usr/bin/chromium")
VIEWPORT = {"width": 1280, "height": 800}

# (file name, demo staff number or None for a visitor, path, caption); "list > prefix" is the first page under
# `prefix` linked from `list`, as in tests/browser/test_accessibility.py.
SHOTS = [
    ("login", None, "/login", "Sign in (登入)"),
    ("learner-home", "L0001", "/", "Learner's home page (L0001)"),
    ("learner-catalogue", "L0001", "/courses/", "Course catalogue search"),
    ("learner-course", "L0001", "/courses/ > /courses/", "A course page with its class runs"),
    ("learner-enrol", "L0001", "/enrol/", "Class runs open for enrolment"),
    ("learner-enrolments", "L0001", "/my/enrolments", "My enrolments"),
    ("learner-learning", "L0001", "/my/learning", "My learning hours against the year's requirement"),
    ("learner-calendar", "L0001", "/my/calendar", "My calendar address"),
    ("learner-tracks", "L0001", "/tracks/", "Certification tracks"),
    ("learner-online", "L0001", "/online/", "Online courses"),
    ("learner-subsidies", "L0001", "/subsidies/", "English test fee subsidy claims"),
    ("admin-courses", "A0001", "/admin/courses/", "Manage courses (training administrator A0001)"),
    ("admin-runs", "A0001", "/admin/runs/", "Class runs"),
    ("admin-plan", "A0001", "/plan/", "The annual plan"),
    ("admin-subsidy-review", "A0001", "/subsidies/review/", "Subsidy claims review queue"),
    ("admin-dashboard", "A0001", "/reports/dashboard", "Training dashboard"),
    ("officer-hours-review", "O0001", "/personnel/review", "Hours review (agency training officer O0001)"),
    ("supervisor-reports", "S0001", "/reports/", "Compliance reports (supervisor S0001)"),
    ("supervisor-approvals", "S0001", "/approvals", "Enrolment approvals"),
    ("instructor-rosters", "I0001", "/admin/enrolment/", "Rosters (instructor I0001)"),
]


def demo_app(folder: Path):
    """The app on a new SQLite database in `folder`, migrated and seeded with the demo city."""
    import flask_migrate

    from lms import create_app
    from lms.i18n import compile_catalogues
    from lms.settings import Settings

    compile_catalogues()
    settings = Settings.from_env(environ={}, DATABASE_URL=f"sqlite:///{folder / 'demo.sqlite3'}",
                                 INSTANCE_PATH=str(folder / "instance"), SECRET_KEY=secrets.token_hex(16),
                                 LOG_LEVEL="WARNING")
    app = create_app(settings)
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
    result = app.test_cli_runner().invoke(args=["lms", "seed-demo", "--staff", "40"])
    if result.exit_code != 0:
        raise SystemExit(f"seed-demo failed:\n{result.output}")
    return app


def take(browser, base: str) -> list[tuple[str, str]]:
    """Saves every shot; returns (file name, caption) of each."""
    taken, contexts = [], {}
    for name, who, path, caption in SHOTS:
        if who not in contexts:
            contexts[who] = browser.new_context(viewport=VIEWPORT, locale="zh-TW")
            if who:
                first = contexts[who].new_page()
                sign_in(first, base, who)
                first.wait_for_url(base + "/")
                first.close()
        page = contexts[who].new_page()
        if " > " in path:
            path = first_linked_page(page, base, *path.split(" > "))
        response = page.goto(base + path)
        if response is None or response.status != 200:
            raise SystemExit(f"{path} as {who or 'a visitor'} answered {response and response.status}")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT / f"{name}.png"))
        page.close()
        taken.append((f"{name}.png", f"{caption} — `{path}`"))
        print(f"docs/screenshots/{name}.png  {who or 'visitor'} {path}")
    for context in contexts.values():
        context.close()
    return taken


def write_index(taken: list[tuple[str, str]]) -> None:
    lines = ["# Screenshots", "",
             "The seeded demo city at 1280×800 in Traditional Chinese, one picture per main page as its user sees",
             "it. Regenerate them all with `make screenshots` (`.venv/bin/python docs/screenshots.py`); it",
             "needs Debian's Chromium (`apt-get install chromium fonts-noto-cjk`) and Playwright (`.[dev]`).",
             ""]
    for file, caption in taken:
        lines += [f"## {caption}", "", f"![{caption}](screenshots/{file})", ""]
    (ROOT / "docs" / "README.md").write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"Chromium is not at {CHROMIUM}: apt-get install -y chromium (or set LMS_CHROMIUM)")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lms-screenshots-") as tmp:
        server = make_server("127.0.0.1", 0, demo_app(Path(tmp)), threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True,
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
                try:
                    taken = take(browser, f"http://127.0.0.1:{server.server_port}")
                finally:
                    browser.close()
        finally:
            server.shutdown()
    write_index(taken)
    print(f"docs/README.md lists {len(taken)} screenshots")


if __name__ == "__main__":
    main()
