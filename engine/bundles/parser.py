"""SpiffWorkflow parsing for bundles: XSD validation, the parser subclass, errors turned into problems."""
from __future__ import annotations

import copy
import re

from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import UserTaskParser
from SpiffWorkflow.spiff.specs.defaults import UserTask

from ..i18n import _
from ..xmlsafe import parse_xml
from .dialects import NS, read_user_task
from .model import FileProblems

MAX_XSD_PROBLEMS = 20


class OneWindowUserTaskParser(UserTaskParser):
    """Adds `extensions["onewindow"]`: the task's form, group, step limit, case step, result variable."""

    def parse_extensions(self, node=None):
        extensions = super().parse_extensions(node)
        if node is None or node is self.node:
            known = self.process_parser.parser.user_tasks.get(self.bpmn_id)
            if known is not None:  # resolved by the bundle loader (form keys, group codes)
                info = {k: getattr(known, k) for k in ("form", "group", "step_limit_days", "case_step",
                                                       "result_variable")}
            else:  # a diagram parsed on its own: the raw values as written
                raw = read_user_task(self.node, {self.bpmn_id: self.lane} if self.lane else {})
                info = {"form": raw["form"], "group": raw["group"], "step_limit_days": raw["stepLimitDays"],
                        "case_step": raw["caseStep"], "result_variable": raw["resultVariable"]}
            extensions["onewindow"] = info
        return extensions


class OneWindowParser(SpiffBpmnParser):
    """SpiffBpmnParser that also reads Camunda 7 / Zeebe / spiff-arena user-task settings."""

    OVERRIDE_PARSER_CLASSES = {**SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
                               full_tag("userTask"): (OneWindowUserTaskParser, UserTask)}

    def __init__(self, user_tasks: dict | None = None, **kwargs):
        super().__init__(**kwargs)
        self.user_tasks = user_tasks or {}


def xsd_problems(tree, out: FileProblems) -> None:
    """Validate against BPMN 2.0 + spiffworkflow XSDs (as SpiffWorkflow's VALIDATOR), reporting all errors."""
    checked = copy.deepcopy(tree)
    VALIDATOR.preprocess(checked)  # the same bpmn.io fix-up SpiffWorkflow applies before validating
    schema = VALIDATOR.validator
    if schema.validate(checked):
        return
    by_line = {}
    for element in tree.iter():
        if isinstance(element.tag, str) and element.get("id") and element.sourceline not in by_line:
            by_line[element.sourceline] = element
    for error in list(schema.error_log)[:MAX_XSD_PROBLEMS]:
        element = by_line.get(error.line)
        out.add(_("不符合 BPMN 2.0 XML 结构（XSD）：%(msg)s", msg=_short_xsd(error.message)),
                _("用建模器重新保存，或按报错位置修改 XML"), line=error.line,
                element_id=element.get("id") if element is not None else None,
                element_name=element.get("name") if element is not None else None)


_PREFIXES = {**NS, "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
             "dc": "http://www.omg.org/spec/DD/20100524/DC", "di": "http://www.omg.org/spec/DD/20100524/DI"}


def _short_xsd(message: str) -> str:
    # lxml writes full namespaces: "{http://www.omg.org/spec/BPMN/20100524/MODEL}task" -> "bpmn:task"
    for prefix, uri in _PREFIXES.items():
        message = message.replace("{%s}" % uri, prefix + ":")
    return message


_SPIFF_MESSAGES = [
    (r"Multiple outgoing flows are not supported", _("任务有多条流出的顺序流"),
     _("用网关分支：任务后面接一个排他网关或并行网关")),
    (r"No start event found", _("流程没有开始事件"), _("加一个开始事件")),
    (r"Non-default exclusive outgoing sequence flow without condition", _("网关的非默认流出顺序流没有条件"),
     _("给这条顺序流写条件，或把它设为默认流")),
    (r"is not executable", _("流程没有标记为可执行"), _("在建模器中勾选 Executable（isExecutable=\"true\"）")),
    (r"The process '(.*)' was not found", _("找不到流程 %s"), _("检查调用活动的 calledElement")),
    (r"There is no support implemented for this task type", _("引擎不支持这种元素"), _("换成用户任务、脚本任务或网关")),
    (r"must have an operator", _("服务任务缺少 spiffworkflow:serviceTaskOperator"), _("本平台不调用外部服务；请改用脚本任务")),
    (r"Exactly one start event is required in a SubWorkflow", _("子流程必须正好有一个开始事件"), ""),
    (r"A SubWorkflow Must contain an End event", _("子流程必须有结束事件"), ""),
]


def spiff_problem(err: Exception, files: dict[str, FileProblems], trees: dict, default_file: str) -> None:
    """Turn any exception of SpiffWorkflow's parser into a problem of the right file and element."""
    text = str(err.args[0]) if getattr(err, "args", None) else str(err)
    message, hint = _("流程引擎无法解析：%(err)s", err=text), _("对照 docs/bundle-format.md 检查该元素")
    for pattern, chinese, fix in _SPIFF_MESSAGES:
        match = re.search(pattern, text)
        if match:
            message, hint = (chinese % match.group(1) if match.groups() else chinese), fix
            break
    if not isinstance(err, ValidationException):
        message = _("流程引擎解析时出错（%(type)s）：%(err)s", type=type(err).__name__, err=text[:300])
    file_name = getattr(err, "file_name", "") or default_file
    out = files.get(file_name) or files[default_file]
    element_id = getattr(err, "id", "") or None
    element = None
    if element_id:
        for tree in ([trees[file_name]] if file_name in trees else trees.values()):
            found = tree.xpath("//*[@id=$id]", id=element_id)
            if found:
                element = found[0]
                break
    line = getattr(err, "line_number", None) or None
    out.add(message, hint, element=element, line=line if isinstance(line, int) else None,
            element_id=element_id, element_name=getattr(err, "name", None) or None)


def parse_specs(trees: dict, process_id: str, user_tasks: dict | None = None) -> tuple:
    """Parse lxml trees (file name -> tree) with OneWindowParser: (spec, subprocess specs). Raises."""
    parser = OneWindowParser(user_tasks=user_tasks)
    for name, tree in trees.items():
        parser.add_bpmn_xml(tree.getroot(), name)
    spec = parser.get_spec(process_id)
    return spec, parser.get_subprocess_specs(process_id)


def build_specs(diagrams: dict[str, bytes], process_id: str, user_tasks: dict | None = None) -> tuple:
    """Parse deployed (already checked and normalized) diagram bytes into specs."""
    trees = {name: parse_xml(data, name) for name, data in diagrams.items()}
    return parse_specs(trees, process_id, user_tasks)

