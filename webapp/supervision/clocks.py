"""The clocks every page about a case shows (template globals `clock_of_case`, `clock_of_step`): the data of
the `case_clock` macro in shared/_macros.html, from engine.deadlines."""
from __future__ import annotations

from engine import calendar_store, deadlines
from engine.models import Case, HumanTask

from ..extensions import db


def clock_of_case(case: Case) -> deadlines.Clock:
    return deadlines.case_clock_of(db.session, case, calendar_store.calendar_for(db.session))


def clock_of_step(task: HumanTask) -> deadlines.Clock:
    return deadlines.step_clock_of(task, task.case, calendar_store.calendar_for(db.session))
