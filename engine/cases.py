"""What people do to cases: submit, claim, unclaim, complete a task, withdraw. One transaction each.

Every function validates first (nothing is written for bad input), then acts inside `Database.write()`
so the case row, its tasks, timers, workflow state and audit events commit together or not at all.
Two people acting on one case at once: the case row is locked (PostgreSQL) or the transaction is
exclusive (SQLite), and the loser gets `Conflict` with a message to show.
"""
from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from . import (audit, calendar_store, case_clock, case_numbers, clock, drafts, fees, formdata, identifiers,
               idempotency, materials as case_materials, progress, revisions, versions, windows)
from .db import Database
from .errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound
from .i18n import _
from .models import Case, CaseTimer, HumanTask, User
from .permissions import may_reassign, may_work_on, standing_in_for
from .status import PRE_REVIEW_DECISIONS, CaseStatus

MAX_SUBMIT_ATTEMPTS = 5  # a case number collision is astronomically rare; retry a few times anyway


@dataclass(frozen=True)
class Submitted:
    case_id: int
    case_no: str
    query_code: str


def submit(db: Database, item_code: str, application: dict, applicant: User | None = None, *,
           applicant_name: str | None = None, applicant_type: str | None = None,
           applicant_id_number: str | None = None, agent: User | None = None, channel: str = "online",
           received_by: User | None = None, draft_id: int | None = None, draft_digest: str | None = None,
           materials: dict | None = None, enforce_required: bool = False,
           window: str | None = None, idempotency_key: idempotency.Request | None = None) -> Submitted:
    """Receive an application for the current version of an item: status 1 (已接件), workflow started.

    Validation happens inside the transaction but before anything is written, so bad input writes
    nothing and the case starts on exactly the version its application was validated against.
    `received_by` is the window clerk who registers a walk-in application (channel `window`).
    `draft_id` with the `draft_digest` the applicant reviewed consumes that draft in the same transaction
    (`engine.drafts`): a second submission of it raises `drafts.AlreadySubmitted` naming the case.
    `materials` (material id -> file ids, the draft's when a draft is submitted) are given to the case in the
    same transaction (`engine.materials.attach`): files must be the submitter's, and with `enforce_required`
    (the online and agent apply pages) every required electronic material needs a file. Problems with the
    form and the materials are reported together; nothing is written. `window` is the key of the hall window
    a walk-in is received at (`engine.windows`), checked against the clerk's and remembered for them.
    `idempotency_key` (an API submission's) is written on the case: `idempotency.Replay` when a case already
    carries it, also when a concurrent duplicate committed it first (engine.idempotency)."""
    name = applicant_name or (applicant.display_name if applicant else None)
    kind = applicant_type or (applicant.applicant_type if applicant else None) or "自然人"
    if not name:
        raise InvalidInput(_("请填写申请人名称。"), {"applicant_name": [_("请填写申请人名称。")]})
    if applicant_id_number is not None:
        _check_id_number(kind, applicant_id_number)
    applicant_info = (name, kind, applicant_id_number or (applicant.id_number if applicant else None))
    for _attempt in range(MAX_SUBMIT_ATTEMPTS):
        case_no, code = case_numbers.new_case_no(), case_numbers.new_query_code()
        try:
            case_id = _create_case(db, item_code, case_no, code, application, applicant, applicant_info, agent,
                                   channel, received_by, (draft_id, draft_digest),
                                   (materials, enforce_required), window, idempotency_key)
            return Submitted(case_id, case_no, code)
        except Conflict:
            if idempotency_key is not None and idempotency.case_made_with(db, idempotency_key.owner,
                                                                          idempotency_key.key) is not None:
                raise idempotency.Replay(_("该请求已处理。")) from None  # the duplicate's case took the key
            continue  # the random case number was taken: draw another
    raise Conflict(_("系统繁忙，请稍后重新提交。"))


