"""Portal content (新闻动态, 通知公告, 政策文件, 法律法规, 常见问题): publishing articles and reading the published ones.
Drafts, previews and withdrawing are engine.content_admin's.

Bodies are HTML from an editor: they are sanitized once, when written (bleach, a small allow-list), so a
page can print them as they are; nothing else about them is trusted either (lengths, kind).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import bleach
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import clock
from .db import Database
from .errors import Forbidden, InvalidInput, NotFound
from .i18n import _
from .models import Article, Department, User
from .permissions import may_publish_content

KINDS = {"news": _("新闻动态"), "notice": _("通知公告"), "policy": _("政策文件"), "regulation": _("法律法规"),
         "faq": _("常见问题")}
PAGE_SIZE = 10
MAX_TITLE, MAX_SUMMARY, MAX_BODY = 200, 500, 200_000
ALLOWED_TAGS = ["p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "a",
                "table", "thead", "tbody", "tr", "th", "td"]
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "th": ["scope"]}
ALLOWED_PROTOCOLS = ["http", "https", "mailto"]


@dataclass(frozen=True)
class ArticlePage:
    articles: list[Article]
    page: int
    pages: int
    total: int


def sanitize(html: str) -> str:
    """Keep the safe list of tags; scripts, styles, event handlers and javascript: links are dropped
    (the text of a stripped element stays; <script> and <style> lose their content too)."""
    cleaner = bleach.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, protocols=ALLOWED_PROTOCOLS,
                             strip=True, strip_comments=True)
    return cleaner.clean(_drop_script_content(html or ""))


def _drop_script_content(html: str) -> str:
    return re.sub(r"<(script|style)\b[^>]*>.*?</\1\s*>", "", html, flags=re.IGNORECASE | re.DOTALL)


def checked(kind: str, title: str, body: str, summary: str = "") -> tuple[str, str, str]:
    """An article's fields as stored: (title, summary, sanitized body); `InvalidInput` naming each bad field."""
    errors: dict[str, list[str]] = {}
    title, summary = (title or "").strip(), (summary or "").strip()
    if kind not in KINDS:
        errors["kind"] = [_("栏目无效。")]
    if not title or len(title) > MAX_TITLE:
        errors["title"] = [_("标题不能为空，且不超过 %(n)d 个字。", n=MAX_TITLE)]
    if len(summary) > MAX_SUMMARY:
        errors["summary"] = [_("摘要不超过 %(n)d 个字。", n=MAX_SUMMARY)]
    clean = sanitize(body)
    if not bleach.clean(clean, tags=[], strip=True).strip() or len(clean) > MAX_BODY:
        errors["body"] = [_("正文不能为空，且不超过 %(n)d 个字符。", n=MAX_BODY)]
    if errors:
        raise InvalidInput(_("文章内容有误，请检查后重新提交。"), errors)
    return title, summary or _summary_of(clean), clean


def publish(db: Database, author: User | None, kind: str, title: str, body: str, summary: str = "",
            department_code: str | None = None, at=None) -> int:
    """Write and publish an article at once; returns its id. `author` None is the platform itself (seed data)."""
    title, summary, clean = checked(kind, title, body, summary)
    now = clock.now()
    with db.write() as session:
        department = (session.scalar(select(Department).where(Department.code == department_code))
                      if department_code else None)
        if author is not None and not may_publish_content(author, department.id if department else None):
            raise Forbidden(_("您没有发布该栏目内容的权限。"))
        article = Article(kind=kind, title=title, summary=summary, body=clean,
                          department=department, status="published", published_at=at or now,
                          author_id=author.id if author else None, created_at=now, updated_at=now)
        session.add(article)
        session.flush()
        return article.id


def _summary_of(html: str, length: int = 120) -> str:
    text = " ".join(bleach.clean(html, tags=[], strip=True).split())
    return text if len(text) <= length else text[:length] + "…"


def list_published(session: Session, kind: str, page: int = 1, size: int = PAGE_SIZE) -> ArticlePage:
    """Published articles of one kind, newest first (served by a partial index)."""
    if kind not in KINDS:
        raise NotFound(_("栏目不存在。"))
    return page_of(session, (Article.kind == kind, Article.status == "published"),
                   (Article.published_at.desc(), Article.id.desc()), page, size)


def page_of(session: Session, where: tuple, order: tuple, page: int, size: int) -> ArticlePage:
    """One page of the articles matching `where`, in `order`, with the count of pages."""
    total = session.scalar(select(func.count()).select_from(Article).where(*where)) or 0
    pages = max(1, -(-total // size))
    articles = list(session.scalars(select(Article).where(*where).order_by(*order)
                                    .limit(size).offset((max(page, 1) - 1) * size)))
    return ArticlePage(articles, page, pages, total)


def latest(session: Session, per_kind: int = 5) -> dict[str, list[Article]]:
    """The newest published articles of every kind, for the portal's home page."""
    return {kind: list_published(session, kind, 1, per_kind).articles for kind in KINDS}


def get_published(session: Session, article_id: int) -> Article:
    """One published article; a draft or an unknown id is `NotFound` alike."""
    article = session.get(Article, article_id)
    if article is None or article.status != "published":
        raise NotFound(_("文章不存在或尚未发布。"))
    return article
