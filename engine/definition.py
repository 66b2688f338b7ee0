"""Defining items in the browser: draft bundles, checking them with the bundle checker, publishing, retiring.

A draft holds the same texts as a bundle on disk (item YAML, diagrams, forms). Checking runs the loader of
`onewindow check` on them (engine.bundles.load_bundle_texts) against the organisation in the database;
publishing goes through `catalogue.deploy_bundle`, so a version made in the browser is the same kind of
immutable ItemVersion as one loaded from files.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit, clock
from .bundles import Bundle, Organisation, Problem, load_bundle_texts
from .catalogue import Deployed, deploy_bundle
from .db import Database
from .errors import Conflict, InvalidInput, InvalidState, NotFound
from .i18n import _
from .models import Department, Group, Item, ItemDraft, ItemVersion, User
from .permissions import may_define_item

MAX_TEXT_BYTES = 1024 * 1024


@dataclass(frozen=True)
class DraftCheck:
    """The checker's verdict on a draft: problems (errors block publishing) and the bundle when valid."""

    problems: list[Problem]
    bundle: Bundle | None

    @property
    def ok(self) -> bool:
        return self.bundle is not None and not any(p.severity == "error" for p in self.problems)


def organisation(session: Session) -> Organisation:
    """The organisation as the checker needs it, read from the database (what cases will run against)."""
    departments = session.scalars(select(Department).order_by(Department.sort, Department.id)).all()
    codes = {d.id: d.code for d in departments}
    return Organisation(
        departments=[{"code": d.code, "name": d.name, "level": d.level, "parent_code": codes.get(d.parent_id),
                      "windows": list(d.windows or [])} for d in departments],
        groups=[{"code": g.code, "name": g.name, "department": codes.get(g.department_id)}
                for g in session.scalars(select(Group).order_by(Group.code))])


def item_for(session: Session, user: User, code: str) -> Item:
    """The item an analyst may define, or NotFound (another department's item is not revealed)."""
    item = session.scalar(select(Item).where(Item.code == code))
    if item is None or not may_define_item(user, item.department_id):
        raise NotFound(_("事项不存在"))
    return item


def guide_yaml(guide: dict) -> str:
    """The item file's YAML text for a published guide (defaults included, key order kept)."""
    return yaml.safe_dump(guide, allow_unicode=True, sort_keys=False, width=100)


def start_draft(db: Database, user: User, code: str) -> ItemDraft:
    """The item's draft; a new one copied from the current version when there is none (idempotent)."""
    with db.write() as session:
        item = item_for(session, user, code)
        draft = session.get(ItemDraft, item.id)
        if draft is not None:
            return draft
        version = session.get(ItemVersion, item.current_version_id) if item.current_version_id else None
        if version is None:
            raise InvalidState(_("该事项还没有发布过版本，无法从当前版本开始编辑"))
        main = f"{version.stem}.bpmn"
        draft = ItemDraft(item_id=item.id, stem=version.stem, item_yaml=guide_yaml(version.guide),
                          bpmn_xml=version.diagrams[main],
                          diagrams={k: v for k, v in version.diagrams.items() if k != main},
                          forms=dict(version.forms), based_on_version_id=version.id, author_id=user.id,
                          updated_at=clock.now())
        session.add(draft)
        audit.record(session, "item_draft_started", actor=user, department_code=item.department.code,
                     detail={"item": item.code, "from_version": version.version_no})
        session.flush()
        return draft


def draft_of(db: Database, user: User, code: str) -> ItemDraft | None:
    with db.read() as session:
        item = item_for(session, user, code)
        return session.get(ItemDraft, item.id)


def stamp(draft: ItemDraft) -> str:
    """The draft's edit stamp: an editor sends back the one it loaded, so a save over someone else's newer
    save is refused instead of silently undoing it."""
    return draft.updated_at.isoformat()


def save_draft(db: Database, user: User, code: str, *, item_yaml: str | None = None,
               bpmn_xml: str | None = None, forms: dict | None = None, loaded_stamp: str | None = None) -> ItemDraft:
    """Store edited texts (whatever their state: checking is separate, a draft may be invalid).
    With `loaded_stamp`, refuse (Conflict) when the draft was saved by anyone since that stamp."""
    errors: dict[str, list[str]] = {}
    for field, value in (("item_yaml", item_yaml), ("bpmn_xml", bpmn_xml)):
        if value is not None and len(value.encode("utf-8")) > MAX_TEXT_BYTES:
            errors[field] = [_("内容过大（上限 1 MB）")]
    if bpmn_xml is not None and not bpmn_xml.strip():
        errors["bpmn_xml"] = [_("流程图不能为空")]
    if forms is not None and len(json.dumps(forms, ensure_ascii=False).encode("utf-8")) > 4 * MAX_TEXT_BYTES:
        errors["forms"] = [_("表单内容过大（上限 4 MB）")]
    elif forms is not None and not (isinstance(forms, dict) and all(
            isinstance(f, dict) and isinstance(f.get("schema"), dict) for f in forms.values())):
        errors["forms"] = [_("表单必须是“表单名 → {schema, ui}”的 JSON 对象")]
    if errors:
        raise InvalidInput(_("草稿未保存，请修改标出的内容"), errors)
    with db.write() as session:
        item = item_for(session, user, code)
        draft = session.get(ItemDraft, item.id, with_for_update=True)
        if draft is None:
            raise InvalidState(_("请先开始编辑草稿"))
        if loaded_stamp and loaded_stamp != stamp(draft):
            who = session.get(User, draft.author_id) if draft.author_id else None
            raise Conflict(_("草稿已由 %(who)s 在您打开之后保存过；为免覆盖，请复制您的修改后刷新页面再保存。",
                             who=who.display_name if who else _("他人")))
        if item_yaml is not None:
            draft.item_yaml = item_yaml
        if bpmn_xml is not None:
            draft.bpmn_xml = bpmn_xml
        if forms is not None:
            draft.forms = forms
        draft.author_id, draft.updated_at = user.id, clock.now()
        audit.record(session, "item_draft_saved", actor=user, department_code=item.department.code,
                     detail={"item": item.code, "parts": [n for n, v in (("item", item_yaml), ("diagram", bpmn_xml),
                                                                       ("forms", forms)) if v is not None]})
        return draft


