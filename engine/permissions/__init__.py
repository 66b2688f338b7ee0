"""Who may do what: the one place permission rules live. Web views and the API ask here, never decide.

Roles are fixed by the product; departments and groups come from the organisation data.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from .. import clock
from ..i18n import _
from ..models import Case, CaseMaterial, Group, GroupMember, HumanTask, StoredFile, Substitution, User

APPLICANT = "applicant"      # citizen or company
AGENT = "agent"              # 代办员: applies on someone's behalf
CLERK = "clerk"              # 窗口受理人员
REVIEWER = "reviewer"        # 部门审核 / 审批
SECTION_HEAD = "section_head"
SUPERVISOR = "supervisor"    # 效能监察
ANALYST = "analyst"          # draws processes and forms, publishes item versions
CONTENT_EDITOR = "content_editor"
DEPT_ADMIN = "dept_admin"
ADMIN = "admin"

ROLE_LABELS = {
    APPLICANT: _("申请人"), AGENT: _("代办员"), CLERK: _("窗口受理人员"), REVIEWER: _("审核审批人员"),
    SECTION_HEAD: _("科室负责人"), SUPERVISOR: _("效能监察人员"), ANALYST: _("业务分析员"),
    CONTENT_EDITOR: _("内容编辑"), DEPT_ADMIN: _("部门管理员"), ADMIN: _("系统管理员"),
}
STAFF_ROLES = frozenset({CLERK, REVIEWER, SECTION_HEAD, SUPERVISOR, ANALYST, CONTENT_EDITOR, DEPT_ADMIN, ADMIN})
WORKBENCH_ROLES = frozenset({CLERK, REVIEWER, SECTION_HEAD})
FEE_ROLES = frozenset({CLERK, SECTION_HEAD})  # collect and record fees at the window
APPLICANT_GROUP = "applicant"  # reserved candidate group: the case's own applicant

# Areas of the web app and the roles that open them.
AREA_ROLES = {
    "applicant": frozenset({APPLICANT, AGENT}),
    "workbench": WORKBENCH_ROLES,
    "supervision": frozenset({SUPERVISOR, ADMIN}),
    "admin": frozenset({ADMIN, ANALYST, DEPT_ADMIN, CONTENT_EDITOR}),
}


def may_enter(user: User | None, area: str) -> bool:
    """May this user open an area of the app (applicant space, workbench, supervision, admin)?"""
    if user is None or not user.is_active:
        return False
    return bool(user.role_names & AREA_ROLES[area])


def group_codes(session: Session, user: User) -> list[str]:
    """Codes of the candidate groups the user belongs to, read live (membership changes apply at once)."""
    rows = session.execute(
        select(Group.code).join(GroupMember, GroupMember.group_id == Group.id).where(GroupMember.user_id == user.id)
    )
    return [code for (code,) in rows]


def standing_in_for(session: Session, user: User, today: date | None = None) -> list[int]:
    """Ids of the absent colleagues `user` stands in for today (engine.substitution names them)."""
    today = today or clock.local_now().date()
    return list(session.scalars(select(Substitution.user_id).where(
        Substitution.substitute_id == user.id, Substitution.cancelled_at.is_(None),
        Substitution.starts_on <= today, Substitution.ends_on >= today)))


def inbox_scope(session: Session, user: User) -> tuple[list[int], list[str]]:
    """Whose claimed tasks and which groups' queues the user works today: their own, plus those of the
    colleagues they stand in for. One round trip: it runs on every inbox page."""
    today = clock.local_now().date()
    absent = (select(Substitution.user_id).where(
        Substitution.substitute_id == user.id, Substitution.cancelled_at.is_(None),
        Substitution.starts_on <= today, Substitution.ends_on >= today)).scalar_subquery()
    rows = session.execute(
        select(GroupMember.user_id, Group.code).join(Group, Group.id == GroupMember.group_id)
        .where((GroupMember.user_id == user.id) | GroupMember.user_id.in_(absent))
        .union_all(select(Substitution.user_id, literal(None)).where(Substitution.user_id.in_(absent)))).all()
    people = [user.id] + sorted({member for member, _code in rows} - {user.id})
    return people, sorted({code for _member, code in rows if code is not None})


def may_work_on(session: Session, user: User, task: HumanTask, case: Case) -> bool:
    """May the user claim or complete this task? Applicant tasks belong to the case's applicant or agent."""
    if not user.is_active:
        return False
    if task.group_code == APPLICANT_GROUP:
        return user.id in (case.applicant_id, case.agent_id)
    if not user.role_names & WORKBENCH_ROLES:
        return False
    people, codes = inbox_scope(session, user)
    if task.assignee_id is not None and task.assignee_id not in people:
        return False
    return task.group_code in codes


