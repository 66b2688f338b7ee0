"""新建事项 in the browser's server half: who may, the form's Chinese messages, and a new item from creation to
the portal, an application and the window's inbox."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.demo import DEMO_PASSWORD
from engine.models import AuditEvent, Item
from tests.webpage import Page, apply_online, login, submit

CODE = "440403-TEST-WEB-001"
FORM = {"code": CODE, "name": "个体工商户歇业备案", "item_type": "行政备案", "department": "dm_market",
        "service_objects": {"0": "自然人"}, "case_kind": "promised", "statutory_days": "10",
        "promised_days": "5", "group": "dm_market_window"}


def create(client, **changes):
    return submit(client, "/admin/items/new", "new-item-form", {**FORM, **changes})


def item_count(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count(Item.id)))


@pytest.mark.parametrize("username", ["clerk", "zhangsan", "editor"])
def test_people_who_do_not_define_items_may_not_create_one(client, db, username):
    login(client, username)
    assert client.get("/admin/items/new").status_code == 403
    before = item_count(db)
    assert client.post("/admin/items/new", data=FORM).status_code == 403
    assert item_count(db) == before
    assert Page(client.get("/admin/")).find("new-item") is None


def test_an_analyst_creates_an_item_and_continues_in_the_draft_editor(client, db, users):
    login(client, "analyst")
    assert Page(client.get("/admin/")).find("new-item") is not None
    response = create(client)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/admin/items/{CODE}/draft")
    draft = Page(client.get(f"/admin/items/{CODE}/draft"))
    assert draft.find("check-ok") is not None and draft.find("draft-changes") is None
    item = Page(client.get(f"/admin/items/{CODE}"))
    assert item.find("item-unpublished") is not None and item.find("retire-item") is None
    assert Page(client.get("/admin/")).all("data-testid", f"unpublished-{CODE}")
    assert client.get(f"/admin/items/{CODE}/archive.zip").status_code == 409  # nothing published to export
    with db.read() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "item_created"))
    assert event.actor_id == users["analyst"].id and event.detail["item"] == CODE


def test_an_unpublished_item_is_not_on_the_portal_and_once_published_it_is_applied_for_and_reaches_the_inbox(
        client, db):
    login(client, "analyst")
    create(client)
    assert client.get(f"/items/{CODE}").status_code == 404
    assert CODE not in client.get("/?q=歇业备案").get_data(as_text=True)
    assert client.post(f"/admin/items/{CODE}/draft/publish").status_code == 302
    assert Page(client.get(f"/admin/items/{CODE}")).all("data-testid", "version-row-1")
    home = Page(client.get("/?q=歇业备案"))
    assert home.all("data-testid", f"item-{CODE}")
    guide = Page(client.get(f"/items/{CODE}"))
    assert guide.status == 200 and guide.find("apply-link") is not None
    client.post("/auth/logout")
    login(client, "zhangsan")
    response = apply_online(client, CODE, {})
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post("/auth/logout")
    login(client, "clerk")
    inbox = client.get("/workbench/").get_data(as_text=True)
    assert "个体工商户歇业备案" in inbox


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"code": "440403-SJ-GTBG-001"}, "code", "已被其他事项使用"),
    ({"code": "新事项"}, "code", "只能含英文字母"),
    ({"code": ""}, "code", ""),
    ({"name": ""}, "name", ""),
    ({"group": ""}, "group", ""),
    ({"service_objects": {}}, "service_objects", ""),
    ({"statutory_days": "十"}, "statutory_days", "整数"),
    ({"promised_days": "30"}, "promised_days", "不能长于法定时限"),
])
def test_bad_input_is_shown_again_with_a_chinese_message_on_its_field_and_nothing_is_created(
        client, db, changes, field, message):
    login(client, "analyst")
    before = item_count(db)
    if field == "service_objects":
        page_values = {k: v for k, v in FORM.items() if k != "service_objects"}
        response = client.post("/admin/items/new", data=page_values)
    else:
        response = create(client, **changes)
    assert response.status_code == 400
    page = Page(response)
    error = page.text(f"f-{field}-error")
    assert error and message in error and any("\u4e00" <= ch <= "\u9fff" for ch in error)
    assert page.find("form-errors") is not None
    assert item_count(db) == before


def test_a_department_administrator_is_offered_and_allowed_only_their_department(client, db):
    login(client, "deptadmin")
    page = Page(client.get("/admin/items/new"))
    options = page.find("f-department").iter()
    offered = [o.get("value") for o in options if o.tag == "option" and o.get("value")]
    assert offered == ["dm_construction"]
    before = item_count(db)
    refused = create(client)  # dm_market: not theirs
    assert refused.status_code == 400 and item_count(db) == before
    created = create(client, department="dm_construction", group="dm_construction_window")
    assert created.status_code == 302
    assert client.get(f"/admin/items/{CODE}/modeler").status_code == 200


def test_discarding_a_new_items_draft_removes_the_item(client, db):
    login(client, "analyst")
    create(client)
    response = client.post(f"/admin/items/{CODE}/draft/discard")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")
    assert client.get(f"/admin/items/{CODE}").status_code == 404


def test_a_system_administrator_creates_an_item_in_any_department(client, db):
    login(client, "admin")
    response = create(client, department="dm_tax", group="dm_tax_window", level="city")
    assert response.status_code == 302
    with db.read() as session:
        item = session.scalar(select(Item).where(Item.code == CODE))
        assert (item.department.code, item.level) == ("dm_tax", "city")


def test_creating_needs_the_forms_csrf_token(csrf_app, db):
    client = csrf_app.test_client()
    token = Page(client.get("/auth/login")).find("csrf_token").get("value")
    client.post("/auth/login", data={"username": "analyst", "password": DEMO_PASSWORD, "csrf_token": token})
    before = item_count(db)
    assert client.post("/admin/items/new", data=FORM).status_code == 400
    assert item_count(db) == before
    assert submit(client, "/admin/items/new", "new-item-form", FORM).status_code == 302
