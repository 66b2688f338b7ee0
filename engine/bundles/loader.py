"""Loading one item bundle: the item file, its diagrams (and the diagrams they call), forms and tasks."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from lxml import etree

from ..i18n import _
from ..xmlsafe import MAX_DIAGRAM_BYTES, XmlRejected, parse_xml
from . import diagram
from .dialects import NS
from .forms import FormStore
from .model import Bundle, FileProblems, Problem
from .organisation import Organisation
from .parser import parse_specs, spiff_problem, xsd_problems
from .usertasks import UserTaskReader
from .yamlfiles import apply_defaults, line_for, load_yaml, schema_problems

ITEM_SCHEMA = json.loads((Path(__file__).with_name("item.schema.json")).read_text("utf-8"))
ITEM_SUFFIX = ".item.yaml"


class Project:
    """A project root (processes/ + forms/): where files are, and how to name them in problems."""

    def __init__(self, processes_dir: Path, forms_dir: Path | None = None):
        self.processes = processes_dir
        self.root = processes_dir.parent
        if forms_dir is None and (self.root / "forms").is_dir():
            forms_dir = self.root / "forms"
        self.forms = FormStore(forms_dir, self.display(forms_dir) if forms_dir else "forms")
        self._index: dict[str, Path] | None = None

    def display(self, path: Path) -> str:
        """The path relative to the project root when possible."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def process_file(self, process_id: str) -> Path | None:
        """The .bpmn file of processes/ defining a process id (files that fail to parse are skipped)."""
        if self._index is None:
            self._index = {}
            for path in sorted(self.processes.glob("*.bpmn")):
                tree, _raw = read_diagram(path, FileProblems(path.name))  # its own check reports problems
                for pid in (diagram.processes(tree) if tree is not None else {}):
                    self._index.setdefault(pid, path)
        return self._index.get(process_id)


@dataclass
class DiagramSet:
    """Parsed diagrams of one bundle (file name -> tree), normalized bytes and per-file problems."""

    trees: dict = field(default_factory=dict)
    data: dict[str, bytes] = field(default_factory=dict)
    files: dict[str, FileProblems] = field(default_factory=dict)

    def problems(self) -> list[Problem]:
        return [p for out in self.files.values() for p in out.problems]

    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems())


