"""The centre's organisation (processes/organisation.yaml): departments and candidate groups."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import _
from .model import FileProblems, Problem
from .yamlfiles import load_yaml, schema_problems

#: The reserved group of the case's applicant (supplement tasks); never defined in organisation.yaml.
APPLICANT_GROUP = "applicant"

_LEVELS = ["province", "city", "county", "township"]
_DEPARTMENT = {
    "type": "object", "required": ["code", "name", "level"], "additionalProperties": False,
    "properties": {
        "code": {"type": "string", "pattern": "^[A-Za-z0-9_-]{2,64}$"},
        "name": {"type": "string", "minLength": 2},
        "level": {"enum": _LEVELS},
        # A window: its name, or {number, name, area, serves: [department codes]} for the hall's window map.
        "windows": {"type": "array", "items": {"anyOf": [{"type": "string"}, {
            "type": "object", "required": ["name"], "additionalProperties": False,
            "properties": {"number": {"type": "string"}, "name": {"type": "string"}, "area": {"type": "string"},
                           "serves": {"type": "array", "items": {"type": "string"}}}}]}},
        "children": {"type": "array", "items": {"$ref": "#/$defs/department"}},
    },
}
SCHEMA = {
    "type": "object", "required": ["departments", "groups"], "additionalProperties": False,
    "$defs": {"department": _DEPARTMENT},
    "properties": {
        "departments": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/department"}},
        "groups": {"type": "array", "items": {
            "type": "object", "required": ["code", "name"], "additionalProperties": False,
            "properties": {"code": {"type": "string", "pattern": "^[A-Za-z0-9_-]{2,64}$"},
                           "name": {"type": "string", "minLength": 2}, "department": {"type": "string"}}}},
    },
}


@dataclass
class Organisation:
    """Departments flattened from the tree ({code, name, level, parent_code, windows}) and groups."""

    departments: list[dict] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)

    def department(self, code: str) -> dict | None:
        """The department with this code, or None."""
        return next((d for d in self.departments if d["code"] == code), None)

    def group_code(self, code_or_name) -> str | None:
        """The code of the group named by its code or its Chinese name (lanes use either); else None."""
        if not isinstance(code_or_name, str):
            return None
        wanted = code_or_name.strip()
        if wanted == APPLICANT_GROUP:
            return APPLICANT_GROUP
        for group in self.groups:
            if wanted in (group["code"], group["name"]):
                return group["code"]
        return None


def load_organisation(path) -> tuple[Organisation | None, list[Problem]]:
    """Read and check organisation.yaml: (Organisation or None when unusable, problems)."""
    path = Path(path)
    out = FileProblems(_display(path))
    data, lines = load_yaml(path, out)
    if data is None:
        if not out.problems:
            out.add(_("文件是空的"))
        return None, out.problems
    if not schema_problems(data, SCHEMA, lines, out, _("格式见 docs/bundle-format.md 的 Organisation 一节")):
        return None, out.problems
    org = Organisation()

    def walk(items, parent):
        for dept in items:
            org.departments.append({"code": dept["code"], "name": dept["name"], "level": dept["level"],
                                    "parent_code": parent, "windows": list(dept.get("windows") or [])})
            walk(dept.get("children") or [], dept["code"])

    walk(data["departments"], None)
    org.groups = [{"code": g["code"], "name": g["name"], "department": g.get("department")}
                  for g in data["groups"]]
    _check_unique(org, lines, out)
    return org, out.problems


def _check_unique(org: Organisation, lines, out: FileProblems) -> None:
    seen: dict[str, str] = {}
    for dept in org.departments:
        if dept["code"] in seen:
            out.add(_("部门编码 %(code)s 重复", code=dept["code"]))
        seen[dept["code"]] = dept["name"]
    names: dict[str, str] = {}
    for i, group in enumerate(org.groups):
        line = lines.get(("groups", i))
        if group["code"] == APPLICANT_GROUP:
            out.add(_("组编码 applicant 是保留的（申请人本人），不能定义"), line=line)
        if group["code"] in names.values():
            out.add(_("组编码 %(code)s 重复", code=group["code"]), line=line)
        if group["name"] in names:
            out.add(_("组名称“%(name)s”重复，泳道按名称匹配时无法区分", name=group["name"]), line=line)
        names[group["name"]] = group["code"]
        if group.get("department") and group["department"] not in seen:
            out.add(_("组 %(code)s 所属部门 %(dept)s 不存在", code=group["code"], dept=group["department"]),
                    _("department 填 departments 里的部门编码"), line=line)


def _display(path: Path) -> str:
    # organisation.yaml lives in processes/: show it as processes/organisation.yaml when possible.
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name