def check_draft(db: Database, user: User, code: str, *, item_yaml: str | None = None,
                bpmn_xml: str | None = None) -> DraftCheck:
    """Run the bundle checker on the draft, plus the rules of publishing from the browser: the item keeps
    its code, and stays in a department the user may define. `item_yaml` / `bpmn_xml` check unsaved text
    in place of the stored one (the live check while typing)."""
    with db.read() as session:
        item = item_for(session, user, code)
        draft = session.get(ItemDraft, item.id)
        if draft is None:
            raise InvalidState(_("请先开始编辑草稿"))
        org = organisation(session)
        departments = {d.code: d.id for d in session.scalars(select(Department))}
    bundle, problems = load_bundle_texts(draft.stem, draft.item_yaml if item_yaml is None else item_yaml,
                                         draft.bpmn_xml if bpmn_xml is None else bpmn_xml, draft.forms, org,
                                         diagrams=draft.diagrams)
    item_file = f"processes/{draft.stem}.item.yaml"
    if bundle is not None and bundle.item["code"] != code:
        problems.append(Problem(item_file, _("实施编码 code 不能改（应为 %(code)s）", code=code),
                                _("新事项请在事项管理中“新建事项”，或用 onewindow load-items 导入")))
    if bundle is not None and not may_define_item(user, departments.get(bundle.item["department"])):
        problems.append(Problem(item_file, _("您只能把事项归属到本部门"), _("department 填本部门编码")))
    errors = any(p.severity == "error" for p in problems)
    return DraftCheck(problems, None if errors else bundle)


def publish_draft(db: Database, user: User, code: str) -> Deployed:
    """Check the draft and publish it as a new immutable version (audit `publish_item`)."""
    verdict = check_draft(db, user, code)
    if not verdict.ok:
        raise InvalidInput(_("草稿有错误，不能发布"), {"": [p.format() for p in verdict.problems
                                                         if p.severity == "error"]})
    deployed = deploy_bundle(db, verdict.bundle, published_by=user.username, actor=user)
    with db.write() as session:  # the draft now continues from what was published
        item = item_for(session, user, code)
        draft = session.get(ItemDraft, item.id)
        if draft is not None:
            draft.based_on_version_id = item.current_version_id
    return deployed


def discard_draft(db: Database, user: User, code: str) -> bool:
    """Delete the item's draft. An item created in the browser and never published goes with it (it has
    nothing else): True when the item itself was removed."""
    with db.write() as session:
        item = item_for(session, user, code)
        draft = session.get(ItemDraft, item.id)
        if draft is None:
            return False
        session.delete(draft)
        audit.record(session, "item_draft_discarded", actor=user, department_code=item.department.code,
                     detail={"item": item.code})
        never_published = item.current_version_id is None and session.scalar(
            select(ItemVersion.id).where(ItemVersion.item_id == item.id).limit(1)) is None
        if never_published:
            session.flush()
            session.delete(item)
            audit.record(session, "item_removed", actor=user, department_code=item.department.code,
                         detail={"item": item.code, "reason": "draft_discarded"})
        return never_published


def retire_item(db: Database, user: User, code: str, reason: str) -> None:
    """Stop new applications for an item (停办); running cases go on on their versions."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请填写停办原因"), {"reason": [_("请填写停办原因")]})
    with db.write() as session:
        item = item_for(session, user, code)
        if item.retired_at is not None:
            raise InvalidState(_("该事项已停办"))
        item.retired_at = clock.now()
        audit.record(session, "retire_item", actor=user, department_code=item.department.code,
                     opinion=reason[:500], detail={"item": item.code})


def reinstate_item(db: Database, user: User, code: str) -> None:
    """Take new applications again (恢复办理)."""
    with db.write() as session:
        item = item_for(session, user, code)
        if item.retired_at is None:
            raise InvalidState(_("该事项正在办理中"))
        item.retired_at = None
        audit.record(session, "reinstate_item", actor=user, department_code=item.department.code,
                     detail={"item": item.code})
