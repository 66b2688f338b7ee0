"""Reading and writing one element's OneWindow settings in a diagram's XML, in the dialect it already uses.

The browser modeler's side form edits a user task's form, candidate group, case step and step limit, and a
timer's working days. Values are written where the element already keeps them (Camunda 7 attributes, Zeebe
extension elements, spiff-arena properties), else as spiff-arena properties like the sample diagrams, so a
diagram drawn in another modeler changes only in what the analyst edited.
"""
from __future__ import annotations

import re

from lxml import etree

from ..i18n import _
from ..xmlsafe import parse_xml
from .dialects import NS, lane_names, read_user_task

_C, _Z, _S, _B = ("{%s}" % NS[k] for k in ("camunda", "zeebe", "spiffworkflow", "bpmn"))
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_WORKDAYS = re.compile(r"^\s*workdays\(\s*(\d+)\s*\)\s*$")


class SettingsError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _element(tree, element_id: str):
    found = tree.xpath("//bpmn:*[@id=$id]", id=element_id, namespaces=NS)
    if not found:
        raise SettingsError(_("流程图中没有元素 %(id)s", id=element_id))
    return found[0]


def _timer(element):
    found = element.xpath("./bpmn:timerEventDefinition", namespaces=NS)
    return found[0] if found else None


def read_settings(xml: str, element_id: str) -> dict:
    """{"kind": "userTask" | "timer" | "other", and for a user task form, group, caseStep, stepLimitDays;
    for a timer `timer_days` (None unless written as workdays(N)) and `expression`}."""
    tree = parse_xml(xml.encode("utf-8"), "diagram.bpmn")
    element = _element(tree, element_id)
    if element.tag == _B + "userTask":
        raw = read_user_task(element, lane_names(tree))
        return {"kind": "userTask", "form": raw["form"], "group": raw["group"], "group_from": raw["group_from"],
                "caseStep": raw["caseStep"], "stepLimitDays": raw["stepLimitDays"]}
    timer = _timer(element)
    if timer is not None:
        expression = next((child.text or "" for child in timer if etree.QName(child).localname.startswith("time")), "")
        match = _WORKDAYS.match(expression)
        return {"kind": "timer", "timer_days": int(match.group(1)) if match else None, "expression": expression}
    return {"kind": "other"}


def apply_settings(xml: str, element_id: str, values: dict) -> str:
    """The diagram with the element's settings replaced by `values` (keys as read_settings gives; an empty
    value removes the setting). Raises SettingsError for a bad element or value."""
    tree = parse_xml(xml.encode("utf-8"), "diagram.bpmn")
    element = _element(tree, element_id)
    if element.tag == _B + "userTask":
        for key in ("stepLimitDays",):
            value = values.get(key)
            if value not in (None, "") and not (str(value).isdigit() and int(value) > 0):
                raise SettingsError(_("环节时限须为正整数（工作日）"))
        _set_form(element, values.get("form"))
        _set_group(element, values.get("group"))
        for name in ("caseStep", "stepLimitDays"):
            _set_property(element, name, values.get(name))
    elif _timer(element) is not None:
        days = values.get("timer_days")
        if not (str(days).isdigit() and int(days) > 0):
            raise SettingsError(_("定时器的工作日数须为正整数"))
        timer = _timer(element)
        for child in list(timer):
            if etree.QName(child).localname in ("timeDate", "timeDuration", "timeCycle"):
                timer.remove(child)
        node = etree.SubElement(timer, _B + "timeDate")
        node.set("{%s}type" % _XSI, "bpmn:tFormalExpression")
        node.text = f"workdays({int(days)})"
    else:
        raise SettingsError(_("只能为用户任务和定时器设置属性"))
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8").decode("utf-8")


def _clean(value) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _extensions(element):
    found = element.find(_B + "extensionElements")
    if found is None:
        found = etree.Element(_B + "extensionElements")
        docs = element.findall(_B + "documentation")
        element.insert(element.index(docs[-1]) + 1 if docs else 0, found)
    return found


def _spiff_properties(element):
    ext = _extensions(element)
    found = ext.find(_S + "properties")
    return found if found is not None else etree.SubElement(ext, _S + "properties",
                                                             nsmap={"spiffworkflow": NS["spiffworkflow"]})


def _spiff_property(element, name: str, value: str | None) -> None:
    props = element.xpath("./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property[@name=$n]",
                          n=name, namespaces=NS)
    for prop in props[1:]:
        prop.getparent().remove(prop)
    if value is None:
        if props:
            props[0].getparent().remove(props[0])
    elif props:
        props[0].set("value", value)
    else:
        prop = etree.SubElement(_spiff_properties(element), _S + "property")
        prop.set("name", name)
        prop.set("value", value)


def _set_form(element, value) -> None:
    value = _clean(value)
    zeebe = element.xpath("./bpmn:extensionElements/zeebe:formDefinition", namespaces=NS)
    if element.get(_C + "formKey") is not None:
        if value is None:
            del element.attrib[_C + "formKey"]
        else:
            element.set(_C + "formKey", value)
    elif zeebe:
        if value is None:
            zeebe[0].getparent().remove(zeebe[0])
        else:
            zeebe[0].set("formKey", value)
            zeebe[0].attrib.pop("formId", None)
    else:
        _spiff_property(element, "formJsonSchemaFilename", value)


def _set_group(element, value) -> None:
    value = _clean(value)
    zeebe = element.xpath("./bpmn:extensionElements/zeebe:assignmentDefinition", namespaces=NS)
    if element.get(_C + "candidateGroups") is not None:
        if value is None:
            del element.attrib[_C + "candidateGroups"]
        else:
            element.set(_C + "candidateGroups", value)
    elif zeebe and zeebe[0].get("candidateGroups") is not None:
        zeebe[0].set("candidateGroups", value or "")
        if value is None:
            del zeebe[0].attrib["candidateGroups"]
    else:
        _spiff_property(element, "candidateGroups", value)


def _set_property(element, name: str, value) -> None:
    value = _clean(value)
    for dialect, prefix in (("camunda", _C), ("zeebe", _Z)):
        props = element.xpath(f"./bpmn:extensionElements/{dialect}:properties/{dialect}:property[@name=$n]",
                              n=name, namespaces=NS)
        if props:
            if value is None:
                props[0].getparent().remove(props[0])
            else:
                props[0].set("value", value)
            return
        containers = element.xpath(f"./bpmn:extensionElements/{dialect}:properties", namespaces=NS)
        if containers and value is not None:
            prop = etree.SubElement(containers[0], prefix + "property")
            prop.set("name", name)
            prop.set("value", value)
            return
    _spiff_property(element, name, value)
