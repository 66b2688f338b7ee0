"""Document numbers: one gap-free series per department, year and kind, safe under concurrent issuing."""
from datetime import datetime

import pytest

from engine import cases, clock
from engine.errors import WorkflowFault

from .bundle_fixtures import NAMESPACES, deploy_test_item
from .helpers import answer, application, documents, item_code, only_open_task, race, worker_for



def _submit(db, users, stem="construction_permit"):
    code = item_code(db, stem)
    return cases.submit(db, code, application(db, code), users["haiyun"]).case_id


def _accept(db, users, case_id):
    task = only_open_task(db, case_id)
    cases.complete(db, task.id, worker_for(db, task, users), answer(db, task, decision="accept"))


def _accepted(db, users, stem="construction_permit") -> str:
    """Submit and accept a case; the acceptance notice's number."""
    case_id = _submit(db, users, stem)
    _accept(db, users, case_id)
    return documents(db, case_id)[0].number


def test_numbers_run_on_within_a_department_and_kind(db, users):
    year = clock.local_now().year
    assert [_accepted(db, users) for _ in range(3)] == [f"斗建施受〔{year}〕000{n}号" for n in (1, 2, 3)]


def test_each_department_has_its_own_series(db, users):
    year = clock.local_now().year
    assert _accepted(db, users) == f"斗建施受〔{year}〕0001号"
    assert _accepted(db, users, "planning_permit") == f"斗规许受〔{year}〕0001号"
    assert _accepted(db, users) == f"斗建施受〔{year}〕0002号"


def test_numbering_restarts_at_0001_in_a_new_local_year(db, users):
    clock.travel_to(datetime(2026, 12, 30, 10, 0, tzinfo=clock.TZ))
    assert [_accepted(db, users), _accepted(db, users)] == ["斗建施受〔2026〕0001号", "斗建施受〔2026〕0002号"]
    clock.travel_to(datetime(2027, 1, 1, 0, 30, tzinfo=clock.TZ))  # 2026-12-31 16:30 UTC: already 2027 in Beijing
    assert _accepted(db, users) == "斗建施受〔2027〕0001号"


def test_two_acceptances_at_the_same_instant_get_distinct_consecutive_numbers(db, users):
    year = clock.local_now().year
    first, second = _submit(db, users), _submit(db, users)
    tasks = [only_open_task(db, case_id) for case_id in (first, second)]
    results = race(*[lambda t=t: cases.complete(db, t.id, worker_for(db, t, users), answer(db, t, decision="accept"))
                      for t in tasks])
    assert results == [None, None]
    numbers = sorted(documents(db, case_id)[0].number for case_id in (first, second))
    assert numbers == [f"斗建施受〔{year}〕0001号", f"斗建施受〔{year}〕0002号"]


FAULTY_DIAGRAM = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {NAMESPACES} id="defs_faulty" targetNamespace="urn:test">
  <bpmn:process id="faulty" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:userTask id="pre_review" name="预审" camunda:formKey="pre_review"
                   camunda:candidateGroups="dm_construction_window">
      <bpmn:extensionElements><camunda:properties><camunda:property name="caseStep" value="pre_review"/>
      </camunda:properties></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:scriptTask id="divide" name="计算"><bpmn:script>ratio = 1 / 0</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="end_approved" name="通过"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="pre_review"/>
    <bpmn:sequenceFlow id="f2" sourceRef="pre_review" targetRef="divide"/>
    <bpmn:sequenceFlow id="f3" sourceRef="divide" targetRef="end_approved"/>
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def faulty_item(db, tmp_path) -> str:
    """An item of the construction department whose diagram fails right after acceptance."""
    return deploy_test_item(db, tmp_path, "faulty", "TEST-FAULT-001", "故障演示事项", FAULTY_DIAGRAM)


def test_an_action_that_fails_after_drawing_a_number_leaves_no_gap(db, users, faulty_item):
    year = clock.local_now().year
    assert _accepted(db, users) == f"斗建施受〔{year}〕0001号"
    failing = cases.submit(db, faulty_item, {"name": "甲"}, users["haiyun"]).case_id
    with pytest.raises(WorkflowFault):
        _accept(db, users, failing)  # 斗建试受〔year〕0002号 was drawn (same department), then the diagram failed
    assert documents(db, failing) == []
    assert _accepted(db, users) == f"斗建施受〔{year}〕0002号"
