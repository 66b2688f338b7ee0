"""Joint review: the lead window adds a department while the others review; its task appears at once and
the lead's consolidation waits for its opinion too."""
import pytest

from engine import cases, joint_review
from engine.errors import Conflict, Forbidden, InvalidInput, InvalidState
from engine.status import CaseStatus

from .helpers import answer, application, audit_actions, case, drive, item_code, only_open_task, open_tasks, race
from .helpers import worker_for


def _in_review(db, users) -> int:
    code = item_code(db, "planning_permit")
    case_id = cases.submit(db, code, application(db, code), users["haiyun"]).case_id
    task = only_open_task(db, case_id)
    cases.complete(db, task.id, users["clerk"], answer(db, task, decision="accept"))
    return case_id


def test_the_lead_adds_a_department_and_its_task_appears_at_once(db, users):
    case_id = _in_review(db, users)
    joint_review.add_department(db, case_id, users["clerk"], "dm_water_reviewer")
    groups = {t.group_code for t in open_tasks(db, case_id)}
    assert "dm_water_reviewer" in groups and len(groups) == 5
    assert ("reviewer_added", None) in audit_actions(db, case_id)
    for task in open_tasks(db, case_id)[:4]:  # four departments answer; the consolidation must still wait
        cases.complete(db, task.id, worker_for(db, task, users), answer(db, task))
    [water] = open_tasks(db, case_id)
    assert water.group_code == "dm_water_reviewer" and "供水" in water.name
    cases.complete(db, water.id, worker_for(db, water, users), answer(db, water, opinion="供水条件具备。"))
    assert [t.bpmn_id for t in open_tasks(db, case_id)] == ["consolidate"]
    drive(db, users, case_id)
    assert case(db, case_id).status == CaseStatus.APPROVED


def test_only_the_lead_window_adds_departments_and_only_known_ones_once(db, users):
    case_id = _in_review(db, users)
    with pytest.raises(Forbidden):
        joint_review.add_department(db, case_id, users["reviewer"], "dm_water_reviewer")
    with pytest.raises(InvalidInput):
        joint_review.add_department(db, case_id, users["clerk"], "no_such_group")
    with pytest.raises(Conflict):
        joint_review.add_department(db, case_id, users["clerk"], "dm_fire_reviewer")
    assert len(open_tasks(db, case_id)) == 4


def test_two_leads_adding_the_same_department_at_once_add_it_once(db, users):
    case_id = _in_review(db, users)
    results = race(lambda: joint_review.add_department(db, case_id, users["clerk"], "dm_power_reviewer"),
                   lambda: joint_review.add_department(db, case_id, users["clerk"], "dm_power_reviewer"))
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "NoneType"]
    assert [t.group_code for t in open_tasks(db, case_id)].count("dm_power_reviewer") == 1


def test_a_department_cannot_be_added_once_the_review_is_over(db, users):
    case_id = _in_review(db, users)
    for task in open_tasks(db, case_id):
        cases.complete(db, task.id, worker_for(db, task, users), answer(db, task))
    with pytest.raises(InvalidState):
        joint_review.add_department(db, case_id, users["clerk"], "dm_water_reviewer")
