"""Accessibility of the applicant's pages, checked in a real browser with axe-core (WCAG 2.x A and AA rules:
labels, contrast, landmarks, names of controls), on a desktop and on a phone-sized screen, plus keyboard use."""
from pathlib import Path

import pytest

from engine import cases

from .helpers import application, drive, item_code
from .test_browser_journey import _login

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 375, "height": 812}
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
# The main pages, photographed for docs/screenshots/ while they are checked.
SCREENSHOTS = {"/": "portal-home", "/items/{code}": "portal-guide", "/results": "portal-results",
               "/kiosk/": "portal-kiosk", "/auth/register/company": "account-register", "/my/": "applicant-my-cases",
               "/my/messages": "applicant-messages", "/my/materials": "applicant-materials"}


def shoot(page, name: str, phone: bool) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}{'-phone' if phone else ''}.png"), full_page=not phone)


def violations(page) -> list[str]:
    """axe-core's findings on the page as it stands: 'rule: target' lines, empty when it passes."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate("rules => axe.run(document, {runOnly: {type: 'tag', values: rules}})"
                          ".then(result => result.violations.map(v => v.id + ' (' + v.impact + '): ' +"
                          " v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))", RULES)
    return found


def overflows_horizontally(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1")


@pytest.fixture
def concluded_case(db, users):
    code = item_code(db, "business_license_change")
    submitted = cases.submit(db, code, application(db, code), users["zhangsan"])
    drive(db, users, submitted.case_id)
    return submitted


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_applicants_pages_pass_axe_and_fit_the_screen(chromium, live_server, db, concluded_case, viewport):
    context = chromium.new_context(locale="zh-CN", viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    code = item_code(db, "business_license_change")
    public = ["/", f"/items/{code}", "/status", "/results", "/news", "/inquiries", "/inquiries/new",
              "/kiosk/", "/kiosk/map", "/auth/login", "/auth/register/individual", "/auth/register/company"]
    own = ["/my/", f"/my/apply/{code}", f"/my/cases/{concluded_case.case_id}", "/my/messages", "/my/profile",
           "/my/materials"]
    problems = {}
    for path in public + own:
        if path == own[0]:
            _login(page, live_server, "zhangsan")
        assert page.goto(live_server + path).status == 200, path
        problems[path] = violations(page) + (["overflows the screen"] if overflows_horizontally(page) else [])
        shot = SCREENSHOTS.get(path.replace(code, "{code}"))
        if shot:
            shoot(page, shot, phone=viewport is PHONE)
    context.close()
    assert {path: found for path, found in problems.items() if found} == {}


def test_the_keyboard_reaches_the_skip_link_first_and_focus_is_visible(page, live_server):
    page.goto(f"{live_server}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.className")
    assert "skip-link" in focused
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
