"""The clerk's inbox: filters and sort from indexed rows, the done list, saved filters, absence substitution."""
from datetime import timedelta

import pytest

from engine import cases, clock, saved_filters, substitution
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.inbox import InboxFilter, done_page, inbox_page
from engine.models import AuditEvent
from engine.status import CaseStatus

from .helpers import answer, application, case, item_code, only_open_task, worker_for


def _submit(db, users, stem="construction_permit", **fields) -> int:
    code = item_code(db, stem)
    return cases.submit(db, code, application(db, code, **fields), users["haiyun"]).case_id


def _page(db, user, narrow=None, page=1):
    with db.read() as session:
        result = inbox_page(session, user, page, narrow=narrow)
        return result, [(t.case.case_no, t.case_id) for t in result.tasks]


def _case_no(db, case_id):
    return case(db, case_id).case_no


def test_filters_narrow_the_inbox_by_case_number_item_status_and_applicant(db, users):
    clerk = users["clerk"]
    permit = _submit(db, users)
    planning = _submit(db, users, "planning_permit")
    other = cases.submit(db, item_code(db, "construction_permit"), application(db, item_code(db, "construction_permit")),
                         applicant_name="斗门百货有限公司").case_id
    everything, _rows = _page(db, clerk)
    assert everything.total >= 3

    by_number, rows = _page(db, clerk, InboxFilter(case_no=_case_no(db, planning)))
    assert [case_id for _no, case_id in rows] == [planning] and by_number.total == 1

    _result, rows = _page(db, clerk, InboxFilter(item=item_code(db, "construction_permit")))
    assert {case_id for _no, case_id in rows} == {permit, other}

    _result, rows = _page(db, clerk, InboxFilter(applicant="百货"))
    assert [case_id for _no, case_id in rows] == [other]

    task = only_open_task(db, permit)
    cases.complete(db, task.id, worker_for(db, task, users), answer(db, task, decision="supplement",
                                                                   supplement_materials=["申请表"]))
    _result, rows = _page(db, clerk, InboxFilter(status=int(CaseStatus.RECEIVED)))
    assert {case_id for _no, case_id in rows} == {planning, other}


def test_a_percent_sign_in_the_applicant_filter_is_taken_literally(db, users):
    _submit(db, users)
    result, rows = _page(db, users["clerk"], InboxFilter(applicant="%"))
    assert rows == [] and result.total == 0


def test_sort_by_due_date_puts_the_most_urgent_case_first(db, users):
    clock.travel_to(clock.now() - timedelta(days=20))
    older = _submit(db, users)
    task = only_open_task(db, older)
    cases.complete(db, task.id, worker_for(db, task, users), answer(db, task, decision="accept"))
    clock.reset()
    newer = _submit(db, users)
    task = only_open_task(db, newer)
    cases.complete(db, task.id, worker_for(db, task, users), answer(db, task, decision="accept"))
    reviewer = users["reviewer"]
    _result, rows = _page(db, reviewer, InboxFilter(sort="due"))
    ids = [case_id for _no, case_id in rows]
    assert ids.index(older) < ids.index(newer)
    _result, rows = _page(db, reviewer, InboxFilter(due_before=clock.local_now().date()))
    assert newer not in [case_id for _no, case_id in rows]


def test_the_done_list_shows_what_i_finished_most_recent_first(db, users):
    first, second = _submit(db, users), _submit(db, users)
    for case_id in (first, second):
        task = only_open_task(db, case_id)
        cases.complete(db, task.id, users["clerk"], answer(db, task, decision="accept"))
    with db.read() as session:
        done = done_page(session, users["clerk"])
    assert [t.case_id for t in done.tasks] == [second, first] and done.total == 2
    with db.read() as session:
        assert done_page(session, users["reviewer"]).total == 0


def test_saved_filters_are_per_user_named_and_replaced_by_name(db, users):
    query = InboxFilter(warning="red", sort="due").to_query()
    assert query == {"warning": "red", "sort": "due"}
    saved_filters.save(db, users["clerk"], "超期件", query)
    saved_filters.save(db, users["clerk"], "超期件", InboxFilter(warning="yellow").to_query())
    with db.read() as session:
        [mine] = saved_filters.of_user(session, users["clerk"])
        assert mine.query == {"warning": "yellow"}
        assert saved_filters.of_user(session, users["reviewer"]) == []
    with pytest.raises(InvalidInput):
        saved_filters.save(db, users["clerk"], "空", {})
    with pytest.raises(NotFound):
        saved_filters.delete(db, users["reviewer"], mine.id)  # someone else's filter does not exist for them


def test_a_substitute_sees_and_finishes_the_absent_clerks_claimed_tasks_and_the_audit_says_so(db, users):
    from engine.accounts import create_user
    from engine.permissions import REVIEWER

    with db.write() as session:
        stand_in = create_user(session, "reviewer2", "x" * 12, "钱审核", roles=(REVIEWER,), department="dm_center",
                               groups=("center_supervisor",))
    case_id = _submit(db, users)
    task = only_open_task(db, case_id)
    cases.claim(db, task.id, users["clerk"])
    today = clock.local_now().date()
    substitution.name(db, users["clerk"], stand_in.id, today, today + timedelta(days=2), "出差")
    result, rows = _page(db, stand_in)
    assert case_id in [c for _no, c in rows] and result.mine >= 1
    cases.complete(db, task.id, stand_in, answer(db, task, decision="accept"))
    with db.read() as session:
        event = session.query(AuditEvent).filter_by(case_id=case_id, action="complete").one()
    assert event.detail["standing_in_for"] == "clerk" and event.actor_name == "钱审核"


def test_a_substitution_ends_on_its_last_day_and_can_be_cancelled(db, users):
    case_id = _submit(db, users)
    today = clock.local_now().date()
    substitution.name(db, users["clerk"], _colleague(db).id, today, today, "半天假")
    with db.read() as session:
        [row] = substitution.current(session, users["clerk"])
    clock.advance(timedelta(days=1))
    result, rows = _page(db, _colleague(db))
    assert case_id not in [c for _no, c in rows]
    substitution.cancel(db, row.id, users["clerk"])
    with pytest.raises(Forbidden):
        substitution.cancel(db, row.id, users["reviewer"])  # neither the absent clerk nor their head


def _colleague(db):
    from engine.accounts import create_user, find_user
    from engine.permissions import CLERK

    with db.write() as session:
        return find_user(session, "colleague") or create_user(session, "colleague", "x" * 12, "同事", roles=(CLERK,),
                                                               department="dm_center", groups=("center_lead",))


def test_naming_a_substitute_is_checked(db, users):
    today = clock.local_now().date()
    clerk = users["clerk"]
    with pytest.raises(InvalidInput) as caught:
        substitution.name(db, clerk, clerk.id, today + timedelta(days=3), today, "")
    assert set(caught.value.errors) == {"ends_on", "substitute_id"}
    with pytest.raises(InvalidInput) as caught:
        substitution.name(db, clerk, users["haiyun"].id, "明天", today, "")  # an applicant, and no date
    assert set(caught.value.errors) == {"starts_on", "substitute_id"}
    substitution.name(db, clerk, _colleague(db).id, today, today + timedelta(days=5), "")
    with pytest.raises(Conflict):
        substitution.name(db, clerk, _colleague(db).id, today + timedelta(days=2), today + timedelta(days=9), "")
