"""Automated accessibility check of the main pages: axe-core (vendored, tests/browser/vendor/axe.min.js, MPL-2.0)
injected into each page as the user who would see it, in Chinese and in English (the header's language switch),
WCAG 2 A and AA rules, no serious or critical violation.
Also: the main pages do not scroll sideways on a phone-sized screen."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}}
BLOCKING = {"serious", "critical"}
PHONE = {"width": 375, "height": 740}
# The page languages: the default, and English as chosen with the header's switch (its button says "English").
LOCALES = ("zh", "en")

# (who, path): who is a demo staff number, or None for a visitor who is not signed in. "list > prefix" stands
# for the first page linked from `list` (inside <main>) whose address starts with `prefix` and goes further
# (not a form for a new record, nor a file download).
PAGES = [
    (None, "/login"),
    ("L0001", "/"),
    ("L0001", "/courses/"),
    ("L0001", "/courses/ > /courses/"),
    ("L0001", "/enrol/"),
    ("L0001", "/my/enrolments"),
    ("L0001", "/my/learning"),
    ("L0001", "/my/calendar"),
    ("L0001", "/tracks/"),
    ("L0001", "/online/"),
    ("L0001", "/online/ > /online/courses/"),
    ("L0001", "/tracks/ > /tracks/"),
    ("L0001", "/subsidies/"),
    ("L0001", "/subsidies/claims/new"),
    ("L0001", "/my/learning/external/new"),
    ("L0001", "/notifications/"),
    ("L0001", "/account/password"),
    ("A0001", "/admin/courses/"),
    ("A0001", "/admin/runs/"),
    ("A0001", "/admin/runs/ > /admin/runs/"),
    ("A0001", "/admin/enrolment/ > /admin/enrolment/runs/"),
    ("A0001", "/plan/"),
    ("A0001", "/subsidies/review/"),
    ("A0001", "/reports/dashboard"),
    ("A0001", "/admin/courses/new"),
    ("A0001", "/admin/venues/"),
    ("A0001", "/admin/plan/import"),
    ("O0001", "/personnel/review"),
    ("S0001", "/reports/"),
    ("S0001", "/reports/ > /reports/people/"),
    ("S0001", "/reports/ > /reports/units/"),
    ("S0001", "/approvals"),
    ("S0001", "/surveys/follow-up/"),
    ("S0001", "/people/"),
    ("I0001", "/admin/enrolment/"),
    ("I0001", "/admin/enrolment/ > /admin/enrolment/runs/"),
]
PHONE_PAGES = [("L0001", "/"), ("L0001", "/courses/"), ("L0001", "/my/learning"),
               ("A0001", "/plan/"), ("A0001", "/reports/dashboard"), ("S0001", "/reports/")]

_results: dict[str, dict[str, int]] = {}


@pytest.fixture(scope="module")
def signed_in_state(browser, live_server, tmp_path_factory):
    """The cookies of each demo user (None: a visitor) after signing in once and, for English, pressing the
    header's language switch (a stored Playwright storage state per user and language; None: nothing to keep)."""
    states: dict[tuple[str | None, str], str | None] = {}

    def state_for(staff_no: str | None, locale: str = "zh") -> str | None:
        if (staff_no, locale) not in states:
            if staff_no is None and locale == "zh":
                return None
            context = browser.new_context(locale="zh-TW")
            page = context.new_page()
            if staff_no:
                sign_in(page, live_server, staff_no)
                page.wait_for_url(live_server + "/")
            else:
                page.goto(live_server + "/login")
            if locale == "en":
                page.get_by_role("button", name="English").click()
                page.get_by_role("button", name="中文").wait_for()
            path = tmp_path_factory.mktemp("state") / f"{staff_no or 'visitor'}-{locale}.json"
            context.storage_state(path=str(path))
            context.close()
            states[staff_no, locale] = str(path)
        return states[staff_no, locale]

    return state_for


@pytest.fixture(scope="module", autouse=True)
def violation_table(pytestconfig):
    """Prints every page's violation count by impact at the end of the module (all impacts, not only blocking)."""
    yield
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    if not reporter or not capture or not _results:
        return
    with capture.global_and_fixture_disabled():
        write_table(reporter)


def write_table(reporter):
    impacts = ["critical", "serious", "moderate", "minor"]
    reporter.write_line("")
    reporter.write_line(f"axe-core ({', '.join(AXE_TAGS)}) violations per page: rules by impact, nodes per rule")
    reporter.write_line(f"{'page':<48}" + "".join(f"{i:>10}" for i in impacts) + "  rules")
    for name, counts in _results.items():
        rules = ", ".join(sorted(k for k in counts if k not in impacts)) or "-"
        reporter.write_line(f"{name:<48}" + "".join(f"{counts.get(i, 0):>10}" for i in impacts) + f"  {rules}")


