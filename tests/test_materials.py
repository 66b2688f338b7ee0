"""Applicants' materials: uploads checked by their content, a personal library, files given to cases."""
from __future__ import annotations

import hashlib
import io

import pytest
from sqlalchemy import func, select

from engine import cases, drafts, materials
from engine.errors import InvalidInput, NotFound
from engine.models import Case, CaseMaterial, StoredFile
from tests import helpers, material_files

REQUIRED = ("application_form", "contract", "drawing_review", "funds_commitment", "safety_measures")


@pytest.fixture
def uploads(tmp_path):
    return tmp_path / "uploads"


def upload(db, user, data: bytes, name: str, uploads) -> StoredFile:
    return materials.store(db, user, name, io.BytesIO(data), uploads_dir=uploads)


def files_on_disk(uploads) -> list:
    return [p for p in uploads.rglob("*") if p.is_file()] if uploads.exists() else []


def count(db, model) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def permit(db):
    code = helpers.item_code(db, "construction_permit")
    return code, helpers.application(db, code)


def full_set(db, user, uploads) -> dict[str, list[str]]:
    """One PDF for every required electronic material of the construction permit."""
    return {m: [upload(db, user, material_files.pdf(m), f"{m}.pdf", uploads).public_id] for m in REQUIRED}


# -- what is accepted ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("make, name, mime", [(material_files.pdf, "营业执照.pdf", "application/pdf"),
                                              (material_files.png, "身份证.png", "image/png"),
                                              (material_files.jpeg, "照片.JPG", "image/jpeg"),
                                              (material_files.ofd, "电子证照.ofd", "application/ofd")])
def test_pdf_png_jpeg_and_ofd_are_kept_with_the_type_their_content_shows(db, users, uploads, make, name, mime):
    data = make()
    stored = upload(db, users["zhangsan"], data, name, uploads)
    assert (stored.mime, stored.name, stored.size) == (mime, name, len(data))
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert materials.path_of(stored, uploads).read_bytes() == data
    assert len(stored.public_id) >= 24 and not stored.public_id.isdigit()


def test_the_type_comes_from_the_content_not_the_name(db, users, uploads):
    stored = upload(db, users["zhangsan"], material_files.png(), "scan.pdf", uploads)
    assert stored.mime == "image/png" and stored.name == "scan.png"


@pytest.mark.parametrize("make, name", [(material_files.exe, "营业执照.pdf"), (material_files.html, "invoice.pdf"),
                                        (material_files.plain_zip, "材料.ofd"),
                                        (lambda: b"just some text", "说明.png")])
def test_a_disguised_file_is_refused_naming_it_and_the_accepted_types(db, users, uploads, make, name):
    with pytest.raises(InvalidInput) as refused:
        upload(db, users["zhangsan"], make(), name, uploads)
    assert name in refused.value.message and "PDF、JPG、PNG" in refused.value.message
    assert files_on_disk(uploads) == [] and count(db, StoredFile) == 0


def test_an_empty_file_is_refused(db, users, uploads):
    with pytest.raises(InvalidInput) as refused:
        upload(db, users["zhangsan"], b"", "空.pdf", uploads)
    assert "空.pdf" in refused.value.message and "空文件" in refused.value.message
    assert count(db, StoredFile) == 0


def test_an_oversize_file_is_refused_and_nothing_is_left_on_disk(db, users, uploads):
    data = material_files.pdf() + b"%" * (materials.MAX_FILE_BYTES + 1)
    with pytest.raises(materials.TooLarge) as refused:
        upload(db, users["zhangsan"], data, "大文件.pdf", uploads)
    assert "20 MB" in refused.value.message
    assert files_on_disk(uploads) == [] and count(db, StoredFile) == 0


def test_the_name_on_disk_is_random_and_a_path_in_the_file_name_is_harmless(db, users, uploads, tmp_path):
    stored = upload(db, users["zhangsan"], material_files.pdf(), "../../x.pdf", uploads)
    [on_disk] = files_on_disk(uploads)
    assert on_disk.resolve().is_relative_to(uploads.resolve())
    assert "x.pdf" not in on_disk.name and stored.public_id not in str(on_disk)
    assert len(on_disk.relative_to(uploads).parts) == 3  # <yyyy>/<mm>/<random hex>
    assert stored.name == "x.pdf" and not (tmp_path / "x.pdf").exists()


