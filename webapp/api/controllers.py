"""The catalogue, health and the API's own reference (OpenAPI document and HTML page)."""
from __future__ import annotations

from flask import abort, current_app, jsonify, render_template
from sqlalchemy import select

from engine import versions
from engine.models import Department, Item, ItemVersion

from ..extensions import db
from . import openapi, schemas
from .conventions import endpoint
from .problems import CODES

PUBLIC = "公共"


@endpoint("服务状态", tag=PUBLIC, scope=None, responses={200: schemas.HEALTH})
def health(call):
    return jsonify({"status": "ok"})


@endpoint("事项目录", tag="事项", scope=None, responses={200: schemas.ITEM_LIST},
          description="已发布、对外办理的事项。目录是公开的：无需令牌（带令牌时令牌须有效）。")
def items(call):
    rows = db.session.execute(
        select(Item.code, Item.name, Item.item_type, Item.level, Item.case_kind, Department.code,
               Department.name, ItemVersion.version_no)
        .join(Department, Item.department_id == Department.id)
        .join(ItemVersion, Item.current_version_id == ItemVersion.id)
        .where(Item.retired_at.is_(None), Item.internal.is_(False)).order_by(Item.code)).all()
    return jsonify({"items": [
        {"code": code, "name": name, "item_type": item_type, "level": level, "case_kind": case_kind,
         "department": {"code": dept_code, "name": dept_name}, "version": version_no}
        for code, name, item_type, level, case_kind, dept_code, dept_name, version_no in rows]})


@endpoint("一个事项的办事指南与申请表", tag="事项", scope=None, responses={200: schemas.ITEM_GUIDE, 404: None},
          description="办事指南（国家实施清单要素）和申请表的 JSON Schema（提交申请时 application 须符合它）。")
def item(call, code: str):
    item = db.session.scalar(select(Item).where(Item.code == code[:64], Item.retired_at.is_(None),
                                                Item.internal.is_(False)))
    if item is None or item.current_version_id is None:
        abort(404)
    content = versions.content(db.session, item.current_version_id)
    return jsonify({"code": item.code, "name": item.name, "item_type": item.item_type, "level": item.level,
                    "case_kind": item.case_kind,
                    "department": {"code": item.department.code, "name": item.department.name},
                    "version": content.version_no, "guide": content.guide,
                    "application_form": content.form_schema(content.application_form) or {}})


@endpoint("OpenAPI 3.1 文档", tag=PUBLIC, scope=None, responses={200: {"type": "object"}},
          description="由代码生成：每个接口的声明（参数、JSON Schema、状态码）即本文档。")
def openapi_document(call):
    return jsonify(openapi.build(current_app))


@endpoint("接口参考（HTML）", tag=PUBLIC, scope=None, responses={200: "text/html"},
          description="由 OpenAPI 文档在服务器端渲染的参考页面。")
def reference(call):
    document = openapi.build(current_app)
    return render_template("api/reference.html", document=document, codes=CODES)
