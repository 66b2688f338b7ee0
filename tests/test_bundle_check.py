"""The bundle checker and loader, on small projects the tests write into tmp_path: the semantic checks.

Every test asserts the element id and a fragment of the message, not merely "some problem".
`test_repository_samples_have_no_errors` is the one test that depends on the sample items in the repo.
Hostile or malformed XML is in test_bundle_check_xml.py, the Camunda / Zeebe / spiff / lane dialects in
test_bundle_check_dialects.py; the project they all write is in bundle_fixtures.py.
"""
from __future__ import annotations

import time
from pathlib import Path

from SpiffWorkflow.bpmn import BpmnWorkflow

from engine.bundles import Problem, check_paths, load_bundle, load_organisation
from engine.scripting import make_script_engine

from .bundle_fixtures import DEFAULT_DIAGRAM, FLOWS, ITEM, USER_TASK, bpmn, errors, line_of, only_error, project


def test_valid_project_loads_into_a_bundle(tmp_path):
    report = check_paths([str(project(tmp_path))])
    assert report.ok, [p.format() for p in report.problems]
    [bundle] = report.bundles
    assert bundle.stem == "demo" and bundle.process_id == "demo" and list(bundle.diagrams) == ["demo.bpmn"]
    assert set(bundle.forms) == {"common/decision", "demo/apply"}
    assert bundle.forms["demo/apply"].path == "forms/demo/apply.schema.json"
    assert (bundle.item["warning_days"], bundle.item["supplement_limit"], bundle.item["joint"]) == (2, 5, False)
    assert bundle.item["statutory_limit"] == {"value": 20, "unit": "workday"}
    task = bundle.user_tasks["pre_review"]
    assert (task.form, task.group, task.case_step, task.process_id) == ("common/decision", "g_window", "pre_review", "demo")
    assert check_paths([str(tmp_path)]).bundles[0].content_hash == bundle.content_hash  # stable
    spec, subprocesses = bundle.build_specs()
    assert spec.task_specs["pre_review"].extensions["onewindow"]["group"] == "g_window" and subprocesses == {}
    assert report.organisation.group_code("综合受理窗口") == "g_window"


def test_missing_form_file(tmp_path):
    report = check_paths([str(project(tmp_path, DEFAULT_DIAGRAM.replace('formKey="decision"', 'formKey="nonexistent"')))])
    problem = only_error(report, "pre_review", "forms/demo/nonexistent.schema.json")
    assert "找不到" in problem.message and "forms/common/nonexistent.schema.json" in problem.message
    assert problem.element_name == "预审" and problem.line == 5


def test_form_that_is_not_json_schema(tmp_path):
    bad = {"type": "object", "properties": {"decision": {"type": "strin"}}}
    report = check_paths([str(project(tmp_path, forms={"common/decision": bad}))])
    only_error(report, None, "JSON Schema 2020-12", file="forms/common/decision.schema.json")
    only_error(report, "pre_review", "common/decision 无效")
    broken = check_paths([str(project(tmp_path, forms={"common/decision": '{"type": "object",'}))])
    only_error(broken, None, "不是有效的 JSON", file="forms/common/decision.schema.json")


def test_unknown_candidate_group(tmp_path):
    path = project(tmp_path, DEFAULT_DIAGRAM.replace('candidateGroups="g_window"', 'candidateGroups="no_such_group"'))
    only_error(check_paths([str(path)]), "pre_review", "“no_such_group”在 organisation.yaml 中不存在")
    assert check_paths([str(path)], extra_groups=["no_such_group"]).ok  # e.g. groups already in the database


def test_user_task_without_form_or_group(tmp_path):
    report = check_paths([str(project(tmp_path, DEFAULT_DIAGRAM.replace(' camunda:formKey="decision"', '')))])
    only_error(report, "pre_review", "用户任务没有表单")
    report = check_paths([str(project(tmp_path, DEFAULT_DIAGRAM.replace(' camunda:candidateGroups="g_window"', '')))])
    only_error(report, "pre_review", "没有候选组")


TIMER = """
    <bpmn:intermediateCatchEvent id="wait" name="等待">
      <bpmn:timerEventDefinition id="wait_def"><bpmn:timeDuration>{value}</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end_approved"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end_approved"/>
"""


def test_unquoted_timer_is_normalized_and_fires(tmp_path):
    report = check_paths([str(project(tmp_path, bpmn(TIMER.format(value="PT0.2S"))))])
    assert report.ok, [p.format() for p in report.problems]
    [bundle] = report.bundles
    assert b"<bpmn:timeDuration>'PT0.2S'</bpmn:timeDuration>" in bundle.diagrams["demo.bpmn"]
    assert b">PT0.2S<" in (tmp_path / "processes" / "demo.bpmn").read_bytes()  # the analyst's file is untouched
    assert any(p.severity == "info" and p.element_id == "wait" and "'PT0.2S'" in p.message for p in report.problems)
    spec, subprocesses = bundle.build_specs()
    workflow = BpmnWorkflow(spec, subprocesses, script_engine=make_script_engine())
    workflow.do_engine_steps()
    assert not workflow.is_completed() and len(workflow.waiting_events()) == 1
    time.sleep(0.3)
    workflow.refresh_timers()
    workflow.do_engine_steps()
    assert workflow.is_completed()


