"""Applicants' materials (申请材料): files checked by content, a personal library, attached to cases.

`store` keeps an upload: at most `MAX_FILE_BYTES`, its type told by its content (`engine.file_types`), written
under the uploads dir as `<yyyy>/<mm>/<random hex>` (never the applicant's file name) through a temporary file
and a rename, so a reader never sees half a file. Each file has a random public id; URLs, drafts and forms
carry only that.

The library (材料库) is the owner's files not deleted from it: a business licence uploaded once is offered in
every later application. Deleting takes a file out of the library only; cases it was given to keep it.

`attach` gives files to a new case inside the submitting transaction (round 1); `revise` does it for a
supplement answer, for the materials the supplement request names only (round 2, 3 ...). Earlier rounds are
kept; a material's current files are those of its latest round. Who may read a file is
`engine.permissions.may_read_material`.
"""
from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import audit, clock, config, file_types, versions
from .db import Database
from .errors import InvalidInput, NotFound
from .i18n import _
from .models import Case, CaseMaterial, StoredFile, User

MAX_FILE_BYTES = 20 * 1024 * 1024  # a scanned multi-page licence is a few MB; beyond this, compress or split
MAX_FILES_PER_MATERIAL = 50
MAX_NAME_CHARS = 120
MAX_DAILY_FILES = 300  # per account and 24 hours: generous for any application, a limit for abuse
MAX_DAILY_BYTES = 2 * 1024 ** 3
LIBRARY_SIZE = 500  # the newest files offered again; older ones stay readable through their cases
CHUNK = 1024 * 1024


class TooLarge(InvalidInput):
    """The upload is over `MAX_FILE_BYTES` (the web layer answers 413)."""


@dataclass
class MaterialFiles:
    """One material of a case for display: its current files (latest round) and the earlier rounds."""

    material_id: str
    name: str
    required: bool
    electronic: bool
    round: int | None
    files: list[StoredFile]
    history: list[tuple[int, list[StoredFile]]] = field(default_factory=list)  # newest earlier round first


# -- storing ----------------------------------------------------------------------------------------------------

def store(db: Database, owner: User, filename: str, stream: BinaryIO, *, label: str | None = None,
          uploads_dir: Path | str | None = None) -> StoredFile:
    """Keep one upload of `owner` and return its row. Refused (`InvalidInput`, nothing on disk) when empty,
    over `MAX_FILE_BYTES` (`TooLarge`), or not a PDF, JPEG, PNG or OFD by its content.

    `uploads_dir` defaults to ONEWINDOW_UPLOAD_DIR (else <ONEWINDOW_DATA_DIR>/uploads); the web app passes
    its configured one."""
    name = clean_name(filename)
    head = _read_head(stream)
    if not head:
        _refuse(_("“%(name)s”是空文件，请重新选择。", name=name))
    mime = file_types.detect(head)
    if mime is None:
        _refuse(_not_accepted(name))
    _check_daily_allowance(db, owner)
    root = Path(uploads_dir) if uploads_dir else config.uploads_dir_from_env()
    local = clock.local_now()
    relative = f"{local:%Y}/{local:%m}/{secrets.token_hex(16)}"
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary, size, digest = _write_temporary(target.parent, head, stream, name)
    try:
        if mime == file_types.OFD and not file_types.is_ofd(temporary):
            _refuse(_not_accepted(name))
        os.replace(temporary, target)
        with db.write() as session:
            row = StoredFile(public_id=secrets.token_urlsafe(18), owner_id=owner.id,
                             name=file_types.display_name(mime, name), label=(label or "").strip()[:100] or None,
                             size=size, sha256=digest, mime=mime, path=relative, created_at=clock.now())
            session.add(row)
            session.flush()
        return row
    except BaseException:
        temporary.unlink(missing_ok=True)
        target.unlink(missing_ok=True)
        raise


