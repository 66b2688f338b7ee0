"""The inbox reads copies of the case's fields on its open tasks (`human_task.case_*`): they equal the case
after every kind of change, filtered pages equal a reference computed from the case rows, and an upgraded
installation's open tasks get them from the migration."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import importlib.util

import pytest
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text, update

from engine import cases, clock, extensions, special_procedures, timers
from engine.inbox import InboxFilter, inbox_page
from engine.migrate import MIGRATIONS
from engine.models import Case, HumanTask
from engine.models.case import task_copies
from engine.permissions import inbox_scope

from .helpers import answer, application, item_code, only_open_task, worker_for

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=clock.TZ)


def mismatches(db) -> list[tuple]:
    """Open tasks whose copies differ from their case: (task id, what the task says, what the case says)."""
    with db.read() as session:
        found = []
        for task in session.scalars(select(HumanTask).where(HumanTask.state == "open")):
            carried = {column: getattr(task, column) for column in task_copies(task.case)}
            if carried != task_copies(task.case):
                found.append((task.id, carried, task_copies(task.case)))
        return found


def submit(db, users, stem="construction_permit", applicant="haiyun", **fields) -> int:
    code = item_code(db, stem)
    return cases.submit(db, code, application(db, code, **fields), users[applicant]).case_id


def complete_open(db, users, case_id, **fields):
    task = only_open_task(db, case_id)
    cases.complete(db, task.id, worker_for(db, task, users), answer(db, task, **fields))


def test_copies_follow_the_case_through_supplement_acceptance_procedures_extension_and_warnings(db, users):
    clock.travel_to(MONDAY)
    case_id = submit(db, users)
    assert mismatches(db) == []
    complete_open(db, users, case_id, decision="supplement", supplement_materials=["application_form"])
    assert mismatches(db) == []                                    # status 6, clock paused
    complete_open(db, users, case_id)
    assert mismatches(db) == []                                    # status 7
    complete_open(db, users, case_id, decision="accept")
    assert mismatches(db) == []                                    # accepted: a promised due date appears
    procedure = special_procedures.start(db, case_id, users["clerk"], "expert_review", "需专家论证", 3)
    assert mismatches(db) == []                                    # status 9
    special_procedures.end(db, procedure, users["clerk"], "专家论证通过")
    assert mismatches(db) == []                                    # status 10, due date moved
    extension = extensions.request(db, case_id, users["clerk"], "情况复杂，需要延期办理")
    extensions.decide(db, extension, users["head"], approve=True, opinion="同意延期")
    assert mismatches(db) == []                                    # due date moved by the extension
    clock.travel_to(MONDAY + timedelta(days=40))
    timers.fire_due(db)
    with db.read() as session:
        assert session.get(Case, case_id).warning_level == "red"
    assert mismatches(db) == []                                    # warning level raised by the clock


def reference_page(db, user, narrow: InboxFilter, page: int, page_size: int) -> tuple[list[int], int]:
    """The page computed the slow, obvious way: every visible open task joined to its case row."""
    with db.read() as session:
        people, codes = inbox_scope(session, user)
        rows = session.execute(select(HumanTask, Case).join(Case, Case.id == HumanTask.case_id)
                               .where(HumanTask.state == "open")).all()
        visible = [(task, case) for task, case in rows
                   if task.assignee_id in people or (task.assignee_id is None and task.group_code in codes)]
        item_ids = {code: item_id for code, item_id in session.execute(text("SELECT code, id FROM item"))}

    def keep(case: Case) -> bool:
        end = datetime.combine(narrow.due_before, datetime.max.time(), clock.TZ) if narrow.due_before else None
        return ((narrow.item is None or case.item_id == item_ids.get(narrow.item))
                and (narrow.status is None or case.status == narrow.status)
                and (narrow.warning is None or case.warning_level == narrow.warning)
                and (narrow.applicant is None or narrow.applicant in case.applicant_name)
                and (narrow.case_no is None or case.case_no == narrow.case_no)
                and (end is None or (case.promised_due_at is not None and case.promised_due_at <= end)))

    chosen = [(task, case) for task, case in visible if keep(case)]
    if narrow.sort == "due":
        chosen.sort(key=lambda pair: (pair[1].promised_due_at is None, pair[1].promised_due_at or MONDAY,
                                      pair[0].created_at, pair[0].id))
    else:
        chosen.sort(key=lambda pair: (pair[0].created_at, pair[0].id))
    ids = [task.id for task, _case in chosen]
    return ids[(page - 1) * page_size:page * page_size], len(ids)


@pytest.fixture
def many_cases(db, users):
    """Cases of several items, applicants and states, some claimed by the clerk, some overdue."""
    clock.travel_to(MONDAY)
    made = []
    for n in range(12):
        stem = ("construction_permit", "planning_permit", "env_impact_report")[n % 3]
        applicant = "haiyun" if n % 2 else "zhangsan"
        case_id = submit(db, users, stem, applicant)
        made.append(case_id)
        clock.advance(timedelta(hours=5))
        if n % 4 == 1:
            complete_open(db, users, case_id, decision="accept")
        if n % 4 == 2:
            cases.claim(db, only_open_task(db, case_id).id, users["clerk"])
    clock.advance(timedelta(days=9))
    timers.fire_due(db)
    return made


FILTERS = [
    InboxFilter(),
    InboxFilter(sort="due"),
    InboxFilter(status=1),
    InboxFilter(status=8, sort="due"),
    InboxFilter(applicant="海韵"),
    InboxFilter(applicant="张"),
    InboxFilter(warning="red"),
    InboxFilter(warning="normal", sort="due"),
    InboxFilter(due_before=date(2026, 3, 13)),
]


@pytest.mark.parametrize("narrow", FILTERS, ids=lambda f: str(f.to_query() or "all"))
def test_every_filtered_page_equals_the_reference_from_case_rows(db, users, many_cases, narrow):
    totals = []
    for username in ("clerk", "reviewer", "head"):
        user = users[username]
        _first, total = reference_page(db, user, narrow, 1, 4)
        totals.append(total)
        pages = max((total + 3) // 4, 1)
        for page in range(1, pages + 1):
            expected, _total = reference_page(db, user, narrow, page, 4)
            with db.read() as session:
                result = inbox_page(session, user, page, page_size=4, narrow=narrow)
                assert [t.id for t in result.tasks] == expected, (username, page)
                assert result.total == total
    assert any(totals), "the sample cases must give every filter something to find"


def test_the_item_filter_equals_the_reference(db, users, many_cases):
    narrow = InboxFilter(item=item_code(db, "planning_permit"), sort="due")
    expected, total = reference_page(db, users["clerk"], narrow, 1, 50)
    with db.read() as session:
        result = inbox_page(session, users["clerk"], 1, page_size=50, narrow=narrow)
    assert [t.id for t in result.tasks] == expected and result.total == total > 0


def test_the_migrations_backfill_gives_an_upgraded_installations_open_tasks_their_copies(db, users):
    for n in range(3):
        case_id = submit(db, users)
        if n:
            complete_open(db, users, case_id, decision="accept")
    with db.write() as session:  # as an installation from before the copies existed would have them: empty
        session.execute(update(HumanTask).values(case_item_id=None, case_status=None, case_warning=None,
                                                 case_due_at=None, case_applicant=None))
    assert mismatches(db)
    with db.engine.begin() as connection, Operations.context(MigrationContext.configure(connection)):
        _migration("0006_inbox_filters")._backfill_open_tasks()
    assert mismatches(db) == []


def _migration(name: str):
    """A migration script as a module, to run one of its steps on a database that has data."""
    path = MIGRATIONS / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"migration_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