def test_invalid_timer_is_an_error(tmp_path):
    diagram = bpmn(TIMER.format(value="P2X"))
    problem = only_error(check_paths([str(project(tmp_path, diagram))]), "wait", "“P2X”不是有效的 ISO 8601 timeDuration")
    assert problem.element_name == "等待"
    assert problem.line == next(i for i, text in enumerate(diagram.splitlines(), 1) if "P2X" in text)


def test_bad_condition_syntax_reports_file_line(tmp_path):
    diagram = DEFAULT_DIAGRAM.replace('decision == "accept"', 'decision == ')
    report = check_paths([str(project(tmp_path, diagram))])
    problem = only_error(report, "f_yes", "语法错误")
    expected = next(i for i, text in enumerate(diagram.splitlines(), 1) if "decision == <" in text)
    assert problem.line == expected and problem.message.startswith("条件表达式")


def test_import_in_script_is_rejected_at_check_time(tmp_path):
    body = USER_TASK.replace("pre_review\" name", "pre_review\" name") + """
    <bpmn:scriptTask id="calc" name="计算"><bpmn:script>total = 1
x = __import__('os')</bpmn:script></bpmn:scriptTask>""" + FLOWS.replace('sourceRef="pre_review" targetRef="gw"',
                                                                             'sourceRef="pre_review" targetRef="calc"') + \
        '<bpmn:sequenceFlow id="f3" sourceRef="calc" targetRef="gw"/>'
    diagram = bpmn(body)
    problem = only_error(check_paths([str(project(tmp_path, diagram))]), "calc", "__import__")
    assert problem.line == next(i for i, t in enumerate(diagram.splitlines(), 1) if "__import__" in t)


def test_pre_and_post_scripts_are_linted(tmp_path):
    diagram = DEFAULT_DIAGRAM.replace("<camunda:properties>", "<spiffworkflow:preScript>import os</spiffworkflow:preScript>"
                                      "<spiffworkflow:postScript>y = (</spiffworkflow:postScript><camunda:properties>")
    report = check_paths([str(project(tmp_path, diagram))])
    only_error(report, "pre_review", "前置脚本：第 1 行：不允许导入模块")
    only_error(report, "pre_review", "后置脚本：第 1 行语法错误")


def test_several_incoming_flows_without_gateway(tmp_path):
    body = USER_TASK + FLOWS.replace('<bpmn:endEvent id="end_denied" name="不通过"/>', "").replace(
        'targetRef="end_denied"', 'targetRef="end_approved"')
    problem = only_error(check_paths([str(project(tmp_path, bpmn(body)))]), "end_approved", "有 2 条顺序流直接汇入")
    assert "f_yes" in problem.message and "f_no" in problem.message and "网关" in problem.hint


def test_exclusive_gateway_without_default_warns(tmp_path):
    report = check_paths([str(project(tmp_path, DEFAULT_DIAGRAM.replace(' default="f_no"', '')))])
    only_error(report, "f_no", "既没有条件，也不是默认流")
    diagram = DEFAULT_DIAGRAM.replace(' default="f_no"', '').replace(
        '<bpmn:sequenceFlow id="f_no" sourceRef="gw" targetRef="end_denied"/>',
        '<bpmn:sequenceFlow id="f_no" sourceRef="gw" targetRef="end_denied"><bpmn:conditionExpression>'
        'decision != "accept"</bpmn:conditionExpression></bpmn:sequenceFlow>')
    report = check_paths([str(project(tmp_path, diagram))])
    assert report.ok
    assert any(p.element_id == "gw" and "没有默认流" in p.message and p.severity == "warning" for p in report.problems)


CALL = """
    <bpmn:callActivity id="call" name="会审子流程" calledElement="{target}"/>
    <bpmn:endEvent id="end_approved"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call"/>
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end_approved"/>
"""


def test_call_activity_target_missing_or_found(tmp_path):
    report = check_paths([str(project(tmp_path, bpmn(CALL.format(target="nowhere"))))])
    only_error(report, "call", "目标流程 nowhere 不存在")
    sub = bpmn(USER_TASK.replace('id="pre_review"', 'id="sub_review"') + '<bpmn:endEvent id="sub_end"/>'
               '<bpmn:sequenceFlow id="s1" sourceRef="start" targetRef="sub_review"/>'
               '<bpmn:sequenceFlow id="s2" sourceRef="sub_review" targetRef="sub_end"/>', process_id="shared_review")
    (tmp_path / "processes" / "shared.bpmn").write_text(sub.replace('id="start"', 'id="sub_start"').replace(
        'sourceRef="start"', 'sourceRef="sub_start"'), encoding="utf-8")
    report = check_paths([str(project(tmp_path, bpmn(CALL.format(target="shared_review"))))])
    assert report.ok, [p.format() for p in report.problems]
    bundle = report.bundles[0]
    assert set(bundle.diagrams) == {"demo.bpmn", "shared.bpmn"}
    assert bundle.user_tasks["sub_review"].process_id == "shared_review"
    spec, subprocesses = bundle.build_specs()
    assert list(subprocesses) == ["shared_review"]
    # A diagram shared by several bundles must not repeat ids of the calling diagram.
    (tmp_path / "processes" / "shared.bpmn").write_text(sub, encoding="utf-8")
    only_error(check_paths([str(tmp_path)]), "start", "id start 与 demo.bpmn 中的元素重复", file="processes/shared.bpmn")