def test_control_and_direction_override_characters_are_dropped_from_the_shown_name():
    assert materials.clean_name("C:\\Users\\a\\合同\u202egpj.exe\x00.pdf") == "合同gpj.exe.pdf"
    assert materials.clean_name("...") == "未命名文件"


# -- the library --------------------------------------------------------------------------------------------------

def test_the_library_offers_a_file_again_in_a_second_application(db, users, uploads):
    zhangsan = users["zhangsan"]
    files = full_set(db, zhangsan, uploads)
    code, application = permit(db)
    first = cases.submit(db, code, application, zhangsan, materials=files, enforce_required=True)
    with db.read() as session:
        offered = {f.public_id for f in materials.library(session, zhangsan)}
    assert set(sum(files.values(), [])) <= offered
    second = cases.submit(db, code, application, zhangsan, materials=files, enforce_required=True)
    with db.read() as session:
        held = [{m.material_id: [f.public_id for f in m.files] for m in materials.case_materials(
            session, session.get(Case, case_id)) if m.files} for case_id in (first.case_id, second.case_id)]
    assert held == [files, files]


def test_the_library_lists_newest_first_and_only_the_owners_files(db, users, uploads):
    older = upload(db, users["zhangsan"], material_files.pdf(), "旧.pdf", uploads)
    newer = upload(db, users["zhangsan"], material_files.png(), "新.png", uploads)
    upload(db, users["haiyun"], material_files.pdf(), "别人的.pdf", uploads)
    with db.read() as session:
        listed = [f.public_id for f in materials.library(session, users["zhangsan"])]
    assert listed == [newer.public_id, older.public_id]


def test_a_file_deleted_from_the_library_stays_with_its_case(db, users, uploads):
    zhangsan = users["zhangsan"]
    files = full_set(db, zhangsan, uploads)
    code, application = permit(db)
    submitted = cases.submit(db, code, application, zhangsan, materials=files)
    licence = files["contract"][0]
    materials.delete(db, zhangsan, licence)
    with db.read() as session:
        assert licence not in {f.public_id for f in materials.library(session, zhangsan)}
        case = session.get(Case, submitted.case_id)
        assert materials.case_file(session, case, licence).public_id == licence
    with pytest.raises(InvalidInput) as refused:  # but it is not offered for a new application
        cases.submit(db, code, application, zhangsan, materials={"contract": [licence]})
    assert "materials.contract" in refused.value.errors


def test_deleting_another_persons_file_is_not_found(db, users, uploads):
    stored = upload(db, users["zhangsan"], material_files.pdf(), "a.pdf", uploads)
    with pytest.raises(NotFound):
        materials.delete(db, users["haiyun"], stored.public_id)


# -- giving files to a case ---------------------------------------------------------------------------------------

def test_a_missing_required_material_refuses_the_submission_and_writes_nothing(db, users, uploads):
    files = full_set(db, users["zhangsan"], uploads)
    del files["contract"]
    code, application = permit(db)
    with pytest.raises(InvalidInput) as refused:
        cases.submit(db, code, application, users["zhangsan"], materials=files, enforce_required=True)
    assert list(refused.value.errors) == ["materials.contract"]
    assert "施工合同" in refused.value.errors["materials.contract"][0]
    assert count(db, Case) == 0 and count(db, CaseMaterial) == 0


def test_without_enforcement_a_case_may_come_without_materials(db, users):
    code, application = permit(db)
    submitted = cases.submit(db, code, application, users["zhangsan"])
    with db.read() as session:
        listed = materials.case_materials(session, session.get(Case, submitted.case_id))
    assert [m.material_id for m in listed][:2] == ["application_form", "land_approval"]
    assert all(m.files == [] for m in listed)


def test_another_users_file_is_refused_on_submit(db, users, uploads):
    files = full_set(db, users["zhangsan"], uploads)
    files["contract"] = [upload(db, users["haiyun"], material_files.pdf(), "海韵的合同.pdf", uploads).public_id]
    code, application = permit(db)
    with pytest.raises(InvalidInput) as refused:
        cases.submit(db, code, application, users["zhangsan"], materials=files, enforce_required=True)
    assert list(refused.value.errors) == ["materials.contract"]
    assert count(db, Case) == 0 and count(db, CaseMaterial) == 0


