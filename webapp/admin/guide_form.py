"""The guide's metadata as a form of our own renderer (webapp/formrender), generated from
engine/bundles/item.schema.json: name, type, level, service objects, case kind, limits, fees, materials.

The schema's parts are taken as they are (so the form refuses what the checker refuses), with $refs
inlined (formrender reads no $ref), English descriptions dropped and Chinese titles put on. The other keys
of the item file stay in the YAML editor; saving merges the form's values into the draft's YAML.
"""
from __future__ import annotations

import copy

import yaml
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine import definition
from engine.bundles.loader import ITEM_SCHEMA
from engine.errors import InvalidInput
from engine.permissions import may_define_items

from .. import formrender
from ..access import permission_required, signed_in
from ..extensions import engine_db
from .drafts import _draft
from .items import _item

FIELDS = {"name": _l("事项名称"), "item_type": _l("事项类型"), "level": _l("层级"), "service_objects": _l("服务对象"),
          "case_kind": _l("办件类型"), "statutory_limit": _l("法定办结时限"), "promised_limit": _l("承诺办结时限"),
          "fees": _l("收费项目"), "materials": _l("申请材料")}
TITLES = {"value": _l("时限"), "unit": _l("单位"), "code": _l("编码"), "name": _l("名称"), "amount": _l("金额（元）"),
          "standard": _l("标准"), "basis": _l("依据"), "payment": _l("缴费方式"), "finance_code": _l("财政执收编码"),
          "waivable": _l("可减免"), "id": _l("材料编号（小写字母开头）"), "required": _l("必须提交"),
          "condition": _l("提交条件"), "originals": _l("原件份数"), "copies": _l("复印件份数"), "medium": _l("介质"),
          "source": _l("来源"), "blank_form": _l("空白表格文件名"), "sample": _l("填写样本文件名"),
          "accept": _l("接受的文件类型")}
CHOICES = {"level": {"province": _l("省级"), "city": _l("市级"), "county": _l("县级"), "township": _l("乡镇级")},
           "case_kind": {"immediate": _l("即办件"), "promised": _l("承诺件")},
           "unit": {"workday": _l("工作日"), "natural_day": _l("自然日")},
           "medium": {"electronic": _l("电子"), "paper": _l("纸质"), "both": _l("电子和纸质")},
           "payment": {"bank": _l("银行缴款"), "window": _l("窗口收费"), "ticket": _l("拉票")}}


def _inline(node, defs):
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(copy.deepcopy(defs[node["$ref"].rsplit("/", 1)[-1]]), defs)
        return {k: _inline(v, defs) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def _titled(name: str, node: dict, title=None) -> dict:
    node = dict(node)
    if title is not None or name in TITLES:
        node["title"] = str(title if title is not None else TITLES[name])
    if name in CHOICES and "enum" in node:
        node["oneOf"] = [{"const": v, "title": str(CHOICES[name].get(v, v))} for v in node.pop("enum")]
    if "properties" in node:
        node["properties"] = {k: _titled(k, v) for k, v in node["properties"].items()}
    if isinstance(node.get("items"), dict) and "properties" in node["items"]:
        # No defaults inside rows: the blank row a person adds rows with must stay blank to be ignored
        # (the checker fills the same defaults in when it loads the item file).
        row = _titled("", node["items"])
        row["properties"] = {k: {n: v for n, v in p.items() if n != "default"} for k, p in row["properties"].items()}
        node["items"] = row
    return node


def guide_field(key: str) -> dict:
    """One key of the item schema as a formrender field: $refs inlined, Chinese title and choice labels."""
    return _titled(key, _inline(ITEM_SCHEMA["properties"][key], ITEM_SCHEMA.get("$defs", {})), FIELDS[key])


def spec() -> dict:
    """The form's {"schema", "ui"} from the item schema."""
    props = {key: guide_field(key) for key in FIELDS}
    required = [key for key in ITEM_SCHEMA["required"] if key in props]
    return {"schema": {"type": "object", "properties": props, "required": required},
            "ui": {"service_objects": {"ui:widget": "checkboxes"}}}


def _guide(code: str):
    try:
        guide = yaml.safe_load(_draft(code).item_yaml)
    except yaml.YAMLError:
        guide = None
    return guide if isinstance(guide, dict) else None


@permission_required(may_define_items)
def edit(code: str):
    guide = _guide(code)
    if guide is None:
        flash(_("事项文件的 YAML 有语法错误，请先在文本中修正。"), "error")
        return redirect(url_for("admin.draft", code=code))
    form = formrender.prepare(spec(), {k: guide[k] for k in FIELDS if k in guide})
    return render_template("admin/guide_form.html", item=_item(code), form=form)


@permission_required(may_define_items)
def save(code: str):
    guide = _guide(code)
    if guide is None:
        return redirect(url_for("admin.draft", code=code))
    submission = formrender.read(spec(), request.form)
    if not submission.ok:
        return render_template("admin/guide_form.html", item=_item(code),
                               form=formrender.again(spec(), submission)), 400
    for key in FIELDS:
        if key in submission.data:
            guide[key] = submission.data[key]
        elif isinstance(guide.get(key), list):
            guide[key] = []  # every row removed (the form leaves an empty list out)
        else:
            guide.pop(key, None)
    try:
        definition.save_draft(engine_db(), signed_in(), code, item_yaml=definition.guide_yaml(guide))
    except InvalidInput as exc:
        flash(exc.message, "error")
        return redirect(url_for("admin.draft", code=code))
    flash(_("指南已写入草稿。"), "success")
    return redirect(url_for("admin.draft", code=code))
