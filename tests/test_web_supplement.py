"""Answering a supplement request (补正) on the web: only the fields the notice names can be corrected, and
the clerk sees what changed."""
from __future__ import annotations

import io

from engine import cases, materials, revisions
from engine.models import Case
from tests import helpers, material_files
from tests.webpage import Page, apply_online, filled_form, login, submit

MOBILE = "builder.contact.mobile"


def test_the_supplement_page_offers_exactly_the_named_fields(client, db, users):
    case_id, task = helpers.case_asking_for_supplement(db, users)
    login(client, "haiyun")
    page = Page(client.get(f"/my/tasks/{task.id}"))
    editable = {name for name, _value in page.form_values("task-form") if name.startswith("application[")}
    assert editable == {"application[builder][contact][mobile]"}
    assert page.find("f-application-builder-contact-mobile").get("value") == \
        helpers.case(db, case_id).application["builder"]["contact"]["mobile"]


def test_a_correction_changes_the_named_field_and_a_forged_field_is_ignored(client, db, users):
    case_id, task = helpers.case_asking_for_supplement(db, users)
    before = helpers.case(db, case_id).application
    login(client, "haiyun")
    response = submit(client, f"/my/tasks/{task.id}", "task-form", dict(
        helpers.answer(db, task), application={"builder": {"contact": {"mobile": "13912345678"}},
                                               "project": {"name": "偷偷改掉工程名称"}}))
    assert response.status_code == 302, Page(response).html
    after = helpers.case(db, case_id).application
    assert after["builder"]["contact"]["mobile"] == "13912345678"
    assert after["project"]["name"] == before["project"]["name"]
    with db.read() as session:
        assert [r.round for r in revisions.revisions_of(session, case_id)] == [1, 2]
    assert helpers.statuses(db, case_id)[-1] == 7


def test_a_bad_correction_is_shown_again_next_to_its_field_and_nothing_changes(client, db, users):
    case_id, task = helpers.case_asking_for_supplement(db, users)
    before = helpers.case(db, case_id).application
    login(client, "haiyun")
    response = submit(client, f"/my/tasks/{task.id}", "task-form", dict(
        helpers.answer(db, task), application={"builder": {"contact": {"mobile": "12345"}}}))
    assert response.status_code == 400
    page = Page(response)
    assert page.find("f-application-builder-contact-mobile-error") is not None
    assert page.find("f-application-builder-contact-mobile").get("value") == "12345"
    assert helpers.case(db, case_id).application == before
    assert helpers.only_open_task(db, case_id).id == task.id


def test_the_clerk_sees_the_fields_the_supplement_changed(client, db, users):
    case_id, task = helpers.case_asking_for_supplement(db, users)
    login(client, "haiyun")
    submit(client, f"/my/tasks/{task.id}", "task-form", dict(
        helpers.answer(db, task), application={"builder": {"contact": {"mobile": "13912345678"}}}))
    client.post("/auth/logout")
    login(client, "clerk")
    next_task = helpers.only_open_task(db, case_id)
    page = Page(client.get(f"/workbench/tasks/{next_task.id}"))
    row = page.all("data-testid", f"change-{MOBILE}")
    assert len(row) == 1 and "13912345678" in row[0].text


def test_a_request_naming_only_materials_offers_no_application_fields(client, db, users):
    code = helpers.item_code(db, "construction_permit")
    submitted = cases.submit(db, code, helpers.application(db, code), users["haiyun"])
    task = helpers.only_open_task(db, submitted.case_id)
    cases.complete(db, task.id, users["clerk"], helpers.answer(db, task, decision="supplement",
                                                               supplement_materials=["application_form"],
                                                               opinion="申请表未盖章"))
    supplement = helpers.only_open_task(db, submitted.case_id)
    login(client, "haiyun")
    page = Page(client.get(f"/my/tasks/{supplement.id}"))
    assert page.find("corrections") is None
    response = submit(client, f"/my/tasks/{supplement.id}", "task-form",
                      {"reply_note": "已重新上传盖章申请表", "all_supplied": True})
    assert response.status_code == 302, Page(response).html
    assert helpers.case(db, submitted.case_id).application == helpers.application(db, code)


def test_a_supplement_replaces_exactly_the_material_it_names(client, db, users):
    code = helpers.item_code(db, "construction_permit")
    login(client, "haiyun")
    receipt = apply_online(client, code, helpers.application(db, code))
    case_id = int(receipt.headers["Location"].split("/")[-2])
    with db.read() as session:
        before = materials.current_choice(session, session.get(Case, case_id))
    assert set(before) >= {"application_form", "contract"}
    pre_review = helpers.only_open_task(db, case_id)
    cases.complete(db, pre_review.id, users["clerk"], helpers.answer(db, pre_review, decision="supplement",
                                                                     supplement_materials=["contract"],
                                                                     opinion="施工合同未盖章"))
    task = helpers.only_open_task(db, case_id)
    page = Page(client.get(f"/my/tasks/{task.id}"))
    assert [e.get("name") for e in page.all("name", "upload.")] == ["upload.contract"]
    action, values = filled_form(client, f"/my/tasks/{task.id}", "task-form",
                                 {"reply_note": "已上传盖章的施工合同", "all_supplied": True})
    values.setlist("materials.contract", [])  # the unstamped contract is taken off, the stamped one uploaded
    values.add("upload.contract", (io.BytesIO(material_files.pdf("stamped contract")), "施工合同（盖章）.pdf"))
    response = client.post(action, data=values, content_type="multipart/form-data")
    assert response.status_code == 302, Page(response).html
    with db.read() as session:
        after = materials.current_choice(session, session.get(Case, case_id))
        new_files = materials.files_by_id(session, after["contract"])
    assert [f.name for f in new_files.values()] == ["施工合同（盖章）.pdf"]
    assert {k: v for k, v in after.items() if k != "contract"} == {k: v for k, v in before.items() if k != "contract"}