def may_view_case(session: Session, user: User | None, case: Case) -> bool:
    """Applicants see their own cases; staff see cases of their departments' tasks; supervisors (and
    administrators) the cases of the departments they watch (`may_supervise_case`), never beyond."""
    if user is None or not user.is_active:
        return False
    if user.id in (case.applicant_id, case.agent_id):
        return True
    if may_supervise_case(session, user, case):
        return True
    if user.role_names & WORKBENCH_ROLES:
        codes = group_codes(session, user)
        if user.department_id == case.department_id:
            return True
        hit = session.execute(select(HumanTask.id).where(HumanTask.case_id == case.id,
                                                         HumanTask.group_code.in_(codes)).limit(1)).first()
        return hit is not None
    return False


def may_read_material(session: Session, user: User | None, stored: StoredFile, case: Case | None = None) -> bool:
    """May the user open an uploaded file? Without a case: only its owner, while it is in their library.
    Through a case that holds it (any round): its owner, and whoever may view the case (its applicant or
    agent, staff of its departments, supervisors who watch its department)."""
    if user is None or not user.is_active:
        return False
    if case is None:
        return stored.owner_id == user.id and stored.deleted_at is None
    held = session.execute(select(CaseMaterial.id).where(CaseMaterial.case_id == case.id,
                                                         CaseMaterial.file_id == stored.id).limit(1)).first()
    return held is not None and (stored.owner_id == user.id or may_view_case(session, user, case))


def may_handle_case(session: Session, user: User | None, case: Case) -> bool:
    """May the user act on the case as a whole (special procedures, asking for an extension)? Clerks,
    reviewers and heads of the case's department, or of a group that has had one of its tasks (the lead
    window of a joint case, a co-reviewing department)."""
    if user is None or not user.is_active or not user.role_names & WORKBENCH_ROLES:
        return False
    if user.department_id == case.department_id:
        return True
    codes = group_codes(session, user)
    return session.execute(select(HumanTask.id).where(HumanTask.case_id == case.id,
                                                      HumanTask.group_code.in_(codes)).limit(1)).first() is not None


def may_decide_extension(session: Session, user: User | None, case: Case) -> bool:
    """Extending the statutory limit is the head's decision (行政许可法 第四十二条): the section head of the
    case's department, or a supervisor who watches that department."""
    if user is None or not user.is_active:
        return False
    if may_supervise_case(session, user, case):
        return True
    return SECTION_HEAD in user.role_names and user.department_id == case.department_id


def extension_departments(session: Session, user: User | None) -> list[int] | None:
    """Departments whose extension requests the user decides (`None`: all): a supervisor's watched
    departments, a section head's own; nobody else's."""
    scope = supervised_departments(session, user)
    if scope is None:
        return None
    if user is not None and user.is_active and SECTION_HEAD in user.role_names and user.department_id is not None:
        scope = sorted(set(scope) | {user.department_id})
    return scope


def may_lead_joint_review(session: Session, user: User | None, case: Case) -> bool:
    """The lead window of a joint case (并联审批): a member of the group that pre-reviewed it."""
    if user is None or not user.is_active or not user.role_names & WORKBENCH_ROLES:
        return False
    codes = group_codes(session, user)
    return session.execute(select(HumanTask.id).where(HumanTask.case_id == case.id, HumanTask.case_step == "pre_review",
                                                      HumanTask.group_code.in_(codes)).limit(1)).first() is not None


def may_register_walk_in(user: User | None) -> bool:
    """Window clerks register applications brought to the counter (现场收件)."""
    return user is not None and user.is_active and CLERK in user.role_names


def may_reassign(session: Session, user: User | None, task: HumanTask, case: Case) -> bool:
    """May the user take a task from whoever claimed it (退回 someone else's task, 改派 it to a named person)?
    A section head of the task's or the case's department, or a supervisor (or administrator) who watches the
    case's department (`watches`); never another department's, whatever the role."""
    if user is None or not user.is_active:
        return False
    if SECTION_HEAD in user.role_names and user.department_id is not None \
            and user.department_id in (task.department_id, case.department_id):
        return True
    return bool(user.role_names & SUPERVISION_ROLES) and watches(session, user, case.department_id)


def may_cancel_substitution(user: User | None, absent: User) -> bool:
    """A substitution (代岗) is cancelled by the absent person, or by a section head, supervisor or
    administrator of their own department."""
    if user is None or not user.is_active:
        return False
    return user.id == absent.id or (bool(user.role_names & {SECTION_HEAD, SUPERVISOR, ADMIN})
                                    and user.department_id == absent.department_id)


def fee_departments(session: Session, user: User | None) -> set[int]:
    """Departments whose fees the user collects: their own, and those of their groups (a centre's
    window serves the departments stationed there). Empty for anyone not a clerk or section head."""
    if user is None or not user.is_active or not user.role_names & FEE_ROLES:
        return set()
    rows = session.scalars(select(Group.department_id).join(GroupMember, GroupMember.group_id == Group.id)
                           .where(GroupMember.user_id == user.id, Group.department_id.is_not(None)))
    return set(rows) | ({user.department_id} if user.department_id else set())


