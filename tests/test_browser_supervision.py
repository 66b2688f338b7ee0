"""In a real browser: the supervisor follows a late case from the dashboard to its yellow list, urges its
handler from the desk, reads the statistics with their charts and downloads the Excel export."""
import io
from datetime import timedelta
from pathlib import Path

import pytest

from engine import clock, timers

from .helpers import only_open_task
from .test_browser_accessibility import violations
from .test_browser_journey import _login, _logout
from .test_supervision import MONDAY, _accepted_construction_case

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"supervision-{name}.png"), full_page=True)


def test_the_supervisor_urges_a_yellow_case_from_the_desk_and_exports_the_statistics(page, live_server, db, users):
    from openpyxl import load_workbook

    case_id, _review = _accepted_construction_case(db, users)
    clock.travel_to(MONDAY + timedelta(days=4, hours=1))  # Friday: yellow, and the boundary timer escalated
    timers.fire_due(db)
    escalation = only_open_task(db, case_id)

    _login(page, live_server, "supervisor")
    page.goto(f"{live_server}/supervision/")
    assert page.inner_text("#count-yellow") == "1"
    assert violations(page) == []
    _shot(page, "dashboard")
    page.click('[data-testid="link-yellow-cases"]')
    page.wait_for_selector(f'[data-testid="desk-row-case-{case_id}"]')
    _shot(page, "yellow-list")
    assert violations(page) == []
    # The list refreshes in place (every minute, or now): a second late case appears without reloading.
    other_id, _other = _accepted_construction_case(db, users)
    clock.travel_to(MONDAY + timedelta(days=4, hours=2))
    timers.fire_due(db)
    page.click("#live-refresh")
    page.wait_for_selector(f'#live-region[data-refreshed="1"] [data-testid="desk-row-case-{other_id}"]')
    page.click(f'[data-testid="desk-row-case-{case_id}"] [data-testid="open-case-{case_id}"]')
    page.wait_for_selector("#case-clock")
    assert page.get_attribute("#case-clock", "data-level") == "yellow"
    page.fill(f"#urge-message-{escalation.id}", "请今日内处理该超时办件。")
    assert violations(page) == []
    _shot(page, "case")
    page.click(f"#urge-button-{escalation.id}")
    page.wait_for_selector('[data-testid="flash-success"]')
    assert "请今日内处理该超时办件。" in page.inner_text("#urge-table")
    _logout(page)

    # The head sees the urge at the top of the inbox and answers it on the task page.
    _login(page, live_server, "head")
    page.goto(f"{live_server}/workbench/")
    page.wait_for_selector("#notices")
    assert violations(page) == []
    page.click('[data-testid^="open-urge-"]')
    page.fill('textarea[name="answer"]', "已收到，今日办结。")
    _shot(page, "urge-answer")
    page.click('button[id^="answer-urge-"]')
    page.wait_for_selector('[data-testid="flash-success"]')
    assert "已收到，今日办结。" in page.inner_text("#urge-list")
    _logout(page)
    _login(page, live_server, "supervisor")

    page.goto(f"{live_server}/supervision/deadlines?warning=yellow")
    assert violations(page) == []
    page.goto(f"{live_server}/supervision/statistics?month=2026-03")
    page.wait_for_selector('#chart-trend[data-drawn="true"]')
    assert page.locator("#chart-trend canvas").count() == 1
    assert page.inner_text('[data-testid="stat-all-received"]') == "2"
    assert violations(page) == []
    _shot(page, "statistics")
    with page.expect_download() as download:
        page.click("#export-xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[-1][0] == "合计" and rows[-1][1] == 2
