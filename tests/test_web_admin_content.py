"""Content administration: drafts, preview, publishing and withdrawing portal articles, per role, audited,
and nothing executable reaching the portal."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import content_admin, demo
from engine.errors import InvalidInput, InvalidState, NotFound
from engine.models import Article, AuditEvent
from tests.webpage import Page, login

XSS = ('<p onclick="steal()">材料清单</p><script>alert("x")</script><img src=x onerror=alert(1)>'
       '<a href="javascript:alert(1)">链接</a><a href="https://example.org/" onmouseover="x()">政策原文</a>'
       '<svg onload=alert(1)></svg><style>body{display:none}</style><iframe src="//evil"></iframe>')
BAD = ("<script", "alert(", "onclick", "onerror", "onmouseover", "onload", "javascript:", "<style", "<iframe",
       "<img", "<svg")


def _draft(client, **fields) -> int:
    data = {"kind": "news", "title": "住建局窗口调整", "body": "<p>正文</p>", "department": "dm_construction"}
    response = client.post("/admin/content/new", data={**data, **fields})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _events(db, action):
    with db.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def _body_html(client, article_id: int) -> str:
    html = client.get(f"/articles/{article_id}").get_data(as_text=True)
    return html[html.index('id="article-body"'):html.index("</article>")].lower()


def test_an_editor_writes_a_draft_previews_publishes_and_withdraws_it_each_step_audited(client, db):
    login(client, "editor")
    article_id = _draft(client, kind="faq", title="如何查询办件进度？", body="<p>输入<strong>办件编号</strong>。</p>",
                        department="")
    assert client.get(f"/articles/{article_id}").status_code == 404  # a draft is not on the portal
    preview = Page(client.get(f"/admin/content/{article_id}"))
    assert preview.find("article-state").get("data-state") == "draft"
    assert "办件编号" in preview.text("article-body")
    assert client.post(f"/admin/content/{article_id}/publish").status_code == 302
    assert Page(client.get(f"/articles/{article_id}")).text("article-title") == "如何查询办件进度？"
    assert Page(client.get("/faq")).all("data-testid", f"article-{article_id}")
    assert client.post(f"/admin/content/{article_id}/withdraw").status_code == 302
    assert client.get(f"/articles/{article_id}").status_code == 404
    for action in ("article_saved", "article_published", "article_withdrawn"):
        event = _events(db, action)[-1]
        assert event.detail["article"] == article_id and event.actor_name == "吴编辑", action


def test_script_event_handlers_and_javascript_links_are_stripped_before_the_portal(client, db):
    login(client, "editor")
    article_id = _draft(client, kind="notice", title="办事提醒", body=XSS)
    preview = client.get(f"/admin/content/{article_id}").get_data(as_text=True).lower()
    preview = preview[preview.index('id="article-body"'):preview.index("</article>")]
    client.post(f"/admin/content/{article_id}/publish")
    for html in (preview, _body_html(client, article_id)):
        for bad in BAD:
            assert bad not in html, bad
    assert 'href="https://example.org/"' in _body_html(client, article_id)


def test_the_list_filters_by_kind_and_state_and_pages(client, db, users):
    login(client, "editor")
    ids = [_draft(client, kind="policy", title=f"政策 {n:02d}", department="") for n in range(22)]
    client.post(f"/admin/content/{ids[0]}/publish")
    drafts = Page(client.get("/admin/content?kind=policy&state=draft"))
    shown = [e.get("data-testid") for e in drafts.all("data-testid", "article-")]
    assert len(shown) == content_admin.PAGE_SIZE and f"article-{ids[0]}" not in shown
    assert all(e.get("data-state") == "draft" for e in drafts.all("data-testid", "article-"))
    second = Page(client.get("/admin/content?kind=policy&state=draft&page=2"))
    assert len(second.all("data-testid", "article-")) == 1
    published = Page(client.get("/admin/content?kind=policy&state=published"))
    assert published.all("data-testid", f"article-{ids[0]}")
    assert client.get("/admin/content?kind=gossip").status_code == 404
    assert client.get("/admin/content?page=zero").status_code == 404


def test_a_department_administrator_manages_only_their_departments_content(client, db, users):
    login(client, "editor")
    market = _draft(client, title="市场监管局通知", department="dm_market")
    client.post("/auth/logout")
    login(client, "deptadmin")
    own = _draft(client, title="住建局通知", department="dm_construction")
    listed = [e.get("data-testid") for e in Page(client.get("/admin/content")).all("data-testid", "article-")]
    assert f"article-{own}" in listed and f"article-{market}" not in listed
    for url in (f"/admin/content/{market}", f"/admin/content/{market}/edit"):
        assert client.get(url).status_code == 404, url
    for url in (f"/admin/content/{market}/publish", f"/admin/content/{market}/edit"):
        assert client.post(url, data={"kind": "news", "title": "x", "body": "<p>x</p>"}).status_code == 404, url
    elsewhere = client.post("/admin/content/new", data={"kind": "news", "title": "越权", "body": "<p>x</p>",
                                                        "department": "dm_market"})
    centre = client.post("/admin/content/new", data={"kind": "news", "title": "越权", "body": "<p>x</p>"})
    for refused in (elsewhere, centre):
        assert refused.status_code == 400 and Page(refused).all("data-testid", "error-department")
    with db.read() as session:
        assert session.scalar(select(Article.status).where(Article.id == market)) == "draft"
        assert not session.scalars(select(Article).where(Article.title == "越权")).all()


@pytest.mark.parametrize("username", ["clerk", "zhangsan", "reviewer"])
def test_clerks_reviewers_and_applicants_are_refused(client, db, username):
    login(client, username)
    assert client.get("/admin/content").status_code == 403
    assert client.post("/admin/content/new", data={"kind": "news", "title": "x", "body": "<p>x</p>"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get("/admin/content").status_code == 302


def test_bad_input_is_told_in_chinese_next_to_each_field_and_nothing_is_written(client, db):
    login(client, "editor")
    with db.read() as session:
        before = session.query(Article).count()
    response = client.post("/admin/content/new", data={"kind": "gossip", "title": "", "body": "<script>x</script>",
                                                       "summary": "长" * 501, "department": "dm_nowhere"})
    assert response.status_code == 400
    page = Page(response)
    for field in ("kind", "title", "body", "summary"):
        messages = page.all("data-testid", f"error-{field}")
        assert messages and any("\u4e00" <= ch <= "\u9fff" for ch in messages[0].text), field
    with db.read() as session:
        assert session.query(Article).count() == before


def test_a_published_article_is_withdrawn_before_it_is_changed(client, db, users):
    login(client, "editor")
    article_id = _draft(client, department="")
    client.post(f"/admin/content/{article_id}/publish")
    response = client.post(f"/admin/content/{article_id}/edit", data={"kind": "news", "title": "改", "body": "<p>改</p>"})
    assert response.status_code == 409 and Page(response).all("data-testid", "error-form")
    with pytest.raises(InvalidState):
        content_admin.publish(db, users["editor"], article_id)
    content_admin.withdraw(db, users["editor"], article_id)
    content_admin.save_draft(db, users["editor"], kind="news", title="改", body="<p>改</p>", article_id=article_id)
    with db.read() as session:
        assert session.get(Article, article_id).title == "改"


def test_the_engine_refuses_another_departments_article_and_bad_fields(db, users):
    article_id = content_admin.save_draft(db, users["editor"], kind="news", title="市场", body="<p>x</p>",
                                          department_code="dm_market")
    with pytest.raises(NotFound):
        content_admin.publish(db, users["deptadmin"], article_id)
    with pytest.raises(InvalidInput) as refused:
        content_admin.save_draft(db, users["deptadmin"], kind="news", title="x", body="<p>x</p>",
                                 department_code="dm_market")
    assert "department" in refused.value.errors
    with pytest.raises(InvalidInput):
        content_admin.list_articles(None, users["editor"], kind="gossip")


def test_the_content_forms_carry_a_csrf_token_and_a_post_without_it_is_refused(csrf_app):
    client = csrf_app.test_client()
    token = Page(client.get("/auth/login")).find("csrf_token").get("value")
    client.post("/auth/login", data={"username": "editor", "password": demo.DEMO_PASSWORD, "csrf_token": token})
    editor = Page(client.get("/admin/content/new"))
    assert ("csrf_token" in dict(editor.form_values("article-form")))
    refused = client.post("/admin/content/new", data={"kind": "news", "title": "无令牌", "body": "<p>x</p>"})
    assert refused.status_code == 400