def test_item_file_problems_have_json_path_and_line(tmp_path):
    item = ITEM.replace("code: DEMO-001\n", "").replace("level: county", "level: village").replace(
        "department: d_planning", "department: nowhere").replace("promised_limit: {value: 10}", "promised_limit: {value: 30}")
    report = check_paths([str(project(tmp_path, item=item + "colour: red\n"))])
    file, text = "processes/demo.item.yaml", item + "colour: red\n"
    assert only_error(report, None, "缺少必填项 code", file).line == line_of(text, "name:")  # the mapping's start
    assert only_error(report, None, "level：取值应为以下之一", file).line == line_of(text, "level:")
    assert only_error(report, None, "不认识的键 colour", file).line == line_of(text, "colour:")
    assert only_error(report, None, "部门 nowhere 在 organisation.yaml 中不存在", file).line == line_of(text, "department:")
    assert only_error(report, None, "承诺时限（30）超过法定时限（20）", file).line == line_of(text, "promised_limit:")
    assert not report.bundles
    bad = check_paths([str(project(tmp_path, item=ITEM.replace("process: demo", "process: other")))])
    only_error(bad, None, "process 指定的流程 other 不在 demo.bpmn 中", file)
    bad = check_paths([str(project(tmp_path, item=ITEM.replace("application_form: apply", "application_form: nope")))])
    assert only_error(bad, None, "申请表 application_form：表单“nope”找不到", file).line == line_of(ITEM, "application_form")


def test_xsd_error_has_line_and_element(tmp_path):
    report = check_paths([str(project(tmp_path, DEFAULT_DIAGRAM.replace('<bpmn:endEvent id="end_denied"',
                                                                         '<bpmn:endEvent id="end_denied" colour="red"')))])
    problem = only_error(report, "end_denied", "XSD")
    assert "colour" in problem.message and problem.line == 8


def test_spiffworkflow_parser_errors_become_problems(tmp_path):
    diagram = bpmn(USER_TASK + FLOWS.replace('<bpmn:exclusiveGateway id="gw" name="结论" default="f_no"/>',
                                             '<bpmn:serviceTask id="gw" name="外部服务"/>'))
    only_error(check_paths([str(project(tmp_path, diagram))]), "gw", "服务任务")


def test_end_event_naming_warning(tmp_path):
    diagram = DEFAULT_DIAGRAM.replace("end_approved", "finish_ok").replace("end_denied", "finish_no")
    report = check_paths([str(project(tmp_path, diagram))])
    assert report.ok
    assert any(p.element_id == "demo" and "没有一个结束事件按约定命名" in p.message for p in report.problems)


def test_lone_diagram_check(tmp_path):
    path = project(tmp_path, DEFAULT_DIAGRAM.replace('candidateGroups="g_window"', 'candidateGroups="ghost"'))
    report = check_paths([str(path / "processes" / "demo.bpmn")])
    only_error(report, "pre_review", "“ghost”在 organisation.yaml 中不存在")
    assert any(p.severity == "info" and "未检查事项文件" in p.message for p in report.problems)
    alone = tmp_path / "elsewhere" / "drafts"  # no forms/ or organisation.yaml next to it or above
    alone.mkdir(parents=True)
    (alone / "x.bpmn").write_text(DEFAULT_DIAGRAM, encoding="utf-8")
    report = check_paths([str(alone / "x.bpmn")])
    assert report.ok and {p.message for p in report.problems if p.severity == "info"} >= {
        "旁边没有 forms/ 目录，未检查表单", "没有找到 organisation.yaml，未检查候选组是否存在"}


def test_load_bundle_directly(tmp_path):
    path = project(tmp_path)
    organisation, problems = load_organisation(path / "processes" / "organisation.yaml")
    assert problems == [] and organisation.group_code("规划局负责人") == "g_head"
    bundle, problems = load_bundle(path / "processes" / "demo.item.yaml", organisation)
    assert bundle is not None and [p for p in problems if p.severity == "error"] == []
    assert Problem("a.bpmn", "坏了", "修好它", 3, "t1", "任务").format() == "a.bpmn:3: [t1 任务] 坏了 — 修好它"



def test_repository_samples_have_no_errors():
    """Depends on the sample items in processes/ and forms/ (written separately from this checker)."""
    root = Path(__file__).resolve().parent.parent
    report = check_paths([str(root)])
    assert report.ok, "\n".join(p.format() for p in errors(report))
    assert report.bundles
