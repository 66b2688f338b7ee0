"""The materials part of the apply and supplement forms: field names a plain multipart POST carries, and
`read_materials` turning that POST into the materials `engine.cases` takes."""
from __future__ import annotations

import io
from pathlib import Path

from flask import render_template_string
from werkzeug.datastructures import FileStorage, MultiDict

from engine import cases, materials, versions
from engine.models import Case
from tests import helpers, material_files
from tests.webpage import Page
from webapp import materials_form

REQUIRED = ("application_form", "contract", "drawing_review", "funds_commitment", "safety_measures")
FORM = '<form id="f" method="post" enctype="multipart/form-data">{% include "applicant/_materials.html" %}</form>'


def guide_of(db, stem="construction_permit") -> dict:
    code = helpers.item_code(db, stem)
    with db.read() as session:
        return versions.content(session, versions.current_version_id(session, code)).guide


def store(app, db, user, name="a.pdf", make=material_files.pdf) -> str:
    return materials.store(db, user, name, io.BytesIO(make()),
                           uploads_dir=Path(app.config["ONEWINDOW_UPLOAD_DIR"])).public_id


def render(app, **context_args) -> Page:
    with app.test_request_context("/"):
        html = render_template_string(FORM, **materials_form.context(**context_args))
    return Page(app.response_class(html))


def read(app, user, guide, values: list[tuple[str, str]], uploads: dict[str, list[tuple[bytes, str]]]):
    """`read_materials` on a multipart POST of `values` with `uploads` in `upload.<id>` inputs."""
    data = MultiDict(values)
    for material_id, posted in uploads.items():
        for content, name in posted:
            data.add(f"upload.{material_id}", FileStorage(io.BytesIO(content), filename=name))
    with app.test_request_context("/", method="POST", data=data, content_type="multipart/form-data"):
        from flask import request

        return materials_form.read_materials(request, user, guide)


def test_the_partial_names_its_fields_for_a_plain_multipart_post(app, db, users):
    zhangsan, guide = users["zhangsan"], guide_of(db, "business_license_change")
    licence = store(app, db, zhangsan, "执照.pdf")
    photo = store(app, db, zhangsan, "照片.png", material_files.png)
    page = render(app, owner=zhangsan, guide=guide, chosen={"operator_id": [licence]})
    values = page.form_values("f")
    assert ("materials.operator_id", licence) in values  # the chosen file, ticked
    assert ("materials.operator_id", photo) not in values  # offered from the library, not ticked
    shown = {v for n, v in values if n == "materials_shown"}
    assert shown == {"application_form", "operator_id", "premises_proof", "new_operator_id"}
    assert page.find("upload-operator_id").get("name") == "upload.operator_id"
    assert page.find("upload-proxy_letter") is None and page.find("material-paper-proxy_letter") is not None
    assert page.find("material-required-operator_id") is not None
    assert page.find("material-required-premises_proof") is None
    offered = page.find("library-operator_id")
    assert offered is not None and "照片.png" in offered.text and "执照.pdf" not in offered.text
    for element in page.all("type", "checkbox"):  # every box has its label
        assert any(label.get("for") == element.get("id") for label in page.all("for"))


def test_without_javascript_uploaded_and_ticked_files_become_the_cases_materials(app, db, users):
    zhangsan, guide = users["zhangsan"], guide_of(db)
    kept = {m: store(app, db, zhangsan, f"{m}.pdf") for m in ("application_form", "drawing_review",
                                                              "funds_commitment")}
    page = render(app, owner=zhangsan, guide=guide, chosen={m: [f] for m, f in kept.items()})
    ticked = store(app, db, zhangsan, "安全措施.pdf")  # in the library: ticked under "从材料库选择"
    values = page.form_values("f") + [("materials.safety_measures", ticked)]
    chosen, errors = read(app, zhangsan, guide, values, {"contract": [(material_files.pdf(), "合同.pdf"),
                                                                      (material_files.png(), "合同附件.png")]})
    assert errors == {}
    assert [chosen[m] for m in kept] == [[f] for f in kept.values()] and chosen["safety_measures"] == [ticked]
    assert len(chosen["contract"]) == 2 and chosen["land_approval"] == []
    code = helpers.item_code(db, "construction_permit")
    submitted = cases.submit(db, code, helpers.application(db, code), zhangsan, materials=chosen,
                             enforce_required=True)
    with db.read() as session:
        held = materials.current_choice(session, session.get(Case, submitted.case_id))
    assert held == {m: ids for m, ids in chosen.items() if ids}


def test_a_refused_upload_is_reported_under_its_material_and_shown_next_to_it(app, db, users):
    zhangsan, guide = users["zhangsan"], guide_of(db)
    chosen, errors = read(app, zhangsan, guide, [("materials_shown", "contract")],
                          {"contract": [(material_files.exe(), "合同.pdf"), (material_files.pdf(), "好的.pdf")]})
    assert list(errors) == ["materials.contract"] and "合同.pdf" in errors["materials.contract"][0]
    assert len(chosen["contract"]) == 1  # the good file is kept, so the page shown again still has it
    page = render(app, owner=zhangsan, guide=guide, chosen=chosen, errors=errors)
    assert "合同.pdf" in page.text("error-materials-contract")
    assert page.find("error-materials-drawing_review").get("hidden") is not None


def test_another_persons_file_id_is_not_shown_as_chosen(app, db, users):
    guide = guide_of(db)
    theirs = store(app, db, users["haiyun"], "海韵.pdf")
    page = render(app, owner=users["zhangsan"], guide=guide, chosen={"contract": [theirs]})
    assert ("materials.contract", theirs) not in page.form_values("f")
    assert "海韵.pdf" not in page.html


def test_a_supplement_form_lets_only_the_named_materials_change(app, db, users):
    zhangsan, guide = users["zhangsan"], guide_of(db)
    files = {m: [store(app, db, zhangsan, f"{m}.pdf")] for m in REQUIRED}
    code = helpers.item_code(db, "construction_permit")
    case_id = cases.submit(db, code, helpers.application(db, code), zhangsan, materials=files).case_id
    task = helpers.only_open_task(db, case_id)
    cases.complete(db, task.id, users["clerk"], helpers.answer(db, task, decision="supplement", opinion="补正",
                                                               supplement_materials=["contract"]))
    task = helpers.only_open_task(db, case_id)
    with app.test_request_context("/"):
        from webapp.extensions import db as flask_db

        case = flask_db.session.get(Case, case_id)
        current = materials.current_choice(flask_db.session, case)
        html = render_template_string(FORM, **materials_form.context(zhangsan, guide, current,
                                                                     editable_ids={"contract"}, case=case))
    page = Page(app.response_class(html))
    assert page.find("upload-contract") is not None and page.find("upload-drawing_review") is None
    assert {n for n, _v in page.form_values("f")} == {"materials.contract", "materials_shown"}
    [link] = page.all("data-testid", f"view-file-{files['drawing_review'][0]}")
    assert link.get("href") == f"/cases/{case_id}/materials/{files['drawing_review'][0]}"
    values = [(n, v) for n, v in page.form_values("f") if n != "materials.contract"]  # the old contract untick
    chosen, errors = read(app, zhangsan, guide, values, {"contract": [(material_files.pdf("盖章"), "盖章合同.pdf")]})
    assert errors == {} and list(chosen) == ["contract"] and chosen["contract"] != files["contract"]
    cases.complete(db, task.id, zhangsan, helpers.answer(db, task), materials=chosen)
    with db.read() as session:
        assert materials.current_choice(session, session.get(Case, case_id)) == {**files, **chosen}
