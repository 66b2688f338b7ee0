"""Moving running cases onto a newer published version: safe changes move, changed steps that ran refuse."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from datetime import timedelta

from engine import cases, clock, definition, version_migration
from engine.errors import Forbidden, InvalidState, NotFound
from engine.models import AuditEvent, CaseVersionMove, CaseWorkflow, ItemVersion
from engine.status import CaseStatus

from .helpers import (answer, application, case, drive, item_code, only_open_task, open_tasks, race, timers,
                      worker_for)

STEM = "business_license_change"
# A head signs the licence after the window accepts: a step added after the current one (pre_review).
HEAD_SIGN = """<bpmn:userTask id="head_sign" name="负责人签发执照">
      <bpmn:extensionElements>
        <zeebe:formDefinition formKey="window_decision" />
        <zeebe:assignmentDefinition candidateGroups="dm_market_head" />
      </bpmn:extensionElements>
      <bpmn:incoming>f_accept</bpmn:incoming>
      <bpmn:outgoing>f_signed</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f_signed" sourceRef="head_sign" targetRef="end_approved" />
    <bpmn:endEvent id="end_approved\""""


def publish(db, users, edit, stem: str = STEM) -> int:
    """Publish the next version of the item with its diagram edited by `edit`; its version number."""
    code = item_code(db, stem)
    draft = definition.start_draft(db, users["analyst"], code)
    changed = edit(draft.bpmn_xml)
    assert changed != draft.bpmn_xml
    definition.save_draft(db, users["analyst"], code, bpmn_xml=changed)
    verdict = definition.check_draft(db, users["analyst"], code)
    assert verdict.ok, [p.format() for p in verdict.problems]
    return definition.publish_draft(db, users["analyst"], code).version_no


def add_head_sign(xml: str) -> str:
    xml = xml.replace('<bpmn:endEvent id="end_approved"', HEAD_SIGN, 1)
    xml = xml.replace('<bpmn:incoming>f_accept</bpmn:incoming>\n    </bpmn:endEvent>',
                      '<bpmn:incoming>f_signed</bpmn:incoming>\n    </bpmn:endEvent>', 1)
    return xml.replace('sourceRef="gw_pre" targetRef="end_approved"', 'sourceRef="gw_pre" targetRef="head_sign"', 1)


def regroup_pre_review(xml: str) -> str:
    """The window's step relabelled and handed to the department's reviewers (label and lane change)."""
    return (xml.replace('name="窗口审查并当场核准"', 'name="审核人员审查并核准"', 1)
            .replace('candidateGroups="dm_market_window"', 'candidateGroups="dm_market_reviewer"', 1))


def new_form_for_pre_review(xml: str) -> str:
    return xml.replace('formKey="window_decision"', 'formKey="supplement"', 1)


def submit(db, users) -> int:
    code = item_code(db, STEM)
    return cases.submit(db, code, application(db, code), users["zhangsan"]).case_id


def asking_for_supplement(db, users) -> int:
    case_id = submit(db, users)
    task = only_open_task(db, case_id)
    cases.complete(db, task.id, worker_for(db, task, users),
                   answer(db, task, decision="supplement", opinion="请补充经营场所证明",
                                 supplement_materials=["premises_proof"]))
    assert only_open_task(db, case_id).bpmn_id == "supplement"
    return case_id


def verdicts(db, users, version_no):
    _target, found = version_migration.judge_all(db, users["analyst"], item_code(db, STEM), version_no)
    return {v.case_id: v for v in found}


def version_no_of(db, case_id: int) -> int:
    with db.read() as session:
        return session.get(ItemVersion, case(db, case_id).item_version_id).version_no


