"""Moving running cases onto a newer version of their item (在办件迁移), where the change is safe.

Running cases stay on the version they started on. When a newer version is published, each running case of an
older one is judged with SpiffWorkflow's own diff (`SpiffWorkflow.bpmn.util.diff`): the steps of its workflow
are aligned with the new diagram, and the case may move only when

- no step that already ran was removed or changed (a new label or description does not count);
- no step it is waiting on now was removed or changed, except its label, lane, candidate group or step limit
  (the task row follows: name, group, department) and its connections to what comes after;
- every running subprocess still exists in the new version.

Steps not reached yet may change freely (a step added after the current one is simply taken later). A move
runs under the case's row lock and re-judges the case there, so a move racing a completion or another move
either sees the finished step or is refused; it is recorded in `case_version_move` and the audit trail.
"""
from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit, calendar_store, clock, progress, versions, workflow_store
from .cases import lock_case
from .db import Database
from .errors import InvalidInput, InvalidState, NotFound
from .i18n import _
from .models import Case, CaseVersionMove, CaseWorkflow, Item, ItemVersion, User
from .permissions import may_define_item
from .status import FINAL

# What may differ on a step that already ran, and on a step the case is waiting on now. Extensions are compared
# inside: `extensions.onewindow` holds a user task's form, group, step limit, case step and result variable.
RAN_TOLERATES = frozenset({"inputs", "bpmn_name", "documentation"})
CURRENT_TOLERATES = RAN_TOLERATES | {"outputs", "lane", "group", "step_limit_days"}
CURRENT = TaskState.READY | TaskState.WAITING | TaskState.STARTED
MAX_LISTED = 500  # cases judged on one page; the rest are moved in later rounds


