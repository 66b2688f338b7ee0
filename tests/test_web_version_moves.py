"""The item's "迁移在办件" page: the verdict for each running case, moving the chosen ones, per role."""
from __future__ import annotations

from sqlalchemy import select

from engine.models import AuditEvent, CaseVersionMove
from tests.webpage import Page, login

from .helpers import case, item_code
from .test_version_migration import STEM, add_head_sign, asking_for_supplement, publish, regroup_pre_review, submit


def url(db, version_no: int) -> str:
    return f"/admin/items/{item_code(db, STEM)}/versions/{version_no}/moves"


def test_the_page_shows_each_running_cases_verdict_and_moves_the_chosen_one(client, db, users):
    safe, refused = submit(db, users), asking_for_supplement(db, users)
    version_no = publish(db, users, regroup_pre_review)
    login(client, "analyst")
    item_page = Page(client.get(f"/admin/items/{item_code(db, STEM)}"))
    assert item_page.find(f"moves-{version_no}") is not None
    page = Page(client.get(url(db, version_no)))
    assert page.find(f"verdict-{safe}").get("data-movable") == "yes"
    assert page.find(f"verdict-{refused}").get("data-movable") == "no"
    assert "窗口审查并当场核准" in page.find(f"verdict-{refused}").text
    assert page.find(f"case-{refused}") is None  # nothing to tick for a case that cannot move
    done = Page(client.post(url(db, version_no), data={"cases": [str(safe), str(refused)]}))
    assert done.status == 200
    assert done.find(f"moved-{safe}") is not None and done.find(f"refused-{refused}") is not None
    assert done.find(f"verdict-{safe}") is None  # moved: no longer on an older version
    case_no = case(db, safe).case_no
    assert done.all("data-testid", f"history-{case_no}") and "周分析" in done.text("moves-history")
    with db.read() as session:
        assert [m.case_id for m in session.scalars(select(CaseVersionMove))] == [safe]
        assert session.scalars(select(AuditEvent).where(AuditEvent.action == "version_moved",
                                                        AuditEvent.case_id == safe)).one().actor_name == "周分析"


def test_moving_all_moves_every_case_that_can_move(client, db, users):
    cases_ = [submit(db, users) for _ in range(2)]
    version_no = publish(db, users, add_head_sign)
    login(client, "admin")
    done = Page(client.post(url(db, version_no), data={"scope": "all"}))
    assert all(done.find(f"moved-{c}") is not None for c in cases_)
    assert done.find("no-running-cases") is not None


def test_bad_choices_are_told_in_chinese_and_nothing_moves(client, db, users):
    submit(db, users)
    version_no = publish(db, users, add_head_sign)
    login(client, "analyst")
    for data in ({}, {"cases": ["abc"]}, {"cases": ["-1"]}):
        response = Page(client.post(url(db, version_no), data=data))
        assert response.status == 400
        message = response.all("data-testid", "error-cases")[0].text
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message)
    assert client.get(url(db, 99)).status_code == 404
    unknown = Page(client.post(url(db, version_no), data={"cases": ["999999"]}))
    assert unknown.status == 200 and unknown.find("refused-999999") is not None
    with db.read() as session:
        assert not session.scalars(select(CaseVersionMove)).all()


def test_only_who_defines_the_item_opens_the_page(client, db, users):
    submit(db, users)
    version_no = publish(db, users, add_head_sign)
    for username, status in (("clerk", 403), ("zhangsan", 403), ("editor", 403), ("deptadmin", 404)):
        login(client, username)
        assert client.get(url(db, version_no)).status_code == status, username
        assert client.post(url(db, version_no), data={"scope": "all"}).status_code == status, username
        client.post("/auth/logout")
    with db.read() as session:
        assert not session.scalars(select(CaseVersionMove)).all()


def test_the_move_form_carries_a_csrf_token(csrf_app, db, users):
    from engine import demo

    submit(db, users)
    version_no = publish(db, users, add_head_sign)
    client = csrf_app.test_client()
    token = Page(client.get("/auth/login")).find("csrf_token").get("value")
    client.post("/auth/login", data={"username": "analyst", "password": demo.DEMO_PASSWORD, "csrf_token": token})
    assert "csrf_token" in dict(Page(client.get(url(db, version_no))).form_values("move-form"))
    assert client.post(url(db, version_no), data={"scope": "all"}).status_code == 400
    with db.read() as session:
        assert not session.scalars(select(CaseVersionMove)).all()