def test_a_step_added_after_the_current_one_is_safe_and_the_moved_case_finishes_on_the_new_path(db, users):
    case_id = submit(db, users)
    version_no = publish(db, users, add_head_sign)
    assert verdicts(db, users, version_no)[case_id].movable
    moved = version_migration.move_case(db, users["analyst"], case_id, item_code(db, STEM), version_no)
    assert (moved.from_version, moved.to_version) == (1, version_no) and version_no_of(db, case_id) == version_no
    with db.read() as session:
        row = session.get(CaseWorkflow, case_id)
        first, target = (session.scalar(select(ItemVersion).where(ItemVersion.version_no == n,
                                                                  ItemVersion.stem == STEM)) for n in (1, version_no))
        assert row.spec_hash == target.spec_hash
        move = session.scalars(select(CaseVersionMove).where(CaseVersionMove.case_id == case_id)).one()
        assert (move.from_version_id, move.to_version_id, move.moved_by_id) == (first.id, target.id,
                                                                                users["analyst"].id)
        event = session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id,
                                                         AuditEvent.action == "version_moved")).one()
        assert event.detail["to_version"] == version_no and event.actor_name == "周分析"
    assert drive(db, users, case_id) == ["pre_review", "head_sign"]
    assert case(db, case_id).status == CaseStatus.APPROVED


def test_a_case_left_on_the_old_version_still_finishes_on_the_old_path(db, users):
    case_id = submit(db, users)
    publish(db, users, add_head_sign)
    assert drive(db, users, case_id) == ["pre_review"]
    assert case(db, case_id).status == CaseStatus.APPROVED and version_no_of(db, case_id) == 1


def test_a_changed_step_that_already_ran_refuses_the_move_and_a_waiting_one_with_a_new_label_and_lane_moves(
        db, users):
    ran = asking_for_supplement(db, users)
    waiting = submit(db, users)
    cases.claim(db, only_open_task(db, waiting).id, users["clerk"])
    version_no = publish(db, users, regroup_pre_review)
    found = verdicts(db, users, version_no)
    assert not found[ran].movable and "窗口审查并当场核准" in found[ran].reasons[0]
    assert "办理组" in found[ran].reasons[0]
    assert found[waiting].movable
    with pytest.raises(InvalidState):
        version_migration.move_case(db, users["analyst"], ran, item_code(db, STEM), version_no)
    assert version_no_of(db, ran) == 1
    version_migration.move_case(db, users["analyst"], waiting, item_code(db, STEM), version_no)
    task = only_open_task(db, waiting)
    assert (task.name, task.group_code, task.assignee_id) == ("审核人员审查并核准", "dm_market_reviewer", None)
    assert worker_for(db, task, users).username == "reviewer"
    assert drive(db, users, waiting) == ["pre_review"] and case(db, waiting).status == CaseStatus.APPROVED
    with db.read() as session:
        assert not session.scalars(select(CaseVersionMove).where(CaseVersionMove.case_id == ran)).all()


def test_a_new_form_on_the_step_the_case_waits_on_refuses_the_move(db, users):
    case_id = submit(db, users)
    version_no = publish(db, users, new_form_for_pre_review)
    reasons = verdicts(db, users, version_no)[case_id].reasons
    assert reasons and "正在办理" in reasons[0] and "表单" in reasons[0]


def test_move_all_moves_the_safe_cases_and_reports_the_others(db, users):
    safe = [submit(db, users) for _ in range(2)]
    refused = asking_for_supplement(db, users)
    version_no = publish(db, users, regroup_pre_review)
    moved, kept = version_migration.move_all(db, users["analyst"], item_code(db, STEM), version_no)
    assert sorted(m.case_id for m in moved) == sorted(safe)
    assert [v.case_id for v in kept] == [refused]
    assert version_migration.move_all(db, users["analyst"], item_code(db, STEM), version_no)[0] == []


