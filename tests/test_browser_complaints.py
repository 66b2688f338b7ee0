"""In a real browser: a complaint's first stage runs late, the supervisor finds it on the desk, names its
handler; the handler moves it on with a note from the workbench and the history shows every step."""
from datetime import timedelta

import pytest

from engine import clock, inquiries

from .test_browser_accessibility import violations
from .test_browser_journey import _login, _logout
from .test_browser_supervision import _shot
from .test_supervision import MONDAY

pytestmark = pytest.mark.browser


def test_the_supervisor_assigns_an_overdue_complaint_and_its_handler_moves_it_on(page, live_server, db, users):
    clock.travel_to(MONDAY)
    reference = inquiries.submit(db, "complaint", "陈志明", "13900001234", "窗口人员态度差", "多次被要求补交同一份材料。",
                                 department_code="dm_construction")
    clock.travel_to(MONDAY + timedelta(days=2, hours=1))  # Wednesday: the one working day to register is over

    _login(page, live_server, "supervisor")
    page.goto(f"{live_server}/supervision/")
    assert page.inner_text("#count-complaints-overdue") == "1"
    page.click('[data-testid="link-overdue-complaints"]')
    page.wait_for_selector(f'[data-testid="overdue-{reference}"]')
    assert violations(page) == []
    _shot(page, "complaints")
    page.click(f'[data-testid="complaint-{reference}"] a')
    page.wait_for_selector("#assign-form")
    page.select_option("#assign-handler", str(users["reviewer"].id))
    page.fill("#assign-note", "请核实窗口收件情况")
    assert violations(page) == []
    page.click("#assign-submit")
    page.wait_for_selector('[data-testid="flash-success"]')
    assert page.get_attribute("#complaint-handler", "data-handler") == str(users["reviewer"].id)
    _logout(page)

    _login(page, live_server, "reviewer")
    page.goto(f"{live_server}/workbench/complaints")
    page.wait_for_selector(f'[data-testid="complaint-{reference}"]')
    page.click(f'[data-testid="complaint-{reference}"] a')
    page.wait_for_selector("#advance-form")
    page.select_option("#advance-status", "investigating")
    page.fill("#advance-note", "已调取收件记录，正在核实。")
    page.click("#advance-submit")
    page.wait_for_selector('[data-testid="flash-success"]')
    assert page.get_attribute("#complaint-facts", "data-status") == "investigating"
    assert "已调取收件记录，正在核实。" in page.inner_text("#complaint-history")
    assert violations(page) == []
    _shot(page, "complaint")
