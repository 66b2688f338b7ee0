"""The bundle checker reading user-task settings in the Camunda, Zeebe, spiff and lane dialects.

Every test asserts the element id and a fragment of the message, not merely "some problem".
"""
from __future__ import annotations

import pytest

from engine.bundles import check_paths

from .bundle_fixtures import FLOWS, bpmn, errors, only_error, project


def dialect_task(attributes: str = "", extensions: str = "") -> str:
    return bpmn(f'<bpmn:userTask id="pre_review" name="预审" {attributes}><bpmn:extensionElements>{extensions}'
                f'</bpmn:extensionElements></bpmn:userTask>' + FLOWS)


PROPS = '<{ns}:property name="stepLimitDays" value="3"/><{ns}:property name="caseStep" value="review"/>' \
        '<{ns}:property name="resultVariable" value="opinion_planning"/>'


@pytest.mark.parametrize("dialect, diagram", [
    ("camunda", dialect_task('camunda:formKey="camunda-forms:deployment:decision.form" camunda:candidateGroups="g_head, g_window"',
                             '<camunda:properties>' + PROPS.format(ns="camunda") + '</camunda:properties>')),
    ("zeebe", dialect_task("", '<zeebe:formDefinition formKey="forms/decision.schema.json"/>'
                               '<zeebe:assignmentDefinition candidateGroups="=[&quot;g_head&quot;]"/>'
                               '<zeebe:properties>' + PROPS.format(ns="zeebe") + '</zeebe:properties>')),
    ("spiff", dialect_task("", '<spiffworkflow:properties><spiffworkflow:property name="formJsonSchemaFilename" '
                               'value="decision.schema.json"/><spiffworkflow:property name="candidateGroups" value="规划局负责人"/>'
                               + PROPS.format(ns="spiffworkflow") + '</spiffworkflow:properties>')),
    ("lanes", dialect_task('camunda:formKey="decision"', '<camunda:properties>' + PROPS.format(ns="camunda")
                           + '</camunda:properties>').replace(
        '<bpmn:process id="demo" isExecutable="true">',
        '<bpmn:process id="demo" isExecutable="true"><bpmn:laneSet id="ls"><bpmn:lane id="l1" name="规划局负责人">'
        '<bpmn:flowNodeRef>pre_review</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>')),
])
def test_dialects_are_read(tmp_path, dialect, diagram):
    report = check_paths([str(project(tmp_path, diagram))])
    assert report.ok, [p.format() for p in report.problems]
    task = report.bundles[0].user_tasks["pre_review"]
    assert (task.form, task.group, task.step_limit_days, task.case_step, task.result_variable) == \
        ("common/decision", "g_head", 3, "review", "opinion_planning"), dialect


def test_camunda_wins_over_zeebe_and_lane_name_must_exist(tmp_path):
    diagram = dialect_task('camunda:candidateGroups="g_window"', '<zeebe:assignmentDefinition candidateGroups="g_head"/>'
                           '<zeebe:formDefinition formId="decision"/>')
    report = check_paths([str(project(tmp_path, diagram))])
    assert report.bundles[0].user_tasks["pre_review"].group == "g_window"
    lanes = dialect_task('camunda:formKey="decision"').replace(
        '<bpmn:process id="demo" isExecutable="true">', '<bpmn:process id="demo" isExecutable="true"><bpmn:laneSet '
        'id="ls"><bpmn:lane id="l1" name="不存在的科室"><bpmn:flowNodeRef>pre_review</bpmn:flowNodeRef></bpmn:lane>'
        '</bpmn:laneSet>')
    only_error(check_paths([str(project(tmp_path, lanes))]), "pre_review", "泳道名称“不存在的科室”")


def test_invalid_task_properties(tmp_path):
    diagram = dialect_task('camunda:formKey="decision" camunda:candidateGroups="g_head"', '<camunda:properties>'
                           '<camunda:property name="stepLimitDays" value="soon"/><camunda:property name="caseStep" '
                           'value="reviw"/><camunda:property name="resultVariable" value="_x"/></camunda:properties>')
    report = check_paths([str(project(tmp_path, diagram))])
    for fragment in ("stepLimitDays", "caseStep“reviw”", "resultVariable“_x”"):
        only_error(report, "pre_review", fragment)


def test_a_group_taken_from_task_data_is_accepted_and_checked_against_the_loops_input_item(tmp_path):
    loop = ('<bpmn:multiInstanceLoopCharacteristics><bpmn:loopDataInputRef>reviewers</bpmn:loopDataInputRef>'
            '<bpmn:inputDataItem id="reviewer" name="reviewer"/></bpmn:multiInstanceLoopCharacteristics>')
    task = ('<bpmn:userTask id="pre_review" name="会审" camunda:formKey="decision" camunda:candidateGroups="${{{var}}}">'
            + loop + '</bpmn:userTask>')
    (tmp_path / "good").mkdir()
    (tmp_path / "typo").mkdir()
    good = check_paths([str(project(tmp_path / "good", bpmn(task.format(var="reviewer") + FLOWS)))])
    assert errors(good) == [] and not [p for p in good.problems if "inputDataItem" in p.message]
    typo = check_paths([str(project(tmp_path / "typo", bpmn(task.format(var="reviwer") + FLOWS)))])
    assert errors(typo) == []
    [warning] = [p for p in typo.problems if "inputDataItem" in p.message]
    assert warning.severity == "warning" and warning.element_id == "pre_review"