@dataclass
class Verdict:
    """Whether one running case can move to the target version, and if not, why (one line a step)."""
    case_id: int
    case_no: str
    title: str
    version_no: int
    reasons: list[str] = field(default_factory=list)

    @property
    def movable(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class Moved:
    case_id: int
    case_no: str
    from_version: int
    to_version: int
    tasks: list[dict]


def target_version(session: Session, user: User, item_code: str, version_no: int) -> ItemVersion:
    """A published version of an item the user defines (another department's item is `NotFound`)."""
    item = session.scalar(select(Item).where(Item.code == item_code))
    if item is None or not may_define_item(user, item.department_id):
        raise NotFound(_("事项不存在或不由您管理。"))
    version = session.scalar(select(ItemVersion).where(ItemVersion.item_id == item.id,
                                                       ItemVersion.version_no == version_no))
    if version is None:
        raise NotFound(_("事项 %(code)s 没有第 %(n)s 版。", code=item_code, n=version_no))
    return version


def running_cases(session: Session, target: ItemVersion, limit: int = MAX_LISTED) -> list[Case]:
    """Cases of the target's item still running on an older version, oldest first."""
    older = select(ItemVersion.id).where(ItemVersion.item_id == target.item_id,
                                         ItemVersion.version_no < target.version_no)
    return list(session.scalars(select(Case).where(Case.item_version_id.in_(older), Case.status.not_in(FINAL))
                                .order_by(Case.received_at, Case.id).limit(limit)))


def judge_all(db: Database, user: User, item_code: str, version_no: int) -> tuple[ItemVersion, list[Verdict]]:
    """The verdict for every running case of older versions (nothing is written)."""
    with db.read() as session:
        target = target_version(session, user, item_code, version_no)
        calendar, diffs, verdicts = calendar_store.calendar_for(session), {}, []
        for case in running_cases(session, target):
            workflow = progress.open_workflow(session, case, calendar)
            verdict = Verdict(case.id, case.case_no, case.title,
                              versions.content(session, case.item_version_id).version_no)
            verdict.reasons = (_judge(session, workflow, target, diffs)[0] if not workflow.is_completed()
                               else [_("流程已结束。")])
            verdicts.append(verdict)
        return target, verdicts


def move_case(db: Database, user: User, case_id: int, item_code: str, version_no: int) -> Moved:
    """Move one running case onto the given version, judged again under its row lock; `InvalidState` with the
    reasons when it cannot move."""
    with db.write() as session:
        target = target_version(session, user, item_code, version_no)
        case = lock_case(session, case_id)
        if case.item_id != target.item_id:
            raise NotFound(_("办件不属于该事项。"))
        source = versions.content(session, case.item_version_id)
        if source.version_no >= target.version_no:
            raise InvalidState(_("办件 %(no)s 已在第 %(n)s 版，无需迁移。", no=case.case_no, n=source.version_no))
        if case.status in FINAL:
            raise InvalidState(_("办件 %(no)s 已办结，不能迁移。", no=case.case_no))
        calendar = calendar_store.calendar_for(session)
        workflow = progress.open_workflow(session, case, calendar)
        reasons, plan = _judge(session, workflow, target, {})
        if reasons:
            raise InvalidState(_("办件 %(no)s 不能迁移：%(why)s", no=case.case_no, why="；".join(reasons)))
        _migrate(workflow, plan)
        content = versions.content(session, target.id)
        case.item_version_id = target.id
        session.get(CaseWorkflow, case.id).spec_hash = target.spec_hash
        tasks = _relink_tasks(session, case, workflow, content)
        progress.advance(session, case, workflow, calendar, user)
        session.add(CaseVersionMove(case_id=case.id, from_version_id=source.id, to_version_id=target.id,
                                    moved_by_id=user.id, moved_at=clock.now(), detail={"tasks": tasks}))
        audit.record(session, "version_moved", case=case, actor=user, department_code=content.department_code,
                     detail={"from_version": source.version_no, "to_version": target.version_no, "tasks": tasks})
        return Moved(case.id, case.case_no, source.version_no, target.version_no, tasks)


def move_all(db: Database, user: User, item_code: str, version_no: int) -> tuple[list[Moved], list[Verdict]]:
    """Move every case that can move, one transaction each; returns the moves and the refusals."""
    _target, verdicts = judge_all(db, user, item_code, version_no)
    moved, refused = [], [v for v in verdicts if not v.movable]
    for verdict in verdicts:
        if not verdict.movable:
            continue
        try:
            moved.append(move_case(db, user, verdict.case_id, item_code, version_no))
        except InvalidState as exc:  # changed meanwhile (a step completed): told, not moved
            verdict.reasons = [str(exc)]
            refused.append(verdict)
    return moved, refused


def moves_to(db: Database, user: User, item_code: str, version_no: int, limit: int = 200) -> list[tuple]:
    """The moves recorded onto a version, newest first: (case number, from version, who, when)."""
    with db.read() as session:
        target = target_version(session, user, item_code, version_no)
        source = ItemVersion.__table__.alias("source")
        return [tuple(row) for row in session.execute(
            select(Case.case_no, source.c.version_no, User.display_name, CaseVersionMove.moved_at)
            .join(Case, Case.id == CaseVersionMove.case_id).join(source, source.c.id == CaseVersionMove.from_version_id)
            .outerjoin(User, User.id == CaseVersionMove.moved_by_id)
            .where(CaseVersionMove.to_version_id == target.id)
            .order_by(CaseVersionMove.moved_at.desc(), CaseVersionMove.id.desc()).limit(limit))]


def parse_case_ids(values: list[str]) -> list[int]:
    """Case ids from a form's checkboxes; anything else is a precise error."""
    if not values:
        raise InvalidInput(_("请选择要迁移的办件。"), {"cases": [_("请选择要迁移的办件。")]})
    if not all(v.isascii() and v.isdigit() and len(v) < 12 for v in values):
        raise InvalidInput(_("办件编号无效。"), {"cases": [_("办件编号无效。")]})
    return [int(v) for v in values]


@dataclass
class _Plan:
    spec: object
    subprocess_specs: dict
    top: WorkflowDiff
    subprocesses: dict


def _judge(session: Session, workflow, target: ItemVersion, diffs: dict) -> tuple[list[str], _Plan | None]:
    """The reasons a workflow cannot move to `target` (empty: it can), and how to move it."""
    new_spec, new_subs = workflow_store.specs_of(progress.spec_doc(session, target.spec_hash))
    registry = workflow_store.SERIALIZER.registry

    def spec_diff(old, new):
        key = (id(old), id(new))
        if key not in diffs:
            diffs[key] = SpecDiff(registry, old, new)
        return diffs[key]

    reasons: list[str] = []
    top = WorkflowDiff(workflow, spec_diff(workflow.spec, new_spec))
    reasons += _refusals(top, spec_diff(workflow.spec, new_spec), registry)
    subs = {}
    for sp_id, sub in workflow.subprocesses.items():
        new = new_subs.get(sub.spec.name)
        if new is None:
            reasons.append(_("子流程“%(name)s”在新版本中已不存在。", name=sub.spec.name))
            continue
        subs[sp_id] = WorkflowDiff(sub, spec_diff(sub.spec, new))
        reasons += _refusals(subs[sp_id], spec_diff(sub.spec, new), registry)
    return reasons, _Plan(new_spec, dict(new_subs), top, subs)


def _refusals(diff: WorkflowDiff, spec_diff: SpecDiff, registry) -> list[str]:
    reasons = []
    for task in diff.removed:
        if task.has_state(TaskState.COMPLETED | TaskState.ERROR):
            reasons.append(_("已办理的步骤“%(step)s”在新版本中被删除。", step=_label(task)))
        elif task.has_state(CURRENT):
            reasons.append(_("正在办理的步骤“%(step)s”在新版本中被删除。", step=_label(task)))
    for task in diff.changed:
        old, new = task.task_spec, spec_diff.alignment[task.task_spec]
        changed = set(spec_diff.comparisons[old])
        if "extensions" in changed:  # named by what changed inside: form, group, case step...
            changed = (changed - {"extensions"}) | _extension_changes(registry, old, new)
        if task.has_state(TaskState.COMPLETED | TaskState.ERROR) and changed - RAN_TOLERATES:
            reasons.append(_("已办理的步骤“%(step)s”在新版本中被修改（%(what)s）。", step=_label(task),
                             what=_what(changed - RAN_TOLERATES)))
        elif task.has_state(CURRENT) and changed - CURRENT_TOLERATES:
            reasons.append(_("正在办理的步骤“%(step)s”在新版本中被修改（%(what)s）。", step=_label(task),
                             what=_what(changed - CURRENT_TOLERATES)))
    return reasons


def _extension_changes(registry, old, new) -> set[str]:
    before, after = registry.convert(old).get("extensions") or {}, registry.convert(new).get("extensions") or {}
    ours_before, ours_after = before.get("onewindow") or {}, after.get("onewindow") or {}
    keys = {k for k in set(ours_before) | set(ours_after) if ours_before.get(k) != ours_after.get(k)}
    others = {k for k in set(before) | set(after) if k != "onewindow" and before.get(k) != after.get(k)}
    return keys | others


_WHAT = {"form": _("表单"), "case_step": _("环节类型"), "result_variable": _("结果变量"), "outputs": _("后续连线"),
         "typename": _("元素类型"), "cond_task_specs": _("分支条件"), "default_task_spec": _("默认分支"),
         "script": _("脚本"), "prescript": _("前置脚本"), "postscript": _("后置脚本"), "group": _("办理组"),
         "lane": _("泳道"), "event_definition": _("事件定义"), "step_limit_days": _("环节时限")}


def _what(keys: set[str]) -> str:
    return "、".join(str(_WHAT.get(k, k)) for k in sorted(keys))


def _label(task) -> str:
    spec = task.task_spec
    return spec.bpmn_name or spec.bpmn_id or spec.name


def _migrate(workflow, plan: _Plan) -> None:
    """SpiffWorkflow's migration: specs swapped by the alignment, the current steps reset and re-predicted.

    A reset gives a task its parent's data and forgets its internal data: the current steps get theirs back, so
    a department's instance of a multi-instance review keeps its department and a timer its due time."""
    kept = {task.id: (deepcopy(task.data), deepcopy(task.internal_data))
            for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING)}
    migrate_workflow(plan.top, workflow, plan.spec)
    for sp_id, diff in plan.subprocesses.items():
        sub = workflow.subprocesses[sp_id]
        migrate_workflow(diff, sub, plan.subprocess_specs[sub.spec.name])
    workflow.subprocess_specs = plan.subprocess_specs
    for task_id, (data, internal) in kept.items():
        task = workflow.tasks.get(task_id) or _in_subprocess(workflow, task_id)
        if task is not None and task.has_state(TaskState.READY | TaskState.WAITING):
            task.data, task.internal_data = data, internal


def _in_subprocess(workflow, task_id):
    for sub in workflow.subprocesses.values():
        if task_id in sub.tasks:
            return sub.tasks[task_id]
    return None


def _relink_tasks(session: Session, case: Case, workflow, content) -> list[dict]:
    """Open task rows follow their steps onto the new version: id, name, group and department (a claimed task
    whose group changed goes back to the new group's queue)."""
    relinked = []
    for row in progress.open_task_rows(session, case):
        task = progress.spiff_task(workflow, row.task_uuid)
        if task is None or not task.has_state(TaskState.READY):
            continue  # gone: the engine step after the move cancels the row
        info = content.user_tasks.get(task.task_spec.bpmn_id, {})
        group, name = progress.group_and_name(session, case, task, info)
        if group != row.group_code:
            row.assignee_id = None
        row.bpmn_id, row.name, row.group_code = task.task_spec.bpmn_id, name, group
        row.department_id = progress.department_of_group(session, group, case)
        relinked.append({"task": row.bpmn_id, "name": name, "group": group})
    return relinked