def read_diagram(path: Path, out: FileProblems):
    """Parse one diagram safely: (tree, bytes), or (None, b"") and a problem when it is not acceptable."""
    try:
        if path.stat().st_size > MAX_DIAGRAM_BYTES:  # refuse before reading a huge upload into memory
            raise XmlRejected(_("文件过大（%(size).1f MB），上限为 %(limit)d MB", size=path.stat().st_size / 1048576,
                                limit=MAX_DIAGRAM_BYTES // 1048576))
        raw = path.read_bytes()
        return parse_xml(raw, path.name), raw
    except OSError as err:
        out.add(_("无法读取文件：%(err)s", err=err.strerror or err))
    except XmlRejected as err:
        out.add(err.message, _("请用 BPMN 建模器导出 UTF-8 的 .bpmn 文件"), line=err.line)
    return None, b""


def load_diagrams(main: Path, project: Project) -> DiagramSet:
    """Read and check `main` and, transitively, every processes/ diagram its call activities need."""
    result, queue, calls = DiagramSet(), [main], []
    while queue:
        path = queue.pop(0)
        if path.name in result.files:
            continue
        out = result.files[path.name] = FileProblems(project.display(path))
        tree, raw = read_diagram(path, out)
        if tree is None:
            continue
        xsd_problems(tree, out)
        changed = diagram.check_diagram(tree, out)
        result.trees[path.name] = tree
        result.data[path.name] = _serialize(tree) if changed else raw
        local = diagram.processes(tree)
        for call, target in diagram.called_elements(tree):
            calls.append((path.name, call, target))
            found = project.process_file(target) if target and target not in local else None
            if found is not None:
                queue.append(found)
    defined = {pid for tree in result.trees.values() for pid in diagram.processes(tree)}
    for name, call, target in calls:
        if target is None:
            result.files[name].add(_("调用活动没有 calledElement"), _("填被调用流程的 id"), element=call)
        elif target not in defined:
            result.files[name].add(_("调用活动的目标流程 %(id)s 不存在", id=target),
                                   _("calledElement 写被调用流程（bpmn:process）的 id；该流程放在 processes/ 下的 .bpmn 文件里"),
                                   element=call)
    _check_duplicate_ids(result)
    return result


def _serialize(tree) -> bytes:
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def _check_duplicate_ids(result: DiagramSet) -> None:
    owner: dict[str, str] = {}
    for name, tree in result.trees.items():
        # BPMN model elements only: diagram-interchange ids (BPMNDiagram_1) and definitions ids repeat across
        # files drawn in the same modeler, and extension elements (camunda:formField) have their own ids.
        for element in tree.xpath("//bpmn:*[@id]", namespaces=NS):
            if diagram.local(element) == "definitions":
                continue
            first = owner.setdefault(element.get("id"), name)
            if first != name:
                result.files[name].add(_("元素 id %(id)s 与 %(other)s 中的元素重复", id=element.get("id"),
                                         other=first), _("一个事项的所有流程图里 id 必须唯一"), element=element)


def check_process(diagrams: DiagramSet, main_name: str, process_id: str, item_out: FileProblems,
                  line: int | None) -> bool:
    """The item's process exists in its diagram and is executable; warns about unnamed outcomes."""
    tree = diagrams.trees.get(main_name)
    if tree is None:
        return False
    found = diagram.processes(tree)
    if process_id not in found:
        item_out.add(_("process 指定的流程 %(id)s 不在 %(file)s 中；该文件里的流程有 %(ids)s", id=process_id,
                       file=main_name, ids="、".join(found) or _("（无）")),
                     _("process 填 bpmn:process 元素的 id"), line=line)
        return False
    out = diagrams.files[main_name]
    for name, tree in diagrams.trees.items():
        for pid, element in diagram.processes(tree).items():
            if element.get("isExecutable", "true") == "false" and (pid == process_id or name != main_name):
                diagrams.files[name].add(_("流程 %(id)s 没有标记为可执行", id=pid),
                                         _("在建模器中勾选 Executable（isExecutable=\"true\"）"), element=element)
    diagram.check_end_events(found[process_id], out)
    return True


def spiff_parse(diagrams: DiagramSet, main_name: str, process_ids: Iterable[str], user_tasks=None) -> None:
    """Run SpiffWorkflow's parser on error-free diagrams; whatever it raises becomes a problem."""
    if diagrams.has_errors():
        return  # it stops at the first error and says less than the checks above
    for process_id in process_ids:
        try:
            parse_specs(diagrams.trees, process_id, user_tasks)
        except Exception as err:  # every exception: a foreign diagram must never produce a traceback
            spiff_problem(err, diagrams.files, diagrams.trees, main_name)
            return


def load_bundle(item_path, organisation: Organisation | None, extra_groups: Iterable[str] = (),
                project: Project | None = None) -> tuple[Bundle | None, list[Problem]]:
    """Load and check one bundle from its `<stem>.item.yaml`.

    Returns (Bundle, or None when any error was found; all problems). `project` lets check_paths share one
    forms/ store between the bundles of a root.
    """
    item_path = Path(item_path)
    project = project or Project(item_path.parent)
    stem = item_path.name[: -len(ITEM_SUFFIX)] if item_path.name.endswith(ITEM_SUFFIX) else item_path.stem
    item_out = FileProblems(project.display(item_path))
    item, lines = load_yaml(item_path, item_out)
    if item is not None and not isinstance(item, dict):
        item_out.add(_("事项文件的顶层必须是键值对（mapping）"))
        item = None
    if item is not None:
        schema_problems(item, ITEM_SCHEMA, lines, item_out, _("键和取值见 engine/bundles/item.schema.json"))
        apply_defaults(ITEM_SCHEMA, item)
        _check_item_rules(item, lines, organisation, item_out)
    reader = UserTaskReader(stem, project.forms, organisation, extra_groups)
    if item is not None and isinstance(item.get("application_form"), str):
        reader.form(item["application_form"], item_out, what=_("申请表 application_form："),
                    line=line_for(lines, ["application_form"]))
    main = project.processes / f"{stem}.bpmn"
    diagrams = DiagramSet()
    if not main.is_file():
        item_out.add(_("找不到流程图 %(file)s", file=project.display(main)), _("流程图与事项文件同名，扩展名 .bpmn"))
    else:
        diagrams = load_diagrams(main, project)
    process_id = item.get("process") if isinstance(item, dict) else None
    process_id = process_id if isinstance(process_id, str) else None
    user_tasks = {}
    for name, tree in diagrams.trees.items():
        user_tasks.update(reader.read(tree, diagrams.files[name]))
    if process_id and check_process(diagrams, main.name, process_id, item_out, line_for(lines, ["process"])):
        spiff_parse(diagrams, main.name, [process_id], user_tasks)
    problems = item_out.problems + diagrams.problems() + reader.form_problems
    if organisation is None:
        problems.append(Problem(item_out.file, _("没有有效的 organisation.yaml，无法检查部门和候选组"),
                                _("在 processes/ 下放 organisation.yaml")))
    if item is None or process_id is None or any(p.severity == "error" for p in problems):
        return None, problems
    return Bundle(stem=stem, item=item, process_id=process_id, diagrams=dict(diagrams.data),
                  forms=dict(sorted(reader.used_forms.items())), user_tasks=user_tasks), problems


def _check_item_rules(item: dict, lines, organisation: Organisation | None, out: FileProblems) -> None:
    department = item.get("department")
    if organisation is not None and isinstance(department, str) \
            and organisation.department(department) is None:
        out.add(_("部门 %(code)s 在 organisation.yaml 中不存在", code=department),
                _("department 填 organisation.yaml 中的部门编码"), line=line_for(lines, ["department"]))
    statutory, promised = item.get("statutory_limit"), item.get("promised_limit")
    if isinstance(statutory, dict) and isinstance(promised, dict):
        same_unit = statutory.get("unit", "workday") == promised.get("unit", "workday")
        if same_unit and isinstance(statutory.get("value"), int) and isinstance(promised.get("value"), int) \
                and promised["value"] > statutory["value"]:
            out.add(_("承诺时限（%(p)s）超过法定时限（%(s)s）", p=promised["value"], s=statutory["value"]),
                    _("承诺办结时限不能长于法定办结时限"), line=line_for(lines, ["promised_limit", "value"]))
