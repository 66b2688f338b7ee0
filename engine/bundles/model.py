"""What checking and loading produce: problems, and the bundle the runtime deploys."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Problem:
    """One finding of the checker. Messages and hints are Chinese, for the analyst who drew the item.

    severity is "error" (the bundle cannot be deployed), "warning" (deployable, probably wrong) or
    "info" (a note, e.g. what a lone-diagram check could not verify).
    """

    file: str
    message: str
    hint: str = ""
    line: int | None = None
    element_id: str | None = None
    element_name: str | None = None
    severity: str = "error"

    def format(self) -> str:
        """One line: `file:line: [element_id 名称] message — hint` (warnings and notes say so)."""
        where = self.file + (f":{self.line}" if self.line else "")
        label = {"warning": "警告：", "info": "提示："}.get(self.severity, "")
        element = ""
        if self.element_id or self.element_name:
            element = "[" + " ".join(x for x in (self.element_id, self.element_name) if x) + "] "
        return f"{where}: {label}{element}{self.message}" + (f" — {self.hint}" if self.hint else "")


@dataclass(frozen=True)
class UserTaskInfo:
    """What the engine needs to know about one user task, read from any of the three modeler dialects."""

    bpmn_id: str
    name: str
    process_id: str
    form: str | None              # resolved form key (key into Bundle.forms)
    group: str | None             # group code (lane names / Chinese names mapped to codes)
    step_limit_days: int | None
    case_step: str | None         # pre_review | supplement | review | approve | special_procedure
    result_variable: str | None
    group_variable: str | None = None  # `${name}`: the group is read from the task's data (multi-instance)


@dataclass(frozen=True)
class FormDef:
    """A JSON Schema form and its optional UI schema. `key` is its path under forms/ without suffix."""

    key: str
    schema: dict
    ui: dict
    path: str


@dataclass
class Bundle:
    """A checked item bundle, ready to deploy: item rules, normalized diagrams, forms and task metadata."""

    stem: str
    item: dict
    process_id: str
    diagrams: dict[str, bytes]
    forms: dict[str, FormDef]
    user_tasks: dict[str, UserTaskInfo]
    content_hash: str = ""

    def __post_init__(self):
        if not self.content_hash:
            self.content_hash = content_hash(self.item, self.diagrams, self.forms, self.user_tasks)

    def build_specs(self) -> tuple:
        """Parse the normalized diagrams: (BpmnProcessSpec, {process id: spec} of every called process).

        User tasks carry their resolved metadata in `task_spec.extensions["onewindow"]`.
        """
        from .parser import build_specs  # parser imports SpiffWorkflow's parser stack; keep model light
        return build_specs(self.diagrams, self.process_id, self.user_tasks)


def content_hash(item: dict, diagrams: dict[str, bytes], forms: dict[str, FormDef],
                 user_tasks: dict[str, UserTaskInfo]) -> str:
    """sha256 over canonical JSON of everything deployed; equal content gives the same hash anywhere.

    The derived user-task metadata is included too: it also depends on organisation.yaml (lane names
    mapped to group codes), and a different mapping must make a different version.
    """
    doc = {
        "item": item,
        "diagrams": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(diagrams.items())},
        "forms": {key: {"schema": f.schema, "ui": f.ui} for key, f in sorted(forms.items())},
        "user_tasks": {key: asdict(info) for key, info in sorted(user_tasks.items())},
    }
    text = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class FileProblems:
    """Collects the problems of one file; `add` takes line, id and name from an lxml element."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, message, hint="", element=None, line=None, severity="error", element_id=None,
            element_name=None):
        """Record a problem; `element` (an lxml element) supplies line, id and name when given."""
        if element is not None:
            owner = element
            # Name the flow element, not its event definition (`TimerEventDefinition_1x` means nothing).
            while owner is not None and (owner.get("id") is None
                                         or str(owner.tag).endswith("EventDefinition")):
                owner = owner.getparent()
            line = line or element.sourceline
            if owner is not None:
                element_id = element_id or owner.get("id")
                element_name = element_name or owner.get("name")
        self.problems.append(Problem(self.file, message, hint, line, element_id, element_name, severity))