def first_linked_page(page, base: str, listing: str, prefix: str) -> str:
    """The address of the first page linked from `listing` (inside <main>) under `prefix` and beyond it, not a
    form for a new record nor a file download (also used by docs/screenshots.py)."""
    page.goto(base + listing)
    href = page.locator(f"main a[href^='{prefix}']").evaluate_all(
        "(links, prefix) => links.map(a => a.getAttribute('href'))"
        ".find(h => h.split('?')[0].length > prefix.length && !/\\/(new|certificate)$|\\.(pdf|ics|xlsx|csv)$/"
        ".test(h.split('?')[0]))", prefix)
    assert href, f"{listing} links no page under {prefix}"
    return href


def open_as(browser, live_server, signed_in_state, who, path, viewport=None, locale="zh"):
    options = {"locale": "zh-TW"}
    if viewport:
        options["viewport"] = viewport
    state = signed_in_state(who, locale)
    if state:
        options["storage_state"] = state
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(10000)
    if " > " in path:
        path = first_linked_page(page, live_server, *path.split(" > "))
    response = page.goto(live_server + path)
    assert response is not None and response.status == 200, (path, response and response.status)
    if who:
        assert "/login" not in page.url, f"{who} was sent to sign in for {path}"
    assert page.locator("html").get_attribute("lang") == ("en" if locale == "en" else "zh-Hant-TW")
    return context, page


def run_axe(page) -> dict:
    page.add_script_tag(path=str(AXE))
    return page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)


def describe(violation) -> str:
    targets = "; ".join(" ".join(node["target"]) if isinstance(node["target"][0], str) else str(node["target"])
                        for node in violation["nodes"][:3])
    return f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])} nodes: {targets}): {violation['help']}"


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("who", "path"), PAGES, ids=[f"{who or 'visitor'}:{path}" for who, path in PAGES])
def test_page_has_no_serious_accessibility_violations(browser, live_server, signed_in_state, who, path, locale):
    context, page = open_as(browser, live_server, signed_in_state, who, path, locale=locale)
    try:
        result = run_axe(page)
        address = page.url.removeprefix(live_server)
    finally:
        context.close()
    assert result["passes"], "axe ran no rule that passed: the check did not run"
    counts: dict[str, int] = {}
    for violation in result["violations"]:
        counts[violation["impact"]] = counts.get(violation["impact"], 0) + 1
        counts[violation["id"]] = len(violation["nodes"])
    _results[f"{locale} {who or 'visitor'} {address}"] = counts
    blocking = [describe(v) for v in result["violations"] if v["impact"] in BLOCKING]
    assert not blocking, f"{path} as {who or 'a visitor'} in {locale}:\n" + "\n".join(blocking)


@pytest.mark.parametrize(("who", "path"), PHONE_PAGES, ids=[f"{who}:{path}" for who, path in PHONE_PAGES])
def test_main_page_does_not_scroll_sideways_on_a_phone(browser, live_server, signed_in_state, who, path):
    context, page = open_as(browser, live_server, signed_in_state, who, path, viewport=PHONE)
    try:
        width, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    finally:
        context.close()
    assert inner == PHONE["width"]
    assert width <= inner, f"{path} scrolls sideways on a phone: {width}px wide in a {inner}px window"


def test_the_check_finds_violations_when_there_are_some(browser, live_server, signed_in_state):
    """The same check on the login page spoiled on purpose: it must report what a user of assistive tools would
    trip on (an unlabelled field, an image without text, pale text), so a clean result above means something."""
    context, page = open_as(browser, live_server, signed_in_state, None, "/login")
    try:
        page.evaluate("""() => {
            const main = document.querySelector('main');
            main.insertAdjacentHTML('beforeend',
                '<input type="text" name="spoiled"><img src="/static/css/lms.css">' +
                '<p style="color:#ccc;background:#fff">pale</p>');
        }""")
        result = run_axe(page)
    finally:
        context.close()
    found = {v["id"] for v in result["violations"] if v["impact"] in BLOCKING}
    assert {"label", "image-alt", "color-contrast"} <= found, found


def test_keyboard_users_can_skip_to_the_content(browser, live_server, signed_in_state):
    """The first Tab stop is the "skip to content" link, visible when focused, and it moves on to <main>."""
    context, page = open_as(browser, live_server, signed_in_state, "L0001", "/")
    try:
        page.keyboard.press("Tab")
        focused = page.evaluate("[document.activeElement.className, document.activeElement.innerText]")
        box = page.locator(".skip-link").bounding_box()
        page.keyboard.press("Enter")
        try:  # the fragment navigation is asynchronous: a busy machine reads the old URL right after
            page.wait_for_function("location.hash === '#main'", timeout=5000)
        except PlaywrightTimeout:
            pass  # reported by the assertion below, with the URL it did reach
        url = page.url
    finally:
        context.close()
    assert focused == ["skip-link", "跳到主要內容"], focused
    assert box and box["x"] >= 0 and box["y"] >= 0, box  # on screen once focused
    assert url.endswith("#main")
