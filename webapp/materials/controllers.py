"""Uploading, reading and deleting applicants' files. The rules are engine.materials' and engine.permissions'."""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import file_types, materials
from engine.errors import InvalidInput, NotFound
from engine.models import Case
from engine.permissions import may_read_material

from .. import downloads
from ..access import area_required, signed_in
from ..errors import render_error
from ..extensions import db, engine_db
from ..materials_form import file_dict, uploads_dir

# A served file may be framed by our own pages (the clerk's inline view) and runs nothing.
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'"


@area_required("applicant")
def upload():
    """Store one file (multipart field `file`, optional `material`): JSON {id, name, size, mime, url}, or
    {error} with 400 (413 when too large)."""
    posted = request.files.get("file")
    if posted is None or not posted.filename:
        return jsonify({"error": _("请选择要上传的文件。")}), 400
    label = request.form.get("material", "")[:100] or None
    try:
        stored = materials.store(engine_db(), signed_in(), posted.filename, posted.stream, label=label,
                                 uploads_dir=uploads_dir())
    except materials.TooLarge as exc:
        return jsonify({"error": exc.message}), 413
    except InvalidInput as exc:
        return jsonify({"error": exc.message}), 400
    shown = file_dict(stored)
    return jsonify({key: shown[key] for key in ("id", "name", "size", "mime", "url")}), 201


@area_required("applicant")
def own_file(file_id: str):
    stored = materials.find(db.session, file_id)
    if stored is None or not may_read_material(db.session, signed_in(), stored):
        abort(404)
    return _send(stored)


@area_required("applicant")
def delete(file_id: str):
    try:
        materials.delete(engine_db(), signed_in(), file_id)
    except NotFound:
        abort(404)
    flash(_("已从材料库删除。已提交的办件仍保留该文件。"), "success")
    return redirect(url_for(".library"))


@area_required("applicant")
def library():
    """The library page; without JavaScript its upload form posts here."""
    error = None
    if request.method == "POST":
        posted = request.files.get("file")
        try:
            if posted is None or not posted.filename:
                raise InvalidInput(_("请选择要上传的文件。"))
            materials.store(engine_db(), signed_in(), posted.filename, posted.stream,
                            label=request.form.get("label", "")[:100] or None, uploads_dir=uploads_dir())
        except InvalidInput as exc:
            error = exc.message
        else:
            flash(_("已上传到材料库。"), "success")
            return redirect(url_for(".library"))
    files = [file_dict(f) for f in materials.library(db.session, signed_in())]
    body = render_template("applicant/materials.html", files=files, error=error,
                           max_file_mb=materials.MAX_FILE_BYTES // (1024 * 1024),
                           accepted_types=file_types.ACCEPTED_LABEL)
    return (body, 400) if error else body


def case_file(case_id: int, file_id: str):
    """A file the case holds, inline, for whoever may view the case; 404 for everyone else."""
    user = signed_in()
    case = db.session.get(Case, case_id)
    if user is None or case is None:
        abort(404)
    try:
        stored = materials.case_file(db.session, case, file_id)
    except NotFound:
        abort(404)
    if not may_read_material(db.session, user, stored, case):
        abort(404)
    return _send(stored)


def too_large(_exc):
    """The request as a whole was over the app's limit: JSON for the upload endpoint, the error page else."""
    message = _("文件超过 %(mb)s MB，请压缩或拆分后上传。", mb=materials.MAX_FILE_BYTES // (1024 * 1024))
    if request.endpoint == "materials.upload":
        return jsonify({"error": message}), 413
    return render_error(413, message)


def _send(stored):
    """The file with the type its content showed, never the upload's; shown inline when a browser can."""
    path = materials.path_of(stored, uploads_dir())
    if not path.is_file():
        abort(404)
    response = downloads.send_path(path, stored.name, stored.mime, inline=stored.mime in file_types.INLINE,
                                   etag=stored.sha256)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = FILE_CSP
    return response


def case_files(case: Case) -> list[dict]:
    """Template global for pages about a case (the page has already checked its viewer): each material of the
    case with its current files and earlier rounds, files linked through the case's URL."""
    return [{"material_id": m.material_id, "name": m.name, "required": m.required, "electronic": m.electronic,
             "round": m.round, "files": [file_dict(f, case) for f in m.files],
             "history": [(r, [file_dict(f, case) for f in files]) for r, files in m.history]}
            for m in materials.case_materials(db.session, case)]
