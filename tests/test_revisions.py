"""Supplements (补正) correct only the fields the clerk named; every version of the application is kept."""
from __future__ import annotations

import copy

import pytest

from engine import calendar_store, cases, progress, revisions, versions
from engine.errors import InvalidInput
from engine.models import Case
from tests import helpers

MOBILE = "builder.contact.mobile"


def _case_with_supplement_request(db, users, fields=(MOBILE,)):
    return helpers.case_asking_for_supplement(db, users, fields)


def _corrected(db, case_id, mobile="13912345678"):
    application = copy.deepcopy(helpers.case(db, case_id).application)
    application["builder"]["contact"]["mobile"] = mobile
    return application


def test_a_supplement_answer_updates_the_application_and_keeps_both_versions(db, users):
    case_id, task = _case_with_supplement_request(db, users)
    original = helpers.case(db, case_id).application
    cases.complete(db, task.id, users["haiyun"], helpers.answer(db, task), application=_corrected(db, case_id))
    assert helpers.case(db, case_id).application["builder"]["contact"]["mobile"] == "13912345678"
    with db.read() as session:
        rounds = revisions.revisions_of(session, case_id)
    assert [r.round for r in rounds] == [1, 2]
    assert rounds[0].data == original and rounds[1].changed == [MOBILE]
    assert rounds[1].submitted_by_id == users["haiyun"].id
    assert ("application_revised", None) in helpers.audit_actions(db, case_id)


def test_the_workflow_continues_with_the_corrected_application(db, users):
    case_id, task = _case_with_supplement_request(db, users)
    cases.complete(db, task.id, users["haiyun"], helpers.answer(db, task), application=_corrected(db, case_id))
    assert helpers.statuses(db, case_id)[-1] == 7

    with db.read() as session:
        case = session.get(Case, case_id)
        workflow = progress.open_workflow(session, case, calendar_store.calendar_for(session))
        ready = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id == "pre_review" and t.data.get("application")]
    assert ready and ready[-1].data["application"]["builder"]["contact"]["mobile"] == "13912345678"


def test_a_change_to_a_field_the_clerk_did_not_name_is_refused_and_nothing_is_written(db, users):
    case_id, task = _case_with_supplement_request(db, users)
    forged = _corrected(db, case_id)
    forged["project"]["name"] = "偷偷改掉的工程名称"
    with pytest.raises(InvalidInput):
        cases.complete(db, task.id, users["haiyun"], helpers.answer(db, task), application=forged)
    assert helpers.only_open_task(db, case_id).id == task.id
    assert helpers.case(db, case_id).application["project"]["name"] != "偷偷改掉的工程名称"
    with db.read() as session:
        assert revisions.revisions_of(session, case_id) == []


def test_the_corrected_application_is_validated_whole(db, users):
    case_id, task = _case_with_supplement_request(db, users)
    with pytest.raises(InvalidInput) as refused:
        cases.complete(db, task.id, users["haiyun"], helpers.answer(db, task),
                       application=_corrected(db, case_id, mobile="12345"))
    assert MOBILE in refused.value.errors


def test_only_a_supplement_step_may_change_the_application(db, users):
    code = helpers.item_code(db, "construction_permit")
    submitted = cases.submit(db, code, helpers.application(db, code), users["haiyun"])
    task = helpers.only_open_task(db, submitted.case_id)
    with pytest.raises(InvalidInput):
        cases.complete(db, task.id, users["clerk"], helpers.answer(db, task),
                       application=_corrected(db, submitted.case_id))


def test_the_clerk_sees_what_the_supplement_changed_by_field_title(db, users):
    case_id, task = _case_with_supplement_request(db, users)
    cases.complete(db, task.id, users["haiyun"], helpers.answer(db, task), application=_corrected(db, case_id))
    with db.read() as session:
        case = session.get(Case, case_id)
        content = versions.content(session, case.item_version_id)
        diff = revisions.latest_changes(session, case, content.form_schema(content.application_form))
    assert diff.round == 2 and [(c.title, c.before, c.after) for c in diff.changes] == [
        ("建设单位 / 联系人 / 手机号码", "13800138000", "13912345678")]
