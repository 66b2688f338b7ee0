"""Pre-review at the window: a supplement request ticks the defective fields and materials and one notice
lists them all by name; 容缺受理 only where the item allows it, and the case then concludes as status 12."""
import pytest

from engine import cases
from engine.errors import InvalidInput
from engine.status import CaseStatus
from tests.webpage import Page, login

from .helpers import answer, application, case, documents, drive, item_code, only_open_task, statuses, worker_for


def _submitted(db, users, stem="construction_permit") -> int:
    code = item_code(db, stem)
    return cases.submit(db, code, application(db, code), users["haiyun"]).case_id


def test_the_pre_review_form_offers_every_application_field_and_material_as_a_tick_box(client, db, users):
    case_id = _submitted(db, users)
    login(client, "clerk")
    page = Page(client.get(f"/workbench/tasks/{only_open_task(db, case_id).id}"))
    ticks = {(e.get("name"), e.get("value")) for e in page.root.iter()
             if e.tag == "input" and e.get("type") == "checkbox" and e.get("name", "").startswith("supplement_")}
    fields = {value for name, value in ticks if name.startswith("supplement_fields")}
    materials = {value for name, value in ticks if name.startswith("supplement_materials")}
    assert {"builder.name", "project.name"} <= fields
    assert {"land_approval", "contract", "drawing_review"} <= materials


def test_one_supplement_notice_lists_the_ticked_fields_and_materials_by_their_names(db, users):
    case_id = _submitted(db, users)
    task = only_open_task(db, case_id)
    cases.complete(db, task.id, worker_for(db, task, users),
                   answer(db, task, decision="supplement", supplement_fields=["builder.name"],
                          supplement_materials=["contract", "drawing_review"], opinion="请一次性补正"))
    assert case(db, case_id).status == CaseStatus.SUPPLEMENT_REQUESTED
    notice = documents(db, case_id)[-1]
    lists = {entry["heading"]: entry["items"] for entry in notice.content["lists"]}
    assert lists["需更正的申请表内容"] == ["建设单位 / 单位名称"]
    assert len(lists["需补正的材料"]) == 2 and all("合同" in m or "审查" in m for m in lists["需补正的材料"])


def test_a_tolerated_acceptance_names_the_missing_material_and_concludes_as_status_12(db, users):
    case_id = _submitted(db, users)
    task = only_open_task(db, case_id)
    cases.complete(db, task.id, worker_for(db, task, users),
                   answer(db, task, decision="accept", tolerated=True, supplement_materials=["supervision_contract"]))
    accepted = case(db, case_id)
    assert accepted.accepted_at is not None and accepted.tolerated_due_at is not None  # now with the department
    notice = documents(db, case_id)[0]
    assert notice.kind == "acceptance_notice"
    assert any(entry["heading"].startswith("容缺受理") and len(entry["items"]) == 1 for entry in notice.content["lists"])
    drive(db, users, case_id)
    assert statuses(db, case_id)[-1] == CaseStatus.APPROVED_TOLERATED


def test_tolerance_is_refused_where_the_item_does_not_allow_it_or_nothing_is_named(db, users):
    case_id = _submitted(db, users, "env_impact_report")
    task = only_open_task(db, case_id)
    with pytest.raises(InvalidInput) as caught:
        cases.complete(db, task.id, worker_for(db, task, users),
                       answer(db, task, decision="accept", tolerated=True, supplement_materials=["x"]))
    assert "tolerated" in caught.value.errors
    permit = _submitted(db, users)
    task = only_open_task(db, permit)
    with pytest.raises(InvalidInput) as caught:
        cases.complete(db, task.id, worker_for(db, task, users), answer(db, task, decision="accept", tolerated=True))
    assert "supplement_materials" in caught.value.errors
    assert case(db, case_id).status == CaseStatus.RECEIVED and case(db, permit).status == CaseStatus.RECEIVED
