"""Demo data: one account per role, and cases in different states, for `make run` and the tests.

Everything here goes through the same engine functions people use (submit, claim, complete), so the
demo cases carry real workflows, tasks, timers and audit trails.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import select

from . import cases, fees
from .accounts import create_user, find_user
from .db import Database
from .models import Case, HumanTask, Item, User
from .permissions import (ADMIN, AGENT, ANALYST, APPLICANT, CLERK, CONTENT_EDITOR, DEPT_ADMIN, REVIEWER,
                          SECTION_HEAD, SUPERVISOR, may_collect_fees, may_work_on)

DEMO_PASSWORD = "demo-2026"

REVIEW_DEPARTMENTS = ("dm_land", "dm_planning", "dm_drc", "dm_construction", "dm_commerce", "dm_env",
                      "dm_civil_defense", "dm_fire", "dm_power", "dm_water", "dm_market", "dm_public_security",
                      "dm_tax", "dm_civil_affairs")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role_label: str
    kwargs: dict


ACCOUNTS = (
    DemoAccount("zhangsan", "张三", "申请人（个人）", dict(kind="applicant", roles=(APPLICANT,), applicant_type="自然人",
                                                   id_number="11010519491231002X", phone="13800000001")),
    DemoAccount("haiyun", "珠海海韵建设有限公司", "申请人（企业）", dict(kind="applicant", roles=(APPLICANT,),
                                                          applicant_type="法人", id_number="91350100M000100Y43")),
    DemoAccount("agent_bj", "李代办", "代办员（白蕉镇）", dict(kind="applicant", roles=(AGENT,), department="bj_center",
                                                     groups=("bj_agent",))),
    DemoAccount("clerk", "王窗口", "窗口受理人员", dict(roles=(CLERK,), department="dm_center",
                                                  groups=("center_window", "center_lead")
                                                  + tuple(f"{d}_window" for d in REVIEW_DEPARTMENTS))),
    DemoAccount("reviewer", "赵审核", "部门审核人员", dict(roles=(REVIEWER,), department="dm_construction",
                                                   groups=tuple(f"{d}_reviewer" for d in REVIEW_DEPARTMENTS))),
    DemoAccount("head", "钱科长", "科室负责人", dict(roles=(REVIEWER, SECTION_HEAD), department="dm_construction",
                                                groups=tuple(f"{d}_head" for d in REVIEW_DEPARTMENTS)
                                                + ("center_head",))),
    DemoAccount("supervisor", "孙监察", "效能监察人员", dict(roles=(SUPERVISOR,), department="dm_center",
                                                     groups=("center_supervisor",))),
    DemoAccount("analyst", "周分析", "业务分析员", dict(roles=(ANALYST,), department="dm_center")),
    DemoAccount("editor", "吴编辑", "内容编辑", dict(roles=(CONTENT_EDITOR,), department="dm_center")),
    DemoAccount("deptadmin", "郑管理", "部门管理员（住建局）", dict(roles=(DEPT_ADMIN,), department="dm_construction")),
    DemoAccount("admin", "系统管理员", "系统管理员", dict(roles=(ADMIN,), department="dm_center")),
)


def create_demo_users(db: Database) -> list[DemoAccount]:
    """One account per role (idempotent). All share DEMO_PASSWORD."""
    with db.write() as session:
        for account in ACCOUNTS:
            if find_user(session, account.username) is None:
                create_user(session, account.username, DEMO_PASSWORD, account.display_name, **account.kwargs)
    return list(ACCOUNTS)


def user(db: Database, username: str) -> User:
    with db.read() as session:
        found = find_user(session, username)
        if found is None:
            raise LookupError(username)
        return found


def open_task(db: Database, case_id: int, bpmn_id: str | None = None) -> HumanTask | None:
    """The first open task of a case (optionally of one diagram element)."""
    with db.read() as session:
        query = select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.state == "open")
        if bpmn_id:
            query = query.where(HumanTask.bpmn_id == bpmn_id)
        return session.scalar(query.order_by(HumanTask.id))


def sample_application(db: Database, item_code: str) -> dict:
    """The example application shipped with an item (`examples[0]` of its application form)."""
    with db.read() as session:
        item = session.scalar(select(Item).where(Item.code == item_code))
        version = item.current_version
        schema = version.forms[version.application_form]["schema"]
        return dict(schema.get("examples", [{}])[0])


def create_demo_cases(db: Database, count: int = 12, seed: int = 2026) -> int:
    """A few cases of every sample item in different states: received, accepted, in review, concluded."""
    rng = random.Random(seed)
    applicant = user(db, "zhangsan")
    company = user(db, "haiyun")
    with db.read() as session:
        codes = [code for (code,) in session.execute(select(Item.code).where(Item.retired_at.is_(None),
                                                                             Item.internal.is_(False))
                                                     .order_by(Item.code))]
    made = 0
    for n in range(count):
        code = codes[n % len(codes)]
        who = company if n % 2 else applicant
        submitted = cases.submit(db, code, sample_application(db, code), who)
        made += 1
        steps = rng.randint(0, 3)
        for _ in range(steps):
            if not _advance_one(db, submitted.case_id):
                break
    return made


def _advance_one(db: Database, case_id: int) -> bool:
    """Complete the case's next open staff task with an approving answer."""
    task = open_task(db, case_id)
    if task is None or task.group_code == "applicant":
        return False
    with db.read() as session:
        task = session.get(HumanTask, task.id)
        staff = session.scalars(select(User).where(User.kind == "staff")).all()
        worker = next((u for u in staff if may_work_on(session, u, task, task.case)), None)
    if worker is None:
        return False
    cases.complete(db, task.id, worker, approving_answer(db, task))
    return True