def _check_id_number(kind: str, number: str) -> None:
    """An ID typed for someone else (at the window, by an agent) is checked like a registration's."""
    if kind == "法人" and not identifiers.is_credit_code(number):
        raise InvalidInput(_("统一社会信用代码不正确。"), {"applicant_id_number": [
            _("请填写 18 位统一社会信用代码（GB 32100），并核对最后一位校验码。")]})
    if kind != "法人" and not identifiers.is_resident_id(number):
        raise InvalidInput(_("居民身份证号码不正确。"), {"applicant_id_number": [
            _("请填写 18 位居民身份证号码（GB 11643），并核对最后一位校验码。")]})


def _create_case(db, item_code, case_no, code, application, applicant, applicant_info, agent, channel,
                 received_by, draft_ref=(None, None), files=(None, False), window=None, key=None) -> int:
    materials, enforce_required = files
    owner = agent or applicant or received_by
    with db.write() as session:
        idempotency.refuse_if_case_made(session, key)
        window_problems = {}
        if received_by is not None:
            try:
                window = windows.chosen(session, received_by, window)
            except InvalidInput as exc:  # told together with the form's and the materials' problems
                window, window_problems = None, exc.errors
        draft = None
        if draft_ref[0] is not None:  # before anything else: a repeated confirmation is told about its case
            draft = drafts.claim_for_submit(session, draft_ref[0], agent or applicant, draft_ref[1], application)
            if materials is not None and materials != draft.materials:
                raise drafts.DraftChanged(_("草稿在核对后又被修改（可能在其他页面或设备上），请重新核对后再提交。"))
            materials = draft.materials
        version_id = versions.current_version_id(session, item_code)
        if version_id is None or versions.content(session, version_id).guide.get("internal"):
            raise NotFound(_("事项 %(code)s 不存在或已停止办理。", code=item_code))
        guide = versions.content(session, version_id).guide
        _chosen, problems = case_materials.check(session, guide, materials, owner, enforce_required=enforce_required)
        problems.update(window_problems)
        try:
            case = open_case(session, version_id, case_no, code, application, applicant_info,
                             applicant_id=applicant.id if applicant else None, agent_id=agent.id if agent else None,
                             channel=channel, actor=owner, window=window,
                             audit_detail={"draft": draft.id} if draft else None, idempotency_key=key)
        except InvalidInput as exc:  # the form and the materials are told together
            exc.errors.update(problems)
            raise
        if problems:
            raise case_materials.invalid(problems) if set(problems) - {"window"} else InvalidInput(
                _("请选择受理窗口。"), problems)
        if window is not None:
            session.get(User, received_by.id).window = window  # offered first at the clerk's next walk-in
        case_materials.attach(session, case, guide, materials, owner, enforce_required=enforce_required)
        if draft is not None:
            drafts.mark_consumed(draft, case)
        if key is not None:
            idempotency.keep_outcome({"case_no": case_no, "query_code": code})
    return case.id


def open_case(session: Session, version_id: int, case_no: str, code: str, application: dict,
              applicant_info: tuple, *, applicant_id: int | None, agent_id: int | None, channel: str, actor=None,
              department_id: int | None = None, start_data: dict | None = None,
              audit_detail: dict | None = None, window: str | None = None,
              idempotency_key: idempotency.Request | None = None) -> Case:
    """Create a case on an item version inside the caller's transaction: status 1, workflow started.

    `department_id` overrides the item's department and `start_data` adds to the process data: the platform
    starts internal processes this way (a bad review's rectification runs for the reviewed case's department).
    `idempotency_key` is written on the case row (engine.idempotency.case_columns)."""
    name, kind, id_number = applicant_info
    now = clock.now()
    version = versions.content(session, version_id)
    formdata.validate(version.form_schema(version.application_form), application, version.guide["name"])
    calendar = calendar_store.calendar_for(session)
    case = Case(case_no=case_no, query_code_hash=case_numbers.hash_query_code(case_no, code),
                item_id=version.item_id, item_version_id=version.id,
                department_id=department_id or version.department_id, applicant_id=applicant_id, agent_id=agent_id,
                applicant_name=name, applicant_type=kind, applicant_id_number=id_number,
                title=f"{name}：{version.item_name}", channel=channel, status=int(CaseStatus.RECEIVED),
                application=application, received_at=now, updated_at=now, window=window,
                **idempotency.case_columns(idempotency_key))
    audit.record(session, "submit", case=case, actor=actor, status=int(CaseStatus.RECEIVED),
                 department_code=version.department_code, detail={"channel": channel, "item_version": version.id,
                                                           **(audit_detail or {})})
    workflow = progress.new_workflow(session, version.spec_hash, calendar)
    start = workflow.get_next_task(spec_name="Start")
    start.data.update({"application": application,
                       "case": {"case_no": case_no, "item_code": version.item_code, "applicant_type": kind},
                       **(start_data or {})})
    progress.advance(session, case, workflow, calendar, actor, fresh=True)
    if case not in session:  # nothing pulled it into the ORM session: one Core INSERT, final values
        progress.insert_new_case(session, case)
    return case


