"""Creating a brand-new item in the browser: an unpublished `Item` row and its first draft.

The draft starts from a minimal valid bundle: the item file with the analyst's guide metadata, a diagram
with the pre-review every item has (the window's pre-review, candidate group chosen from the real groups,
branching to acceptance, the applicant's supplement, refusal and non-acceptance), an empty application form, and the shared forms (`common/...`) the installation's current versions use, so
the modeler's form list has them. The item stays out of the portal (no current version) until the draft is
published; discarding that draft removes the never-published item again.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import audit, clock
from .bundles.loader import ITEM_SCHEMA
from .bundles.settings import apply_settings
from .db import Database
from .definition import guide_yaml
from .errors import Forbidden, InvalidInput
from .i18n import _
from .models import Department, Group, Item, ItemDraft, ItemVersion, User
from .permissions import may_define_item, may_define_items

_CODE = re.compile(ITEM_SCHEMA["properties"]["code"]["pattern"])
FIRST_TASK = "pre_review"  # the starting diagram's user task (id), the window's pre-review
APPLICATION_FORM = "apply"
# The starting diagram, laid out for bpmn-js; `{stem}`, `{name}` and `{task}` are filled in.
_DIAGRAM = Path(__file__).resolve().parent / "data" / "new_item.bpmn"
RESERVED_CODES = frozenset({"new", "import"})  # words of the admin pages' own URLs (/admin/items/new)


@dataclass(frozen=True)
class NewItem:
    """What the analyst gives for a new item; limits in working days."""

    code: str
    name: str
    item_type: str
    department: str  # department code
    service_objects: list[str]
    case_kind: str
    statutory_days: int
    promised_days: int
    group: str  # candidate group code of the first step
    level: str | None = None  # default: the department's level


def _enum(name: str) -> list:
    return list(ITEM_SCHEMA["properties"][name]["enum"])


def _check(session: Session, user: User, new: NewItem) -> tuple[dict[str, list[str]], Department | None]:
    """Every problem of the input at once, keyed by field; the department when the user may define it."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    code = new.code.strip()
    if not code:
        add("code", _("请填写实施编码"))
    elif not _CODE.match(code):
        add("code", _("实施编码只能含英文字母、数字、下划线和连字符，长度 3 到 64 位"))
    elif code.lower() in RESERVED_CODES:
        add("code", _("“%(code)s”是系统保留的名称，不能用作实施编码", code=code))
    elif session.scalar(select(Item.id).where(func.lower(Item.code) == code.lower())) is not None:
        add("code", _("实施编码 %(code)s 已被其他事项使用", code=code))
    name = new.name.strip()
    if len(name) < 2 or len(name) > 200:
        add("name", _("请填写事项名称（2 到 200 个字）"))
    if new.item_type not in _enum("item_type"):
        add("item_type", _("请选择事项类型"))
    department = None
    if new.department:
        department = session.scalar(select(Department).where(Department.code == new.department))
    if department is None:
        add("department", _("请选择所属部门"))
    elif not may_define_item(user, department.id):
        add("department", _("您只能为本部门新建事项"))
        department = None
    if new.level is not None and new.level not in _enum("level"):
        add("level", _("请选择层级"))
    objects = ITEM_SCHEMA["properties"]["service_objects"]["items"]["enum"]
    if not new.service_objects or any(o not in objects for o in new.service_objects):
        add("service_objects", _("请至少选择一类服务对象（自然人、法人）"))
    if new.case_kind not in _enum("case_kind"):
        add("case_kind", _("请选择办件类型（即办件或承诺件）"))
    for field, days in (("statutory_days", new.statutory_days), ("promised_days", new.promised_days)):
        if not isinstance(days, int) or not 0 <= days <= 3650:
            add(field, _("时限须为 0 到 3650 的整数（工作日）"))
    limits_read = not errors.get("statutory_days") and not errors.get("promised_days")
    if limits_read and new.promised_days > new.statutory_days:
        add("promised_days", _("承诺时限不能长于法定时限"))
    if not new.group or session.scalar(select(Group.id).where(Group.code == new.group)) is None:
        add("group", _("请从已有的组中选择第一步的办理组"))
    return errors, department