def pay_fees(db: Database, case_id: int) -> int:
    """Pay every fee still due on a case the way a window clerk would: the receipt of each bank or window
    payment recorded one by one, ticket fees settled together under one receipt. Returns how many."""
    with db.read() as session:
        due = fees.unpaid(session, case_id)
        if not due:
            return 0
        case = session.get(Case, case_id)
        staff = session.scalars(select(User).where(User.kind == "staff").order_by(User.id)).all()
        clerk = next((u for u in staff if CLERK in u.role_names and may_collect_fees(session, u, case)), None)
    if clerk is None:
        raise LookupError(f"no clerk collects the fees of case {case_id}")
    for fee in due:
        if fee.payment != fees.TICKET:
            fees.record_payment(db, fee.id, clerk, f"PJ{fee.id:010d}")
    tickets = [fee.id for fee in due if fee.payment == fees.TICKET]
    if tickets:
        fees.settle_tickets(db, tickets, clerk, f"LP{min(tickets):010d}")
    return len(due)


def approving_answer(db: Database, task: HumanTask) -> dict:
    """A valid positive answer to a task's form: accept / agree / approve, with an opinion."""
    with db.read() as session:
        task = session.get(HumanTask, task.id)
        schema = task.case.item_version.forms[task.form_key]["schema"] if task.form_key else {}
    props = schema.get("properties", {})
    answer: dict = {}
    decision = props.get("decision", {})
    options = [o.get("const") for o in decision.get("oneOf", [])] or decision.get("enum", [])
    for preferred in ("accept", "agree", "approve", "pass", "yes"):
        if preferred in options:
            answer["decision"] = preferred
            break
    else:
        if options:
            answer["decision"] = options[0]
    if "opinion" in props:
        answer["opinion"] = "同意。"
    for name in schema.get("required", []):
        if name not in answer:
            answer[name] = _example_value(props.get(name, {}))
    return answer


def _example_value(prop: dict):
    if "examples" in prop:
        return prop["examples"][0]
    if "default" in prop:
        return prop["default"]
    if prop.get("oneOf"):
        return prop["oneOf"][0].get("const")
    if prop.get("enum"):
        return prop["enum"][0]
    kind = prop.get("type")
    return {"string": "同意", "integer": 1, "number": 1, "boolean": True, "array": [], "object": {}}.get(kind, "同意")
