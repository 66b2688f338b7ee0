"""Administrators edit the working-day calendar; running cases' due dates follow."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from engine import calendar_admin, calendar_store, cases, clock
from engine.models import AuditEvent
from tests import helpers
from tests.webpage import Page, login


def accepted_case(db, users) -> int:
    code = helpers.item_code(db, "construction_permit")
    submitted = cases.submit(db, code, helpers.application(db, code), users["zhangsan"])
    task = helpers.only_open_task(db, submitted.case_id)
    cases.complete(db, task.id, users["clerk"], helpers.answer(db, task))
    assert helpers.case(db, submitted.case_id).accepted_at is not None
    return submitted.case_id


def a_workday_before(db, due) -> date:
    """A working day strictly between tomorrow and the case's last day."""
    with db.read() as session:
        calendar = calendar_store.calendar_for(session)
    day = clock.local_now().date() + timedelta(days=2)
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    assert day < due.astimezone(clock.TZ).date()
    return day


def test_a_new_holiday_moves_the_due_dates_of_running_cases_one_working_day_later(db, users):
    case_id = accepted_case(db, users)
    before = helpers.case(db, case_id)
    holiday = a_workday_before(db, before.promised_due_at)
    calendar_admin.set_override(db, users["admin"], holiday, False, "临时放假")
    assert calendar_admin.recompute_due_dates(db, users["admin"], batch=1) == 1
    after = helpers.case(db, case_id)
    with db.read() as session:
        calendar = calendar_store.calendar_for(session)
    assert after.promised_due_at == calendar.extend(before.promised_due_at, 1)
    assert after.statutory_due_at == calendar.extend(before.statutory_due_at, 1)
    # Removing the holiday again gives the original dates back.
    calendar_admin.set_override(db, users["admin"], holiday, None)
    calendar_admin.recompute_due_dates(db, users["admin"])
    assert helpers.case(db, case_id).promised_due_at == before.promised_due_at
    assert helpers.case(db, case_id).statutory_due_at == before.statutory_due_at


def test_recomputing_an_unchanged_calendar_changes_nothing_and_is_audited(db, users):
    accepted_case(db, users)
    assert calendar_admin.recompute_due_dates(db, users["admin"]) == 0
    with db.read() as session:
        from sqlalchemy import select
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "calendar_recomputed")).all()[-1]
    assert event.detail == {"cases": 0} and event.actor_id == users["admin"].id


def test_the_calendar_page_saves_a_make_up_workday_and_warns_about_recomputation(client, db, users):
    login(client, "admin")
    page = Page(client.get("/admin/calendar?year=2027"))
    assert page.find("recompute-warning") is not None
    response = client.post("/admin/calendar/days", data={"day": "2027-02-07", "kind": "workday", "note": "春节调休"})
    assert response.status_code == 302
    assert Page(client.get("/admin/calendar?year=2027")).all("data-testid", "override-2027-02-07")
    assert client.post("/admin/calendar/days", data={"day": "not a date", "kind": "workday"}).status_code == 400


@pytest.mark.parametrize("username", ["analyst", "deptadmin", "clerk", "zhangsan"])
def test_only_system_administrators_edit_the_calendar(client, username):
    login(client, username)
    assert client.get("/admin/calendar").status_code == 403
    assert client.post("/admin/calendar/days", data={"day": "2027-02-07", "kind": "workday"}).status_code == 403


def test_a_new_holiday_moves_an_open_steps_own_limit_too(db, users):
    case_id = accepted_case(db, users)
    step = helpers.only_open_task(db, case_id)
    assert step.due_at is not None
    last_day = step.due_at.astimezone(clock.TZ).date() - timedelta(days=1)  # due at midnight after the last day
    with db.read() as session:
        calendar = calendar_store.calendar_for(session)
    assert calendar.is_workday(last_day)
    calendar_admin.set_override(db, users["admin"], last_day, False, "临时放假")
    calendar_admin.recompute_due_dates(db, users["admin"])
    with db.read() as session:
        calendar = calendar_store.calendar_for(session)
    moved = helpers.only_open_task(db, case_id)
    assert moved.due_at > step.due_at
    assert moved.due_at == calendar.extend(step.due_at, 1)


def test_a_pasted_schedule_is_saved_at_once_and_a_bad_line_is_named(client, db):
    login(client, "admin")
    bad = client.post("/admin/calendar/schedule", data={"schedule": "2027-02-06 上班 春节调休\n2027-02-31 放假"})
    assert bad.status_code == 400 and "第 2 行" in Page(bad).text("error-schedule")
    assert not calendar_admin.overrides_of_year(db, 2027)  # nothing half-stored
    good = client.post("/admin/calendar/schedule", data={"schedule": "2027-02-06 上班 春节调休\n2027-02-10 放假 春节\n"})
    assert good.status_code == 302
    assert [(d.day, d.is_workday) for d in calendar_admin.overrides_of_year(db, 2027)] == [
        ("2027-02-06", True), ("2027-02-10", False)]