def lock_case(session: Session, case_id: int) -> Case:
    """The case row, locked for this transaction (concurrent actions on one case queue up or conflict)."""
    case = session.scalar(select(Case).where(Case.id == case_id).with_for_update())
    if case is None:
        raise NotFound(_("办件不存在。"))
    return case


def lock_case_of(session: Session, model, row_id: int, missing: str):
    """A row that belongs to a case (a task, a special procedure, an extension) and its case, locked like
    every action on the case; the row is re-read after the lock, as someone may have changed it meanwhile."""
    row = session.get(model, row_id)
    if row is None:
        raise NotFound(missing)
    case = lock_case(session, row.case_id)
    session.refresh(row)
    return row, case


def _lock_case_of_task(session: Session, task_id: int) -> tuple[HumanTask, Case]:
    return lock_case_of(session, HumanTask, task_id, _("任务不存在。"))


def claim(db: Database, task_id: int, user: User) -> None:
    """Take a group task into my own inbox, so nobody else works on it."""
    with db.write() as session:
        task, case = _lock_case_of_task(session, task_id)
        _require_open(task)
        if task.assignee_id == user.id:
            return
        absent = task.assignee_id if task.assignee_id in standing_in_for(session, user) else None
        if task.assignee_id is not None and absent is None:
            raise Conflict(_("该任务已被 %(name)s 签收。", name=task.assignee.display_name))
        if not may_work_on(session, user, task, case):
            raise Forbidden(_("您无权办理该任务。"))
        detail = {"task": task.bpmn_id}
        if absent is not None:  # the substitute takes over a task the absent colleague had claimed
            detail["standing_in_for"] = task.assignee.username
        task.assignee_id = user.id
        case.updated_at = clock.now()
        audit.record(session, "claim", case=case, actor=user, detail=detail)


def unclaim(db: Database, task_id: int, user: User) -> None:
    """Give a claimed task back to its group."""
    with db.write() as session:
        task, case = _lock_case_of_task(session, task_id)
        _require_open(task)
        if task.assignee_id != user.id and not may_reassign(session, user, task, case):
            raise Forbidden(_("只能退回自己签收的任务。"))
        task.assignee_id = None
        case.updated_at = clock.now()
        audit.record(session, "unclaim", case=case, actor=user, detail={"task": task.bpmn_id})


