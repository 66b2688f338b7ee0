"""Materials after submission: supplements replace only the named materials, and who may read a case's files."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from engine import accounts, cases, materials
from engine.errors import InvalidInput
from engine.models import Case, CaseMaterial
from engine.permissions import CLERK, may_read_material
from tests import helpers, material_files

REQUIRED = ("application_form", "contract", "drawing_review", "funds_commitment", "safety_measures")


@pytest.fixture
def uploads(tmp_path):
    return tmp_path / "uploads"


def upload(db, user, name, uploads, make=material_files.pdf):
    return materials.store(db, user, name, io.BytesIO(make()), uploads_dir=uploads).public_id


@pytest.fixture
def submitted(db, users, uploads):
    """A construction permit of 张三 with one PDF per required material."""
    code = helpers.item_code(db, "construction_permit")
    files = {m: [upload(db, users["zhangsan"], f"{m}.pdf", uploads)] for m in REQUIRED}
    done = cases.submit(db, code, helpers.application(db, code), users["zhangsan"], materials=files,
                        enforce_required=True)
    return done.case_id, files


def ask_for(db, users, case_id, *material_ids):
    task = helpers.only_open_task(db, case_id)
    cases.complete(db, task.id, users["clerk"], helpers.answer(db, task, decision="supplement", opinion="请补正",
                                                               supplement_materials=list(material_ids)))
    return helpers.only_open_task(db, case_id)


def listed(db, case_id):
    with db.read() as session:
        return {m.material_id: m for m in materials.case_materials(session, session.get(Case, case_id))}


def test_a_supplement_replaces_a_named_material_and_keeps_the_earlier_round(db, users, uploads, submitted):
    case_id, files = submitted
    task = ask_for(db, users, case_id, "contract")
    stamped = upload(db, users["zhangsan"], "盖章合同.png", uploads, material_files.png)
    cases.complete(db, task.id, users["zhangsan"], helpers.answer(db, task),
                   materials={**files, "contract": [stamped]})
    contract = listed(db, case_id)["contract"]
    assert contract.round == 2 and [f.public_id for f in contract.files] == [stamped]
    assert [(r, [f.public_id for f in fs]) for r, fs in contract.history] == [(1, files["contract"])]
    assert listed(db, case_id)["drawing_review"].round == 1  # unchanged materials keep their round
    assert helpers.statuses(db, case_id)[-1] == 7
    assert ("materials_revised", None) in helpers.audit_actions(db, case_id)


def test_a_supplement_may_add_a_file_beside_the_ones_already_given(db, users, uploads, submitted):
    case_id, files = submitted
    task = ask_for(db, users, case_id, "contract")
    annex = upload(db, users["zhangsan"], "补充协议.pdf", uploads)
    cases.complete(db, task.id, users["zhangsan"], helpers.answer(db, task),
                   materials={"contract": files["contract"] + [annex]})
    assert [f.public_id for f in listed(db, case_id)["contract"].files] == files["contract"] + [annex]


def test_a_supplement_may_not_change_a_material_the_clerk_did_not_name(db, users, uploads, submitted):
    case_id, files = submitted
    task = ask_for(db, users, case_id, "contract")
    other = upload(db, users["zhangsan"], "图纸.pdf", uploads)
    with pytest.raises(InvalidInput) as refused:
        cases.complete(db, task.id, users["zhangsan"], helpers.answer(db, task),
                       materials={"contract": [upload(db, users["zhangsan"], "新合同.pdf", uploads)],
                                  "drawing_review": [other]})
    assert list(refused.value.errors) == ["materials.drawing_review"]
    assert helpers.only_open_task(db, case_id).id == task.id
    with db.read() as session:
        assert {r.round for r in session.scalars(select(CaseMaterial).where(CaseMaterial.case_id == case_id))} == {1}


def test_a_supplement_may_not_leave_a_named_material_empty(db, users, submitted):
    case_id, _files = submitted
    task = ask_for(db, users, case_id, "contract")
    with pytest.raises(InvalidInput) as refused:
        cases.complete(db, task.id, users["zhangsan"], helpers.answer(db, task), materials={"contract": []})
    assert list(refused.value.errors) == ["materials.contract"]


def test_only_the_supplement_step_may_change_materials(db, users, uploads, submitted):
    case_id, _files = submitted
    task = helpers.only_open_task(db, case_id)
    with pytest.raises(InvalidInput):
        cases.complete(db, task.id, users["clerk"], helpers.answer(db, task),
                       materials={"contract": [upload(db, users["clerk"], "x.pdf", uploads)]})
    assert helpers.only_open_task(db, case_id).id == task.id


def _outsider(db):
    with db.write() as session:
        return accounts.create_user(session, "land_clerk", "x" * 12, "国土窗口", roles=(CLERK,), department="dm_land",
                                    groups=("dm_land_window",))


def test_a_case_file_is_read_by_its_applicant_and_the_cases_staff_only(db, users, submitted):
    case_id, files = submitted
    outsider = _outsider(db)
    with db.read() as session:
        case = session.get(Case, case_id)
        stored = materials.case_file(session, case, files["contract"][0])
        allowed = {name: may_read_material(session, users[name], stored, case)
                   for name in ("zhangsan", "clerk", "supervisor", "haiyun", "agent_bj")}
        assert not may_read_material(session, outsider, stored, case)
    assert allowed == {"zhangsan": True, "clerk": True, "supervisor": True, "haiyun": False, "agent_bj": False}


def test_a_library_file_is_read_by_its_owner_only(db, users, uploads):
    public_id = upload(db, users["zhangsan"], "a.pdf", uploads)
    with db.read() as session:
        stored = materials.find(session, public_id)
        assert may_read_material(session, users["zhangsan"], stored)
        assert not may_read_material(session, users["haiyun"], stored)
        assert not may_read_material(session, users["clerk"], stored)
