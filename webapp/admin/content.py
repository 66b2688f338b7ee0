"""Portal content: the list of articles by kind and state, a draft's editor and preview, publishing and
withdrawing. The rules (who manages what, sanitizing, states) are engine.content_admin's."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine import content_admin
from engine.content import KINDS
from engine.errors import InvalidInput, InvalidState
from engine.models import Department
from engine.permissions import content_departments, may_manage_content

from ..access import permission_required, signed_in
from ..extensions import db, engine_db
from ..params import page_arg


def _choice(name: str, allowed) -> str | None:
    value = request.args.get(name) or None
    if value is not None and value not in allowed:
        abort(404)
    return value


@permission_required(may_manage_content)
def index():
    kind, state = _choice("kind", KINDS), _choice("state", content_admin.STATES)
    page = content_admin.list_articles(db.session, signed_in(), kind, state, page_arg())
    return render_template("admin/content.html", page=page, kinds=KINDS, states=content_admin.STATES, kind=kind,
                           state=state)


def _departments():
    scope = content_departments(signed_in())
    query = select(Department).order_by(Department.sort, Department.name)
    if scope is not None:
        query = query.where(Department.id.in_(scope))
    return db.session.scalars(query).all()


def _editor(article=None, form=None, errors=None, status=200):
    values = form or ({"kind": article.kind, "title": article.title, "summary": article.summary, "body": article.body,
                       "department": article.department.code if article.department else ""} if article else {})
    return render_template("admin/article_edit.html", article=article, form=values, errors=errors or {},
                           kinds=KINDS, departments=_departments(),
                           centre_wide=content_departments(signed_in()) is None), status


@permission_required(may_manage_content)
def new():
    return _editor()


@permission_required(may_manage_content)
def edit(article_id: int):
    return _editor(content_admin.article_for(db.session, signed_in(), article_id))


@permission_required(may_manage_content)
def save(article_id: int | None = None):
    form = request.form
    article = content_admin.article_for(db.session, signed_in(), article_id) if article_id else None
    try:
        saved = content_admin.save_draft(engine_db(), signed_in(), kind=form.get("kind", ""),
                                         title=form.get("title", ""), body=form.get("body", ""),
                                         summary=form.get("summary", ""),
                                         department_code=form.get("department") or None,
                                         article_id=article_id)
    except InvalidInput as exc:
        return _editor(article, form, exc.errors, 400)
    except InvalidState as exc:
        return _editor(article, form, {"": [str(exc)]}, 409)
    flash(_("草稿已保存。"), "success")
    return redirect(url_for("admin.article_preview", article_id=saved))


@permission_required(may_manage_content)
def preview(article_id: int):
    article = content_admin.article_for(db.session, signed_in(), article_id)
    return render_template("admin/article_preview.html", article=article, kind_label=KINDS[article.kind],
                           state_label=content_admin.state_label(article.status))


def _act(action, article_id: int, done: str):
    try:
        action(engine_db(), signed_in(), article_id)
    except InvalidState as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.article_preview", article_id=article_id))
    flash(done, "success")
    return redirect(url_for("admin.article_preview", article_id=article_id))


@permission_required(may_manage_content)
def publish(article_id: int):
    return _act(content_admin.publish, article_id, _("已发布到门户。"))


@permission_required(may_manage_content)
def withdraw(article_id: int):
    return _act(content_admin.withdraw, article_id, _("已从门户撤回。"))
