"""Materials on the web: the upload endpoint, one's own files and library page, the clerk's view of a case."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from engine import accounts, cases, demo, materials
from engine.permissions import CLERK
from tests import helpers, material_files
from tests.webpage import Page, login

REQUIRED = ("application_form", "contract", "drawing_review", "funds_commitment", "safety_measures")


def uploads_dir(app) -> Path:
    return Path(app.config["ONEWINDOW_UPLOAD_DIR"])


def files_on_disk(app) -> list[Path]:
    return [p for p in uploads_dir(app).rglob("*") if p.is_file()]


def post_file(client, data: bytes, name: str, **extra):
    return client.post("/my/files", data={"file": (io.BytesIO(data), name), **extra},
                       content_type="multipart/form-data")


def test_uploading_a_pdf_answers_its_id_name_size_type_and_url(client, app):
    login(client, "zhangsan")
    data = material_files.pdf()
    response = post_file(client, data, "营业执照.pdf", material="contract")
    assert response.status_code == 201
    answer = response.get_json()
    assert (answer["name"], answer["size"], answer["mime"]) == ("营业执照.pdf", len(data), "application/pdf")
    assert answer["url"] == f"/my/files/{answer['id']}"
    assert client.get(answer["url"]).data == data


@pytest.mark.parametrize("make, name", [(material_files.exe, "setup.pdf"), (material_files.html, "page.pdf")])
def test_a_disguised_upload_is_refused_with_a_chinese_message(client, app, make, name):
    login(client, "zhangsan")
    response = post_file(client, make(), name)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert name in error and "只接受 PDF、JPG、PNG、OFD" in error
    assert files_on_disk(app) == []


def test_an_empty_upload_is_refused(client, app):
    login(client, "zhangsan")
    response = post_file(client, b"", "空白.pdf")
    assert response.status_code == 400 and "空文件" in response.get_json()["error"]


def test_an_oversize_upload_is_refused_with_413_and_nothing_is_stored(client, app):
    login(client, "zhangsan")
    response = post_file(client, material_files.pdf() + b"0" * materials.MAX_FILE_BYTES, "扫描件.pdf")
    assert response.status_code == 413 and "20 MB" in response.get_json()["error"]
    assert files_on_disk(app) == []
    assert Page(client.get("/my/materials")).find("no-library-files") is not None


def test_a_request_over_the_apps_limit_gets_json_413_from_the_upload_endpoint(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    login(client, "zhangsan")
    response = post_file(client, material_files.pdf() + b"0" * 4096, "big.pdf")
    assert response.status_code == 413 and "MB" in response.get_json()["error"]


def test_my_file_is_served_with_its_detected_type_inline_and_never_sniffed(client, app):
    login(client, "zhangsan")
    answer = post_file(client, material_files.png(), "身份证 正面.pdf").get_json()  # a PNG, whatever its name
    response = client.get(answer["url"])
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert "filename*=UTF-8''%E8%BA%AB%E4%BB%BD%E8%AF%81%20%E6%AD%A3%E9%9D%A2.png" in disposition


def test_the_name_on_disk_is_not_the_uploaded_name(client, app):
    login(client, "zhangsan")
    answer = post_file(client, material_files.pdf(), "../../../x.pdf").get_json()
    [on_disk] = files_on_disk(app)
    assert answer["name"] == "x.pdf" and on_disk.name != "x.pdf"
    assert on_disk.resolve().is_relative_to(uploads_dir(app).resolve())


def test_another_persons_file_url_is_not_found(client, app):
    login(client, "zhangsan")
    answer = post_file(client, material_files.pdf(), "a.pdf").get_json()
    client.post("/auth/logout")
    login(client, "haiyun")
    assert client.get(answer["url"]).status_code == 404
    assert client.post(f"/my/files/{answer['id']}/delete").status_code == 404


def test_the_library_page_uploads_without_javascript_lists_and_deletes(client, app):
    login(client, "zhangsan")
    response = client.post("/my/materials", data={"file": (io.BytesIO(material_files.pdf()), "营业执照.pdf"),
                                                  "label": "营业执照副本"}, content_type="multipart/form-data")
    assert response.status_code == 302
    page = Page(client.get("/my/materials"))
    [row] = page.all("data-testid", "library-file-")
    file_id = row.get("data-testid").removeprefix("library-file-")
    assert "营业执照.pdf" in row.text and "营业执照副本" in row.text
    client.post(f"/my/files/{file_id}/delete")
    assert Page(client.get("/my/materials")).find("no-library-files") is not None
    assert client.get(f"/my/files/{file_id}").status_code == 404


def test_the_library_page_says_why_an_upload_is_refused(client, app):
    login(client, "zhangsan")
    response = client.post("/my/materials", data={"file": (io.BytesIO(material_files.exe()), "执照.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "执照.png" in Page(response).text("library-error")


def test_my_cases_page_links_to_the_library(client):
    login(client, "zhangsan")
    assert Page(client.get("/my/")).find("nav-materials").get("href") == "/my/materials"


@pytest.fixture
def csrf_client(database_url, tmp_path):
    from webapp import create_app

    application = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                              "ONEWINDOW_DATA_DIR": str(tmp_path / "data"), "ONEWINDOW_SCHEDULER": False})
    yield application.test_client()
    application.extensions["onewindow"].dispose()


def test_the_upload_endpoint_takes_the_csrf_token_from_the_x_csrftoken_header(csrf_client):
    login_page = Page(csrf_client.get("/auth/login"))
    token = next(e.get("value") for e in login_page.all("name", "csrf_token"))
    csrf_client.post("/auth/login", data={"username": "zhangsan", "password": demo.DEMO_PASSWORD,
                                          "csrf_token": token})
    token = next(e.get("value") for e in Page(csrf_client.get("/my/materials")).all("name", "csrf_token"))
    data = {"file": (io.BytesIO(material_files.pdf()), "a.pdf")}
    assert csrf_client.post("/my/files", data=data, content_type="multipart/form-data").status_code == 400
    data = {"file": (io.BytesIO(material_files.pdf()), "a.pdf")}
    response = csrf_client.post("/my/files", data=data, content_type="multipart/form-data",
                                headers={"X-CSRFToken": token})
    assert response.status_code == 201


# -- the clerk's side ---------------------------------------------------------------------------------------------

@pytest.fixture
def case_with_files(app, db, users):
    """A construction permit of 张三 with a PNG as the contract and PDFs for the rest."""
    root = uploads_dir(app)
    files = {m: [materials.store(db, users["zhangsan"], f"{m}.pdf", io.BytesIO(material_files.pdf()),
                                 uploads_dir=root).public_id] for m in REQUIRED}
    files["contract"] = [materials.store(db, users["zhangsan"], "合同.png", io.BytesIO(material_files.png()),
                                         uploads_dir=root).public_id]
    code = helpers.item_code(db, "construction_permit")
    submitted = cases.submit(db, code, helpers.application(db, code), users["zhangsan"], materials=files,
                             enforce_required=True)
    return submitted.case_id, files


def test_the_clerks_task_page_shows_each_material_inline(client, db, case_with_files):
    case_id, files = case_with_files
    task = helpers.only_open_task(db, case_id)
    login(client, "clerk")
    page = Page(client.get(f"/workbench/tasks/{task.id}"))
    image = page.find("case-material-contract")
    assert image is not None and "施工合同" in image.text
    [img] = page.all("data-testid", f"material-image-{files['contract'][0]}")
    [frame] = page.all("data-testid", f"material-pdf-{files['drawing_review'][0]}")
    assert img.tag == "img" and frame.tag == "iframe"
    response = client.get(frame.get("src"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN" and "frame-ancestors 'self'" in \
        response.headers["Content-Security-Policy"]
    assert "frame-src 'self'" in client.get(f"/workbench/tasks/{task.id}").headers["Content-Security-Policy"]


def test_a_clerk_of_another_department_gets_404_for_a_case_file(client, db, case_with_files):
    case_id, files = case_with_files
    with db.write() as session:
        accounts.create_user(session, "land_clerk", demo.DEMO_PASSWORD, "国土窗口", roles=(CLERK,),
                             department="dm_land", groups=("dm_land_window",))
    url = f"/cases/{case_id}/materials/{files['contract'][0]}"
    login(client, "land_clerk")
    assert client.get(url).status_code == 404
    client.post("/auth/logout")
    login(client, "clerk")
    assert client.get(url).status_code == 200


def test_a_case_file_url_needs_the_file_to_belong_to_that_case(client, db, users, app, case_with_files):
    case_id, _files = case_with_files
    stray = materials.store(db, users["zhangsan"], "x.pdf", io.BytesIO(material_files.pdf()),
                            uploads_dir=uploads_dir(app))
    login(client, "clerk")
    assert client.get(f"/cases/{case_id}/materials/{stray.public_id}").status_code == 404
    assert client.get(f"/cases/{case_id}/materials/nonexistent").status_code == 404
    client.post("/auth/logout")
    assert client.get(f"/cases/{case_id}/materials/{stray.public_id}").status_code == 404


def test_the_applicant_reads_the_cases_files_through_the_case_url(client, case_with_files):
    case_id, files = case_with_files
    login(client, "zhangsan")
    assert client.get(f"/cases/{case_id}/materials/{files['contract'][0]}").mimetype == "image/png"
    client.post("/auth/logout")
    login(client, "haiyun")
    assert client.get(f"/cases/{case_id}/materials/{files['contract'][0]}").status_code == 404


def test_the_applicants_case_page_lists_the_materials_given(client, case_with_files):
    case_id, files = case_with_files
    login(client, "zhangsan")
    page = Page(client.get(f"/my/cases/{case_id}"))
    [link] = page.all("data-testid", f"material-file-{files['contract'][0]}")
    assert link.get("href") == f"/cases/{case_id}/materials/{files['contract'][0]}" and link.text == "合同.png"
    assert page.all("data-testid", "material-image-") == []  # links only: no inline viewers for the applicant


def test_uploads_go_to_the_configured_upload_dir(database_url, tmp_path):
    from webapp import create_app

    shared = tmp_path / "shared-volume"
    application = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                              "ONEWINDOW_DATA_DIR": str(tmp_path / "data"), "ONEWINDOW_UPLOAD_DIR": str(shared),
                              "WTF_CSRF_ENABLED": False, "ONEWINDOW_SCHEDULER": False})
    try:
        client = application.test_client()
        login(client, "zhangsan")
        assert post_file(client, material_files.pdf(), "a.pdf").status_code == 201
        assert len([p for p in shared.rglob("*") if p.is_file()]) == 1
        assert not [p for p in (tmp_path / "data" / "uploads").rglob("*") if p.is_file()]
    finally:
        application.extensions["onewindow"].dispose()


def test_the_clerk_sees_the_supplemented_material_marked_and_its_earlier_round(client, db, users, app,
                                                                               case_with_files):
    case_id, files = case_with_files
    task = helpers.only_open_task(db, case_id)
    cases.complete(db, task.id, users["clerk"], helpers.answer(db, task, decision="supplement", opinion="补正",
                                                               supplement_materials=["contract"]))
    task = helpers.only_open_task(db, case_id)
    stamped = materials.store(db, users["zhangsan"], "盖章合同.pdf", io.BytesIO(material_files.pdf("盖章")),
                              uploads_dir=uploads_dir(app)).public_id
    cases.complete(db, task.id, users["zhangsan"], helpers.answer(db, task), materials={"contract": [stamped]})
    login(client, "clerk")
    page = Page(client.get(f"/workbench/tasks/{helpers.only_open_task(db, case_id).id}"))
    assert page.all("data-testid", "material-round-contract") and page.all("data-testid", f"material-pdf-{stamped}")
    earlier = [e.get("href") for e in page.find("material-history-contract").iter() if e.tag == "a"]
    assert earlier == [f"/cases/{case_id}/materials/{files['contract'][0]}"]
    assert "补正材料" in page.text("case-history")