def test_two_moves_of_one_case_at_once_move_it_once(db, users):
    case_id = submit(db, users)
    version_no = publish(db, users, add_head_sign)
    code = item_code(db, STEM)
    results = race(*[lambda: version_migration.move_case(db, users["analyst"], case_id, code, version_no)] * 2)
    assert sum(isinstance(r, version_migration.Moved) for r in results) == 1, results
    assert sum(isinstance(r, InvalidState) for r in results) == 1, results
    with db.read() as session:
        assert len(session.scalars(select(CaseVersionMove).where(CaseVersionMove.case_id == case_id)).all()) == 1


def test_a_move_racing_the_completion_of_a_changed_step_lets_exactly_one_win(db, users):
    case_id = submit(db, users)
    version_no = publish(db, users, regroup_pre_review)
    task = only_open_task(db, case_id)
    data = answer(db, task)
    results = race(lambda: version_migration.move_case(db, users["analyst"], case_id, item_code(db, STEM), version_no),
                   lambda: cases.complete(db, task.id, users["clerk"], data))
    assert sum(isinstance(r, Exception) for r in results) == 1, results
    if isinstance(results[0], Exception):  # the window finished first: the changed step ran, the case stays
        assert isinstance(results[0], InvalidState) and version_no_of(db, case_id) == 1
        assert case(db, case_id).status == CaseStatus.APPROVED
    else:  # moved first: the step now belongs to the reviewers, the window clerk is refused
        assert isinstance(results[1], Forbidden) and version_no_of(db, case_id) == version_no
        assert [t.group_code for t in open_tasks(db, case_id)] == ["dm_market_reviewer"]


def test_only_who_defines_the_item_may_move_its_cases(db, users):
    case_id = submit(db, users)
    version_no = publish(db, users, add_head_sign)
    code = item_code(db, STEM)
    for username in ("deptadmin", "clerk", "zhangsan"):  # the item is the market bureau's, not theirs
        with pytest.raises(NotFound):
            version_migration.move_case(db, users[username], case_id, code, version_no)
    with pytest.raises(NotFound):
        version_migration.judge_all(db, users["analyst"], code, 99)
    assert version_no_of(db, case_id) == 1


def test_a_waiting_boundary_timer_keeps_its_due_time_when_its_step_is_relabelled(db, users):
    code = item_code(db, "construction_permit")
    case_id = cases.submit(db, code, application(db, code), users["haiyun"]).case_id
    drive(db, users, case_id, max_steps=1)  # the window accepts: the review step and its 3-day timer start
    assert only_open_task(db, case_id).bpmn_id == "review"
    due = [t.due_at for t in timers(db, case_id)]
    assert due
    version_no = publish(db, users, lambda xml: xml.replace('name="承办人审查"', 'name="承办人实质审查"', 1),
                         "construction_permit")
    clock.advance(timedelta(days=1))  # a timer restarted by the move would now fall a day later
    version_migration.move_case(db, users["analyst"], case_id, code, version_no)
    assert [t.due_at for t in timers(db, case_id)] == due
    assert only_open_task(db, case_id).name == "承办人实质审查"


def test_a_joint_review_moves_with_each_departments_step_kept_and_finishes(db, users):
    code = item_code(db, "planning_permit")
    case_id = cases.submit(db, code, application(db, code), users["haiyun"]).case_id
    drive(db, users, case_id, max_steps=1)  # accepted: one review step per department, from the process data
    before = sorted((t.task_uuid, t.group_code, t.name) for t in open_tasks(db, case_id))
    assert len(before) == 4
    version_no = publish(db, users, lambda xml: xml.replace('name="部门会审"', 'name="部门联合会审"', 1),
                         "planning_permit")
    version_migration.move_case(db, users["analyst"], case_id, code, version_no)
    after = sorted((t.task_uuid, t.group_code, t.name) for t in open_tasks(db, case_id))
    assert [(u, g) for u, g, _n in after] == [(u, g) for u, g, _n in before]
    assert all(n.startswith("部门联合会审") for _u, _g, n in after)
    drive(db, users, case_id)
    assert case(db, case_id).status == CaseStatus.APPROVED
