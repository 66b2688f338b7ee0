"""The script sandbox: every attack is refused in a real workflow and directly; normal scripts still work.

Each attack test would fail with SpiffWorkflow's default PythonScriptEngine: `test_default_engine_allows`
shows it for the attacks that are safe to run unsandboxed; the others (endless loop, huge numbers and
sequences) would hang or exhaust memory, and deep recursion ends in a plain RecursionError there.
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from xml.sax.saxutils import escape

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser import SpiffBpmnParser

from engine.scripting import HELPER_NAMES, ScriptError, SandboxEnvironment, lint, make_script_engine, script_deadline

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="urn:t">
  <bpmn:process id="proc" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="script" name="计算"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="gw" default="f_default"><bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>f_yes</bpmn:outgoing><bpmn:outgoing>f_default</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="script"/>
    <bpmn:sequenceFlow id="f2" sourceRef="script" targetRef="gw"/>
    <bpmn:sequenceFlow id="f_yes" sourceRef="gw" targetRef="end_approved">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_default" sourceRef="gw" targetRef="end_denied"/>
    <bpmn:endEvent id="end_approved"><bpmn:incoming>f_yes</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="end_denied"><bpmn:incoming>f_default</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


def run_workflow(script, engine, data=None, condition="True"):
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(BPMN.format(script=escape(script), condition=escape(condition)).encode(), "t.bpmn")
    workflow = BpmnWorkflow(parser.get_spec("proc"), parser.get_subprocess_specs("proc"), script_engine=engine)
    workflow.get_next_task(spec_name="Start").data.update(data or {})
    workflow.do_engine_steps()
    return workflow


def script_error_in(exc):
    """The ScriptError SpiffWorkflow wrapped, following `exception`, cause and context links."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, ScriptError):
            return exc
        seen.add(id(exc))
        exc = getattr(exc, "exception", None) or exc.__cause__ or exc.__context__
    return None


ATTACKS = {
    "dunder_import": "x = __import__('os')",
    "import": "import os",
    "import_from": "from os import system",
    "subclasses_walk": "x = [c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'Popen']",
    "getattr_globals": "def f():\n    pass\nx = getattr(f, '__globals__')",
    "exec": "exec('x = 1')",
    "eval": "x = eval('1 + 1')",
    "open": "x = open('/etc/passwd').read()",
    "compile": "x = compile('1', 'f', 'eval')",
    "format_escape": "def f():\n    pass\nx = '{0.__globals__}'.format(f)",
    "format_on_type": "x = str.format('{0.__class__}', 1)",
    "endless_loop": "while True:\n    pass",
    "endless_loop_swallowed": "while True:\n    try:\n        while True:\n            pass\n    except Exception:\n        pass",
    "endless_comprehension": "x = [i for i in range(10**6) for j in range(10**6)]",
    "huge_power": "x = 10**10**9",
    "huge_power_2": "x = 2**(10**9)",
    "huge_pow_builtin": "x = pow(2, 10**9)",
    "huge_shift": "x = 1 << 10**9",
    "huge_str_mult": "x = 'x' * 10**10",
    "huge_list_mult": "x = [0] * 10**10",
    "nested_list_mult": "x = [[0] * 10**6] * 10**6",
    "huge_inplace_mult": "x = 'x'\nx *= 10**10",
    "huge_join": "x = ''.join(['y' * 10**6] * 1000)",
    "huge_ljust": "x = 'a'.ljust(10**10)",
    "huge_format_width": "x = f'{1:>10000000000}'",
    "huge_percent_width": "x = '%10000000000d' % 1",
    "huge_range_sum": "x = sum(range(10**12))",
    "deep_recursion": "def f(n):\n    return f(n + 1)\nx = f(0)",
    "exponential_recursion": "def f(n):\n    return f(n - 1) + f(n - 1) if n else 1\nx = f(60)",
}
BUDGET = 0.3


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_blocked_in_workflow(name):
    started = time.monotonic()
    with pytest.raises(SpiffWorkflowException) as info:
        run_workflow(ATTACKS[name], make_script_engine(time_budget=BUDGET))
    assert script_error_in(info.value) is not None, info.value
    assert time.monotonic() - started < 3 * BUDGET + 0.5


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attack_blocked_in_environment(name):
    env = SandboxEnvironment({}, time_budget=BUDGET)
    with pytest.raises(ScriptError) as info:
        env.execute(ATTACKS[name], {})
    assert any("\u4e00" <= c <= "\u9fff" for c in info.value.message)  # said in Chinese


@pytest.mark.parametrize("name", ["dunder_import", "import", "subclasses_walk", "getattr_globals", "exec", "eval",
                                  "open", "compile", "format_escape", "format_on_type"])
def test_default_engine_allows(name):
    """Control: without the sandbox these attacks run, so the tests above are meaningful."""
    workflow = run_workflow(ATTACKS[name], PythonScriptEngine())
    assert workflow.is_completed()


