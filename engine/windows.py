"""The hall windows (窗口) cases are received at: declared per department in organisation.yaml (`windows`,
see docs/portal.md), each `{number, name, area, serves: [department codes]}` or just a name.

A window is known by its key `<hall department code>:<number>` (its name when it has no number): the key
is what a walk-in case stores (`case_file.window`) and what statistics group by. A clerk registers at a
window of their own department or one serving it; the last one they chose is remembered on their row
(`user_account.window`) and offered first next time. Online cases have no window.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import InvalidInput
from .i18n import _
from .models import Department, User

ONLINE = "online"          # the statistics' key for cases with no window: 网上申报
UNRECORDED = "unrecorded"  # walk-in cases registered before windows were recorded
LABELS = {ONLINE: _("网上申报"), UNRECORDED: _("（窗口未记录）")}


@dataclass(frozen=True)
class Window:
    key: str
    number: str
    name: str
    hall_code: str
    hall_name: str
    serves: tuple[str, ...]  # department codes; empty: the hall's own department

    @property
    def label(self) -> str:
        return f"{self.hall_name} {self.name}" if self.name else self.key


def all_windows(session: Session) -> list[Window]:
    """Every window of every department, in the organisation's order."""
    found = []
    for hall in session.scalars(select(Department).order_by(Department.sort, Department.id)):
        for entry in hall.windows or []:
            window = entry if isinstance(entry, dict) else {"name": str(entry)}
            ident = str(window.get("number") or window.get("name") or "").strip()
            if ident:
                found.append(Window(f"{hall.code}:{ident}"[:100], str(window.get("number") or ""),
                                    str(window.get("name") or ident), hall.code, hall.name,
                                    tuple(window.get("serves") or ())))
    return found


def of_clerk(session: Session, clerk: User) -> list[Window]:
    """The windows a clerk may register at: their department's own, and those serving their department."""
    department = session.get(Department, clerk.department_id) if clerk.department_id else None
    if department is None:
        return []
    return [w for w in all_windows(session) if w.hall_code == department.code or department.code in w.serves]


def chosen(session: Session, clerk: User, key: str | None) -> str | None:
    """The window key a clerk registers at, checked: None when their department has no windows, else one of
    theirs (a missing or unknown one is `InvalidInput` on the field `window`)."""
    keys = [w.key for w in of_clerk(session, clerk)]
    if not keys:
        return None
    if key not in keys:
        raise InvalidInput(_("请选择受理窗口。"), {"window": [_("请从列表中选择您所在的受理窗口。")]})
    return key


def labels(session: Session) -> dict[str, str]:
    """Window key -> what people read, with the statistics' keys for no window."""
    return {**{k: str(v) for k, v in LABELS.items()}, **{w.key: w.label for w in all_windows(session)}}
