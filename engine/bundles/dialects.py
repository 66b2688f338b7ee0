"""Reading user-task settings from the three modeler dialects (docs/bundle-format.md, the table).

For each setting the dialects are tried in the contract's order: Camunda 7 / bpmn.io, Camunda 8 (Zeebe),
spiff-arena; the candidate group finally falls back to the name of the lane holding the task.
"""
from __future__ import annotations

import keyword

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "camunda": "http://camunda.org/schema/1.0/bpmn",
    "zeebe": "http://camunda.org/schema/zeebe/1.0",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
PROPERTIES = ("stepLimitDays", "caseStep", "resultVariable")
_CAMUNDA = "{%s}" % NS["camunda"]


def _first_of_list(value: str | None) -> str | None:
    """`a, b` -> `a`; Zeebe's FEEL list `=["a","b"]` -> `a`."""
    if value is None:
        return None
    text = value.strip().lstrip("=").strip().strip("[]")
    first = text.split(",")[0].strip().strip("\"'").strip()
    return first or None


def _properties(element, dialect: str) -> dict[str, str]:
    path = {"camunda": "./bpmn:extensionElements/camunda:properties/camunda:property",
            "zeebe": "./bpmn:extensionElements/zeebe:properties/zeebe:property",
            "spiffworkflow": "./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property",
            }[dialect]
    return {p.get("name"): p.get("value") for p in element.xpath(path, namespaces=NS) if p.get("name")}


def lane_names(tree) -> dict[str, str]:
    """Flow node id -> name of the innermost named lane listing it."""
    lanes: dict[str, str] = {}
    # Document order visits a parent lane's refs before its child lanes' refs, so children win.
    for ref in tree.xpath("//bpmn:lane/bpmn:flowNodeRef", namespaces=NS):
        name = (ref.getparent().get("name") or "").strip()
        if ref.text and name:
            lanes[ref.text.strip()] = name
    return lanes


def lane_of(element, lanes: dict[str, str]) -> str | None:
    """The lane holding the element, or holding the embedded subprocess around it."""
    node = element
    while node is not None:
        if node.get("id") in lanes:
            return lanes[node.get("id")]
        node = node.getparent()
    return None


def read_user_task(element, lanes: dict[str, str]) -> dict:
    """Raw settings of a userTask element, each with where it came from.

    Returns {"form", "form_from", "group", "group_from", "stepLimitDays", "caseStep", "resultVariable"};
    values are the strings as written (None when absent); *_from names the dialect or "lane".
    """
    camunda, zeebe, spiff = (_properties(element, d) for d in ("camunda", "zeebe", "spiffworkflow"))
    result: dict = {}

    zeebe_form = element.xpath("./bpmn:extensionElements/zeebe:formDefinition", namespaces=NS)
    zeebe_form = (zeebe_form[0].get("formKey") or zeebe_form[0].get("formId")) if zeebe_form else None
    result["form"], result["form_from"] = _pick(
        ("camunda", element.get(_CAMUNDA + "formKey")), ("zeebe", zeebe_form),
        ("spiffworkflow", spiff.get("formJsonSchemaFilename")))

    assignment = element.xpath("./bpmn:extensionElements/zeebe:assignmentDefinition", namespaces=NS)
    result["group"], result["group_from"] = _pick(
        ("camunda", _first_of_list(element.get(_CAMUNDA + "candidateGroups"))),
        ("zeebe", _first_of_list(assignment[0].get("candidateGroups")) if assignment else None),
        ("spiffworkflow", _first_of_list(spiff.get("candidateGroups"))),
        ("lane", lane_of(element, lanes)))

    for name in PROPERTIES:
        result[name], _source = _pick(("camunda", camunda.get(name)), ("zeebe", zeebe.get(name)),
                                      ("spiffworkflow", spiff.get(name)))
    return result


def _pick(*candidates) -> tuple[str | None, str | None]:
    for source, value in candidates:
        if value is not None and str(value).strip():
            return str(value).strip(), source
    return None, None


def is_variable_name(text: str) -> bool:
    """A key scripts can read as a plain name (no leading underscore, which the sandbox refuses)."""
    return bool(text) and text.isidentifier() and not keyword.iskeyword(text) and not text.startswith("_")