def complete(db: Database, task_id: int, user: User, submission: dict, *, application: dict | None = None,
             materials: dict | None = None) -> None:
    """Submit a task's form: validated against its JSON Schema, then the workflow moves on.

    A completion that would conclude the case as approved while a fee is still due is refused
    (`InvalidState`) and writes nothing. `application`, on the applicant's supplement step only, is the
    corrected application: validated whole against the item's form, it may differ from the current one
    only in the fields the supplement request names (`engine.revisions`), and becomes the case's
    application (and the workflow's) with the previous one kept as a revision, in the same transaction.
    `materials`, on that step too, are the answer's files (material id -> the complete new list of file ids):
    only the materials the request names may change (`engine.materials.revise`), earlier rounds are kept."""
    with db.read() as session:
        task = session.get(HumanTask, task_id)
        if task is None:
            raise NotFound(_("任务不存在。"))
        _require_open(task)  # a late second clerk hears "already done", not about their form
        content = versions.content(session, task.case.item_version_id)
        schema = content.form_schema(task.form_key)
    if schema is not None:
        formdata.validate(schema, submission, task.name)
    if application is not None:
        formdata.validate(content.form_schema(content.application_form), application, content.guide["name"])
    if submission.get("tolerated"):
        _check_tolerance(db, task_id, submission)
    with db.write() as session:
        task, case = _lock_case_of_task(session, task_id)
        _require_open(task)
        if not may_work_on(session, user, task, case):
            raise Forbidden(_("您无权办理该任务。"))
        now = clock.now()
        calendar = calendar_store.calendar_for(session)
        workflow = progress.open_workflow(session, case, calendar)
        spiff_task = progress.spiff_task(workflow, task.task_uuid)
        if spiff_task is None or spiff_task.state != TaskState.READY:  # rows mirror the workflow; belt and braces
            raise Conflict(_("该任务已不在待办状态，请刷新。"))
        if application is not None:  # a supplement's corrections: only the requested fields, kept as a revision
            revisions.revise(session, case, task, user, application)
            spiff_task.data["application"] = application
        if materials is not None:  # the supplement's files: only the requested materials, earlier rounds kept
            _revise_materials(session, case, task, user, materials)
        info = versions.content(session, case.item_version_id).user_tasks.get(task.bpmn_id, {})
        if info.get("result_variable"):
            spiff_task.data[info["result_variable"]] = submission
        else:
            spiff_task.data.update(submission)
        spiff_task.run()
        detail = {"task": task.bpmn_id, "name": task.name, "decision": submission.get("decision")}
        if task.assignee_id not in (None, user.id):
            detail["standing_in_for"] = task.assignee.username
        task.state, task.completed_at, task.completed_by_id, task.submission = "done", now, user.id, submission
        task.decision, task.opinion = submission.get("decision"), submission.get("opinion")
        audit.record(session, "complete", case=case, actor=user, opinion=task.opinion, detail=detail)
        _apply_case_step(session, case, task, submission, calendar, now, user)
        progress.advance(session, case, workflow, calendar, user)
        fees.require_settled(session, case)  # concluding approved with a fee due: the whole action rolls back
        if case.channel == "internal":  # a rectification's steps are mirrored onto its evaluation
            from . import rectification

            rectification.on_complete(session, case, task, submission, user)


def _revise_materials(session: Session, case: Case, task: HumanTask, user: User, materials: dict) -> None:
    if task.case_step != "supplement":
        raise InvalidInput(_("只有补正环节可以更换申请材料。"), {"": [_("只有补正环节可以更换申请材料。")]})
    answered = session.scalar(select(func.count(HumanTask.id)).where(
        HumanTask.case_id == case.id, HumanTask.case_step == "supplement", HumanTask.state == "done"))
    case_materials.revise(session, case, materials, user, set(revisions.requested_materials(session, case.id)),
                          round=answered + 2)  # round 1 is the submission, this answer is supplement no. answered+1


def _check_tolerance(db: Database, task_id: int, submission: dict) -> None:
    """容缺受理 only where the item allows it, only when accepting, and naming the missing materials."""
    with db.read() as session:
        task = session.get(HumanTask, task_id)
        allowed = versions.content(session, task.case.item_version_id).guide.get("allows_tolerance")
    if task.case_step != "pre_review" or submission.get("decision") != "accept" or not allowed:
        raise InvalidInput(_("本事项不允许容缺受理，或当前结论不是受理。"),
                           {"tolerated": [_("仅在办事指南允许容缺受理的事项、且结论为受理时可以勾选。")]})
    if not submission.get("supplement_materials"):
        raise InvalidInput(_("容缺受理须勾选欠缺的材料。"),
                           {"supplement_materials": [_("请勾选申请人承诺后补的材料。")]})


