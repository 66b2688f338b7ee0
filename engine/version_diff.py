"""Comparing two versions of an item: the guide field by field, the diagram elements, the forms."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from lxml import etree

from .bundles.dialects import NS
from .xmlsafe import parse_xml

# Containers: their children are compared one by one, so only their own attributes count.
_CONTAINERS = {"definitions", "process", "subProcess", "laneSet", "lane", "collaboration", "participant"}


@dataclass
class VersionDiff:
    guide: list[tuple[str, object, object]] = field(default_factory=list)  # (key, old, new)
    added: list[tuple[str, str, str]] = field(default_factory=list)        # (id, kind, name)
    removed: list[tuple[str, str, str]] = field(default_factory=list)
    changed: list[tuple[str, str, str]] = field(default_factory=list)
    forms_added: list[str] = field(default_factory=list)
    forms_removed: list[str] = field(default_factory=list)
    forms_changed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any((self.guide, self.added, self.removed, self.changed, self.forms_added,
                        self.forms_removed, self.forms_changed))


def compare(old_guide: dict, new_guide: dict, old_diagrams: dict[str, str], new_diagrams: dict[str, str],
            old_forms: dict, new_forms: dict) -> VersionDiff:
    """What changed from one version's content to another's."""
    diff = VersionDiff()
    for key in list(old_guide) + [k for k in new_guide if k not in old_guide]:
        if _canon(old_guide.get(key)) != _canon(new_guide.get(key)):
            diff.guide.append((key, old_guide.get(key), new_guide.get(key)))
    old_elements, new_elements = _elements(old_diagrams), _elements(new_diagrams)
    for element_id, (kind, name, text) in new_elements.items():
        if element_id not in old_elements:
            diff.added.append((element_id, kind, name))
        elif old_elements[element_id][2] != text:
            diff.changed.append((element_id, kind, name))
    diff.removed = [(i, kind, name) for i, (kind, name, _t) in old_elements.items() if i not in new_elements]
    diff.forms_added = sorted(set(new_forms) - set(old_forms))
    diff.forms_removed = sorted(set(old_forms) - set(new_forms))
    diff.forms_changed = sorted(k for k in set(old_forms) & set(new_forms)
                                if _canon(old_forms[k]) != _canon(new_forms[k]))
    return diff


def _canon(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _elements(diagrams: dict[str, str]) -> dict[str, tuple[str, str, str]]:
    """BPMN model elements by id: (kind, name, canonical text). Layout (DI) is left out: moving a shape
    is not a change of the process."""
    found: dict[str, tuple[str, str, str]] = {}
    for name, xml in sorted(diagrams.items()):
        tree = parse_xml(xml.encode("utf-8") if isinstance(xml, str) else xml, name)
        for element in tree.xpath("//bpmn:*[@id]", namespaces=NS):
            kind = etree.QName(element).localname
            if kind in _CONTAINERS:
                text = _canon(sorted(element.attrib.items()))
            else:
                text = etree.tostring(element, method="c14n").decode("utf-8")
            found[element.get("id")] = (kind, element.get("name") or "", text)
    return found
