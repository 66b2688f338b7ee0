"""新建事项: a brand-new item from a short form (formrender), continued in the draft editor.

The form asks what the item file and the starting diagram need; engine.new_items checks it again (code
format and uniqueness, the department the user may define, a real group) and writes the item and its draft.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from engine import new_items
from engine.errors import InvalidInput
from engine.models import Department, Group
from engine.permissions import may_define_item, may_define_items

from .. import formrender
from ..access import permission_required, signed_in
from ..extensions import db, engine_db
from .guide_form import CHOICES, guide_field

ORDER = ("code", "name", "item_type", "department", "level", "service_objects", "case_kind", "statutory_days",
         "promised_days", "group")


def spec(user) -> dict:
    """The form: the guide's own fields where the item schema has them, plus code, department, group."""
    departments = [d for d in db.session.scalars(select(Department).order_by(Department.sort, Department.id))
                   if may_define_item(user, d.id)]
    groups = db.session.scalars(select(Group).order_by(Group.code)).all()
    days = {"type": "integer", "minimum": 0, "maximum": 3650}
    props = {
        "code": {"type": "string", "maxLength": 64, "title": str(_l("实施编码"))},
        **{key: guide_field(key) for key in ("name", "item_type", "service_objects", "case_kind")},
        "department": {"type": "string", "title": str(_l("所属部门")),
                       "oneOf": [{"const": d.code, "title": d.name} for d in departments]},
        "level": {"type": "string", "title": str(_l("层级（不选则同所属部门）")),
                  "oneOf": [{"const": k, "title": str(v)} for k, v in CHOICES["level"].items()]},
        "statutory_days": {**days, "title": str(_l("法定办结时限（工作日）"))},
        "promised_days": {**days, "title": str(_l("承诺办结时限（工作日，即办件填 0）"))},
        "group": {"type": "string", "title": str(_l("第一步（窗口受理）的办理组")),
                  "oneOf": [{"const": g.code, "title": f"{g.name} ({g.code})"} for g in groups]},
    }
    ui = {"ui:order": list(ORDER), "service_objects": {"ui:widget": "checkboxes"},
          "code": {"ui:help": str(_l("英文字母、数字、下划线和连字符，3 到 64 位，创建后不能修改"))}}
    required = [k for k in ORDER if k != "level"]
    return {"schema": {"type": "object", "properties": props, "required": required}, "ui": ui}


def _page(form, status=200):
    return render_template("admin/new_item.html", form=form), status


@permission_required(may_define_items)
def new():
    return _page(formrender.prepare(spec(signed_in())))


@permission_required(may_define_items)
def create():
    user = signed_in()
    form_spec = spec(user)
    submission = formrender.read(form_spec, request.form)
    if not submission.ok:
        return _page(formrender.again(form_spec, submission), 400)
    data = submission.data
    try:
        new_items.create_item(engine_db(), user, new_items.NewItem(
            code=data["code"], name=data["name"], item_type=data["item_type"], department=data["department"],
            service_objects=data["service_objects"], case_kind=data["case_kind"],
            statutory_days=data["statutory_days"], promised_days=data["promised_days"], group=data["group"],
            level=data.get("level")))
    except InvalidInput as exc:
        return _page(formrender.prepare(form_spec, data, exc.errors, submission.raw), 400)
    code = data["code"].strip()
    flash(_("事项 %(code)s 已创建为草稿（流程：提交申请 → 窗口受理 → 办结）。请设计申请表和流程，检查通过后发布。",
            code=code), "success")
    return redirect(url_for("admin.draft", code=code))