def test_default_engine_recursion_is_not_a_sandbox_refusal():
    with pytest.raises(SpiffWorkflowException) as info:
        run_workflow(ATTACKS["deep_recursion"], PythonScriptEngine())
    assert script_error_in(info.value) is None


def test_condition_attack_blocked():
    with pytest.raises(SpiffWorkflowException) as info:
        run_workflow("x = 1", make_script_engine(), condition="__import__('os').system('true') == 0")
    assert "下划线" in str(info.value)


@pytest.mark.parametrize("budget", [0.2, 0.5])
def test_endless_loop_stops_within_three_budgets(budget):
    env = SandboxEnvironment({}, time_budget=budget)
    for source, run in [("while True:\n    pass", env.execute),
                        ("[x for x in range(10**6) for y in range(10**6)]", env.evaluate),
                        ("any(x < 0 for x in range(10**6) for y in range(10**6))", env.evaluate)]:
        started = time.monotonic()
        with pytest.raises(ScriptError, match="时间上限"):
            run(source, {})
        elapsed = time.monotonic() - started
        assert budget * 0.9 <= elapsed < 3 * budget


LEGIT_SCRIPT = """
total = sum(x['amount'] for x in fees)
squares = [n * n for n in range(5)]
by_id = {m['id']: m['name'].strip() for m in materials}
label = f"合计 {total:>8.2f} 元，共 {len(fees)} 项"
summary = {}
summary['count'] = len(fees)
summary['count'] += 1
names = [m['name'].strip() for m in materials]
names.append('补充材料')
names.extend(['附件'])
investment = application.get('investment', 0)
big = application['investment'] >= 5000
due = now() + days(3) + hours(2)
remaining_days = (due - now()).days
deadline = workdays(5).isoformat()
first, (second, third) = 1, (2, 3)
for index, fee in enumerate(fees):
    summary[fee['code']] = index
n = 0
while n < 10:
    n += 1
ordered = sorted(fees, key=lambda f: -f['amount'])
top = ordered[0]['code']
joined = '、'.join(names)
percent = '%.1f%%' % 12.5
power = 2 ** 10
padded = str(7).zfill(3)
def double(v):
    return v * 2
doubled = double(21)
"""


def test_legitimate_script_runs_in_workflow_and_sets_task_data():
    fixed = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
    engine = make_script_engine({"workdays": lambda n: fixed + timedelta(days=n)})
    data = {"fees": [{"code": "a", "amount": 3}, {"code": "b", "amount": 4.5}], "decision": "accept",
            "materials": [{"id": "m1", "name": " 申请表 "}], "application": {"investment": 6000}}
    workflow = run_workflow(LEGIT_SCRIPT, engine, data, condition='decision == "accept" and application["investment"] >= 5000')
    assert workflow.is_completed()
    end = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id == "end_approved"][0]
    result = end.data
    assert result["total"] == 7.5 and result["squares"] == [0, 1, 4, 9, 16]
    assert result["by_id"] == {"m1": "申请表"} and result["label"] == "合计     7.50 元，共 2 项"
    assert result["summary"] == {"count": 3, "a": 0, "b": 1}
    assert result["names"] == ["申请表", "补充材料", "附件"] and result["joined"] == "申请表、补充材料、附件"
    assert result["big"] is True and result["remaining_days"] == 3 and result["deadline"] == "2026-03-07T01:00:00+00:00"
    assert (result["first"], result["second"], result["third"]) == (1, 2, 3)
    assert result["n"] == 10 and result["top"] == "b" and result["percent"] == "12.5%"
    assert result["power"] == 1024 and result["padded"] == "007" and result["doubled"] == 42
    # Helpers, functions and guards are not left in the task data.
    assert not {"double", "now", "days", "workdays", "_getattr_", "__builtins__"} & set(result)


def test_gateway_takes_default_flow_when_condition_false():
    workflow = run_workflow("x = 1", make_script_engine(), {"decision": "refuse", "application": {"investment": 1}},
                            condition='decision == "accept"')
    assert [t.task_spec.bpmn_id for t in workflow.get_tasks() if t.task_spec.bpmn_id == "end_denied"]


def test_same_task_data_as_default_environment():
    script = "a = 1\nb = [x * 2 for x in items]\nc = {'k': a}\nc['j'] = 2\ndef f():\n    return 1\nd = f()\n"
    ours, theirs = {"items": [1, 2]}, {"items": [1, 2]}
    SandboxEnvironment({}).execute(script, ours)
    TaskDataEnvironment().execute(script, theirs)
    assert ours == theirs == {"items": [1, 2], "a": 1, "b": [2, 4], "c": {"k": 1, "j": 2}, "d": 1}


def test_task_data_cannot_replace_guards():
    env = SandboxEnvironment({})
    assert env.evaluate("x.upper()", {"x": "a", "_getattr_": "boom", "__builtins__": {}}) == "A"


