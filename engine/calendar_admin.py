"""Administrators editing the working-day calendar, and the due dates of running cases that follow it.

A changed holiday or make-up workday moves the promised and statutory due dates of every open case whose
limit runs over that day. `recompute_due_dates` computes them again from acceptance under the new
calendar (engine.case_clock.limits_from), adds back the working days the case was paused and the approved
extensions, recomputes each open step's own limit, and lets `progress.reclock` move warning levels and
wake-ups. BPMN timers already armed keep their instant (the workflow holds it). Cases are taken in batches, one
transaction each, so a long recomputation never holds every case at once.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from . import audit, calendar_store, case_clock, progress, versions
from .db import Database
from .errors import InvalidInput
from .i18n import _
from .models import CalendarDay, Case, Extension, HumanTask
from .status import FINAL

BATCH = 200


def overrides_of_year(db: Database, year: int) -> list[CalendarDay]:
    """The administrators' overrides of one year, by date."""
    with db.read() as session:
        return list(session.scalars(select(CalendarDay).where(CalendarDay.day.like(f"{year:04d}-%"))
                                    .order_by(CalendarDay.day)))


def set_override(db: Database, actor, day: date, is_workday: bool | None, note: str = "") -> None:
    """Declare `day` a working day (make-up workday, 调休上班) or a day off (holiday); None removes the
    override and the base calendar applies again. Audit `calendar_day`."""
    set_overrides(db, actor, [(day, is_workday, note)])


def set_overrides(db: Database, actor, entries: list[tuple[date, bool | None, str]]) -> None:
    """Several days at once (a year's published schedule), in one transaction; one audit event a day."""
    for _day, _kind, note in entries:
        if len((note or "").strip()) > 200:
            raise InvalidInput(_("说明过长（最多 200 字）"), {"note": [_("说明过长（最多 200 字）")]})
    with db.write() as session:
        for day, is_workday, note in entries:
            calendar_store.write_day(session, day, is_workday, (note or "").strip(), actor)
    calendar_store.forget()


_KEYWORDS = {"放假": False, "休": False, "休息": False, "holiday": False, "上班": True, "班": True, "调休上班": True,
             "workday": True, "默认": None, "恢复": None, "base": None}


def parse_schedule(text: str) -> list[tuple[date, bool | None, str]]:
    """Lines `2027-02-06 上班 春节调休` / `2027-02-10 放假` / `2027-03-01 恢复`; InvalidInput names each bad line."""
    entries, problems = [], []
    for number, line in enumerate((text or "").splitlines(), 1):
        parts = line.split(None, 2)
        if not parts:
            continue
        try:
            day = date.fromisoformat(parts[0])
        except ValueError:
            problems.append(_("第 %(n)s 行：日期“%(d)s”无效，应写成 2027-02-06", n=number, d=parts[0]))
            continue
        if len(parts) < 2 or parts[1] not in _KEYWORDS:
            problems.append(_("第 %(n)s 行：请写“放假”“上班”或“恢复”", n=number))
            continue
        entries.append((day, _KEYWORDS[parts[1]], parts[2] if len(parts) > 2 else ""))
    if problems or not entries:
        raise InvalidInput(_("日程未保存"), {"schedule": problems or [_("请至少写一行")]})
    return entries


def recompute_due_dates(db: Database, actor=None, batch: int = BATCH) -> int:
    """Recompute the due dates of every open case under the current calendar — the case's promised and
    statutory dates once accepted, and each open step's own limit — and return how many cases changed.
    Audit `calendar_recomputed` with the count."""
    calendar_store.forget()
    changed, after = 0, 0
    while True:
        with db.write() as session:
            calendar = calendar_store.calendar_for(session)
            cases = list(session.scalars(select(Case).where(Case.id > after, Case.status.not_in(FINAL))
                                         .order_by(Case.id).limit(batch)))
            if not cases:
                audit.record(session, "calendar_recomputed", actor=actor, detail={"cases": changed})
                return changed
            ids = [c.id for c in cases]
            extended = dict(session.execute(
                select(Extension.case_id, func.sum(Extension.days)).where(
                    Extension.case_id.in_(ids), Extension.state == "approved").group_by(Extension.case_id)).all())
            steps: dict[int, list[HumanTask]] = {}
            for task in session.scalars(select(HumanTask).where(HumanTask.case_id.in_(ids), HumanTask.state == "open",
                                                                HumanTask.due_at.is_not(None))):
                steps.setdefault(task.case_id, []).append(task)
            for case in cases:
                after = case.id
                content = versions.content(session, case.item_version_id)
                moved = _step_dues(steps.get(case.id, []), content.user_tasks, calendar)
                if case.accepted_at is not None:
                    moved |= _case_dues(case, content.guide, calendar, int(extended.get(case.id) or 0))
                if moved:
                    progress.reclock(session, case, calendar, actor)
                    changed += 1


def _case_dues(case: Case, guide: dict, calendar, extension_days: int) -> bool:
    statutory, promised = case_clock.limits_from(case, guide, calendar, case.accepted_at)
    moved = (case.paused_workdays or 0) + extension_days
    if moved:
        statutory, promised = calendar.extend(statutory, moved), calendar.extend(promised, moved)
    if (statutory, promised) == (case.statutory_due_at, case.promised_due_at):
        return False
    case.statutory_due_at, case.promised_due_at = statutory, promised
    return True


def _step_dues(tasks: list[HumanTask], user_tasks: dict, calendar) -> bool:
    """A step's own limit counts from when the step began (as progress.advance sets it)."""
    changed = False
    for task in tasks:
        limit = (user_tasks.get(task.bpmn_id) or {}).get("step_limit_days")
        if limit:
            due = calendar.due_at(task.created_at, int(limit))
            if due != task.due_at:
                task.due_at, changed = due, True
    return changed
