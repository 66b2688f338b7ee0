"""Defining items in the browser's engine half: drafts checked by the bundle checker, published, retired."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import cases, definition
from engine.errors import InvalidInput, NotFound
from engine.models import AuditEvent, Item, ItemVersion
from engine.version_diff import compare
from tests import helpers

STEM = "construction_permit"


def code_of(db):
    return helpers.item_code(db, STEM)


def versions(db, code):
    with db.read() as session:
        return list(session.scalars(select(ItemVersion).join(Item, Item.id == ItemVersion.item_id)
                                    .where(Item.code == code).order_by(ItemVersion.version_no)))


def actions(db, name):
    with db.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == name)))


def test_a_draft_started_from_the_current_version_publishes_as_the_same_content(db, users):
    code = code_of(db)
    draft = definition.start_draft(db, users["analyst"], code)
    assert draft.stem == STEM and "construction_permit" in draft.item_yaml and draft.forms
    assert definition.check_draft(db, users["analyst"], code).ok
    deployed = definition.publish_draft(db, users["analyst"], code)
    assert (deployed.version_no, deployed.created) == (1, False)  # same content: no new version


def test_an_edited_guide_is_published_as_a_new_version_with_who_published_it(db, users):
    code = code_of(db)
    draft = definition.start_draft(db, users["analyst"], code)
    definition.save_draft(db, users["analyst"], code, item_yaml=draft.item_yaml.replace("visits: 0", "visits: 1"))
    deployed = definition.publish_draft(db, users["analyst"], code)
    assert deployed.created and deployed.version_no == 2
    latest = versions(db, code)[-1]
    assert latest.guide["visits"] == 1 and latest.published_by == "analyst"
    event = [e for e in actions(db, "publish_item") if e.detail["version"] == 2][-1]
    assert event.actor_id == users["analyst"].id


def test_a_draft_with_an_error_is_checked_like_onewindow_check_and_not_published(db, users):
    code = code_of(db)
    draft = definition.start_draft(db, users["analyst"], code)
    definition.save_draft(db, users["analyst"], code, item_yaml=draft.item_yaml.replace("level: county", "level: galaxy"))
    verdict = definition.check_draft(db, users["analyst"], code)
    assert not verdict.ok
    assert any(p.file.endswith(f"{STEM}.item.yaml") and p.line for p in verdict.problems)
    with pytest.raises(InvalidInput):
        definition.publish_draft(db, users["analyst"], code)
    assert len(versions(db, code)) == 1


def test_a_diagram_error_names_the_faulty_element(db, users):
    code = code_of(db)
    draft = definition.start_draft(db, users["analyst"], code)
    broken = draft.bpmn_xml.replace('value="pre_review" />', 'value="no_such_step" />', 1)
    assert broken != draft.bpmn_xml
    definition.save_draft(db, users["analyst"], code, bpmn_xml=broken)
    verdict = definition.check_draft(db, users["analyst"], code)
    assert [p.element_id for p in verdict.problems if p.severity == "error"] == ["pre_review"]


def test_the_item_code_cannot_be_changed_in_a_draft(db, users):
    code = code_of(db)
    draft = definition.start_draft(db, users["analyst"], code)
    definition.save_draft(db, users["analyst"], code, item_yaml=draft.item_yaml.replace(code, code + "X", 1))
    assert not definition.check_draft(db, users["analyst"], code).ok


def test_a_department_administrator_defines_only_their_departments_items(db, users):
    own = code_of(db)  # construction permits belong to the construction bureau, deptadmin's department
    other = helpers.item_code(db, "business_license_change")
    assert definition.start_draft(db, users["deptadmin"], own) is not None
    with pytest.raises(NotFound):
        definition.start_draft(db, users["deptadmin"], other)
    with pytest.raises(NotFound):
        definition.retire_item(db, users["deptadmin"], other, "撤销")


def test_a_department_administrator_cannot_move_an_item_to_another_department(db, users):
    code = code_of(db)
    draft = definition.start_draft(db, users["deptadmin"], code)
    definition.save_draft(db, users["deptadmin"], code,
                          item_yaml=draft.item_yaml.replace("department: dm_construction", "department: dm_market"))
    assert not definition.check_draft(db, users["deptadmin"], code).ok


def test_a_retired_item_takes_no_new_applications_and_the_retirement_is_audited(db, users):
    code = code_of(db)
    with pytest.raises(InvalidInput):
        definition.retire_item(db, users["analyst"], code, " ")
    definition.retire_item(db, users["analyst"], code, "法规废止")
    with pytest.raises(Exception):
        cases.submit(db, code, helpers.application(db, code), users["zhangsan"])
    event = actions(db, "retire_item")[-1]
    assert event.opinion == "法规废止" and event.actor_id == users["analyst"].id
    definition.reinstate_item(db, users["analyst"], code)
    assert cases.submit(db, code, helpers.application(db, code), users["zhangsan"]).case_id


def test_comparing_versions_lists_guide_fields_diagram_elements_and_forms(db, users):
    code = code_of(db)
    draft = definition.start_draft(db, users["analyst"], code)
    xml = draft.bpmn_xml.replace('name="stepLimitDays" value="1"', 'name="stepLimitDays" value="2"', 1)
    forms = dict(draft.forms)
    key = sorted(forms)[0]
    forms[key] = {"schema": {**forms[key]["schema"], "title": "新标题"}, "ui": forms[key]["ui"]}
    definition.save_draft(db, users["analyst"], code, item_yaml=draft.item_yaml.replace("visits: 0", "visits: 1"),
                          bpmn_xml=xml, forms=forms)
    definition.publish_draft(db, users["analyst"], code)
    old, new = versions(db, code)
    diff = compare(old.guide, new.guide, old.diagrams, new.diagrams, old.forms, new.forms)
    assert [key for key, _a, _b in diff.guide] == ["visits"]
    assert [element_id for element_id, _k, _n in diff.changed] == ["pre_review"]
    assert diff.forms_changed == [key] and not diff.added and not diff.removed


def test_after_publishing_the_draft_continues_from_the_new_version(db, users):
    code = code_of(db)
    draft = definition.start_draft(db, users["analyst"], code)
    definition.save_draft(db, users["analyst"], code, item_yaml=draft.item_yaml.replace("visits: 0", "visits: 1"))
    definition.publish_draft(db, users["analyst"], code)
    assert definition.draft_of(db, users["analyst"], code).based_on_version_id == versions(db, code)[-1].id
