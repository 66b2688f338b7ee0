"""Portal content: news, notices, policies and regulations from the database, sanitized once when written."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import content
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.models import Article
from tests.webpage import Page

PATHS = {"news": "/news", "notice": "/notices", "policy": "/policies", "regulation": "/regulations"}


@pytest.mark.parametrize("kind", sorted(PATHS))
def test_each_kind_lists_its_published_articles_newest_first(client, db, kind):
    with db.read() as session:
        expected = [a.id for a in session.scalars(select(Article).where(Article.kind == kind,
                                                                         Article.status == "published")
                                                  .order_by(Article.published_at.desc(), Article.id.desc()))]
    assert expected, "the demo content has articles of every kind"
    page = Page(client.get(PATHS[kind]))
    assert page.find("articles-title").get("data-kind") == kind
    assert [int(e.get("data-testid")[len("article-"):]) for e in page.all("data-testid", "article-")] == expected


def test_an_article_page_shows_title_and_body(client, db, users):
    article_id = content.publish(db, users["editor"], "news", "白蕉镇便民服务中心延长服务时间",
                                 "<p>自下周起，每周六上午<strong>9:00—12:00</strong>开放。</p>")
    page = Page(client.get(f"/articles/{article_id}"))
    assert page.text("article-title") == "白蕉镇便民服务中心延长服务时间"
    assert "9:00—12:00" in page.text("article-body")
    assert "<strong>9:00—12:00</strong>" in page.html


def test_a_script_in_an_article_body_never_reaches_the_page(client, db, users):
    body = ('<p onclick="steal()">办事提醒</p><script>alert("x")</script><img src=x onerror=alert(1)>'
            '<a href="javascript:alert(1)">链接</a><style>body{display:none}</style><iframe src="//evil"></iframe>')
    article_id = content.publish(db, users["editor"], "notice", "办事提醒", body)
    html = client.get(f"/articles/{article_id}").get_data(as_text=True)
    html = html[html.index('id="article-body"'):html.index("</article>")]
    for bad in ("<script", "alert(", "onclick", "onerror", "javascript:", "<style", "<iframe", "<img"):
        assert bad not in html.lower(), bad
    assert "办事提醒" in Page(client.get(f"/articles/{article_id}")).text("article-body")


def test_the_seeded_notice_with_a_script_is_stored_clean(db):
    with db.read() as session:
        bodies = list(session.scalars(select(Article.body)))
    assert bodies and not any("<script" in body.lower() for body in bodies)


def test_a_draft_and_an_unknown_article_are_not_found(client, db, users):
    article_id = content.publish(db, users["editor"], "news", "草稿", "<p>未发布</p>")
    with db.write() as session:
        session.get(Article, article_id).status = "draft"
    assert client.get(f"/articles/{article_id}").status_code == 404
    assert client.get("/articles/999999").status_code == 404
    assert client.get("/articles/abc").status_code == 404
    with db.read() as session, pytest.raises(NotFound):
        content.get_published(session, article_id)


def test_article_lists_are_paginated(client, db):
    for n in range(content.PAGE_SIZE + 1):
        content.publish(db, None, "regulation", f"法规条文 {n:02d}", f"<p>第{n}条</p>")
    first = Page(client.get("/regulations"))
    assert len(first.all("data-testid", "article-")) == content.PAGE_SIZE
    second = Page(client.get(first.all("data-testid", "page-next")[0].get("href")))
    assert second.all("data-testid", "article-")
    assert client.get("/regulations?page=x").status_code == 404


def test_only_content_editors_publish(db, users):
    with pytest.raises(Forbidden):
        content.publish(db, users["zhangsan"], "news", "标题", "<p>正文</p>")


def test_an_article_without_title_or_text_is_refused_with_field_messages(db, users):
    with pytest.raises(InvalidInput) as refused:
        content.publish(db, users["editor"], "gossip", "", "<script>only a script</script>")
    assert set(refused.value.errors) == {"kind", "title", "body"}
    with db.read() as session:
        assert session.scalar(select(Article).where(Article.title == "")) is None
