"""User tasks: their form, candidate group, step limit, case step and result variable, checked."""
from __future__ import annotations

import re

from ..i18n import _
from ..scripting import HELPER_NAMES
from .dialects import NS, is_variable_name, lane_names, read_user_task
from .forms import FormStore, field_names
from .model import FileProblems, FormDef, Problem, UserTaskInfo
from .organisation import APPLICANT_GROUP, Organisation

CASE_STEPS = ("pre_review", "supplement", "review", "approve", "special_procedure")
_GROUP_HINT = _("用 camunda:candidateGroups、zeebe:assignmentDefinition、spiffworkflow 属性 candidateGroups，"
                "或把任务放进以组名（组编码或中文名称）命名的泳道")


GROUP_VARIABLE = re.compile(r"^\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}$")


def _input_items(element) -> set[str]:
    """Names (and ids) of the inputDataItem of the task's own multi-instance loop."""
    items = element.xpath("bpmn:multiInstanceLoopCharacteristics/bpmn:inputDataItem", namespaces=NS)
    return {value for item in items for value in (item.get("name"), item.get("id")) if value}


def group_variable_of(value: str | None) -> str | None:
    """`${reviewer}` names the task-data variable holding the group code, e.g. the input item of a
    multi-instance review over a list of departments' groups (Camunda's expression syntax)."""
    match = GROUP_VARIABLE.match(value or "")
    return match.group(1) if match else None


class UserTaskReader:
    """Reads and checks the user tasks of a bundle's diagrams; collects the forms they use."""

    def __init__(self, stem: str, forms: FormStore | None, organisation: Organisation | None,
                 extra_groups=()):
        self.stem, self.forms, self.organisation = stem, forms, organisation
        self.extra_groups = set(extra_groups) | {APPLICANT_GROUP}
        self.used_forms: dict[str, FormDef] = {}
        self.form_problems: list[Problem] = []

    def form(self, reference: str, out: FileProblems, element=None, what: str = "", line=None) -> str | None:
        """Resolve and load a form reference; problems about the reference go to `out`."""
        key, problem = self.forms.resolve(reference, self.stem)
        if key is None:
            out.add(_("%(what)s%(problem)s", what=what, problem=problem),
                    _("表单放在 forms/<事项>/、forms/ 或 forms/common/ 下，文件名以 .schema.json 结尾"),
                    element=element, line=line)
            return None
        form, problems = self.forms.load(key)
        self.form_problems.extend(p for p in problems if p not in self.form_problems)
        if form is None:
            out.add(_("%(what)s表单 %(key)s 无效（见该表单文件的问题）", what=what, key=key), element=element, line=line)
        else:
            self.used_forms[key] = form
        return key

    def read(self, tree, out: FileProblems) -> dict[str, UserTaskInfo]:
        """UserTaskInfo of every userTask in one diagram (embedded subprocesses included)."""
        lanes = lane_names(tree)
        tasks = {}
        for element in tree.xpath("//bpmn:userTask", namespaces=NS):
            if not element.get("id"):
                continue
            try:
                tasks[element.get("id")] = self._task(element, lanes, out)
            except Exception as err:  # never a traceback for a strange diagram
                out.add(_("无法读取用户任务：%(err)s", err=err), element=element)
        return tasks

    def _task(self, element, lanes, out: FileProblems) -> UserTaskInfo:
        raw = read_user_task(element, lanes)
        process = element
        while process is not None and process.tag != "{%s}process" % NS["bpmn"]:
            process = process.getparent()
        form_key = None
        if raw["form"] is None:
            out.add(_("用户任务没有表单"), _("设置 camunda:formKey、zeebe:formDefinition 或 spiffworkflow 属性 "
                                      "formJsonSchemaFilename，指向 forms/ 下的 .schema.json"), element=element)
        elif self.forms is not None:
            form_key = self.form(raw["form"], out, element)
        result_variable = self._result_variable(raw["resultVariable"], element, out)
        form = self.used_forms.get(form_key)
        if form is not None and result_variable is None:
            clash = sorted(field_names(form) & HELPER_NAMES)
            if clash:
                out.add(_("表单字段 %(f)s 与脚本函数同名；提交后合并到流程数据，之后所有脚本都会失败",
                          f="、".join(clash)), _("给字段改名，或设置 resultVariable 属性"), element=element)
        case_step = self._case_step(raw["caseStep"], element, out)
        group_variable = group_variable_of(raw["group"])
        if group_variable and group_variable not in _input_items(element):
            out.add(_("候选组“${%(v)s}”取自任务数据中的变量 %(v)s，但它不是该任务多实例的输入项（inputDataItem）",
                      v=group_variable),
                    _("多实例会审把部门列表作为 loopDataInputRef、每个部门的组编码作为 inputDataItem；"
                      "若变量由前面的脚本设置，请确认运行时它一定存在且是已有组的编码"),
                    element=element, severity="warning")
        if case_step == "pre_review" and form is not None and "decision" not in field_names(form):
            out.add(_("预审任务（caseStep=pre_review）的表单没有 decision 字段，办件状态无法随受理结果变化"),
                    _("decision 取值 accept / supplement / refuse / not_accept"), element=element,
                    severity="warning")
        return UserTaskInfo(
            bpmn_id=element.get("id"), name=element.get("name") or element.get("id"),
            process_id=process.get("id") if process is not None else "",
            form=form_key if self.forms is not None else raw["form"],
            group=None if group_variable else self._group(raw, element, out),
            step_limit_days=self._step_limit(raw["stepLimitDays"], element, out),
            case_step=case_step, result_variable=result_variable, group_variable=group_variable)

    def _group(self, raw, element, out: FileProblems) -> str | None:
        """A fixed candidate group, checked against the organisation (`${var}` groups are checked at run time)."""
        value, source = raw["group"], raw["group_from"]
        if value is None:
            out.add(_("用户任务没有候选组，没有人能办理它"), _GROUP_HINT, element=element)
            return None
        if self.organisation is None:
            return value  # nothing to check against; the caller says so
        code = self.organisation.group_code(value) or (value if value in self.extra_groups else None)
        if code is None:
            where = _("泳道名称") if source == "lane" else _("候选组")
            out.add(_("%(where)s“%(v)s”在 organisation.yaml 中不存在", where=where, v=value),
                    _("在 processes/organisation.yaml 的 groups 中添加它，或改用已有组的编码或名称"), element=element)
        return code

    def _step_limit(self, value, element, out: FileProblems) -> int | None:
        if value is None:
            return None
        try:
            days = int(value)
        except ValueError:
            days = 0
        if not 1 <= days <= 3650:
            out.add(_("stepLimitDays 应为 1 到 3650 的整数（工作日），不是“%(v)s”", v=value), element=element)
            return None
        return days

    def _case_step(self, value, element, out: FileProblems) -> str | None:
        if value is not None and value not in CASE_STEPS:
            out.add(_("caseStep“%(v)s”无效", v=value), _("可选值：%(v)s", v=" / ".join(CASE_STEPS)),
                    element=element)
            return None
        return value

    def _result_variable(self, value, element, out: FileProblems) -> str | None:
        if value is None:
            return None
        if not is_variable_name(value) or value in HELPER_NAMES:
            out.add(_("resultVariable“%(v)s”不能用作变量名", v=value),
                    _("用字母开头的英文名，如 opinion_fire，且不要与脚本函数同名"), element=element)
            return None
        return value
