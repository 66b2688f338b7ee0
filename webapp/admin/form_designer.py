"""The form designer: a draft's forms, each edited as a list of fields, with a preview.

The designer's own form is a JSON Schema form rendered and read by webapp/formrender (rows of name, title,
kind, required, options, description, and a display condition picked from the saved form's choice and yes/no
fields); engine.form_design turns the rows into the form's JSON Schema and UI schema, keeping fields it
cannot express as they are.
"""
from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine import definition, form_design
from engine.errors import InvalidInput
from engine.permissions import may_define_items

from .. import formrender
from ..access import permission_required, signed_in
from ..extensions import engine_db
from .drafts import _draft
from .items import _item

KIND_LABELS = {"text": _l("单行文字"), "textarea": _l("多行文字"), "integer": _l("整数"), "number": _l("数字"),
               "boolean": _l("是/否"), "date": _l("日期"), "choice": _l("选择（选项每行一个，可写 值=标签）"),
               "group": _l("分组（下列子字段）"), "table": _l("多行表格（每行填下列子字段，如股东名单）")}
_KEY = re.compile(r"^[\w\-]+(/[\w\-]+)*$")


def _row_schema(kinds) -> dict:
    return {"type": "object", "required": ["name", "kind"], "properties": {
        "name": {"type": "string", "title": str(_l("字段名（英文）"))},
        "title": {"type": "string", "title": str(_l("标题"))},
        "kind": {"type": "string", "title": str(_l("类型")),
                 "oneOf": [{"const": k, "title": str(KIND_LABELS[k])} for k in kinds]},
        "required": {"type": "boolean", "title": str(_l("必填"))},
        "options": {"type": "string", "title": str(_l("选项"))},
        "description": {"type": "string", "title": str(_l("填写说明"))}}}


def _show_when(form: dict | None) -> dict | None:
    """The row's display condition: one choice per value of each choice or yes/no field of the saved form."""
    schema, ui = (form or {}).get("schema") or {}, (form or {}).get("ui") or {}
    choices = [{"const": key, "title": _("只在「%(f)s」为「%(v)s」时显示", f=title,
                                         v=label or (_("是") if value is True else _("否") if value is False else key))}
               for key, title, value, label in form_design.condition_choices(schema, ui)]
    if not choices:
        return None
    return {"type": "string", "title": _("显示条件"), "oneOf": choices,
            "description": _("不选则总是显示；所依据的字段须排在本字段之前。新加的选择字段保存后才出现在这里。")}


def designer_spec(form: dict | None = None) -> dict:
    """The designer's own form; `form` (the saved form) gives the display conditions a row may pick."""
    row = _row_schema(form_design.KINDS)
    show_when = _show_when(form)
    if show_when:
        row["properties"]["show_when"] = show_when
    row["properties"]["fields"] = {"type": "array", "title": str(_l("子字段")),
                                   "items": _row_schema(form_design.SIMPLE_KINDS)}
    # Sub-fields belong to a group or a table: shown (and asked for) only when one of those is chosen.
    row["allOf"] = [{"if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                     "then": {"required": ["fields"]}} for kind in form_design.NESTED_KINDS]
    texts = {"options": {"ui:widget": "textarea"}, "description": {"ui:widget": "textarea"}}
    return {"schema": {"type": "object", "properties": {
                "title": {"type": "string", "title": str(_l("表单标题"))},
                "rows": {"type": "array", "title": str(_l("字段")), "items": row}}},
            "ui": {"rows": {"items": {**texts, "fields": {"items": texts}}}}}


@permission_required(may_define_items)
def forms(code: str):
    draft = _draft(code)
    return render_template("admin/forms.html", item=_item(code), draft=draft, errors={})


@permission_required(may_define_items)
def add_form(code: str):
    draft = _draft(code)
    key = request.form.get("key", "").strip()
    if not _KEY.match(key) or key in draft.forms:
        message = _("表单名已存在") if key in draft.forms else _("表单名只能含字母、数字、下划线、连字符和 /")
        return render_template("admin/forms.html", item=_item(code), draft=draft, errors={"key": [message]}), 400
    updated = dict(draft.forms)
    updated[key] = {"schema": {"type": "object", "title": key, "properties": {}}, "ui": {}}
    definition.save_draft(engine_db(), signed_in(), code, forms=updated)
    return redirect(url_for("admin.design_form", code=code, key=key))


def _form(code: str, key: str):
    draft = _draft(code)
    if key not in draft.forms:
        abort(404)
    return draft, draft.forms[key]


def _render(code, key, form, designer, status=200):
    rows, complex_fields = form_design.rows_of(form["schema"], form.get("ui") or {})
    return render_template("admin/form_designer.html", item=_item(code), key=key, designer=designer,
                           complex_fields=complex_fields, preview=formrender.prepare(form),
                           kept_conditions=form_design.kept_conditions(form["schema"], form.get("ui") or {})), status


@permission_required(may_define_items)
def design(code: str, key: str):
    _draft_row, form = _form(code, key)
    rows, _complex = form_design.rows_of(form["schema"], form.get("ui") or {})
    data = {"title": form["schema"].get("title", ""), "rows": rows}
    return _render(code, key, form, formrender.prepare(designer_spec(form), data))


@permission_required(may_define_items)
def save(code: str, key: str):
    draft, form = _form(code, key)
    spec = designer_spec(form)
    submission = formrender.read(spec, request.form)
    if not submission.ok:
        return _render(code, key, form, formrender.again(spec, submission), 400)
    try:
        schema, ui = form_design.apply_rows(form["schema"], form.get("ui") or {}, submission.data.get("rows") or [])
    except InvalidInput as exc:
        designer = formrender.prepare(spec, submission.data, exc.errors, submission.raw)
        return _render(code, key, form, designer, 400)
    if submission.data.get("title"):
        schema["title"] = submission.data["title"]
    updated = dict(draft.forms)
    updated[key] = {"schema": schema, "ui": ui}
    definition.save_draft(engine_db(), signed_in(), code, forms=updated)
    flash(_("表单 %(key)s 已保存到草稿。", key=key), "success")
    return redirect(url_for("admin.design_form", code=code, key=key))