def clean_name(filename: str | None) -> str:
    """The file name as the applicant knew it, made safe to show: no folders, no control or direction-
    override characters, at most `MAX_NAME_CHARS` (the extension kept)."""
    name = unicodedata.normalize("NFC", filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".").strip()
    if not name:
        return _("未命名文件")
    if len(name) > MAX_NAME_CHARS:
        stem, ext = os.path.splitext(name)
        ext = ext if len(ext) <= 10 else ""
        name = stem[:MAX_NAME_CHARS - len(ext)] + ext
    return name


def path_of(stored: StoredFile, uploads_dir: Path | str | None = None) -> Path:
    """Where the file's bytes are on disk."""
    root = Path(uploads_dir) if uploads_dir else config.uploads_dir_from_env()
    return root / stored.path


def _check_daily_allowance(db: Database, owner: User) -> None:
    """An account may upload `MAX_DAILY_FILES` files or `MAX_DAILY_BYTES` in 24 hours (a disk-filling guard)."""
    with db.read() as session:
        files, used = session.execute(select(func.count(StoredFile.id), func.coalesce(func.sum(StoredFile.size), 0))
                                      .where(StoredFile.owner_id == owner.id,
                                             StoredFile.created_at >= clock.now() - timedelta(days=1))).one()
    if files >= MAX_DAILY_FILES or used >= MAX_DAILY_BYTES:
        _refuse(_("您今天上传的文件已达上限（%(n)s 个或 %(gb)s GB），请明天再上传，或从材料库选用已上传的文件。",
                  n=MAX_DAILY_FILES, gb=MAX_DAILY_BYTES // 1024 ** 3))


def _not_accepted(name: str) -> str:
    return _("“%(name)s”的实际内容不是可接受的文件格式。只接受 %(types)s 文件（按文件内容识别，改扩展名无效）。",
             name=name, types=file_types.ACCEPTED_LABEL)


def _refuse(message: str, error=InvalidInput):
    raise error(message, {"file": [message]})


def _read_head(stream: BinaryIO) -> bytes:
    head = b""
    while len(head) < file_types.HEAD_BYTES:
        chunk = stream.read(file_types.HEAD_BYTES - len(head))
        if not chunk:
            break
        head += chunk
    return head


def _write_temporary(folder: Path, head: bytes, stream: BinaryIO, name: str) -> tuple[Path, int, str]:
    """Copy the upload to a temporary file beside its final place, hashing and counting as it goes."""
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
    path = Path(temporary)
    sha, size = hashlib.sha256(), 0
    try:
        with os.fdopen(handle, "wb") as out:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    _refuse(_("“%(name)s”超过 %(mb)s MB，请压缩或拆分后上传。", name=name,
                              mb=MAX_FILE_BYTES // (1024 * 1024)), TooLarge)
                sha.update(chunk)
                out.write(chunk)
                chunk = stream.read(CHUNK)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, size, sha.hexdigest()


# -- the library --------------------------------------------------------------------------------------------------

def library(session: Session, owner: User) -> list[StoredFile]:
    """The owner's files offered again in later applications, newest first."""
    return list(session.scalars(select(StoredFile).where(StoredFile.owner_id == owner.id,
                                                         StoredFile.deleted_at.is_(None))
                                .order_by(StoredFile.created_at.desc(), StoredFile.id.desc()).limit(LIBRARY_SIZE)))


def own_file(session: Session, owner: User, file_id: str) -> StoredFile:
    """One of the owner's library files; anyone else's (or a deleted one) is `NotFound`."""
    row = find(session, file_id)
    if row is None or row.owner_id != owner.id or row.deleted_at is not None:
        raise NotFound(_("文件不存在。"))
    return row


def find(session: Session, file_id: str) -> StoredFile | None:
    if not isinstance(file_id, str) or not 0 < len(file_id) <= 32:
        return None
    return session.scalar(select(StoredFile).where(StoredFile.public_id == file_id))


def files_by_id(session: Session, file_ids) -> dict[str, StoredFile]:
    """Rows of these public ids (unknown ones left out), for showing a draft's or a form's choices."""
    ids = sorted({f for f in file_ids if isinstance(f, str) and 0 < len(f) <= 32})
    if not ids:
        return {}
    return {row.public_id: row for row in session.scalars(select(StoredFile).where(StoredFile.public_id.in_(ids)))}


def delete(db: Database, owner: User, file_id: str) -> None:
    """Take a file out of the owner's library. Cases it was given to keep it (and its bytes)."""
    with db.write() as session:
        row = own_file(session, owner, file_id)
        row.deleted_at = clock.now()


# -- files given to a case ----------------------------------------------------------------------------------------

def is_electronic(material: dict) -> bool:
    """May the material be uploaded? Not when it is handed in on paper only; no `medium` means electronic."""
    return (material.get("medium") or "electronic") in ("electronic", "both")


def must_upload(material: dict) -> bool:
    """Must an online application carry the material as a file? Required and electronic only: one that may
    come on paper or electronically (`both`) may still be brought to the window."""
    return bool(material.get("required")) and (material.get("medium") or "electronic") == "electronic"


def check(session: Session, guide: dict, materials: dict | None, owner: User | None, *, enforce_required: bool,
          case: Case | None = None) -> tuple[dict[str, list[StoredFile]], dict[str, list[str]]]:
    """The files chosen per material, and the problems found (keys `materials.<id>`), without writing.

    A file must be the owner's own library file, or (with `case`) one the case already holds. With
    `enforce_required` every required electronic-only material (`must_upload`) needs at least one file."""
    known = {m["id"]: m for m in guide.get("materials") or [] if m.get("id")}
    errors: dict[str, list[str]] = {}
    chosen: dict[str, list[str]] = {}
    if materials is not None and not isinstance(materials, dict):
        return {}, {"materials": [_("申请材料的格式不正确。")]}
    for material_id, ids in (materials or {}).items():
        key = f"materials.{material_id}"
        if material_id not in known:
            errors[key] = [_("本事项没有这项申请材料。")]
        elif not isinstance(ids, list) or not all(isinstance(f, str) for f in ids):
            errors[key] = [_("申请材料的格式不正确。")]
        elif ids and not is_electronic(known[material_id]):
            errors[key] = [_("“%(name)s”须提交纸质材料，无需上传。", name=known[material_id].get("name"))]
        elif len(set(ids)) > MAX_FILES_PER_MATERIAL:
            errors[key] = [_("每项材料最多上传 %(n)s 个文件。", n=MAX_FILES_PER_MATERIAL)]
        else:
            chosen[material_id] = list(dict.fromkeys(ids))
    rows = files_by_id(session, [f for ids in chosen.values() for f in ids])
    held = _held_by(session, case, [row.id for row in rows.values()]) if case is not None else set()
    resolved: dict[str, list[StoredFile]] = {}
    for material_id, ids in chosen.items():
        files = [rows.get(f) for f in ids]
        if any(row is None or not _may_use(row, owner, held) for row in files):
            errors[f"materials.{material_id}"] = [_("所选文件不存在、已删除或不属于您，请重新上传。")]
        elif files:
            resolved[material_id] = files
    if enforce_required:
        for material_id, material in known.items():
            if must_upload(material) and material_id not in resolved:
                errors.setdefault(f"materials.{material_id}", [
                    _("请上传“%(name)s”。", name=material.get("name") or material_id)])
    return resolved, errors


def attach(session: Session, case: Case, item_guide: dict, materials: dict | None, owner: User | None, *,
           enforce_required: bool) -> None:
    """Inside the submitting transaction: give the chosen files to the new case (round 1). Any problem
    raises `InvalidInput` (keys `materials.<id>`) and, the transaction rolling back, nothing is stored."""
    resolved, errors = check(session, item_guide, materials, owner, enforce_required=enforce_required)
    if errors:
        raise invalid(errors)
    _write_round(session, case, resolved, 1, owner)


def invalid(errors: dict[str, list[str]]) -> InvalidInput:
    return InvalidInput(_("申请材料有误，请按提示修改。"), errors)


def revise(session: Session, case: Case, materials: dict, owner: User, allowed: set[str],
           round: int | None = None) -> list[str]:
    """Inside a supplement answer's transaction: new files for the materials the request names (`allowed`).

    `materials` maps material ids to the complete new list of file ids (the current ones kept, others added).
    A material not named may only come back unchanged; a named one may not be left empty. Returns the ids of
    the materials that changed, written as `round` (default: the case's latest round + 1)."""
    guide = versions.content(session, case.item_version_id).guide
    names = {m["id"]: m.get("name") or m["id"] for m in guide.get("materials") or [] if m.get("id")}
    resolved, errors = check(session, guide, materials, owner, enforce_required=False, case=case)
    current = {m.material_id: [f.public_id for f in m.files] for m in case_materials(session, case)}
    changed = []
    for material_id, ids in (materials or {}).items():
        key = f"materials.{material_id}"
        if key in errors or list(dict.fromkeys(ids)) == current.get(material_id, []):
            continue
        if material_id not in allowed:
            errors[key] = [_("补正告知书未要求补正“%(name)s”，不能更改。", name=names[material_id])]
        elif not ids:
            errors[key] = [_("请上传补正后的“%(name)s”。", name=names[material_id])]
        else:
            changed.append(material_id)
    if errors:
        raise invalid(errors)
    if not changed:
        return []
    if round is None:
        last = session.scalar(select(func.max(CaseMaterial.round)).where(CaseMaterial.case_id == case.id))
        round = (last or 1) + 1
    _write_round(session, case, {m: resolved[m] for m in changed}, round, owner)
    audit.record(session, "materials_revised", case=case, actor=owner,
                 detail={"round": round, "materials": changed})
    return changed


def current_choice(session: Session, case: Case) -> dict[str, list[str]]:
    """Material id -> public ids of its current files: what a supplement form starts from."""
    return {m.material_id: [f.public_id for f in m.files] for m in case_materials(session, case) if m.files}


def case_materials(session: Session, case: Case) -> list[MaterialFiles]:
    """Every material of the case's guide (then any other id the case holds) with its current files and
    the earlier rounds, in the guide's order."""
    guide = versions.content(session, case.item_version_id).guide
    rows = session.execute(select(CaseMaterial, StoredFile).join(StoredFile, StoredFile.id == CaseMaterial.file_id)
                           .where(CaseMaterial.case_id == case.id)
                           .order_by(CaseMaterial.round.desc(), CaseMaterial.position)).all()
    rounds: dict[str, dict[int, list[StoredFile]]] = {}
    for link, stored in rows:
        rounds.setdefault(link.material_id, {}).setdefault(link.round, []).append(stored)
    listed = [m for m in guide.get("materials") or [] if m.get("id")]
    listed += [{"id": m, "name": m} for m in rounds if m not in {x["id"] for x in listed}]
    result = []
    for material in listed:
        by_round = rounds.get(material["id"], {})
        ordered = sorted(by_round.items(), reverse=True)
        latest, files = ordered[0] if ordered else (None, [])
        result.append(MaterialFiles(material["id"], material.get("name") or material["id"],
                                    bool(material.get("required")), is_electronic(material), latest, files,
                                    ordered[1:]))
    return result


def case_file(session: Session, case: Case, file_id: str) -> StoredFile:
    """A file the case holds (any round); `NotFound` otherwise."""
    row = find(session, file_id)
    if row is None or not _held_by(session, case, [row.id]):
        raise NotFound(_("文件不存在。"))
    return row


def _held_by(session: Session, case: Case, file_ids: list[int]) -> set[int]:
    if not file_ids:
        return set()
    return set(session.scalars(select(CaseMaterial.file_id).where(CaseMaterial.case_id == case.id,
                                                                  CaseMaterial.file_id.in_(file_ids))))


def _may_use(row: StoredFile, owner: User | None, held: set[int]) -> bool:
    if row.id in held:
        return True
    return owner is not None and row.owner_id == owner.id and row.deleted_at is None


def _write_round(session: Session, case: Case, resolved: dict[str, list[StoredFile]], round: int,
                 owner: User | None) -> None:
    now = clock.now()
    for material_id, files in resolved.items():
        for position, stored in enumerate(files):
            session.add(CaseMaterial(case_id=case.id, material_id=material_id, file_id=stored.id, round=round,
                                     position=position, attached_at=now,
                                     attached_by_id=owner.id if owner is not None else None))