def may_collect_fees(session: Session, user: User | None, case: Case) -> bool:
    """May the user record payments (and settle tickets) of this case's fees?"""
    return case.department_id in fee_departments(session, user)


def may_waive_fees(session: Session, user: User | None, case: Case) -> bool:
    """Waiving a waivable fee (减免) is a section head's decision, in the case's department."""
    return user is not None and SECTION_HEAD in user.role_names and may_collect_fees(session, user, case)


SUPERVISION_ROLES = frozenset({SUPERVISOR, ADMIN})


def supervised_departments(session: Session, user: User | None) -> list[int] | None:
    """The departments a supervisor watches: their own department and every department below it in the
    tree (a county supervisor sees the county's bureaus and its townships, never the city). `None` means
    all: a centre-wide supervisor or administrator with no department. Empty for everyone else."""
    from ..models import Department

    if user is None or not user.is_active or not user.role_names & SUPERVISION_ROLES:
        return []
    if user.department_id is None:
        return None
    parents = dict(session.execute(select(Department.id, Department.parent_id)).all())
    children: dict[int | None, list[int]] = {}
    for dept, parent in parents.items():
        children.setdefault(parent, []).append(dept)
    seen, todo = [], [user.department_id]
    while todo:
        dept = todo.pop()
        seen.append(dept)
        todo.extend(children.get(dept, []))
    return sorted(seen)


def watches(session: Session, user: User | None, department_id: int | None) -> bool:
    """Is this department one the user supervises (`supervised_departments`)? The one scope rule behind
    every supervisor's page and action about a case, a complaint or an extension."""
    scope = supervised_departments(session, user)
    return scope is None or department_id in scope


def may_supervise_case(session: Session, user: User | None, case: Case) -> bool:
    """A supervisor may open the desk's pages of a case (its audit trail), read its documents and files and
    urge its steps when the case's department is one they watch."""
    return watches(session, user, case.department_id)


def may_urge(session: Session, user: User | None, task: HumanTask, case: Case) -> bool:
    """催办: a supervisor of the case's department presses the handler of a staff step (which must still be
    open: the engine tells them otherwise)."""
    return (task.group_code != APPLICANT_GROUP and bool(user and user.is_active
            and user.role_names & SUPERVISION_ROLES) and may_supervise_case(session, user, case))


def may_answer_urge(session: Session, user: User | None, task: HumanTask, case: Case) -> bool:
    """The urged step's handler answers: whoever may work on it (its assignee, its group, a substitute),
    or the section head of its department."""
    if user is None or not user.is_active:
        return False
    if SECTION_HEAD in user.role_names and user.department_id in (task.department_id, case.department_id):
        return True
    return task.group_code != APPLICANT_GROUP and may_work_on(session, user, task, case)


def may_acknowledge_card(session: Session, user: User | None, card) -> bool:
    """A card's recipients: the step's handler, a member of its group while unclaimed, the section heads of
    its department."""
    if user is None or not user.is_active:
        return False
    if card.handler_id == user.id:
        return True
    if card.group_code is not None and card.group_code in group_codes(session, user):
        return True
    return SECTION_HEAD in user.role_names and user.department_id == card.department_id


DEFINITION_ROLES = frozenset({ANALYST, ADMIN})  # define every item
PEOPLE_ROLES = frozenset({ADMIN, DEPT_ADMIN})   # manage staff (a department administrator: their own only)


def may_define_items(user: User | None) -> bool:
    """May the user open item definition at all (drafts, publishing, retiring)?"""
    return user is not None and user.is_active and bool(user.role_names & (DEFINITION_ROLES | {DEPT_ADMIN}))


def may_define_item(user: User | None, department_id: int | None) -> bool:
    """Analysts and administrators define every item; a department administrator only their department's."""
    if user is None or not user.is_active:
        return False
    if user.role_names & DEFINITION_ROLES:
        return True
    return DEPT_ADMIN in user.role_names and user.department_id is not None and user.department_id == department_id


def may_edit_calendar(user: User | None) -> bool:
    """The working-day calendar is the whole centre's: system administrators only."""
    return user is not None and user.is_active and ADMIN in user.role_names


def may_manage_people(user: User | None, department_id: int | None = None) -> bool:
    """Administrators manage everyone; a department administrator the staff of their own department.
    Without `department_id`: may the user open the people pages at all?"""
    if user is None or not user.is_active:
        return False
    if ADMIN in user.role_names:
        return True
    if DEPT_ADMIN not in user.role_names or user.department_id is None:
        return False
    return department_id is None or department_id == user.department_id


# The rest of the rules, by who they concern; they use the roles and helpers above.
from .api import api_departments_of, api_may_view_case, api_may_view_task, api_scopes_of  # noqa: E402
from .public import (content_departments, may_answer_inquiry, may_assign_complaint, may_evaluate,  # noqa: E402
                     may_follow_bad_reviews, may_handle_complaint, may_manage_content, may_publish_content,
                     may_view_complaint)