def stem_for(session: Session, code: str) -> str:
    """The bundle stem (file and process name) for a code: lower case, `_` for `-`, a letter first, and not
    one another item's version or draft already uses."""
    base = re.sub(r"[^a-z0-9_]", "_", code.lower())
    base = base if base[:1].isalpha() else f"item_{base}"
    taken = set(session.scalars(select(ItemVersion.stem).distinct()))
    taken |= set(session.scalars(select(ItemDraft.stem)))
    stem, n = base, 2
    while stem in taken:
        stem, n = f"{base}_{n}", n + 1
    return stem


def starting_diagram(stem: str, name: str, group: str) -> str:
    """The pre-review every item starts with (《行政许可法》第三十二条), laid out: the window's pre-review
    (form `pre_review`, the chosen group) decides accept → end_approved, supplement → the applicant's
    supplement and back, refuse → end_refused, otherwise not accepted → end_not_accepted. The analyst
    inserts the later steps on the accept flow. The tasks' settings are written by the modeler's own
    writer (spiff-arena properties)."""
    xml = _DIAGRAM.read_text(encoding="utf-8").format(stem=stem, name=_xml_text(name), task=FIRST_TASK)
    xml = apply_settings(xml, FIRST_TASK, {"form": "pre_review", "group": group, "caseStep": "pre_review"})
    return apply_settings(xml, "supplement", {"form": "supplement", "group": "applicant", "caseStep": "supplement"})


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def shared_forms(session: Session) -> dict[str, dict]:
    """The `common/...` forms of the current versions (the newest version's copy of each)."""
    found: dict[str, dict] = {}
    rows = session.execute(select(ItemVersion.forms).join(Item, Item.current_version_id == ItemVersion.id)
                           .order_by(ItemVersion.published_at)).scalars()
    for forms in rows:
        found.update({key: form for key, form in forms.items() if key.startswith("common/")})
    return dict(sorted(found.items()))


def create_item(db: Database, user: User, new: NewItem) -> ItemDraft:
    """Create an unpublished item and its first draft (audit `item_created`). Refused with every problem in
    Chinese by field (InvalidInput), nothing written; Forbidden for anyone who may not define items."""
    if not may_define_items(user):
        raise Forbidden(_("您无权新建事项"))
    with db.write() as session:
        errors, department = _check(session, user, new)
        if errors:
            raise InvalidInput(_("事项未创建，请修改标出的内容"), errors)
        code, name = new.code.strip(), new.name.strip()
        stem = stem_for(session, code)
        guide = {"code": code, "name": name, "item_type": new.item_type, "department": department.code,
                 "level": new.level or department.level, "service_objects": list(new.service_objects),
                 "case_kind": new.case_kind,
                 "statutory_limit": {"value": new.statutory_days, "unit": "workday"},
                 "promised_limit": {"value": new.promised_days, "unit": "workday"}, "process": stem,
                 "application_form": APPLICATION_FORM, "online": True, "materials": []}
        item = Item(code=code, name=name, item_type=new.item_type, department_id=department.id,
                    level=guide["level"], case_kind=new.case_kind, search_text="", internal=False)
        session.add(item)
        session.flush()
        application = {"type": "object", "title": _("%(name)s申请表", name=name), "properties": {}}
        forms = {f"{stem}/{APPLICATION_FORM}": {"schema": application, "ui": {}}, **shared_forms(session)}
        draft = ItemDraft(item_id=item.id, stem=stem, item_yaml=guide_yaml(guide),
                          bpmn_xml=starting_diagram(stem, name, new.group), diagrams={}, forms=forms,
                          based_on_version_id=None, author_id=user.id, updated_at=clock.now())
        session.add(draft)
        audit.record(session, "item_created", actor=user, department_code=department.code,
                     detail={"item": code, "name": name, "stem": stem, "group": new.group})
        session.flush()
        return draft
