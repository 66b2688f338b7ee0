"""Joint review (并联审批): the lead window adds a reviewing department while the review runs.

The sample planning permit reviews with a parallel multi-instance user task over a list of groups in the
case data (`reviewers`), each instance's candidate group being `${reviewer}`. Adding a department
appends its group to that list and starts one more instance at once (SpiffWorkflow's own
`create_child`), so the new department's task appears in its inbox in the same transaction and the
lead's consolidation waits for its opinion too.
"""
from __future__ import annotations

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import ParallelMultiInstanceTask
from SpiffWorkflow.util.task import TaskState

from . import audit, calendar_store, organisation, progress, versions
from .cases import lock_case
from .db import Database
from .errors import Conflict, Forbidden, InvalidInput, InvalidState
from .i18n import _
from .models import User
from .permissions import APPLICANT_GROUP, may_lead_joint_review


def add_department(db: Database, case_id: int, user: User, group_code: str) -> None:
    group_code = (group_code or "").strip()
    with db.write() as session:
        case = lock_case(session, case_id)
        if not may_lead_joint_review(session, user, case):
            raise Forbidden(_("只有牵头窗口可以增加会审部门。"))
        if group_code == APPLICANT_GROUP or group_code not in organisation.group_departments(session):
            raise InvalidInput(_("请选择要增加的会审部门。"), {"group": [_("请从列表中选择一个部门的审查组。")]})
        calendar = calendar_store.calendar_for(session)
        workflow = progress.open_workflow(session, case, calendar)
        review = _running_review(workflow, versions.content(session, case.item_version_id).user_tasks)
        if review is None:
            raise InvalidState(_("该办件当前不在部门会审阶段，不能增加会审部门。"))
        groups = review.task_spec.data_input.get(review)
        if group_code in groups:
            raise Conflict(_("该部门已在会审中。"))
        groups.append(group_code)
        review.task_spec.create_child(review, group_code, len(groups) - 1)
        audit.record(session, "reviewer_added", case=case, actor=user, detail={"group": group_code})
        progress.advance(session, case, workflow, calendar, user)


def _running_review(workflow, user_tasks: dict):
    """The running parallel multi-instance review whose instances take their group from the data."""
    for task in workflow.get_tasks(state=TaskState.STARTED):
        spec = task.task_spec
        if isinstance(spec, ParallelMultiInstanceTask) and spec.data_input is not None:
            inner = workflow.spec.task_specs.get(spec.task_spec) or task.workflow.spec.task_specs.get(spec.task_spec)
            if inner is not None and user_tasks.get(inner.bpmn_id, {}).get("group_variable"):
                return task
    return None
