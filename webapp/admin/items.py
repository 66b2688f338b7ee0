"""The items list, an item's page (versions, draft, retiring) and the comparison of two versions."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, load_only

from engine import definition
from engine.errors import InvalidInput
from engine.models import Department, Item, ItemDraft, ItemVersion, User
from engine.permissions import (DEFINITION_ROLES, may_define_item, may_define_items, may_edit_calendar,
                                may_manage_content, may_manage_people)
from engine.version_diff import compare as compare_versions
from engine.xmlsafe import XmlRejected

from ..access import area_required, permission_required, signed_in
from ..extensions import db, engine_db

_VERSION_COLUMNS = (ItemVersion.id, ItemVersion.item_id, ItemVersion.version_no, ItemVersion.stem,
                    ItemVersion.content_hash, ItemVersion.published_at, ItemVersion.published_by)


@area_required("admin")
def items():
    user = signed_in()
    query = select(Item).join(Item.department).options(contains_eager(Item.department)).order_by(Department.sort,
                                                                                                  Item.name)
    if not user.role_names & DEFINITION_ROLES and may_define_items(user):
        query = query.where(Item.department_id == user.department_id)  # a department administrator's own
    all_items = db.session.scalars(query).all()
    versions: dict[int, list[ItemVersion]] = {}
    for version in db.session.scalars(select(ItemVersion).options(load_only(*_VERSION_COLUMNS))
                                      .order_by(ItemVersion.item_id, ItemVersion.version_no.desc())):
        versions.setdefault(version.item_id, []).append(version)
    return render_template("admin/items.html", items=all_items, versions=versions,
                           may_define=may_define_items(user), may_edit_calendar=may_edit_calendar(user),
                           may_manage_people=may_manage_people(user), may_manage_content=may_manage_content(user))


def _item(code: str) -> Item:
    item = db.session.scalar(select(Item).where(Item.code == code))
    if item is None or not may_define_item(signed_in(), item.department_id):
        abort(404)
    return item


@permission_required(may_define_items)
def item(code: str):
    found = _item(code)
    versions = db.session.scalars(select(ItemVersion).options(load_only(*_VERSION_COLUMNS))
                                  .where(ItemVersion.item_id == found.id).order_by(ItemVersion.version_no.desc())).all()
    draft = db.session.get(ItemDraft, found.id)
    author = db.session.get(User, draft.author_id) if draft is not None and draft.author_id else None
    return render_template("admin/item.html", item=found, versions=versions, draft=draft, author=author,
                           errors={})


@permission_required(may_define_items)
def retire(code: str):
    try:
        definition.retire_item(engine_db(), signed_in(), code, request.form.get("reason", ""))
    except InvalidInput as exc:
        found = _item(code)
        versions = db.session.scalars(select(ItemVersion).where(ItemVersion.item_id == found.id)
                                      .order_by(ItemVersion.version_no.desc())).all()
        return render_template("admin/item.html", item=found, versions=versions,
                               draft=db.session.get(ItemDraft, found.id), author=None, errors=exc.errors), 400
    flash(_("事项已停办，新的申请不再受理；办理中的办件不受影响。"), "success")
    return redirect(url_for("admin.item", code=code))


@permission_required(may_define_items)
def reinstate(code: str):
    definition.reinstate_item(engine_db(), signed_in(), code)
    flash(_("事项已恢复办理。"), "success")
    return redirect(url_for("admin.item", code=code))


@permission_required(may_define_items)
def compare(code: str):
    found = _item(code)
    numbers = [request.args.get("a", type=int), request.args.get("b", type=int)]
    rows = {v.version_no: v for v in db.session.scalars(
        select(ItemVersion).where(ItemVersion.item_id == found.id, ItemVersion.version_no.in_(numbers)))}
    if None in numbers or any(n not in rows for n in numbers):
        abort(404)
    old, new = rows[numbers[0]], rows[numbers[1]]
    diff = compare_versions(old.guide, new.guide, old.diagrams, new.diagrams, old.forms, new.forms)
    return render_template("admin/compare.html", item=found, old=old, new=new, diff=diff)


@permission_required(may_define_items)
def draft_changes(code: str):
    """What publishing the draft would change, against the current version."""
    import yaml

    found = _item(code)
    draft = db.session.get(ItemDraft, found.id)
    current = db.session.get(ItemVersion, found.current_version_id) if found.current_version_id else None
    if draft is None or current is None:
        abort(404)
    try:
        guide = yaml.safe_load(draft.item_yaml)
    except yaml.YAMLError:
        guide = None
    diagrams = {**draft.diagrams, f"{draft.stem}.bpmn": draft.bpmn_xml}
    try:
        diff = compare_versions(current.guide, guide if isinstance(guide, dict) else current.guide, current.diagrams,
                                diagrams, current.forms, draft.forms)
    except XmlRejected as exc:
        flash(_("流程图无法解析：%(msg)s", msg=exc.message), "error")
        return redirect(url_for("admin.draft", code=code))
    return render_template("admin/compare.html", item=found, old=current, new=None, diff=diff,
                           guide_unreadable=not isinstance(guide, dict))
