"""Materials in an API submission: files sent base64-encoded in the JSON body, stored as the web upload
stores them (engine.materials: type told by content, size limit), then given to the case by
`engine.cases.submit` in the case's own transaction.

Files are stored before the case, each in its own transaction and outside the Idempotency-Key's guard, so
the key is recorded with the case only. A submission refused afterwards takes its files out of the
caller's library again.
"""
from __future__ import annotations

import base64
import binascii
import io
from contextlib import contextmanager
from typing import Iterator

from flask_babel import gettext as _

from engine import idempotency, materials
from engine.errors import InvalidInput
from engine.models import User

from ..extensions import engine_db
from ..materials_form import uploads_dir
from .problems import Problem


def _decode(content: str) -> bytes | None:
    try:
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        return None


def _store_all(owner: User, posted: dict, stored: list[str]) -> dict[str, list[str]]:
    chosen: dict[str, list[str]] = {}
    errors: dict[str, list[str]] = {}
    too_large = False
    for material_id, files in posted.items():
        key = f"materials.{material_id}"
        for file in files:
            raw = _decode(file["content"])
            if raw is None:
                errors.setdefault(key, []).append(_("“%(name)s”的内容不是有效的 base64 编码。",
                                                    name=materials.clean_name(file["name"])))
                continue
            try:
                with idempotency.unguarded():
                    row = materials.store(engine_db(), owner, file["name"], io.BytesIO(raw), uploads_dir=uploads_dir())
            except InvalidInput as exc:
                too_large = too_large or isinstance(exc, materials.TooLarge)
                errors.setdefault(key, []).append(exc.message)
            else:
                stored.append(row.public_id)
                chosen.setdefault(material_id, []).append(row.public_id)
    if errors:
        if too_large:
            raise Problem(413, "too_large", _("申请材料的文件过大。"), errors)
        raise Problem(400, "material_not_accepted", _("申请材料的文件被拒收，请按提示修改。"), errors)
    return chosen


@contextmanager
def submitted_materials(owner: User, posted: dict | None) -> Iterator[dict | None]:
    """The posted files stored, as `{material id: [file id, ...]}` for `cases.submit`; if anything in the
    block (or the files themselves) is refused, the files stored so far leave the owner's library."""
    if not posted:
        yield None
        return
    stored: list[str] = []
    try:
        yield _store_all(owner, posted, stored)
    except BaseException:
        with idempotency.unguarded():
            for file_id in stored:
                materials.delete(engine_db(), owner, file_id)
        raise
