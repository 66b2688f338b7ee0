"""Cases (办件), their human tasks and waiting timers: the indexed rows every list is served from."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, event, inspect, text, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from .base import Base
from .item import Item, ItemVersion
from .organisation import Department, User

# Cases still being handled that have a promised deadline: the desk's case deadlines. The status list is
# engine.status.FINAL, written out because a partial index's predicate must appear verbatim in the query.
OPEN_CASE_DUE = "promised_due_at IS NOT NULL AND status NOT IN (2, 4, 5, 11, 12, 13, 14, 15)"
OPEN_CASE_WARNING_COLUMNS = ("warning_level", "promised_due_at", "department_id", "status")
# Concluded cases (11/12/13), newest first: the portal's result publication (办理结果公示).
CONCLUDED = "status IN (11, 12, 13)"
# Cases made by an API submission with an Idempotency-Key (the others leave the unique index alone).
IDEMPOTENT = "idempotency_key IS NOT NULL"


class Case(Base):
    """One application and its handling. `version` makes concurrent actions fail instead of overwrite."""

    __tablename__ = "case_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_no: Mapped[str] = mapped_column(String(24), unique=True)
    query_code_hash: Mapped[str] = mapped_column(String(64))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    item_version_id: Mapped[int] = mapped_column(ForeignKey("item_version.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_type: Mapped[str] = mapped_column(String(8))
    applicant_id_number: Mapped[str | None] = mapped_column(String(18))
    title: Mapped[str] = mapped_column(String(300))
    channel: Mapped[str] = mapped_column(String(16), default="online")  # online / window / agent / api
    # The hall window a walk-in case was received at (engine.windows key "<hall code>:<number>"); None online.
    window: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[int] = mapped_column(Integer)
    application: Mapped[dict]
    received_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    concluded_at: Mapped[datetime | None]
    promised_due_at: Mapped[datetime | None]
    statutory_due_at: Mapped[datetime | None]
    supplement_due_at: Mapped[datetime | None]
    tolerated_due_at: Mapped[datetime | None]  # 容缺受理: the missing material is promised by then
    paused_at: Mapped[datetime | None]
    pause_reason: Mapped[str | None] = mapped_column(String(32))
    paused_workdays: Mapped[int] = mapped_column(default=0)
    warning_level: Mapped[str] = mapped_column(String(8), default="normal")  # normal / yellow / red
    next_wake_at: Mapped[datetime | None]
    fault: Mapped[str | None] = mapped_column(Text)  # a diagram error that stopped the case, for the supervisor
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)
    # An API submission's Idempotency-Key, scoped by its owner (client:<id> / user:<id>), and the fingerprint of
    # the request that made the case (engine.idempotency): kept with the case for good, so a retry after the
    # keys' 24-hour purge still finds the case, and a concurrent duplicate fails on the unique index.
    idempotency_owner: Mapped[str | None] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    idempotency_hash: Mapped[str | None] = mapped_column(String(64))

    item: Mapped[Item] = relationship()
    item_version: Mapped[ItemVersion] = relationship()
    department: Mapped[Department] = relationship()
    applicant: Mapped[User | None] = relationship(foreign_keys=[applicant_id])

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_case_status", "status"),
        Index("ix_case_department_status", "department_id", "status"),
        Index("ix_case_applicant", "applicant_id", "received_at"),
        Index("ix_case_wake", "next_wake_at", postgresql_where=text("next_wake_at IS NOT NULL"),
              sqlite_where=text("next_wake_at IS NOT NULL")),
        Index("ix_case_warning", "warning_level", "status"),
        Index("ix_case_open_due", "promised_due_at", postgresql_where=text(OPEN_CASE_DUE),
              sqlite_where=text(OPEN_CASE_DUE)),
        # The desk's yellow and red lists in due order, and the dashboard's counts, from index entries alone.
        Index("ix_case_open_due_warning", *OPEN_CASE_WARNING_COLUMNS, postgresql_where=text(OPEN_CASE_DUE),
              sqlite_where=text(OPEN_CASE_DUE)),
        # The portal's most-requested items: one GROUP BY item_id read from this index alone.
        Index("ix_case_item", "item_id"),
        Index("ix_case_concluded", "concluded_at", "id", postgresql_where=text(CONCLUDED),
              sqlite_where=text(CONCLUDED)),
        Index("uq_case_idempotency", "idempotency_owner", "idempotency_key", unique=True,
              postgresql_where=text(IDEMPOTENT), sqlite_where=text(IDEMPOTENT)),
    )


class CaseWorkflow(Base):
    """The serialized workflow of a case, without its spec (stored once per hash in process_spec).

    Kept apart from `case_file` so that no list ever loads it."""

    __tablename__ = "case_workflow"
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), primary_key=True)
    spec_hash: Mapped[str] = mapped_column(ForeignKey("process_spec.hash"))
    state: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]

    case: Mapped[Case] = relationship()


QUEUE = "state = 'open' AND assignee_id IS NULL"
OPEN_STEP_DUE = "state = 'open' AND due_at IS NOT NULL"  # steps with their own limit (the desk, step warnings)
OPEN_STEP_WARNING_COLUMNS = ("case_warning", "due_at", "department_id", "group_code", "state")
CLAIMED = "state = 'open' AND assignee_id IS NOT NULL"  # disjoint from QUEUE: each query has one index
# What the open-task indexes carry after their keys, so a filtered page or count is read from the index alone.
# `state` and `assignee_id` are only in the predicates, but SQLite (before 3.42) reads the table row for a
# column the query names that the index lacks, even one its predicate fixes.
QUEUE_COPIES = ("case_due_at", "case_item_id", "case_status", "case_warning", "case_applicant", "state",
                "assignee_id")


class HumanTask(Base):
    """A clerk's or applicant's task: one row per ready user task, kept after completion for history."""

    __tablename__ = "human_task"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    task_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    bpmn_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    group_code: Mapped[str | None] = mapped_column(String(64))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    form_key: Mapped[str | None] = mapped_column(String(200))
    case_step: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(12), default="open")  # open / done / cancelled
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decision: Mapped[str | None] = mapped_column(String(32))
    opinion: Mapped[str | None] = mapped_column(Text)
    submission: Mapped[dict | None]
    # Copies of the case's fields the inbox filters and sorts on (engine.task_copies keeps them equal to the
    # case in the same transaction while the task is open), so filtered pages read one covering index.
    case_item_id: Mapped[int | None]
    case_status: Mapped[int | None]
    case_warning: Mapped[str | None] = mapped_column(String(8))
    case_due_at: Mapped[datetime | None]  # the case's promised due date
    case_applicant: Mapped[str | None] = mapped_column(String(200))

    case: Mapped[Case] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])

    __table_args__ = (
        # The two queues of an inbox (engine/inbox.py): unclaimed tasks of a group, tasks claimed by a person.
        # The unclaimed queue in arrival order and in the case's promised-due order (filtered, re-sorted pages).
        Index("ix_task_queue", "group_code", "created_at", "id", *QUEUE_COPIES, postgresql_where=text(QUEUE),
              sqlite_where=text(QUEUE)),
        Index("ix_task_queue_due", "group_code", "case_due_at", "created_at", "id", *QUEUE_COPIES[1:],
              postgresql_where=text(QUEUE), sqlite_where=text(QUEUE)),
        Index("ix_task_open_assignee", "assignee_id", "created_at", "id", *QUEUE_COPIES[:-1],
              postgresql_where=text(CLAIMED), sqlite_where=text(CLAIMED)),
        Index("ix_task_case", "case_id"),
        Index("ix_task_done_by", "completed_by_id", "completed_at"),
        Index("ix_task_open_due", "due_at", postgresql_where=text(OPEN_STEP_DUE), sqlite_where=text(OPEN_STEP_DUE)),
        # Steps by their case's level, in due order: the desk's red list and the dashboard's step counts.
        Index("ix_task_open_due_warning", *OPEN_STEP_WARNING_COLUMNS, postgresql_where=text(OPEN_STEP_DUE),
              sqlite_where=text(OPEN_STEP_DUE)),
    )


class CaseTimer(Base):
    """A waiting BPMN timer of a case, mirrored from the workflow each time the case is saved."""

    __tablename__ = "case_timer"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    event_type: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column(index=True)
    # The step a boundary timer is attached to (its SpiffWorkflow task id, as `human_task.task_uuid`).
    task_uuid: Mapped[str | None] = mapped_column(String(36))

    case: Mapped[Case] = relationship()


# The case fields copied onto its open tasks: case column -> task column.
TASK_COPIES = {"item_id": "case_item_id", "status": "case_status", "warning_level": "case_warning",
               "promised_due_at": "case_due_at", "applicant_name": "case_applicant"}


def task_copies(case: Case) -> dict:
    """The values a task of this case carries in its copy columns (`HumanTask.case_*`)."""
    return {task_column: getattr(case, case_column) for case_column, task_column in TASK_COPIES.items()}


@event.listens_for(Session, "before_flush")
def _copy_case_fields_to_open_tasks(session: Session, _context, _instances) -> None:
    """Keep the copies equal to the case in the same transaction, whoever changed the case: a new task takes
    its case's values; a changed copied field of a case is written to every open task of it in one UPDATE.
    (Done and cancelled tasks keep the values they had when they closed; no list reads them.)"""
    for row in session.new:
        if isinstance(row, HumanTask) and row.state in (None, "open"):
            case = row.case if row.case is not None else session.get(Case, row.case_id)
            for key, value in task_copies(case).items():
                setattr(row, key, value)
    for case in session.dirty:
        if isinstance(case, Case) and case.id is not None and _copied_field_changed(case):
            session.connection().execute(
                update(HumanTask.__table__).where(HumanTask.__table__.c.case_id == case.id,
                                                  HumanTask.__table__.c.state == "open").values(task_copies(case)))


def _copied_field_changed(case: Case) -> bool:
    state = inspect(case)
    return any(state.attrs[column].history.has_changes() for column in TASK_COPIES)
