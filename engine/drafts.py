"""Application drafts: the form as far as the applicant has filled it, saved on the server as they type.

A draft is not validated (a half-filled form is the point), but it is bounded: only the fields the item's
form knows are kept, its size is capped, material lists hold short file ids. One open draft per account and
item; the server copy is the truth, so the application can be resumed on another device.

Submitting consumes the draft in the transaction that creates the case (`engine.cases.submit(...,
draft_id=, draft_digest=)`): the row is locked, its content must still be what the applicant reviewed
(`digest`), and it is marked with the case. A second confirmation (double click, retried POST) finds it
consumed and is told which case was made (`AlreadySubmitted`), so one review never makes two cases.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import clock, versions
from .db import Database
from .errors import Conflict, InvalidInput, InvalidState, NotFound
from .i18n import _
from .models import ApplicationDraft, Case, Item, User
from .prefill import form_fields

MAX_DRAFT_BYTES = 256 * 1024  # a filled form is a few KB; this only stops abuse
MAX_FILES_PER_MATERIAL = 50
MAX_FILE_ID_LENGTH = 64


class AlreadySubmitted(InvalidState):
    """The draft was submitted already: `case_id` / `case_no` name the case it became."""

    def __init__(self, case_id: int, case_no: str):
        super().__init__(_("该申请已经提交，办件编号 %(no)s。请勿重复提交。", no=case_no))
        self.case_id, self.case_no = case_id, case_no


class DraftChanged(InvalidState):
    """The draft is no longer what the applicant reviewed (saved over from another tab or device)."""


@dataclass(frozen=True)
class DraftState:
    """What the browser needs to know about a saved draft."""

    id: int
    version: int
    updated_at: datetime
    digest: str


def open_draft(session: Session, user_id: int, item_id: int) -> ApplicationDraft | None:
    """The account's open (not yet submitted) draft of an item, if any."""
    return session.scalar(select(ApplicationDraft).where(
        ApplicationDraft.user_id == user_id, ApplicationDraft.item_id == item_id, ApplicationDraft.case_id.is_(None)))


def drafts_of(session: Session, user: User) -> list[ApplicationDraft]:
    """The account's open drafts, most recently edited first (for "我的草稿")."""
    return list(session.scalars(select(ApplicationDraft).where(
        ApplicationDraft.user_id == user.id, ApplicationDraft.case_id.is_(None))
        .order_by(ApplicationDraft.updated_at.desc(), ApplicationDraft.id.desc())))


