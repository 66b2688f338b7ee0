"""The materials part of an application or supplement form (`templates/applicant/_materials.html`).

Field names, with or without JavaScript: `materials.<material id>` holds the ids of the chosen files (one
value each: files already chosen, library files ticked, files `materials.js` uploaded at once), and
`upload.<material id>` are file inputs whose files are stored when the form is posted. `materials_shown`
names every material whose inputs the form showed, so a material left empty is told from one not shown.
"""
from __future__ import annotations

from flask import current_app, url_for

from engine import file_types, materials
from engine.errors import InvalidInput
from engine.models import Case, StoredFile, User

from .extensions import db, engine_db

SHOWN = "materials_shown"
OFFERED = 100  # library files offered under each material (the newest); the library page lists more


def uploads_dir() -> str:
    return current_app.config["ONEWINDOW_UPLOAD_DIR"]


def read_materials(request, owner: User, guide: dict) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The posted choice of files per material, after storing the files posted in `upload.<id>` inputs.

    Returns (materials, errors): materials maps each material the form showed (or posted files for) to its
    file ids in order; errors are the refused uploads, keyed `materials.<id>`. Files stored before a refusal
    stay chosen (and in the owner's library), so the page shown again keeps them."""
    chosen: dict[str, list[str]] = {}
    errors: dict[str, list[str]] = {}
    shown = set(request.form.getlist(SHOWN))
    for material in guide.get("materials") or []:
        material_id = material.get("id")
        if not material_id or not materials.is_electronic(material):
            continue
        key = f"materials.{material_id}"
        ids = [v for v in request.form.getlist(key) if v][:materials.MAX_FILES_PER_MATERIAL]
        for posted in request.files.getlist(f"upload.{material_id}"):
            if not posted or not posted.filename:
                continue  # an empty file input still posts a part without a name
            try:
                stored = materials.store(engine_db(), owner, posted.filename, posted.stream,
                                         label=material.get("name"), uploads_dir=uploads_dir())
            except InvalidInput as exc:
                errors.setdefault(key, []).append(exc.message)
            else:
                ids.append(stored.public_id)
        if ids or material_id in shown:
            chosen[material_id] = list(dict.fromkeys(ids))
    return chosen, errors


def file_dict(stored: StoredFile, case: Case | None = None) -> dict:
    """What the partial, the library page and the upload answer show of a file."""
    url = (url_for("materials.case_file", case_id=case.id, file_id=stored.public_id) if case is not None
           else url_for("materials.own_file", file_id=stored.public_id))
    return {"id": stored.public_id, "name": stored.name, "size": stored.size, "mime": stored.mime, "url": url,
            "image": stored.mime in (file_types.JPEG, file_types.PNG), "created_at": stored.created_at,
            "label": stored.label}


def context(owner: User, guide: dict, chosen: dict | None, errors: dict | None = None,
            editable_ids: set[str] | None = None, case: Case | None = None) -> dict:
    """Template variables of `applicant/_materials.html`: pass them to render_template with `**`.

    `chosen` maps material ids to file ids (a draft's `materials`, `read_materials`' result, or for a
    supplement `engine.materials.current_choice(session, case)`); ids the viewer may not use are dropped.
    `case` (supplement page) lets files the case already holds be shown through the case's URL."""
    chosen = chosen or {}
    rows = materials.files_by_id(db.session, [f for ids in chosen.values() for f in ids or []])
    held = set()
    if case is not None:
        held = {f.public_id for m in materials.case_materials(db.session, case) for fs in
                [m.files] + [files for _round, files in m.history] for f in fs}
    chosen_files = {}
    for material_id, ids in chosen.items():
        files = []
        for file_id in ids or []:
            stored = rows.get(file_id)
            if stored is None:
                continue
            if file_id in held:
                files.append(file_dict(stored, case))
            elif stored.owner_id == owner.id and stored.deleted_at is None:
                files.append(file_dict(stored))
        chosen_files[material_id] = files
    offered = materials.library(db.session, owner)[:OFFERED]
    return {"materials_guide": [m for m in guide.get("materials") or [] if m.get("id")],
            "chosen": chosen_files, "library": [file_dict(f) for f in offered],
            "errors": errors or {}, "editable_ids": editable_ids,
            "upload_url": url_for("materials.upload"), "max_file_mb": materials.MAX_FILE_BYTES // (1024 * 1024),
            "accepted_types": file_types.ACCEPTED_LABEL}
