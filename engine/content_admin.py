"""Managing portal content: drafts, preview, publishing and withdrawing articles, each change audited.

Content editors and administrators manage every article; a department administrator only their department's
(engine.permissions.content_departments). Bodies are sanitized by engine.content when written, so a preview
shows exactly what the portal will.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit, clock
from .content import KINDS, ArticlePage, checked, page_of
from .db import Database
from .errors import InvalidInput, InvalidState, NotFound
from .i18n import _
from .models import Article, Department, User
from .permissions import content_departments, may_publish_content

STATES = {"draft": _("草稿"), "published": _("已发布"), "withdrawn": _("已撤回")}
PAGE_SIZE = 20


def list_articles(session: Session, user: User, kind: str | None = None, state: str | None = None,
                  page: int = 1, size: int = PAGE_SIZE) -> ArticlePage:
    """The articles the user manages, newest change first; `kind` and `state` narrow the list."""
    if kind is not None and kind not in KINDS:
        raise InvalidInput(_("栏目无效。"), {"kind": [_("栏目无效。")]})
    if state is not None and state not in STATES:
        raise InvalidInput(_("状态无效。"), {"state": [_("状态无效。")]})
    where = []
    scope = content_departments(user)
    if scope is not None:
        where.append(Article.department_id.in_(scope))
    if kind:
        where.append(Article.kind == kind)
    if state:
        where.append(Article.status == state)
    return page_of(session, tuple(where), (Article.updated_at.desc(), Article.id.desc()), page, size)


def article_for(session: Session, user: User, article_id: int, lock: bool = False) -> Article:
    """One article the user manages (`lock`: its row locked for this transaction); another department's is
    `NotFound` like an unknown id."""
    query = select(Article).where(Article.id == article_id)
    article = session.scalar(query.with_for_update() if lock else query)
    if article is None or not may_publish_content(user, article.department_id):
        raise NotFound(_("文章不存在或不由您管理。"))
    return article


def save_draft(db: Database, user: User, *, kind: str, title: str, body: str, summary: str = "",
               department_code: str | None = None, article_id: int | None = None) -> int:
    """Create a draft (`article_id` None) or change an unpublished article; returns its id. A published
    article is withdrawn before it is changed, so the portal never shows an unreviewed edit."""
    title, summary, clean = checked(kind, title, body, summary)
    with db.write() as session:
        department = None
        if department_code:
            department = session.scalar(select(Department).where(Department.code == department_code))
            if department is None:
                raise InvalidInput(_("发布单位不存在。"), {"department": [_("发布单位不存在。")]})
        if not may_publish_content(user, department.id if department else None):
            raise InvalidInput(_("您只能管理本部门的内容。"), {"department": [_("请选择您所在的部门。")]})
        now = clock.now()
        if article_id is None:
            article = Article(kind=kind, status="draft", author_id=user.id, created_at=now, body="")
            session.add(article)
        else:
            article = article_for(session, user, article_id, lock=True)
            if article.status == "published":
                raise InvalidState(_("文章已发布，请先撤回再修改。"))
        article.kind, article.title, article.summary, article.body = kind, title, summary, clean
        article.department, article.updated_at = department, now
        session.flush()
        _record(session, "article_saved", user, article)
        return article.id


def publish(db: Database, user: User, article_id: int) -> None:
    """Put a draft or a withdrawn article on the portal."""
    with db.write() as session:
        article = article_for(session, user, article_id, lock=True)
        if article.status == "published":
            raise InvalidState(_("文章已经发布。"))
        now = clock.now()
        article.status, article.published_at, article.updated_at = "published", now, now
        _record(session, "article_published", user, article)


def withdraw(db: Database, user: User, article_id: int) -> None:
    """Take a published article off the portal (it becomes editable again)."""
    with db.write() as session:
        article = article_for(session, user, article_id, lock=True)
        if article.status != "published":
            raise InvalidState(_("只有已发布的文章可以撤回。"))
        article.status, article.updated_at = "withdrawn", clock.now()
        _record(session, "article_withdrawn", user, article)


def _record(session: Session, action: str, user: User, article: Article) -> None:
    audit.record(session, action, actor=user, department_code=article.department.code if article.department else None,
                 detail={"article": article.id, "kind": article.kind, "title": article.title,
                         "status": article.status})


def state_label(state: str) -> str:
    return str(STATES.get(state, state))

