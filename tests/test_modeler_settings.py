"""The modeler's side form: an element's settings read and written in the dialect the diagram already uses."""
from __future__ import annotations

import pytest
from lxml import etree

from engine.bundles.settings import SettingsError, apply_settings, read_settings
from tests.bundle_fixtures import DEFAULT_DIAGRAM, FLOWS, bpmn


def canonical(xml: str) -> bytes:
    parser = etree.XMLParser(remove_blank_text=True)
    return etree.tostring(etree.fromstring(xml.encode("utf-8"), parser), method="c14n")


def test_a_camunda_task_is_read_from_its_camunda_attributes():
    assert read_settings(DEFAULT_DIAGRAM, "pre_review") == {
        "kind": "userTask", "form": "decision", "group": "g_window", "group_from": "camunda",
        "caseStep": "pre_review", "stepLimitDays": None}


def test_editing_a_camunda_task_changes_only_what_was_edited_in_its_own_dialect():
    edited = apply_settings(DEFAULT_DIAGRAM, "pre_review", {"form": "decision", "group": "g_head",
                                                            "caseStep": "pre_review", "stepLimitDays": "3"})
    assert 'camunda:candidateGroups="g_head"' in edited
    assert '<camunda:property name="stepLimitDays" value="3"/>' in edited
    assert "spiffworkflow:property" not in edited
    undone = edited.replace('camunda:candidateGroups="g_head"', 'camunda:candidateGroups="g_window"').replace(
        '<camunda:property name="stepLimitDays" value="3"/>', "")
    assert canonical(undone) == canonical(DEFAULT_DIAGRAM)


def test_a_task_without_settings_gets_spiff_properties_like_the_sample_diagrams():
    diagram = bpmn('<bpmn:userTask id="review" name="审查"/>' + FLOWS.replace("pre_review", "review"))
    edited = apply_settings(diagram, "review", {"form": "decision", "group": "g_head", "caseStep": "review",
                                                "stepLimitDays": "2"})
    assert read_settings(edited, "review") == {"kind": "userTask", "form": "decision", "group": "g_head",
                                               "group_from": "spiffworkflow", "caseStep": "review",
                                               "stepLimitDays": "2"}


def test_a_timer_is_set_in_working_days():
    diagram = bpmn('<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition id="t">'
                   '<bpmn:timeDuration>PT2H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')
    edited = apply_settings(diagram, "wait", {"timer_days": "3"})
    assert read_settings(edited, "wait") == {"kind": "timer", "timer_days": 3, "expression": "workdays(3)"}
    assert "timeDuration" not in edited


@pytest.mark.parametrize("element, values", [("pre_review", {"stepLimitDays": "-1"}), ("gw", {}),
                                             ("missing", {})])
def test_bad_settings_are_refused_with_a_message(element, values):
    with pytest.raises(SettingsError):
        apply_settings(DEFAULT_DIAGRAM, element, values)
