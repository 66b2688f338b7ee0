"""The small project the bundle-checker tests write into tmp_path, and helpers to read a report.

Shared by test_bundle_check.py, test_bundle_check_xml.py and test_bundle_check_dialects.py.
"""
from __future__ import annotations

import json
from pathlib import Path

from engine.bundles import Problem

NAMESPACES = ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
              'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" '
              'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"')
ORGANISATION = """
departments:
  - {code: center, name: 政务服务中心, level: county, children: [{code: d_planning, name: 规划局, level: county}]}
groups:
  - {code: g_window, name: 综合受理窗口, department: center}
  - {code: g_head, name: 规划局负责人, department: d_planning}
"""
ITEM = """
code: DEMO-001
name: 演示事项
item_type: 行政许可
department: d_planning
level: county
service_objects: [法人]
case_kind: promised
statutory_limit: {value: 20}
promised_limit: {value: 10}
process: demo
application_form: apply
materials:
  - {id: m1, name: 申请表, required: true}
"""
DECISION_FORM = {"type": "object", "properties": {"decision": {"type": "string", "title": "结论",
                                                               "enum": ["accept", "refuse"]}}}
APPLY_FORM = {"type": "object", "properties": {"investment": {"type": "number", "title": "投资额"}}}
USER_TASK = ('<bpmn:userTask id="pre_review" name="预审" camunda:formKey="decision" camunda:candidateGroups="g_window">'
             '<bpmn:extensionElements><camunda:properties><camunda:property name="caseStep" value="pre_review"/>'
             '</camunda:properties></bpmn:extensionElements></bpmn:userTask>')
FLOWS = """
    <bpmn:exclusiveGateway id="gw" name="结论" default="f_no"/>
    <bpmn:endEvent id="end_approved" name="通过"/>
    <bpmn:endEvent id="end_denied" name="不通过"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="pre_review"/>
    <bpmn:sequenceFlow id="f2" sourceRef="pre_review" targetRef="gw"/>
    <bpmn:sequenceFlow id="f_yes" sourceRef="gw" targetRef="end_approved">
      <bpmn:conditionExpression>decision == "accept"</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_no" sourceRef="gw" targetRef="end_denied"/>
"""


def bpmn(body: str, process_id: str = "demo", extra: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions {NAMESPACES} id="defs_{process_id}" '
            f'targetNamespace="urn:test">\n  <bpmn:process id="{process_id}" isExecutable="true">\n'
            f'    <bpmn:startEvent id="start"/>\n{body}\n  </bpmn:process>{extra}\n</bpmn:definitions>\n')


DEFAULT_DIAGRAM = bpmn(USER_TASK + FLOWS)


def project(tmp_path: Path, diagram: str | bytes = DEFAULT_DIAGRAM, item: str = ITEM, forms: dict | None = None) -> Path:
    (tmp_path / "processes").mkdir(exist_ok=True)
    (tmp_path / "processes" / "organisation.yaml").write_text(ORGANISATION, encoding="utf-8")
    (tmp_path / "processes" / "demo.item.yaml").write_text(item, encoding="utf-8")
    data = diagram.encode("utf-8") if isinstance(diagram, str) else diagram
    (tmp_path / "processes" / "demo.bpmn").write_bytes(data)
    all_forms = {"demo/apply": APPLY_FORM, "common/decision": DECISION_FORM, **(forms or {})}
    for key, schema in all_forms.items():
        path = tmp_path / "forms" / f"{key}.schema.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(schema if isinstance(schema, str) else json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def errors(report) -> list[Problem]:
    return [p for p in report.problems if p.severity == "error"]


def only_error(report, element_id=None, fragment="", file=None) -> Problem:
    """The error problems must include one with this element id, message fragment (and file)."""
    found = [p for p in errors(report) if p.element_id == element_id and fragment in p.message
             and (file is None or p.file == file)]
    assert found, "\n".join(p.format() for p in report.problems)
    return found[0]


TEST_ITEM = """
code: {code}
name: {name}
item_type: 行政许可
department: dm_construction
implementing_body: 斗门区住房和城乡建设局
level: county
service_objects: [法人]
case_kind: promised
statutory_limit: {{value: 20}}
promised_limit: {{value: 10}}
process: {stem}
application_form: apply
notice_prefix: 斗建试
materials:
  - {{id: m1, name: 申请表, required: true}}
"""


def deploy_test_item(db, tmp_path: Path, stem: str, code: str, name: str, diagram: str) -> str:
    """Deploy a one-item bundle of the construction department on the sample organisation:
    `processes/<stem>.*`, an application form with one `name` field, and the common pre-review form.
    Returns the item code."""
    from engine.catalogue import load_items  # engine imports stay out of the checker-only tests

    root = Path(__file__).resolve().parent.parent
    (tmp_path / "processes").mkdir()
    (tmp_path / "processes" / "organisation.yaml").write_bytes((root / "processes" / "organisation.yaml").read_bytes())
    (tmp_path / "processes" / f"{stem}.item.yaml").write_text(TEST_ITEM.format(code=code, name=name, stem=stem),
                                                                    encoding="utf-8")
    (tmp_path / "processes" / f"{stem}.bpmn").write_text(diagram, encoding="utf-8")
    (tmp_path / "forms" / "common").mkdir(parents=True)
    (tmp_path / "forms" / stem).mkdir()
    (tmp_path / "forms" / "common" / "pre_review.schema.json").write_bytes(
        (root / "forms" / "common" / "pre_review.schema.json").read_bytes())
    apply = {"type": "object", "properties": {"name": {"type": "string", "title": "名称"}}, "examples": [{"name": "甲"}]}
    (tmp_path / "forms" / stem / "apply.schema.json").write_text(json.dumps(apply, ensure_ascii=False))
    report, deployed = load_items(db, tmp_path)
    assert report.ok, "\n".join(p.format() for p in report.problems)
    return deployed[0].item_code
