"""The process modeler: bpmn-js editing the draft's diagram, saving with the checker's answer, .bpmn files."""
from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from engine import definition
from engine.bundles.settings import SettingsError, apply_settings, read_settings
from engine.bundles.usertasks import CASE_STEPS
from engine.errors import Conflict, InvalidInput
from engine.models import Group
from engine.permissions import may_define_items
from engine.xmlsafe import XmlRejected, parse_xml

from .. import downloads
from ..access import permission_required, signed_in
from ..extensions import db, engine_db
from .drafts import _draft, problem_json


@permission_required(may_define_items)
def modeler(code: str):
    draft = _draft(code)
    groups = [{"code": g.code, "name": g.name} for g in db.session.scalars(select(Group).order_by(Group.code))]
    config = {"forms": sorted(draft.forms), "groups": groups, "case_steps": list(CASE_STEPS),
              "save_url": url_for("admin.save_diagram", code=code),
              "xml_url": url_for("admin.export_diagram", code=code),
              "settings_url": url_for("admin.element_settings", code=code), "stamp": definition.stamp(draft),
              # Texts the script shows, translated here: {n} and {id} are filled in by the script.
              "messages": {"saving": _("正在保存……"), "save_failed": _("保存失败，请重试。"),
                           "saved_ok": _("已保存，检查通过。"), "saved_errors": _("已保存，检查发现 {n} 个错误。"),
                           "applying": _("正在应用……"), "applied": _("已应用到 {id}，请保存。"), "cannot_show": _("流程图无法显示：")}}
    return render_template("admin/modeler.html", item=draft and _draft_item(code), draft=draft, config=config)


def _draft_item(code):
    from .items import _item
    return _item(code)


@permission_required(may_define_items)
def export_diagram(code: str):
    draft = _draft(code)
    return downloads.send_bytes(draft.bpmn_xml, f"{draft.stem}.bpmn", "application/xml")


@permission_required(may_define_items)
def save_diagram(code: str):
    """Store the modeler's XML and answer with the checker's problems (JSON); the XML must at least parse."""
    _draft(code)
    payload = request.get_json(silent=True) or {}
    xml = payload.get("xml")
    if not isinstance(xml, str) or not xml.strip():
        return jsonify({"saved": False, "problems": [], "message": _("没有收到流程图")}), 400
    try:
        parse_xml(xml.encode("utf-8"), "diagram.bpmn")
    except XmlRejected as exc:
        return jsonify({"saved": False, "problems": [], "message": exc.message}), 400
    try:
        draft = definition.save_draft(engine_db(), signed_in(), code, bpmn_xml=xml,
                                      loaded_stamp=payload.get("stamp") or None)
    except InvalidInput as exc:
        return jsonify({"saved": False, "problems": [], "message": exc.message, "errors": exc.errors}), 400
    except Conflict as exc:
        return jsonify({"saved": False, "problems": [], "message": exc.message}), 409
    verdict = definition.check_draft(engine_db(), signed_in(), code)
    return jsonify({"saved": True, "ok": verdict.ok, "stamp": definition.stamp(draft),
                    "problems": [problem_json(p) for p in verdict.problems]})


@permission_required(may_define_items)
def import_diagram(code: str):
    """Replace the draft's diagram by an uploaded .bpmn file (Camunda Modeler, spiff-arena...), kept byte for
    byte: only what the analyst edits afterwards changes."""
    _draft(code)
    upload = request.files.get("bpmn_file")
    data = upload.read() if upload else b""
    try:
        parse_xml(data, upload.filename if upload else "upload.bpmn")
        text = data.decode("utf-8")
    except XmlRejected as exc:
        flash(_("无法导入：%(msg)s", msg=exc.message), "error")
        return redirect(url_for("admin.modeler", code=code)), 303
    except UnicodeDecodeError:
        flash(_("无法导入：文件不是 UTF-8 编码"), "error")
        return redirect(url_for("admin.modeler", code=code)), 303
    try:
        definition.save_draft(engine_db(), signed_in(), code, bpmn_xml=text)
    except InvalidInput as exc:
        flash(_("无法导入：%(msg)s", msg="；".join(m for ms in exc.errors.values() for m in ms)), "error")
        return redirect(url_for("admin.modeler", code=code)), 303
    flash(_("流程图已导入草稿。"), "success")
    return redirect(url_for("admin.modeler", code=code))


@permission_required(may_define_items)
def element_settings(code: str):
    """The side form's backend: read (no `values`) or write one element's settings in the posted XML.
    Answers {"settings": ..., "xml": the edited diagram (when writing)}; nothing is stored here."""
    _draft(code)
    payload = request.get_json(silent=True) or {}
    xml, element_id, values = payload.get("xml"), payload.get("element_id"), payload.get("values")
    if not isinstance(xml, str) or not isinstance(element_id, str):
        return jsonify({"message": _("请求无效")}), 400
    try:
        if isinstance(values, dict):
            xml = apply_settings(xml, element_id, values)
        return jsonify({"settings": read_settings(xml, element_id), "xml": xml})
    except SettingsError as exc:
        return jsonify({"message": exc.message}), 400
    except XmlRejected as exc:
        return jsonify({"message": exc.message}), 400
