"""Small helpers that keep the tests reading as specifications. They only call the engine's API."""
from __future__ import annotations

from sqlalchemy import select

from engine import demo
from engine.errors import InvalidState
from engine.models import AuditEvent, Case, CaseTimer, Document, HumanTask, Item, ItemVersion


def item_code(db, stem: str) -> str:
    """The code of the sample item whose bundle has this file stem."""
    with db.read() as session:
        return session.scalar(select(Item.code).join(ItemVersion, Item.current_version_id == ItemVersion.id)
                              .where(ItemVersion.stem == stem))


def case(db, case_id: int) -> Case:
    with db.read() as session:
        return session.get(Case, case_id)


def documents(db, case_id: int) -> list[Document]:
    """The numbered documents issued on a case, in issuing order."""
    with db.read() as session:
        return list(session.scalars(select(Document).where(Document.case_id == case_id).order_by(Document.id)))


def open_tasks(db, case_id: int) -> list[HumanTask]:
    with db.read() as session:
        return list(session.scalars(select(HumanTask).where(HumanTask.case_id == case_id, HumanTask.state == "open")
                                    .order_by(HumanTask.id)))


def only_open_task(db, case_id: int) -> HumanTask:
    tasks = open_tasks(db, case_id)
    assert len(tasks) == 1, [(t.bpmn_id, t.name) for t in tasks]
    return tasks[0]


def timers(db, case_id: int) -> list[CaseTimer]:
    with db.read() as session:
        return list(session.scalars(select(CaseTimer).where(CaseTimer.case_id == case_id)))


def audit_actions(db, case_id: int) -> list[tuple[str, int | None]]:
    with db.read() as session:
        return [(e.action, e.status) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.seq))]


def statuses(db, case_id: int) -> list[int]:
    """The status codes the case went through, in order."""
    return [status for action, status in audit_actions(db, case_id) if status is not None and action in ("submit",
                                                                                                        "status")]


def answer(db, task: HumanTask, **fields) -> dict:
    """A valid answer to the task's form (approving by default), with `fields` overriding."""
    data = demo.approving_answer(db, task)
    data.update(fields)
    return data


def application(db, code: str, **fields) -> dict:
    data = demo.sample_application(db, code)
    data.update(fields)
    return data


def worker_for(db, task: HumanTask, users: dict):
    """A demo account allowed to work on the task (the applicant for supplements)."""
    from engine.permissions import may_work_on

    with db.read() as session:
        task = session.get(HumanTask, task.id)
        for account in users.values():
            if may_work_on(session, account, task, task.case):
                return account
    raise AssertionError(f"nobody may work on {task.bpmn_id} ({task.group_code})")


def drive(db, users, case_id: int, answers: dict | None = None, max_steps: int | None = None) -> list[str]:
    """Complete open tasks one by one until none is left (or `max_steps` are done); `answers` maps a task's
    bpmn id to form fields. Fees still due when the case would conclude are paid as a clerk would
    (`demo.pay_fees`). Returns the bpmn ids completed, in order."""
    answers = answers or {}
    done = []
    from engine import cases as case_actions

    for _ in range(max_steps or 30):
        tasks = open_tasks(db, case_id)
        if not tasks:
            return done
        task = tasks[0]
        worker, data = worker_for(db, task, users), answer(db, task, **answers.get(task.bpmn_id, {}))
        try:
            case_actions.complete(db, task.id, worker, data)
        except InvalidState:
            # Refused for unpaid fees: the window records the payments, as a clerk would, and tries again.
            if not demo.pay_fees(db, case_id):
                raise
            case_actions.complete(db, task.id, worker, data)
        done.append(task.bpmn_id)
    if max_steps:
        return done
    raise AssertionError(f"case {case_id} did not finish in {max_steps} steps: {done}")


def race(*actions):
    """Run the actions at the same instant in threads; return what each returned or raised, in order."""
    import threading

    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(i, action):
        barrier.wait()
        try:
            results[i] = action()
        except Exception as exc:  # collected and asserted by the test
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def case_asking_for_supplement(db, users, fields=("builder.contact.mobile",)):
    """haiyun's construction permit case, whose pre-review asked to correct `fields`:
    (case id, the applicant's open supplement task)."""
    from engine import cases

    code = item_code(db, "construction_permit")
    submitted = cases.submit(db, code, application(db, code), users["haiyun"])
    task = only_open_task(db, submitted.case_id)
    cases.complete(db, task.id, users["clerk"], answer(db, task, decision="supplement",
                                                       supplement_fields=list(fields), opinion="手机号码有误"))
    return submitted.case_id, only_open_task(db, submitted.case_id)
