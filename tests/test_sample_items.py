"""Every sample item runs through the real engine on every path: happy, supplement, refusal, routing, joint."""
import pytest
from sqlalchemy import select

from engine import calendar_store, cases, progress
from engine.models import HumanTask
from engine.status import CaseStatus

from .helpers import answer, application, case, drive, item_code, open_tasks, statuses, worker_for

STEMS = ["business_license_change", "construction_permit", "planning_permit", "joint_completion_acceptance",
         "real_estate_transfer", "company_establishment", "env_impact_report", "enterprise_investment_approval"]


def _submit(db, users, stem, who="haiyun", **fields):
    code = item_code(db, stem)
    return cases.submit(db, code, application(db, code, **fields), users[who]).case_id


@pytest.mark.parametrize("stem", STEMS)
def test_every_sample_item_concludes_approved_on_its_happy_path(db, users, stem):
    case_id = _submit(db, users, stem)
    drive(db, users, case_id)
    concluded = case(db, case_id)
    assert concluded.status == CaseStatus.APPROVED
    assert concluded.concluded_at is not None and concluded.next_wake_at is None
    assert statuses(db, case_id)[0] == CaseStatus.RECEIVED and CaseStatus.ACCEPTED in statuses(db, case_id)


@pytest.mark.parametrize("stem", STEMS)
def test_every_sample_item_can_be_refused_at_pre_review(db, users, stem):
    case_id = _submit(db, users, stem)
    drive(db, users, case_id, {"pre_review": {"decision": "refuse", "opinion": "不属于本机关职权范围。"}})
    assert case(db, case_id).status == CaseStatus.REFUSED
    assert case(db, case_id).accepted_at is None


@pytest.mark.parametrize("stem", STEMS)
def test_every_sample_item_loops_through_a_supplement_before_acceptance(db, users, stem):
    case_id = _submit(db, users, stem)
    pre_review = open_tasks(db, case_id)[0]
    cases.complete(db, pre_review.id, users["clerk"] if pre_review.group_code.startswith("center") else
                   _staff_for(db, users, pre_review), {"decision": "supplement", "opinion": "请补充材料。",
                                                       "supplement_materials": ["identity"]})
    assert case(db, case_id).status == CaseStatus.SUPPLEMENT_REQUESTED
    supplement = open_tasks(db, case_id)[0]
    assert supplement.group_code == "applicant"
    drive(db, users, case_id)
    assert statuses(db, case_id)[:3] == [CaseStatus.RECEIVED, CaseStatus.SUPPLEMENT_REQUESTED,
                                         CaseStatus.SUPPLEMENT_RECEIVED]
    assert case(db, case_id).status == CaseStatus.APPROVED


def _staff_for(db, users, task):
    from .helpers import worker_for

    return worker_for(db, task, users)


def test_immediate_item_is_decided_at_the_window_in_one_step(db, users):
    case_id = _submit(db, users, "business_license_change", who="zhangsan")
    assert drive(db, users, case_id) == ["pre_review"]
    assert case(db, case_id).status == CaseStatus.APPROVED


def test_construction_permit_denied_by_the_approver_concludes_as_denied(db, users):
    case_id = _submit(db, users, "construction_permit")
    drive(db, users, case_id, {"approve": {"decision": "deny", "opinion": "安全措施不符合要求。"}})
    assert case(db, case_id).status == CaseStatus.DENIED
    assert statuses(db, case_id) == [1, 3, 8, 13]


def test_planning_permit_departments_review_in_parallel_and_every_opinion_is_kept(db, users):
    case_id = _submit(db, users, "planning_permit")
    drive(db, users, case_id, max_steps=1)  # the lead window accepts
    parallel = {t.group_code: t for t in open_tasks(db, case_id)}
    assert set(parallel) == {"dm_planning_reviewer", "dm_fire_reviewer", "dm_env_reviewer", "dm_civil_defense_reviewer"}
    assert {t.bpmn_id for t in parallel.values()} == {"review"}
    assert all(t.name.startswith("部门会审（") for t in parallel.values())  # each names its department
    opinions = {group: f"{group} 同意，按图施工。" for group in parallel}
    for group, task in parallel.items():
        cases.complete(db, task.id, worker_for(db, task, users), answer(db, task, opinion=opinions[group]))
    consolidate = open_tasks(db, case_id)
    assert [t.bpmn_id for t in consolidate] == ["consolidate"]
    with db.read() as session:
        c = case(db, case_id)
        calendar = calendar_store.calendar_for(session)
        workflow = progress.open_workflow(session, c, calendar)
    data = progress.spiff_task(workflow, consolidate[0].task_uuid).data
    assert sorted(entry["opinion"] for entry in data["opinions"]) == sorted(opinions.values())
    drive(db, users, case_id)
    assert case(db, case_id).status == CaseStatus.APPROVED


def test_joint_completion_acceptance_gives_each_department_its_own_step_limit(db, users):
    case_id = _submit(db, users, "joint_completion_acceptance")
    for _ in range(3):
        tasks = open_tasks(db, case_id)
        if len(tasks) > 1:
            break
        drive(db, users, case_id, max_steps=1)
    parallel = open_tasks(db, case_id)
    assert len(parallel) == 4
    assert all(t.due_at is not None for t in parallel)
    assert len({t.department_id for t in parallel}) == 4


def test_company_establishment_runs_its_chain_of_items_from_one_application(db, users):
    case_id = _submit(db, users, "company_establishment")
    steps = drive(db, users, case_id)
    assert steps[0] == "pre_review"
    assert {"name_check", "registration_review", "seal_filing"} <= set(steps)
    with db.read() as session:
        departments = {t.group_code for t in session.scalars(select(HumanTask).where(HumanTask.case_id == case_id))}
    assert {"dm_public_security_window", "dm_tax_window"} & departments or len(departments) >= 4
    assert case(db, case_id).status == CaseStatus.APPROVED


def test_investment_project_is_routed_by_its_application_data(db, users):
    small = _submit(db, users, "enterprise_investment_approval")
    small_steps = drive(db, users, small)
    code = item_code(db, "enterprise_investment_approval")
    big_application = application(db, code)
    big_application["project"] = dict(big_application["project"], total_investment=80000, new_land=True,
                                     land_area=12000)
    big = cases.submit(db, code, big_application, users["haiyun"]).case_id
    big_steps = drive(db, users, big)
    assert "forward" in big_steps and "forward" not in small_steps
    assert "land_opinion" in big_steps
