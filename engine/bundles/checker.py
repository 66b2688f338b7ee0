"""`onewindow check PATH...`: check a project root, a processes/ folder, an item file or a lone diagram."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from ..i18n import _
from . import diagram
from .loader import ITEM_SUFFIX, Project, load_bundle, load_diagrams, spiff_parse
from .model import Bundle, FileProblems, Problem
from .organisation import Organisation, load_organisation
from .usertasks import UserTaskReader

ORGANISATION_FILE = "organisation.yaml"


@dataclass
class CheckReport:
    """Everything found, and the bundles that loaded without errors (deployable)."""

    problems: list[Problem] = field(default_factory=list)
    bundles: list[Bundle] = field(default_factory=list)
    organisation: Organisation | None = None

    @property
    def ok(self) -> bool:
        """True when no problem is an error (warnings and notes do not block deployment)."""
        return not any(p.severity == "error" for p in self.problems)


def check_paths(paths: Sequence[str], extra_groups: Iterable[str] = ()) -> CheckReport:
    """Check each path: a project root (processes/ + forms/), a processes/ folder, a .item.yaml or a .bpmn."""
    report = CheckReport()
    extra_groups = set(extra_groups)
    for raw in paths:
        path = Path(raw)
        try:
            _check_one(path, extra_groups, report)
        except Exception as err:  # the checker must answer with problems, never with a traceback
            report.problems.append(Problem(str(path), _("检查器内部错误：%(type)s: %(err)s", type=type(err).__name__,
                                                        err=err), _("请把这个文件报告给平台维护者")))
    report.problems = list(dict.fromkeys(report.problems))  # a shared form may be reported by several bundles
    unique: dict[str, Bundle] = {}
    for bundle in report.bundles:  # overlapping paths (a root and one of its items) load a bundle twice
        unique.setdefault(bundle.stem, bundle)
    report.bundles = list(unique.values())
    return report


def _check_one(path: Path, extra_groups: set, report: CheckReport) -> None:
    if not path.exists():
        report.problems.append(Problem(str(path), _("路径不存在")))
    elif path.is_dir():
        processes = path / "processes" if (path / "processes").is_dir() else path
        if processes is path and not (path.name == "processes" or (path / ORGANISATION_FILE).is_file()
                                      or any(path.glob(f"*{ITEM_SUFFIX}"))):
            report.problems.append(Problem(str(path), _("既不是项目根目录（含 processes/ 和 forms/），也不是 processes/ 目录")))
            return
        _check_folder(Project(processes), extra_groups, report)
    elif path.name.endswith(ITEM_SUFFIX):
        project = Project(path.parent)
        organisation = _organisation(project, report, required=True)
        bundle, problems = load_bundle(path, organisation, extra_groups, project)
        report.problems.extend(problems)
        if bundle is not None:
            report.bundles.append(bundle)
    elif path.suffix.lower() == ".bpmn":
        _check_lone_diagram(path, extra_groups, report)
    else:
        report.problems.append(Problem(str(path), _("不支持的文件类型"),
                                       _("可检查项目根目录、processes/ 目录、.item.yaml 或 .bpmn 文件")))


def _organisation(project: Project, report: CheckReport, required: bool) -> Organisation | None:
    path = project.processes / ORGANISATION_FILE
    if not path.is_file():
        if required:
            report.problems.append(Problem(project.display(path), _("找不到 organisation.yaml"),
                                           _("部门和候选组定义在 processes/organisation.yaml")))
        return None
    organisation, problems = load_organisation(path)
    report.problems.extend(Problem(project.display(path), *_rest(p)) for p in problems)
    report.organisation = organisation or report.organisation
    return organisation


def _rest(p: Problem) -> tuple:
    return p.message, p.hint, p.line, p.element_id, p.element_name, p.severity


def _check_folder(project: Project, extra_groups: set, report: CheckReport) -> None:
    organisation = _organisation(project, report, required=True)
    items = sorted(project.processes.glob(f"*{ITEM_SUFFIX}"))
    if not items:
        report.problems.append(Problem(project.display(project.processes), _("没有找到任何事项文件（*.item.yaml）"),
                                       severity="warning"))
    used: set[str] = set()
    codes: dict[str, str] = {}
    for item_path in items:
        bundle, problems = load_bundle(item_path, organisation, extra_groups, project)
        report.problems.extend(problems)
        stem = item_path.name[: -len(ITEM_SUFFIX)]
        used.add(f"{stem}.bpmn")
        if bundle is not None:
            used.update(bundle.diagrams)
            code = bundle.item["code"]
            if code in codes:
                message = _("实施编码 code %(code)s 与事项 %(other)s 重复", code=code, other=codes[code])
                report.problems.append(Problem(project.display(item_path), message))
                continue
            codes[code] = stem
            report.bundles.append(bundle)
    for path in sorted(project.processes.glob("*.bpmn")):
        if path.name not in used:  # shared subprocess diagrams and drafts are checked on their own
            _check_lone_diagram(path, extra_groups, report, project, organisation, quiet=True)


def _check_lone_diagram(path: Path, extra_groups: set, report: CheckReport, project: Project | None = None,
                        organisation: Organisation | None = None, quiet: bool = False) -> None:
    """Check a diagram without its item file; say what could not be checked."""
    if project is None:
        folder = path.parent
        forms = next((f for f in (folder / "forms", folder.parent / "forms") if f.is_dir()), None)
        project = Project(folder, forms)
        org_path = next((f for f in (folder / ORGANISATION_FILE, folder / "processes" / ORGANISATION_FILE,
                                     folder.parent / "processes" / ORGANISATION_FILE) if f.is_file()), None)
        if org_path is not None:
            organisation, problems = load_organisation(org_path)
            report.problems.extend(Problem(project.display(org_path), *_rest(p)) for p in problems)
    diagrams = load_diagrams(path, project)
    notes = FileProblems(project.display(path))
    tree = diagrams.trees.get(path.name)
    if tree is not None:
        forms = project.forms if project.forms.root else None
        reader = UserTaskReader(path.stem, forms, organisation, extra_groups)
        user_tasks = {}
        for name, each in diagrams.trees.items():
            user_tasks.update(reader.read(each, diagrams.files[name]))
        report.problems.extend(reader.form_problems)
        executable = [pid for pid, p in diagram.processes(tree).items()
                      if p.get("isExecutable", "true") != "false"]
        spiff_parse(diagrams, path.name, executable, user_tasks)
        if not quiet:
            notes.add(_("单独检查流程图：未检查事项文件（process、部门、时限、申请表）"), severity="info")
            if project.forms.root is None and user_tasks:
                notes.add(_("旁边没有 forms/ 目录，未检查表单"), severity="info")
            if organisation is None and user_tasks:
                notes.add(_("没有找到 organisation.yaml，未检查候选组是否存在"), severity="info")
    report.problems.extend(diagrams.problems() + notes.problems)
