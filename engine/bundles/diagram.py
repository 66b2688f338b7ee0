"""Checks on one diagram's XML that need neither forms nor the organisation.

They run before SpiffWorkflow's parser, which stops at the first error and rarely says where; here every
finding carries the file line, element id and name.
"""
from __future__ import annotations

import re

from ..i18n import _
from ..scripting import lint
from . import timers
from .dialects import NS
from .model import FileProblems

GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
FLOW_NODES = GATEWAYS | {
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
    "businessRuleTask",
    "callActivity", "subProcess", "transaction", "adHocSubProcess", "startEvent", "endEvent",
    "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
END_OUTCOME = re.compile(r"^end_(approved_tolerated|approved|denied|refused|not_accepted|withdrawn)(_\w+)?$")
PYTHON_FORMATS = {"", "python", "python3", "text/x-python", "text/python"}
_LINE = re.compile(r"第 (\d+) 行")


def local(element) -> str:
    """Local tag name of an lxml element ('' for comments and processing instructions)."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def xp(node, path: str):
    return node.xpath(path, namespaces=NS)


def normalize_timers(tree, out: FileProblems) -> bool:
    """Quote bare ISO timer values in place; report invalid ones. True when the tree changed."""
    changed = False
    for kind in timers.KINDS:
        for element in xp(tree, f"//bpmn:timerEventDefinition/bpmn:{kind}"):
            new, problem, warning = timers.normalize(kind, element.text)
            if problem:
                out.add(problem, _("时长写 PT2H / P3D，日期写 2026-12-01T09:00:00+08:00，工作日期限写 workdays(5)"),
                        element=element)
            if warning:
                out.add(warning, _("例如 2026-12-01T09:00:00+08:00"), element=element, severity="warning")
            if new != element.text and not problem:
                if new.strip("'") == (element.text or "").strip():  # was bare ISO: say what deployment does
                    out.add(_("定时器值 %(v)s 将按字符串 %(q)s 部署", v=element.text.strip(), q=new), element=element,
                            severity="info")
                element.text = new
                changed = True
    return changed


def check_structure(tree, out: FileProblems) -> None:
    """Merges without a gateway, gateway conditions and defaults."""
    incoming: dict[str, list] = {}
    outgoing: dict[str, list] = {}
    for flow in xp(tree, "//bpmn:sequenceFlow"):
        incoming.setdefault(flow.get("targetRef"), []).append(flow)
        outgoing.setdefault(flow.get("sourceRef"), []).append(flow)
    for element in tree.iter():
        name = local(element)
        if name not in FLOW_NODES:
            continue
        flows = incoming.get(element.get("id"), [])
        if name not in GATEWAYS and len(flows) > 1:
            out.add(_("有 %(n)d 条顺序流直接汇入（%(ids)s），前面没有网关", n=len(flows),
                      ids="、".join(f.get("id") or "?" for f in flows)),
                    _("先汇入一个排他网关（合并），再连到这里：SpiffWorkflow 在这种汇合上可能无限递归"), element=element)
        if name in ("exclusiveGateway", "inclusiveGateway"):
            _check_gateway(element, outgoing.get(element.get("id"), []), out)


def _check_gateway(gateway, flows, out: FileProblems) -> None:
    default = gateway.get("default")
    if default and default not in {f.get("id") for f in flows}:
        out.add(_("默认流 %(id)s 不是这个网关的流出顺序流", id=default), _("在建模器中重新设置默认流"), element=gateway)
    if len(flows) < 2:
        return
    conditional = [f for f in flows if _condition_text(f)]
    for flow in flows:
        if flow.get("id") != default and not _condition_text(flow):
            out.add(_("网关 %(gw)s 的这条流出顺序流既没有条件，也不是默认流", gw=gateway.get("id")),
                    _("写一个条件（如 decision == \"accept\"），或把它设为默认流"), element=flow)
    if conditional and not default and local(gateway) == "exclusiveGateway":
        out.add(_("排他网关有条件分支，但没有默认流：所有条件都不成立时办件会停在错误状态"),
                _("把“其他情况”那条顺序流设为默认流"), element=gateway, severity="warning")


def _condition_text(flow) -> str:
    found = xp(flow, "./bpmn:conditionExpression")
    return (found[0].text or "").strip() if found else ""


def _lint(element, text: str | None, mode: str, what: str, out: FileProblems, hint: str) -> None:
    text = text or ""
    # Messages count lines from the start of the text; the text starts on the element's line.
    offset = text[: len(text) - len(text.lstrip())].count("\n") if mode == "eval" else 0
    for problem in lint(text, mode):
        match = _LINE.search(problem)
        line = element.sourceline + offset + int(match.group(1)) - 1 if match and element.sourceline else None
        out.add(_("%(what)s：%(problem)s", what=what, problem=problem), hint, element=element, line=line)


def check_expressions(tree, out: FileProblems) -> None:
    """Lint every condition, script, pre/post script, timer and loop expression (nothing is run)."""
    for condition in xp(tree, "//bpmn:sequenceFlow/bpmn:conditionExpression"):
        _lint(condition, condition.text, "eval", _("条件表达式"), out,
              _("条件用 Python 写，例如 decision == \"accept\" 或 application[\"investment\"] >= 5000"))
    for task in xp(tree, "//bpmn:scriptTask"):
        script_format = (task.get("scriptFormat") or "").strip().lower()
        if script_format not in PYTHON_FORMATS:
            out.add(_("脚本语言 %(fmt)s 不受支持", fmt=task.get("scriptFormat")), _("脚本用 Python 写"), element=task)
            continue
        scripts = xp(task, "./bpmn:script")
        if not scripts or not (scripts[0].text or "").strip():
            out.add(_("脚本任务没有脚本"), _("写脚本，或改成普通任务"), element=task)
            continue
        _lint(scripts[0], scripts[0].text, "exec", _("脚本"), out, _("脚本在沙箱中运行，见 docs/bundle-format.md"))
    for tag, what in (("preScript", _("前置脚本")), ("postScript", _("后置脚本"))):
        for script in xp(tree, f"//bpmn:extensionElements/spiffworkflow:{tag}"):
            _lint(script, script.text, "exec", what, out, _("脚本在沙箱中运行，见 docs/bundle-format.md"))
    for kind in timers.KINDS:
        for element in xp(tree, f"//bpmn:timerEventDefinition/bpmn:{kind}"):
            if (element.text or "").strip():
                _lint(element, element.text, "eval", _("定时器 %(kind)s", kind=kind), out,
                      _("ISO 值（PT2H、2026-12-01T09:00:00+08:00）或 Python 表达式（workdays(5)）"))
    for path, what in (("//bpmn:multiInstanceLoopCharacteristics/bpmn:loopCardinality", _("多实例数量")),
                       ("//bpmn:multiInstanceLoopCharacteristics/bpmn:completionCondition", _("多实例完成条件")),
                       ("//bpmn:standardLoopCharacteristics/bpmn:loopCondition", _("循环条件"))):
        for element in xp(tree, path):
            _lint(element, element.text, "eval", what, out, "")


def check_end_events(process, out: FileProblems) -> None:
    """Warn when no end event of the case's process is named after an outcome (end_approved ...)."""
    ends = xp(process, "./bpmn:endEvent")
    if ends and not any(END_OUTCOME.match(e.get("id") or "") for e in ends):
        out.add(_("没有一个结束事件按约定命名（%(ids)s），办件结束时一律记为“办结·通过”（11）",
                  ids="、".join(e.get("id") or "?" for e in ends)),
                _("结束事件 id 用 end_approved / end_denied / end_refused / end_not_accepted / end_withdrawn "
                  "/ end_approved_tolerated（可加后缀，如 end_approved_2）"), element=process, severity="warning")


def processes(tree) -> dict[str, object]:
    """Top-level process id -> element."""
    return {p.get("id"): p for p in xp(tree, "/bpmn:definitions/bpmn:process") if p.get("id")}


def called_elements(tree) -> list:
    """(callActivity element, calledElement or None) of every call activity."""
    return [(c, (c.get("calledElement") or "").strip() or None) for c in xp(tree, "//bpmn:callActivity")]


def check_diagram(tree, out: FileProblems) -> bool:
    """All per-diagram checks; timers are normalized in place. True when the tree changed."""
    root = tree.getroot()
    if root.tag != "{%s}definitions" % NS["bpmn"]:
        out.add(_("不是 BPMN 2.0 文件（根元素应为 bpmn:definitions）"), _("用 BPMN 建模器保存为 .bpmn"),
                line=root.sourceline)
        return False
    changed = False
    for step in (normalize_timers, check_structure, check_expressions):
        try:
            changed = bool(step(tree, out)) or changed
        except Exception as err:  # a foreign diagram must give a problem, never a traceback
            out.add(_("检查时遇到无法理解的结构：%(err)s", err=err), _("用建模器重新保存后再试"))
    return changed
