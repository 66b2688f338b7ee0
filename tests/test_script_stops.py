"""A diagram script cannot stop the platform: no `raise` or `except` of exceptions that are not `Exception`s
(SystemExit, KeyboardInterrupt, GeneratorExit, BaseException), refused at check time naming the element and
at run time however the class is reached; a diagram fault in a request answers a clear problem or page."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from engine import cases
from engine.bundles import check_paths
from engine.errors import WorkflowFault, stops_the_process
from engine.models import Case
from engine.scripting import HELPER_NAMES, ScriptError, SandboxEnvironment

from .api_support import bearer, new_client
from .bundle_fixtures import FLOWS, NAMESPACES, USER_TASK, bpmn, deploy_test_item, only_error, project
from .webpage import Page, apply_online, login

STOPS = ["SystemExit", "KeyboardInterrupt", "GeneratorExit", "BaseException"]


def script_task(script: str) -> str:
    return (f'<bpmn:scriptTask id="stop" name="停机脚本"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'
            '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="stop"/>'
            + USER_TASK + FLOWS.replace('sourceRef="start"', 'sourceRef="stop"'))


@pytest.mark.parametrize("name", STOPS)
def test_a_published_diagram_may_not_raise_an_exception_that_stops_the_process(tmp_path, name):
    report = check_paths([project(tmp_path, bpmn(script_task(f"raise {name}('停')")))])
    problem = only_error(report, "stop", f"不允许抛出 {name}")
    assert "Exception 的子类" in problem.message


@pytest.mark.parametrize("name", STOPS)
def test_a_published_diagram_may_not_catch_an_exception_that_stops_the_process(tmp_path, name):
    script = f"try:\n    x = 1\nexcept (ValueError, {name}):\n    x = 2"
    report = check_paths([project(tmp_path, bpmn(script_task(script)))])
    only_error(report, "stop", f"不允许捕获 {name}")


def test_a_return_in_finally_which_would_swallow_any_exception_is_refused_at_check_time(tmp_path):
    script = "def f():\n    try:\n        return 1\n    finally:\n        return 2\nx = f()"
    report = check_paths([project(tmp_path, bpmn(script_task(script)))])
    only_error(report, "stop", "finally 中不允许使用 return")


def test_scripts_are_offered_no_exception_class_that_is_not_an_exception():
    for name in STOPS:
        assert name not in HELPER_NAMES
        with pytest.raises(NameError):
            SandboxEnvironment({}).execute(f"x = {name}", {})


@pytest.mark.parametrize("script", ["raise ValueError.mro()[2]", "raise ValueError.mro()[2]('停')",
                                    "classes = ValueError.mro()", "raise 5"])
def test_a_stop_reached_at_run_time_is_refused_not_raised(script):
    with pytest.raises(ScriptError):
        SandboxEnvironment({}).execute(script, {})


def test_a_bare_except_in_a_script_catches_exceptions_only():
    context = {}
    SandboxEnvironment({}).execute("try:\n    x = 1 / 0\nexcept:\n    x = 'caught'", context)
    assert context["x"] == "caught"


@pytest.mark.parametrize("handler", ["except:", "except Exception:", "except (KeyError, ValueError):"])
def test_a_keyboard_interrupt_arriving_during_a_script_is_never_caught_by_it(handler):
    """Ctrl+C lands wherever the main thread is, here in a helper a script calls: it must reach the process."""
    def interrupted():
        raise KeyboardInterrupt

    script = f"try:\n    interrupted()\n{handler}\n    swallowed = True"
    context = {}
    with pytest.raises(KeyboardInterrupt):
        SandboxEnvironment({"interrupted": interrupted}).execute(script, context)
    assert "swallowed" not in context


def test_only_the_main_thread_takes_a_keyboard_interrupt_or_system_exit_for_a_stop_of_the_process():
    seen = {}

    def elsewhere():
        seen.update({type(e).__name__: stops_the_process(e) for e in (KeyboardInterrupt(), SystemExit(1))})

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert seen == {"KeyboardInterrupt": False, "SystemExit": False}
    assert stops_the_process(KeyboardInterrupt()) and stops_the_process(SystemExit(1))
    assert not stops_the_process(GeneratorExit()) and not stops_the_process(ValueError())


# Passes the checker (the class is reached at run time, not named), then tries to raise BaseException at once.
STOP_AT_SUBMISSION = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {NAMESPACES} id="defs_stopper" targetNamespace="urn:test">
  <bpmn:process id="stopper" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:scriptTask id="stop" name="停机脚本"><bpmn:script>raise ValueError.mro()[2]</bpmn:script></bpmn:scriptTask>
    <bpmn:userTask id="handle" name="办理" camunda:formKey="pre_review" camunda:candidateGroups="dm_construction_window"/>
    <bpmn:endEvent id="end_approved" name="通过"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="stop"/>
    <bpmn:sequenceFlow id="f2" sourceRef="stop" targetRef="handle"/>
    <bpmn:sequenceFlow id="f3" sourceRef="handle" targetRef="end_approved"/>
  </bpmn:process>
</bpmn:definitions>
"""


def stopper(db, tmp_path) -> str:
    (tmp_path / "bundle").mkdir()
    return deploy_test_item(db, tmp_path / "bundle", "stopper", "TEST-STOP-001", "停机脚本演示事项", STOP_AT_SUBMISSION)


def case_count(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Case))


def test_submitting_to_a_diagram_that_tries_to_stop_the_process_is_a_workflow_fault_naming_the_element(
        db, users, tmp_path):
    code = stopper(db, tmp_path)
    with pytest.raises(WorkflowFault) as fault:
        cases.submit(db, code, {"name": "甲"}, users["haiyun"])
    assert "stop" in fault.value.message and "停机脚本" in fault.value.message
    assert case_count(db) == 0


def test_the_api_answers_a_diagram_fault_with_a_problem_not_a_server_error_and_keeps_no_case(client, db, tmp_path):
    code = stopper(db, tmp_path)
    token = new_client(db)
    body = {"item_code": code, "application": {"name": "甲"},
            "applicant": {"name": "珠海海韵建设有限公司", "type": "法人", "id_number": "91350100M000100Y43"}}
    response = client.post("/api/v1/cases", json=body, headers=bearer(token))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "workflow_fault" and "停机脚本" in response.get_json()["detail"]
    assert case_count(db) == 0


def test_an_applicant_submitting_to_such_a_diagram_sees_a_chinese_page_not_a_server_error(client, db, tmp_path):
    code = stopper(db, tmp_path)
    login(client, "haiyun")
    response = apply_online(client, code, {"name": "甲"})
    page = Page(response)
    assert response.status_code == 422 and page.find("error-page") is not None
    assert "流程运行出错" in page.text("error-message")
    assert case_count(db) == 0
