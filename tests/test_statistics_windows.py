"""Statistics by window (窗口): a walk-in case records the window its clerk registered it at (one of the clerk's
department's windows, remembered for next time); online cases count under 网上申报. Every figure by window
equals the count from the case rows, and drills down to exactly those cases."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import calendar_store, cases, statistics, windows
from engine.accounts import create_user
from engine.errors import InvalidInput
from engine.models import Case, User
from engine.permissions import CLERK

from .helpers import application, drive, item_code
from .test_statistics import MARCH, _actual, _at, _expected, _submit, clock_db
from .test_web_supervision import _as
from .webpage import Page, login, submit

COMPANY = dict(applicant_name="珠海斗门建工集团有限公司", applicant_type="法人", applicant_id_number="91440403MA54Q8K3XP")


def _walk_in(db, clerk, window) -> int:
    code = item_code(db, "construction_permit")
    return cases.submit(db, code, application(db, code), None, channel="window", received_by=clerk, window=window,
                        **COMPANY).case_id


def test_every_figure_by_window_equals_the_count_from_the_case_rows(db, users):
    clock_db[0] = db
    clerk = users["clerk"]
    _at(16)
    first = _walk_in(db, clerk, "dm_center:1")
    drive(db, users, first)
    _walk_in(db, clerk, "dm_center:1")
    _at(17)
    drive(db, users, _walk_in(db, clerk, "dm_center:4"), max_steps=1)
    _submit(db, users, "construction_permit")
    with db.write() as session:  # a clerk of no department has no window to choose
        create_user(session, "roving_clerk", "x" * 12, "流动窗口", roles=(CLERK,))
    with db.read() as session:
        roving = session.scalar(select(User).where(User.username == "roving_clerk"))
    _walk_in(db, roving, None)
    with pytest.raises(InvalidInput) as refused:
        _walk_in(db, clerk, "dm_center:99")
    assert "window" in refused.value.errors
    supervisor = users["supervisor"]
    with db.read() as session:
        assert session.get(User, clerk.id).window == "dm_center:4"  # remembered
        assert session.get(Case, first).window == "dm_center:1"
        table = statistics.table(session, supervisor, statistics.StatsFilter(
            dimension="window", date_from=MARCH.date_from, date_to=MARCH.date_to), calendar_store.calendar_for(session))
        expected, actual = _expected(session, supervisor, "window"), _actual(table)
        assert set(actual) == set(expected) == {"dm_center:1", "dm_center:4", "online", "unrecorded"}
        for key, numbers in expected.items():
            assert {k: actual[key].get(k, 0) for k in numbers} == dict(numbers), key
        assert {r.key: r.counts["received"] for r in table.rows} == {"dm_center:1": 2, "dm_center:4": 1, "online": 1,
                                                                     "unrecorded": 1}
        labels = {r.key: r.label for r in table.rows}
        assert labels["online"] == "网上申报" and "综合受理窗口1号" in labels["dm_center:1"]
        for row in table.rows:
            for metric in statistics.METRICS:
                found = statistics.cases_behind(session, supervisor, table.filter, row.key, metric, page_size=500)
                assert len(found.cases) == row.counts[metric], (row.key, metric)
        assert statistics.cases_behind(session, supervisor, table.filter, "nowhere", "received") is None


def test_the_walk_in_form_offers_the_clerks_windows_and_remembers_the_last(client, db, users):
    code = item_code(db, "construction_permit")
    login(client, "clerk")
    page = Page(client.get(f"/workbench/walk-in/{code}"))
    with db.read() as session:
        offered = [w.key for w in windows.of_clerk(session, users["clerk"])]
    assert [o.get("value") for o in page.find("walk-in-window").iter() if o.tag == "option"] == offered
    person = {"on_behalf": COMPANY}
    response = submit(client, f"/workbench/walk-in/{code}", "walk-in-form",
                      {**application(db, code), **person, "window": "dm_center:bogus"})
    page = Page(response)
    assert response.status_code == 400 and page.text("walk-in-window-error")
    response = submit(client, f"/workbench/walk-in/{code}", "walk-in-form",
                      {**application(db, code), **person, "window": "dm_center:5"})
    assert response.status_code == 302
    page = Page(client.get(f"/workbench/walk-in/{code}"))
    assert [o.get("value") for o in page.find("walk-in-window").iter() if "selected" in o.attrs] == ["dm_center:5"]


def test_the_statistics_page_and_export_have_the_window_dimension(app, db, users):
    clock_db[0] = db
    _at(16)
    _walk_in(db, users["clerk"], "dm_center:2")
    _submit(db, users, "construction_permit")
    supervisor = _as(app, "supervisor")
    page = Page(supervisor.get("/supervision/statistics?dimension=window&month=2026-03"))
    assert page.status == 200
    received = {row.get("data-testid"): row for row in page.all("data-testid", "stat-") if row.get("data-testid")
                .endswith("-received")}
    assert received["stat-dm_center:2-received"].text.strip() == "1"
    assert received["stat-online-received"].text.strip() == "1"
    drill = Page(supervisor.get("/supervision/statistics/cases?dimension=window&month=2026-03&key=online"
                                "&metric=received"))
    assert drill.status == 200
    csv_text = supervisor.get("/supervision/statistics/export.csv?dimension=window&month=2026-03").data.decode("utf-8-sig")
    assert "网上申报" in csv_text and "综合受理窗口2号" in csv_text
