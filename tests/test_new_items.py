"""Creating a brand-new item (engine half): checked input, a valid starting draft, publishing."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import cases, definition, new_items
from engine.errors import InvalidInput, NotFound
from engine.models import AuditEvent, Item, ItemDraft
from engine.status import CaseStatus
from tests import helpers


def new_item(**changes) -> new_items.NewItem:
    values = dict(code="440403-TEST-NEW-001", name="个体工商户歇业备案", item_type="行政备案", department="dm_market",
                  service_objects=["自然人"], case_kind="promised", statutory_days=10, promised_days=5,
                  group="dm_market_window")
    values.update(changes)
    return new_items.NewItem(**values)


def test_a_new_item_starts_as_an_unpublished_draft_that_passes_the_checker(db, users):
    draft = new_items.create_item(db, users["analyst"], new_item())
    assert draft.stem == "item_440403_test_new_001" and draft.based_on_version_id is None
    assert "item_440403_test_new_001/apply" in draft.forms and "common/pre_review" in draft.forms
    verdict = definition.check_draft(db, users["analyst"], "440403-TEST-NEW-001")
    assert verdict.ok, [p.format() for p in verdict.problems]
    task = verdict.bundle.user_tasks[new_items.FIRST_TASK]
    assert (task.group, task.case_step, task.form) == ("dm_market_window", "pre_review", "common/pre_review")
    with db.read() as session:
        item = session.scalar(select(Item).where(Item.code == "440403-TEST-NEW-001"))
        assert item.current_version_id is None and item.level == "county"
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "item_created"))
    assert event.actor_id == users["analyst"].id and event.detail["item"] == "440403-TEST-NEW-001"


def codes(db):
    with db.read() as session:
        return set(session.scalars(select(Item.code)))


def test_publishing_the_new_item_makes_version_1_on_the_portal_and_an_application_runs_on_it(db, users):
    from webapp.portal import queries

    new_items.create_item(db, users["analyst"], new_item())
    deployed = definition.publish_draft(db, users["analyst"], "440403-TEST-NEW-001")
    assert (deployed.version_no, deployed.created) == (1, True)
    with db.read() as session:
        found = queries.catalogue(session, queries.Filters(keywords="歇业备案"))
        assert [i.code for i in found.items] == ["440403-TEST-NEW-001"]
        assert queries.published_version(session, "440403-TEST-NEW-001").version_no == 1
    submitted = cases.submit(db, "440403-TEST-NEW-001", {}, users["zhangsan"])
    task = helpers.only_open_task(db, submitted.case_id)
    assert (task.bpmn_id, task.group_code) == (new_items.FIRST_TASK, "dm_market_window")


@pytest.mark.parametrize(("decisions", "status"), [
    (["accept"], CaseStatus.APPROVED),
    (["refuse"], CaseStatus.REFUSED),
    (["not_accept"], CaseStatus.NOT_ACCEPTED),
    (["supplement", None, "accept"], CaseStatus.APPROVED),  # the applicant's supplement, then pre-review again
])
def test_the_starting_diagram_ends_each_pre_review_decision_where_the_law_says(db, users, decisions, status):
    new_items.create_item(db, users["analyst"], new_item())
    definition.publish_draft(db, users["analyst"], "440403-TEST-NEW-001")
    case_id = cases.submit(db, "440403-TEST-NEW-001", {}, users["zhangsan"]).case_id
    for decision in decisions:
        task = helpers.only_open_task(db, case_id)
        fields = {"decision": decision} if decision else {}
        if decision == "supplement":
            fields["supplement_materials"] = ["营业执照"]
        cases.complete(db, task.id, helpers.worker_for(db, task, users), helpers.answer(db, task, **fields))
    assert helpers.case(db, case_id).status == status
    assert helpers.open_tasks(db, case_id) == []


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"code": "440403-SJ-GTBG-001"}, "code", "已被其他事项使用"),
    ({"code": "新事项"}, "code", "只能含英文字母"),
    ({"code": "ab"}, "code", "3 到 64 位"),
    ({"code": "new"}, "code", "系统保留"),
    ({"code": " "}, "code", "请填写实施编码"),
    ({"name": ""}, "name", "请填写事项名称"),
    ({"item_type": "许可"}, "item_type", "请选择事项类型"),
    ({"department": "nowhere"}, "department", "请选择所属部门"),
    ({"service_objects": []}, "service_objects", "服务对象"),
    ({"case_kind": "later"}, "case_kind", "办件类型"),
    ({"statutory_days": -1}, "statutory_days", "0 到 3650"),
    ({"promised_days": 30}, "promised_days", "不能长于法定时限"),
    ({"group": "no_such_group"}, "group", "已有的组"),
])
def test_bad_input_is_refused_by_field_in_chinese_and_nothing_is_written(db, users, changes, field, message):
    before = codes(db)
    with pytest.raises(InvalidInput) as refused:
        new_items.create_item(db, users["analyst"], new_item(**changes))
    assert any(message in m for m in refused.value.errors[field]), refused.value.errors
    assert codes(db) == before


def test_a_department_administrator_creates_items_of_their_own_department_only(db, users):
    with pytest.raises(InvalidInput) as refused:
        new_items.create_item(db, users["deptadmin"], new_item())  # dm_market is not theirs
    assert "本部门" in refused.value.errors["department"][0]
    draft = new_items.create_item(db, users["deptadmin"], new_item(department="dm_construction",
                                                                      group="dm_construction_window"))
    assert draft.item_id
    new_items.create_item(db, users["analyst"], new_item(code="440403-TEST-NEW-002"))
    with pytest.raises(NotFound):  # the analyst's new item of another department stays hidden from them
        definition.draft_of(db, users["deptadmin"], "440403-TEST-NEW-002")


@pytest.mark.parametrize("username", ["clerk", "zhangsan", "editor"])
def test_clerks_applicants_and_editors_may_not_create_items(db, users, username):
    from engine.errors import Forbidden

    with pytest.raises(Forbidden):
        new_items.create_item(db, users[username], new_item())
    assert "440403-TEST-NEW-001" not in codes(db)


def test_discarding_the_draft_of_a_never_published_item_removes_the_item(db, users):
    new_items.create_item(db, users["analyst"], new_item())
    assert definition.discard_draft(db, users["analyst"], "440403-TEST-NEW-001") is True
    assert "440403-TEST-NEW-001" not in codes(db)
    with db.read() as session:
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "item_removed")) is not None
    # a published item keeps itself when its draft goes
    new_items.create_item(db, users["analyst"], new_item())
    definition.publish_draft(db, users["analyst"], "440403-TEST-NEW-001")
    assert definition.discard_draft(db, users["analyst"], "440403-TEST-NEW-001") is False
    assert "440403-TEST-NEW-001" in codes(db)


def test_the_stem_never_repeats_one_in_use(db, users):
    new_items.create_item(db, users["analyst"], new_item(code="Item-A1"))
    draft = new_items.create_item(db, users["analyst"], new_item(code="item_a1x"))
    assert draft.stem == "item_a1x"
    with db.read() as session:
        assert new_items.stem_for(session, "ITEM-a1") == "item_a1_2"
        assert session.get(ItemDraft, draft.item_id).stem == "item_a1x"
        # a published version's stem counts too
        assert new_items.stem_for(session, "construction-permit") == "construction_permit_2"