def digest(data: dict, on_behalf: dict | None, materials: dict | None) -> str:
    """A fingerprint of a draft's content: the review page carries it, confirming checks it."""
    canonical = json.dumps([data, on_behalf, materials or {}], ensure_ascii=False, sort_keys=True,
                           separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def state_of(draft: ApplicationDraft) -> DraftState:
    return DraftState(draft.id, draft.version, draft.updated_at, digest(draft.data, draft.on_behalf, draft.materials))


def save(db: Database, user: User, item_code: str, data: dict, on_behalf: dict | None = None,
         materials: dict | None = None) -> DraftState:
    """Create or overwrite the account's open draft of an item with what the form holds now (last write wins;
    the version counts the saves). Unknown fields are dropped; an oversized draft is refused."""
    for _attempt in range(3):
        try:
            return _save(db, user, item_code, data, on_behalf, materials)
        except Conflict:
            continue  # two first saves raced to create the draft: the loser now finds it and updates it
    raise Conflict(_("草稿保存冲突，请稍后重试。"))


def _save(db, user, item_code, data, on_behalf, materials) -> DraftState:
    now = clock.now()
    with db.write() as session:
        item, version = _item_and_version(session, item_code)
        kept = known_fields(version.form_schema(version.application_form) or {}, data)
        files = _materials(version.guide, materials)
        if len(json.dumps([kept, on_behalf, files], ensure_ascii=False, default=str).encode()) > MAX_DRAFT_BYTES:
            raise InvalidInput(_("草稿内容过大，无法保存。"), {"": [_("草稿内容过大，请精简后再保存。")]})
        draft = session.scalar(select(ApplicationDraft).where(
            ApplicationDraft.user_id == user.id, ApplicationDraft.item_id == item.id,
            ApplicationDraft.case_id.is_(None)).with_for_update())
        if draft is None:
            draft = ApplicationDraft(user_id=user.id, item_id=item.id, version=0, created_at=now, materials={})
            session.add(draft)
        draft.data, draft.on_behalf, draft.materials = kept, on_behalf, files
        draft.version, draft.updated_at = draft.version + 1, now
        session.flush()
        return state_of(draft)


def delete(db: Database, user: User, draft_id: int) -> str:
    """Discard one of the account's open drafts and return its item's code (the browser's local copy of that
    form goes too); another account's draft is 'not found'."""
    with db.write() as session:
        draft = session.get(ApplicationDraft, draft_id, with_for_update=True)
        if draft is None or draft.user_id != user.id or draft.case_id is not None:
            raise NotFound(_("草稿不存在。"))
        code = draft.item.code
        session.delete(draft)
        return code


def claim_for_submit(session: Session, draft_id: int, owner: User | None, reviewed: str | None,
                     application: dict) -> ApplicationDraft:
    """Inside the submitting transaction: lock the draft and check it may become a case now.

    Already consumed: `AlreadySubmitted` naming the case. Someone else's: `NotFound`. Changed since the
    review (another tab or device saved over it), or the application passed is not the draft's: `DraftChanged`.
    (Neither is a `Conflict`: `submit` retries those, as they mean a case number collision.)"""
    draft = session.scalar(select(ApplicationDraft).where(ApplicationDraft.id == draft_id).with_for_update())
    if draft is None or owner is None or draft.user_id != owner.id:
        raise NotFound(_("草稿不存在。"))
    if draft.case_id is not None:
        case_no = session.scalar(select(Case.case_no).where(Case.id == draft.case_id))
        raise AlreadySubmitted(draft.case_id, case_no or "")
    current = digest(draft.data, draft.on_behalf, draft.materials)
    if reviewed is None or current != reviewed or digest(application, draft.on_behalf, draft.materials) != reviewed:
        raise DraftChanged(_("草稿在核对后又被修改（可能在其他页面或设备上），请重新核对后再提交。"))
    return draft


def mark_consumed(draft: ApplicationDraft, case: Case) -> None:
    """The draft became `case`: remember which (for a repeated confirmation) and drop its copy of the data
    (the case holds it now). The case's `submit` audit event names the draft."""
    draft.case_id, draft.consumed_at = case.id, clock.now()
    draft.data, draft.on_behalf = {}, None


def known_fields(schema: dict, value):
    """`value` with every key the schema does not define removed (nested objects and arrays too)."""
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if (kind == "object" or "properties" in schema) and isinstance(value, dict):
        fields = form_fields(schema)
        return {name: known_fields(fields[name], child) for name, child in value.items() if name in fields}
    if (kind == "array" or "items" in schema) and isinstance(value, list):
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        return [known_fields(items, child) for child in value[:500]]
    if isinstance(value, (dict, list)):
        return None if kind not in (None, "object", "array") else value
    return value


def _materials(guide: dict, materials: dict | None) -> dict:
    """Material id -> file ids, for the item's materials only; the ids themselves are opaque here."""
    if not materials:
        return {}
    known = {m.get("id") for m in guide.get("materials") or [] if m.get("id")}
    kept = {}
    for material_id, files in materials.items():
        if material_id not in known or not isinstance(files, list):
            continue
        ids = [str(f) for f in files if isinstance(f, (str, int)) and 0 < len(str(f)) <= MAX_FILE_ID_LENGTH]
        kept[material_id] = ids[:MAX_FILES_PER_MATERIAL]
    return kept


def _item_and_version(session: Session, item_code: str):
    item = session.scalar(select(Item).where(Item.code == item_code, Item.retired_at.is_(None)))
    if item is None or item.current_version_id is None:
        raise NotFound(_("事项 %(code)s 不存在或已停止办理。", code=item_code))
    return item, versions.content(session, item.current_version_id)
