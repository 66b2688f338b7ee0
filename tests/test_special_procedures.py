"""Special procedures started by a clerk stop the legal clock; extensions add 10 (joint: 15) working days once."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from engine import calendar_store, cases, clock, extensions, special_procedures
from engine.accounts import create_user
from engine.calendar import last_day
from engine.errors import Conflict, Forbidden, InvalidInput, InvalidState
from engine.permissions import CLERK
from engine.status import CaseStatus

from .helpers import answer, application, case, documents, item_code, only_open_task, race, statuses, worker_for

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _accepted(db, users, stem="construction_permit") -> int:
    code = item_code(db, stem)
    case_id = cases.submit(db, code, application(db, code), users["haiyun"]).case_id
    task = only_open_task(db, case_id)
    cases.complete(db, task.id, worker_for(db, task, users), answer(db, task, decision="accept"))
    return case_id


def test_a_special_procedure_stops_the_clock_and_moves_the_due_dates_by_its_working_days(db, users):
    clock.travel_to(datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI))  # a Monday
    case_id = _accepted(db, users)
    promised, statutory = case(db, case_id).promised_due_at, case(db, case_id).statutory_due_at
    special_procedures.start(db, case_id, users["reviewer"], "expert_review", "需组织专家论证结构安全", 10)
    paused = case(db, case_id)
    assert paused.status == CaseStatus.SPECIAL_STARTED and paused.paused_at is not None
    notice = documents(db, case_id)[-1]
    assert notice.kind == "special_notice" and "专家评审" in str(notice.content["facts"])
    assert notice.number.startswith("斗建施特〔2026〕")

    clock.travel_to(datetime(2026, 12, 10, 15, 0, tzinfo=SHANGHAI))  # Thursday: Mon, Tue, Wed paused
    [procedure] = _procedures(db, case_id)
    special_procedures.end(db, procedure.id, users["reviewer"], "专家论证通过")
    resumed = case(db, case_id)
    assert resumed.status == CaseStatus.SPECIAL_ENDED and resumed.paused_at is None
    assert resumed.paused_workdays == 3
    assert last_day(resumed.promised_due_at) == _workdays_after(db, last_day(promised), 3)
    assert last_day(resumed.statutory_due_at) == _workdays_after(db, last_day(statutory), 3)
    assert statuses(db, case_id)[-2:] == [CaseStatus.SPECIAL_STARTED, CaseStatus.SPECIAL_ENDED]


def _workdays_after(db, day, n):
    with db.read() as session:
        return calendar_store.calendar_for(session).add_workdays(day, n)


def _procedures(db, case_id):
    with db.read() as session:
        return special_procedures.of_case(session, case_id)


def test_a_special_procedure_needs_a_kind_a_reason_and_a_sensible_limit(db, users):
    case_id = _accepted(db, users)
    with pytest.raises(InvalidInput) as caught:
        special_procedures.start(db, case_id, users["reviewer"], "picnic", " ", "三十")
    assert set(caught.value.errors) == {"kind", "reason", "limit_days"}
    assert case(db, case_id).status == CaseStatus.HANDLING


def test_only_one_special_procedure_runs_at_a_time_and_only_after_acceptance(db, users):
    code = item_code(db, "construction_permit")
    waiting = cases.submit(db, code, application(db, code), users["haiyun"]).case_id
    with pytest.raises(InvalidState):
        special_procedures.start(db, waiting, users["clerk"], "hearing", "听证", 5)
    case_id = _accepted(db, users)
    special_procedures.start(db, case_id, users["reviewer"], "hearing", "涉及相邻权人重大利益", 5)
    with pytest.raises(Conflict):
        special_procedures.start(db, case_id, users["reviewer"], "testing", "检测", 5)


def _land_bureau_clerk(db):
    with db.write() as session:
        return create_user(session, "land_clerk", "x" * 12, "国土窗口", roles=(CLERK,), department="dm_land",
                           groups=("dm_land_window",))


def test_a_clerk_of_another_department_cannot_start_or_end_one(db, users):
    case_id = _accepted(db, users)  # a construction permit: the land bureau has nothing to do with it
    outsider = _land_bureau_clerk(db)
    with pytest.raises(Forbidden):
        special_procedures.start(db, case_id, outsider, "hearing", "听证", 5)
    special_procedures.start(db, case_id, users["reviewer"], "hearing", "听证", 5)
    [procedure] = _procedures(db, case_id)
    with pytest.raises(Forbidden):
        special_procedures.end(db, procedure.id, outsider, "结束")
    with pytest.raises(Forbidden):
        extensions.request(db, case_id, outsider, "延期")


def test_two_people_ending_one_procedure_at_once_one_wins(db, users):
    case_id = _accepted(db, users)
    special_procedures.start(db, case_id, users["reviewer"], "site_inspection", "现场勘验", 3)
    [procedure] = _procedures(db, case_id)
    results = race(lambda: special_procedures.end(db, procedure.id, users["reviewer"], "勘验完成"),
                   lambda: special_procedures.end(db, procedure.id, users["head"], "勘验完成"))
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "NoneType"]
    assert statuses(db, case_id).count(CaseStatus.SPECIAL_ENDED) == 1


def test_an_approved_extension_adds_ten_working_days_once_and_issues_a_notice(db, users):
    clock.travel_to(datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI))
    case_id = _accepted(db, users)
    before = case(db, case_id)
    request = extensions.request(db, case_id, users["reviewer"], "需征求相关部门意见")
    with pytest.raises(Forbidden):
        extensions.decide(db, request, users["reviewer"], True)  # a reviewer is not the head
    extensions.decide(db, request, users["head"], True, "同意延期")
    after = case(db, case_id)
    assert last_day(after.statutory_due_at) == _workdays_after(db, last_day(before.statutory_due_at), 10)
    assert last_day(after.promised_due_at) == _workdays_after(db, last_day(before.promised_due_at), 10)
    notice = documents(db, case_id)[-1]
    assert notice.kind == "extension_notice" and "10个工作日" in "".join(notice.content["body"])
    with pytest.raises(InvalidState):
        extensions.request(db, case_id, users["reviewer"], "再次延期")


def test_a_joint_case_is_extended_by_fifteen_working_days(db, users):
    case_id = _accepted(db, users, "planning_permit")
    before = case(db, case_id)
    request = extensions.request(db, case_id, users["clerk"], "四部门会审需补充论证")
    extensions.decide(db, request, users["supervisor"], True)
    assert last_day(case(db, case_id).statutory_due_at) == _workdays_after(db, last_day(before.statutory_due_at), 15)


def test_a_refused_extension_needs_a_reason_and_leaves_the_dates(db, users):
    case_id = _accepted(db, users)
    before = case(db, case_id).statutory_due_at
    request = extensions.request(db, case_id, users["reviewer"], "材料较多")
    with pytest.raises(Conflict):
        extensions.request(db, case_id, users["reviewer"], "材料较多")  # one pending request at a time
    with pytest.raises(InvalidInput):
        extensions.decide(db, request, users["head"], False, "")
    extensions.decide(db, request, users["head"], False, "尚在法定期限内，应抓紧办理")
    assert case(db, case_id).statutory_due_at == before
    assert [d.kind for d in documents(db, case_id)] == ["acceptance_notice"]
