"""Downloads for analysts' desktop tools: an item's archive, element templates; importing an archive."""
from __future__ import annotations

import json

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from designer_export.archive import export_item, import_item
from designer_export.templates import element_templates
from engine.errors import InvalidInput, InvalidState
from engine.permissions import DEFINITION_ROLES, may_define_items

from .. import downloads
from ..access import permission_required, signed_in
from ..extensions import engine_db
from .items import _item


def _analyst_or_admin(user) -> bool:
    # Importing creates an item in any department: not for a department administrator.
    return may_define_items(user) and bool(user.role_names & DEFINITION_ROLES)


@permission_required(may_define_items)
def archive(code: str):
    item = _item(code)
    return downloads.send_bytes(export_item(engine_db(), code), f"{item.name}-{code}.zip", "application/zip")


@permission_required(may_define_items)
def templates():
    text = json.dumps(element_templates(engine_db()), ensure_ascii=False, indent=2)
    return downloads.send_bytes(text, "onewindow-element-templates.json", "application/json")


@permission_required(_analyst_or_admin)
def import_archive():
    if request.method == "GET":
        return render_template("admin/import.html", errors={})
    upload = request.files.get("archive")
    try:
        code = import_item(engine_db(), upload.read() if upload else b"", imported_by=signed_in().username)
    except (InvalidInput, InvalidState) as exc:
        details = [m for ms in getattr(exc, "errors", {}).values() for m in ms]
        return render_template("admin/import.html", errors={"archive": [exc.message, *details]}), 400
    flash(_("已导入事项 %(code)s。", code=code), "success")
    return redirect(url_for("admin.item", code=code))