def test_an_unknown_material_or_file_id_is_refused(db, users, uploads):
    files = full_set(db, users["zhangsan"], uploads)
    code, application = permit(db)
    with pytest.raises(InvalidInput) as refused:
        cases.submit(db, code, application, users["zhangsan"],
                     materials={**files, "no_such_material": files["contract"], "drawing_review": ["nope"]})
    assert set(refused.value.errors) == {"materials.no_such_material", "materials.drawing_review"}


def test_form_and_material_problems_are_reported_together(db, users):
    code, application = permit(db)
    application["builder"]["contact"]["mobile"] = "123"
    with pytest.raises(InvalidInput) as refused:
        cases.submit(db, code, application, users["zhangsan"], materials={}, enforce_required=True)
    assert "builder.contact.mobile" in refused.value.errors
    assert {f"materials.{m}" for m in REQUIRED} <= set(refused.value.errors)


def test_an_agent_submits_the_files_the_agent_uploaded(db, users, uploads):
    files = full_set(db, users["agent_bj"], uploads)
    code, application = permit(db)
    submitted = cases.submit(db, code, application, None, agent=users["agent_bj"], channel="agent",
                             applicant_name="王五", applicant_type="自然人", applicant_id_number="11010519491231002X",
                             materials=files, enforce_required=True)
    with db.read() as session:
        rows = session.scalars(select(CaseMaterial).where(CaseMaterial.case_id == submitted.case_id)).all()
    assert len(rows) == len(REQUIRED) and {r.round for r in rows} == {1}
    assert {r.attached_by_id for r in rows} == {users["agent_bj"].id}


def test_a_draft_gives_its_materials_to_the_case(db, users, uploads):
    zhangsan = users["zhangsan"]
    files = full_set(db, zhangsan, uploads)
    code, application = permit(db)
    state = drafts.save(db, zhangsan, code, application, materials=files)
    submitted = cases.submit(db, code, application, zhangsan, draft_id=state.id, draft_digest=state.digest,
                             enforce_required=True)
    with db.read() as session:
        assert materials.current_choice(session, session.get(Case, submitted.case_id)) == files


def test_a_draft_missing_a_required_material_is_refused_and_stays_open(db, users, uploads):
    zhangsan = users["zhangsan"]
    files = full_set(db, zhangsan, uploads)
    del files["safety_measures"]
    code, application = permit(db)
    state = drafts.save(db, zhangsan, code, application, materials=files)
    with pytest.raises(InvalidInput) as refused:
        cases.submit(db, code, application, zhangsan, draft_id=state.id, draft_digest=state.digest,
                     enforce_required=True)
    assert list(refused.value.errors) == ["materials.safety_measures"]
    with db.read() as session:
        assert [d.id for d in drafts.drafts_of(session, zhangsan)] == [state.id]
    assert count(db, Case) == 0 and count(db, CaseMaterial) == 0


def test_a_required_material_that_may_come_on_paper_is_not_demanded_online(db, users):
    code = helpers.item_code(db, "business_license_change")
    submitted = cases.submit(db, code, helpers.application(db, code), users["zhangsan"], materials={},
                             enforce_required=True)  # its required materials are 纸质或电子 (medium: both)
    assert helpers.case(db, submitted.case_id).status == 1


def test_materials_other_than_the_reviewed_drafts_are_refused(db, users, uploads):
    zhangsan = users["zhangsan"]
    files = full_set(db, zhangsan, uploads)
    code, application = permit(db)
    state = drafts.save(db, zhangsan, code, application, materials=files)
    with pytest.raises(drafts.DraftChanged):
        cases.submit(db, code, application, zhangsan, draft_id=state.id, draft_digest=state.digest, materials={})
    assert count(db, Case) == 0


def test_an_account_uploading_past_its_daily_allowance_is_refused(db, users, uploads, monkeypatch):
    monkeypatch.setattr(materials, "MAX_DAILY_FILES", 2)
    upload(db, users["zhangsan"], material_files.pdf(), "1.pdf", uploads)
    upload(db, users["zhangsan"], material_files.pdf(), "2.pdf", uploads)
    with pytest.raises(InvalidInput) as refused:
        upload(db, users["zhangsan"], material_files.pdf(), "3.pdf", uploads)
    assert "上限" in refused.value.message and len(files_on_disk(uploads)) == 2
    upload(db, users["haiyun"], material_files.pdf(), "别人的.pdf", uploads)  # others are not affected
