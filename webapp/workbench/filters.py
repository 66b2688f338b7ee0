"""The inbox's filter form: URL parameters in, an engine.inbox.InboxFilter out, with a Chinese message
for every value that could not be used (that value is left out; the page still shows)."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from engine.inbox import SORTS, WARNINGS, InboxFilter
from engine.models import Item
from engine.status import CaseStatus

MAX_TEXT = 100


def from_args(args) -> tuple[InboxFilter, list[str]]:
    """The filter in a query string (the inbox) or a posted form (saving a filter)."""
    problems, values = [], {}
    for key in ("item", "applicant", "case_no"):
        text = (args.get(key) or "").strip()
        if len(text) > MAX_TEXT:
            problems.append(_("筛选条件过长（最多 %(n)s 字），已忽略。", n=MAX_TEXT))
        elif text:
            values[key] = text
    status = (args.get("status") or "").strip()
    if status:
        if status.isdigit() and int(status) in CaseStatus._value2member_map_:
            values["status"] = int(status)
        else:
            problems.append(_("办件状态“%(value)s”无效，已忽略。", value=status[:20]))
    warning = (args.get("warning") or "").strip()
    if warning:
        if warning in WARNINGS:
            values["warning"] = warning
        else:
            problems.append(_("预警等级“%(value)s”无效，已忽略。", value=warning[:20]))
    due = (args.get("due_before") or "").strip()
    if due:
        try:
            values["due_before"] = date.fromisoformat(due)
        except ValueError:
            problems.append(_("截止日期“%(value)s”不是有效日期（如 2026-12-31），已忽略。", value=due[:20]))
    sort = (args.get("sort") or "received").strip()
    if sort in SORTS:
        values["sort"] = sort
    else:
        problems.append(_("排序方式无效，已按到达时间排序。"))
    return InboxFilter(**values), problems


def item_choices(session) -> list[tuple[str, str]]:
    return list(session.execute(select(Item.code, Item.name).where(Item.retired_at.is_(None)).order_by(Item.code)))


STATUS_CHOICES = [(int(status), status.label) for status in CaseStatus]
WARNING_LABELS = {"normal": _l("正常"), "yellow": _l("黄牌预警"), "red": _l("红牌超期")}
