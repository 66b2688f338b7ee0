"""Editing an item as a draft bundle: the guide's YAML and the forms, the live check, publishing."""
from __future__ import annotations

import json

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import definition
from engine.errors import Conflict, InvalidInput
from engine.models import ItemDraft
from engine.permissions import may_define_items

from ..access import permission_required, signed_in
from ..extensions import db, engine_db
from .items import _item


def problem_json(problem) -> dict:
    return {"file": problem.file, "line": problem.line, "element_id": problem.element_id,
            "element_name": problem.element_name, "message": problem.message, "hint": problem.hint,
            "severity": problem.severity, "text": problem.format()}


def _draft(code: str) -> ItemDraft:
    item = _item(code)
    draft = db.session.get(ItemDraft, item.id)
    if draft is None:
        abort(404)
    return draft


@permission_required(may_define_items)
def start(code: str):
    definition.start_draft(engine_db(), signed_in(), code)
    return redirect(url_for("admin.draft", code=code))


@permission_required(may_define_items)
def edit(code: str):
    draft = _draft(code)
    verdict = definition.check_draft(engine_db(), signed_in(), code)
    return _render(code, draft, draft.item_yaml, json.dumps(draft.forms, ensure_ascii=False, indent=2),
                   verdict.problems, {})


def _render(code, draft, item_yaml, forms_json, problems, errors, status=200):
    # A refused save keeps the stamp it was loaded with: saving again must not overwrite the newer draft.
    loaded = request.form.get("draft_stamp") if request.method == "POST" else None
    return render_template("admin/draft.html", item=draft and _item(code), draft=draft, item_yaml=item_yaml,
                           forms_json=forms_json, problems=problems, errors=errors,
                           draft_stamp=loaded or definition.stamp(draft)), status


@permission_required(may_define_items)
def save(code: str):
    draft = _draft(code)
    item_yaml = request.form.get("item_yaml", "")
    forms_json = request.form.get("forms_json", "")
    try:
        forms = json.loads(forms_json)
    except ValueError as err:
        message = _("表单不是有效的 JSON：第 %(line)s 行第 %(col)s 列", line=getattr(err, "lineno", "?"),
                    col=getattr(err, "colno", "?"))
        return _render(code, draft, item_yaml, forms_json, [], {"forms_json": [message]}, 400)
    try:
        definition.save_draft(engine_db(), signed_in(), code, item_yaml=item_yaml, forms=forms,
                              loaded_stamp=request.form.get("draft_stamp") or None)
    except InvalidInput as exc:
        errors = {("forms_json" if k == "forms" else k): v for k, v in exc.errors.items()}
        return _render(code, draft, item_yaml, forms_json, [], errors, 400)
    except Conflict as exc:
        return _render(code, draft, item_yaml, forms_json, [], {"": [exc.message]}, 409)
    verdict = definition.check_draft(engine_db(), signed_in(), code)
    flash(_("草稿已保存。") if verdict.ok else _("草稿已保存，但还有错误，修正后才能发布。"),
          "success" if verdict.ok else "info")
    return redirect(url_for("admin.draft", code=code))


@permission_required(may_define_items)
def check(code: str):
    """The live check: the posted (unsaved) YAML against the stored rest of the draft, problems as JSON."""
    _draft(code)
    item_yaml = request.form.get("item_yaml")
    verdict = definition.check_draft(engine_db(), signed_in(), code, item_yaml=item_yaml)
    return jsonify({"ok": verdict.ok, "problems": [problem_json(p) for p in verdict.problems]})


@permission_required(may_define_items)
def publish(code: str):
    _draft(code)
    try:
        deployed = definition.publish_draft(engine_db(), signed_in(), code)
    except InvalidInput:
        flash(_("草稿有错误，不能发布；请先修正下列问题。"), "error")
        return redirect(url_for("admin.draft", code=code))
    if deployed.created:
        flash(_("已发布第 %(n)s 版。新的申请按新版本办理，办理中的办件仍按原版本。", n=deployed.version_no), "success")
    else:
        flash(_("内容与第 %(n)s 版相同，未产生新版本；已设为当前版本。", n=deployed.version_no), "info")
    return redirect(url_for("admin.item", code=code))


@permission_required(may_define_items)
def discard(code: str):
    if definition.discard_draft(engine_db(), signed_in(), code):
        flash(_("草稿已删除；该事项从未发布，已一并删除。"), "success")
        return redirect(url_for("admin.items"))
    flash(_("草稿已删除。"), "success")
    return redirect(url_for("admin.item", code=code))