def _apply_case_step(session, case, task, submission, calendar, now, user) -> None:
    """What finishing this kind of step means for the case's status and legal clock."""
    step, decision = task.case_step, submission.get("decision")
    if step == "pre_review":
        status = PRE_REVIEW_DECISIONS.get(decision)
        if status is None:
            return
        if status == CaseStatus.ACCEPTED:
            guide = versions.content(session, case.item_version_id).guide
            case_clock.start(case, guide, calendar, now)
            if submission.get("tolerated"):
                case.tolerated_due_at = calendar.due_at(now, int(guide.get("tolerated_supplement_limit", 10)))
        elif status == CaseStatus.SUPPLEMENT_REQUESTED:
            limit = int(versions.content(session, case.item_version_id).guide.get("supplement_limit", 5))
            case.supplement_due_at = calendar.due_at(now, limit)
            case_clock.pause(case, now, "supplement")
        progress.set_status(session, case, status, user, task.opinion,
                            {"supplement_fields": submission.get("supplement_fields"),
                             "supplement_materials": submission.get("supplement_materials")}
                            if status == CaseStatus.SUPPLEMENT_REQUESTED else None)
        if status == CaseStatus.ACCEPTED:
            fees.charge(session, case, user)  # the item's fee standards become the case's fees
    elif step == "supplement":
        case_clock.resume(case, calendar, now)
        case.supplement_due_at = None
        progress.set_status(session, case, CaseStatus.SUPPLEMENT_RECEIVED, user)
    elif step == "special_procedure":
        case_clock.resume(case, calendar, now)
        progress.set_status(session, case, CaseStatus.SPECIAL_ENDED, user, task.opinion)


def withdraw(db: Database, case_id: int, user: User, reason: str = "") -> None:
    """The applicant withdraws: before acceptance status 2 (已撤件), after it 14 (撤回)."""
    with db.write() as session:
        case = lock_case(session, case_id)
        if user.id not in (case.applicant_id, case.agent_id):
            raise Forbidden(_("只有申请人可以撤回办件。"))
        if case.status in (CaseStatus.APPROVED, CaseStatus.APPROVED_TOLERATED, CaseStatus.DENIED, CaseStatus.REFUSED,
                           CaseStatus.NOT_ACCEPTED, CaseStatus.WITHDRAWN, CaseStatus.WITHDRAWN_BEFORE_ACCEPT,
                           CaseStatus.REVOKED):
            raise InvalidState(_("办件已结束，不能撤回。"))
        now = clock.now()
        workflow = progress.open_workflow(session, case, calendar_store.calendar_for(session))
        workflow.cancel()
        status = CaseStatus.WITHDRAWN_BEFORE_ACCEPT if case.accepted_at is None else CaseStatus.WITHDRAWN
        progress.set_status(session, case, status, user, reason or None)
        for task in session.scalars(select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.state == "open")):
            task.state, task.completed_at = "cancelled", now
        case.paused_at, case.next_wake_at, case.warning_level = None, None, "normal"
        session.execute(delete(CaseTimer).where(CaseTimer.case_id == case.id))
        progress.save_workflow(session, case, workflow, now)


def reassign(db: Database, task_id: int, user: User, to_user: User) -> None:
    """A section head or supervisor of the task's department hands it to a named person of the task's group."""
    with db.write() as session:
        task, case = _lock_case_of_task(session, task_id)
        if not may_reassign(session, user, task, case):
            raise Forbidden(_("您无权改派任务。"))
        _require_open(task)
        target = session.get(User, to_user.id)
        task.assignee_id = None
        if not may_work_on(session, target, task, case):
            raise InvalidInput(_("%(name)s 不在该任务的办理组中。", name=target.display_name))
        task.assignee_id = target.id
        case.updated_at = clock.now()
        audit.record(session, "reassign", case=case, actor=user, detail={"task": task.bpmn_id, "to": target.username})


def _require_open(task: HumanTask) -> None:
    if task.state != "open":
        raise Conflict(_("该任务已由他人办理完毕或已取消，请刷新待办列表。"))
