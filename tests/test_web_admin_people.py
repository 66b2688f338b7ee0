"""Departments and people: administrators manage everyone, a department administrator their own staff."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import demo
from engine.models import AuditEvent, User
from tests.webpage import Page, login


def user_id(db, username):
    with db.read() as session:
        return session.scalar(select(User.id).where(User.username == username))


def last_event(db, action):
    with db.read() as session:
        return session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)).all()[-1]


def test_the_people_page_shows_the_department_tree_with_windows_and_groups(client):
    login(client, "admin")
    page = Page(client.get("/admin/people"))
    assert page.all("data-testid", "department-dm_center") and page.all("data-testid", "department-dm_construction")
    assert page.all("data-testid", "staff-clerk")


def test_an_administrator_adds_a_clerk_who_can_then_sign_in_and_the_change_is_audited(client, db):
    login(client, "admin")
    response = client.post("/admin/people/new", data={
        "username": "newclerk", "display_name": "新窗口", "password": "long-enough-1", "department": "dm_construction",
        "roles": ["clerk"], "groups": ["dm_construction_window"]})
    assert response.status_code == 302, response.get_data(as_text=True)
    event = last_event(db, "staff_created")
    assert event.detail["user"] == "newclerk" and event.actor_name == "系统管理员"
    client.post("/auth/logout")
    assert login(client, "newclerk", "long-enough-1").headers["Location"] == "/auth/password"


def test_bad_staff_input_is_refused_next_to_each_field(client, db):
    login(client, "admin")
    response = client.post("/admin/people/new", data={"username": "x", "display_name": "", "password": "short"})
    assert response.status_code == 400
    page = Page(response)
    for field in ("username", "display_name", "password"):
        assert page.all("data-testid", f"error-{field}"), field
    assert user_id(db, "x") is None


def test_a_department_administrator_manages_only_their_departments_staff(client, db):
    login(client, "deptadmin")
    page = Page(client.get("/admin/people"))
    assert page.all("data-testid", "staff-reviewer") or page.all("data-testid", "staff-deptadmin")
    assert not page.all("data-testid", "staff-analyst")  # the centre's analyst is not theirs
    analyst = user_id(db, "analyst")
    assert client.get(f"/admin/people/{analyst}").status_code == 404
    assert client.post(f"/admin/people/{analyst}", data={"roles": ["clerk"], "active": "on"}).status_code == 404
    refused = client.post("/admin/people/new", data={
        "username": "boss", "display_name": "越权", "password": "long-enough-1", "department": "dm_construction",
        "roles": ["admin"]})
    assert refused.status_code == 400 and Page(refused).all("data-testid", "error-roles")
    other = client.post("/admin/people/new", data={
        "username": "elsewhere", "display_name": "别部门", "password": "long-enough-1", "department": "dm_market",
        "roles": ["clerk"]})
    assert other.status_code == 400 and user_id(db, "elsewhere") is None


def test_a_department_administrator_deactivates_a_colleague_and_audits_it(client, db, users):
    colleagues = [u for u in users.values() if u.department_id == users["deptadmin"].department_id
                  and u.username != "deptadmin" and u.kind == "staff"]
    assert colleagues
    target = colleagues[0]
    login(client, "deptadmin")
    response = client.post(f"/admin/people/{target.id}", data={"roles": ["reviewer"]})
    assert response.status_code == 302
    assert not demo.user(db, target.username).is_active
    assert last_event(db, "staff_updated").detail["active"] is False


def test_only_a_system_administrator_changes_departments(client, db):
    login(client, "deptadmin")
    assert client.post("/admin/departments", data={"code": "dm_new", "name": "新部门", "level": "county"}).status_code == 403
    client.post("/auth/logout")
    login(client, "admin")
    assert client.post("/admin/departments", data={"code": "dm_new", "name": "新部门", "level": "township",
                                                    "parent": "dm_center", "windows": "1号窗口\n2号窗口"}).status_code == 302
    assert Page(client.get("/admin/people")).all("data-testid", "department-dm_new")
    loop = client.post("/admin/departments", data={"code": "dm_center", "name": "中心", "level": "county",
                                                   "parent": "dm_new"})
    assert loop.status_code == 400


@pytest.mark.parametrize("username", ["clerk", "zhangsan", "analyst", "editor"])
def test_people_without_the_role_are_refused(client, username):
    login(client, username)
    assert client.get("/admin/people").status_code == 403


def test_an_administrator_adds_a_group_that_diagrams_and_memberships_can_use(client, db):
    login(client, "admin")
    response = client.post("/admin/groups", data={"code": "dm_construction_site", "name": "住建局现场核查组",
                                                  "department": "dm_construction"})
    assert response.status_code == 302
    page = Page(client.get("/admin/people"))
    assert "dm_construction_site" in page.find("department-tree").text
    assert last_event(db, "group_saved").detail["group"] == "dm_construction_site"
    clash = client.post("/admin/groups", data={"code": "dm_other", "name": "住建局现场核查组"})
    assert clash.status_code == 400 and Page(clash).all("data-testid", "error-group-name")
    client.post("/auth/logout")
    login(client, "deptadmin")
    assert client.post("/admin/groups", data={"code": "dm_x", "name": "某组"}).status_code == 403