def test_task_data_shadowing_a_helper_is_refused_like_spiffworkflow():
    with pytest.raises(ValueError, match="overwrites"):
        SandboxEnvironment({"days": lambda n: n}).execute("x = 1", {"days": 3})


def test_lint_reports_problems_without_running():
    assert lint('decision == "accept"', "eval") == []
    assert lint("application['investment'] >= 5000 and len(materials) > 0", "eval") == []
    assert lint("x = workdays(3)\ny = sorted(z)\ndef g():\n    return 1\nw = g()", "exec") == []
    syntax = lint("x = 1\ny = (", "exec")
    assert len(syntax) == 1 and "第 2 行语法错误" in syntax[0]
    assert any("import" in p for p in lint("import os", "exec"))
    assert any("__class__" in p for p in lint("().__class__", "eval"))
    assert any("exec()" in p for p in lint("exec('1')", "exec"))
    assert any("str.format" in p for p in lint("'{0}'.format(1)", "eval"))
    unknown = lint("x = frobnicate(1) + application['a']", "exec")
    assert len(unknown) == 1 and "frobnicate" in unknown[0] and "第 1 行" in unknown[0]
    assert lint("x = frobnicate(1)", "exec", extra_names={"frobnicate"}) == []
    assert lint("", "eval") == ["表达式为空"] and lint("", "exec") == []


def test_lint_and_run_accept_indented_diagram_text():
    source = "\n        total = 1\n        if total:\n            total += 1\n    "
    assert lint(source, "exec") == []
    data = {}
    SandboxEnvironment({}).execute(source, data)
    assert data == {"total": 2}


def test_helper_names_cover_documented_helpers_and_builtins():
    documented = {"workdays", "workdays_from", "now", "today", "days", "hours", "len", "min", "max", "sum", "sorted",
                  "any", "all", "str", "int", "float", "bool", "list", "dict", "set", "tuple", "range", "round", "abs",
                  "enumerate", "zip"}
    assert documented <= HELPER_NAMES
    assert not {"open", "exec", "eval", "getattr", "__import__", "compile", "type"} & HELPER_NAMES


def test_default_helpers_work():
    env = make_script_engine().environment
    data = {}
    env.execute("a = now()\nb = days(2)\nc = hours(3)\nd = today()", data)
    assert data["a"].tzinfo is not None and data["b"] == timedelta(days=2) and data["c"] == timedelta(hours=3)
    assert len(data["d"]) == 10
    with pytest.raises(ScriptError, match="工作日历"):
        env.evaluate("workdays(3)", {})


def test_outer_deadline_bounds_several_calls():
    """The runtime may bound a whole engine step; nested per-call budgets keep the earliest deadline."""
    env = SandboxEnvironment({}, time_budget=5.0)
    started = time.monotonic()
    with script_deadline(0.2):
        with pytest.raises(ScriptError, match="时间上限"):
            env.execute("while True:\n    pass", {})
    assert time.monotonic() - started < 0.6


def test_compiled_code_is_cached():
    from engine.scripting import _compile
    assert _compile("a == 1", "eval") is _compile("a == 1", "eval")



def test_an_endless_loop_in_a_deployed_diagram_aborts_the_action_and_writes_nothing(db, users, tmp_path):
    """A valid but endless script reached by a clerk's completion: refused with a message, nothing written."""
    import shutil
    from pathlib import Path

    from engine import cases
    from engine.catalogue import load_items
    from engine.errors import WorkflowFault
    from tests.helpers import answer, application, audit_actions, item_code, open_tasks, worker_for

    root = tmp_path / "project"
    repo = Path(__file__).resolve().parent.parent
    shutil.copytree(repo / "processes", root / "processes")
    shutil.copytree(repo / "forms", root / "forms")
    diagram = root / "processes" / "company_establishment.bpmn"
    text = diagram.read_text(encoding="utf-8")
    start = text.index("<bpmn:script>establishment")
    end = text.index("</bpmn:script>", start)
    diagram.write_text(text[:start] + "<bpmn:script>n = 0\nwhile True:\n    n = n + 1\n" + text[end:],
                       encoding="utf-8")
    report, _deployed = load_items(db, root)
    assert report.ok
    code = item_code(db, "company_establishment")
    case_id = cases.submit(db, code, application(db, code), users["haiyun"]).case_id
    with pytest.raises(WorkflowFault) as refused:
        for _ in range(10):  # the last step before the summary script raises
            task = open_tasks(db, case_id)[0]
            history = audit_actions(db, case_id)
            cases.complete(db, task.id, worker_for(db, task, users), answer(db, task))
    assert "时间上限" in refused.value.message or "流程运行出错" in refused.value.message
    assert [t.id for t in open_tasks(db, case_id)] == [task.id]  # the task is still open
    assert audit_actions(db, case_id) == history                # and nothing of the action was recorded
