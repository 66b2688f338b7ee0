"""A department system submits an application with its materials through the API: files base64-encoded in
the JSON body, checked by content like the web upload, given to the case in its own transaction; a refused
file is a problem document with a stable code and writes nothing."""
import base64

from sqlalchemy import func, select

from engine.models import Case, CaseMaterial, StoredFile
from tests import material_files
from tests.api_support import bearer, new_client, submission
from tests.helpers import item_code


def _file(name: str, content: bytes) -> dict:
    return {"name": name, "content": base64.b64encode(content).decode()}


def _with_materials(db, materials: dict) -> dict:
    data = submission(db, item_code(db, "construction_permit"))
    data["materials"] = materials
    return data


def _counts(db) -> tuple[int, int, int]:
    with db.read() as session:
        cases = session.scalar(select(func.count()).select_from(Case))
        attached = session.scalar(select(func.count()).select_from(CaseMaterial))
        in_library = session.scalar(select(func.count()).select_from(StoredFile).where(StoredFile.deleted_at.is_(None)))
        return cases, attached, in_library


def test_a_submission_with_materials_gives_the_files_to_the_case(client, db):
    token = new_client(db)
    data = _with_materials(db, {"application_form": [_file("申请表.pdf", material_files.pdf()),
                                                     _file("盖章页.png", material_files.png())]})
    response = client.post("/api/v1/cases", json=data, headers=bearer(token))
    assert response.status_code == 201, response.get_json()
    with db.read() as session:
        case = session.scalar(select(Case).where(Case.case_no == response.get_json()["case_no"]))
        rows = session.execute(select(CaseMaterial.material_id, StoredFile.mime, StoredFile.name)
                               .join(StoredFile, StoredFile.id == CaseMaterial.file_id)
                               .where(CaseMaterial.case_id == case.id).order_by(StoredFile.id)).all()
    assert [(r.material_id, r.mime) for r in rows] == [("application_form", "application/pdf"),
                                                       ("application_form", "image/png")]


def test_a_file_of_a_refused_type_is_400_material_not_accepted_and_writes_nothing(client, db):
    token = new_client(db)
    data = _with_materials(db, {"application_form": [_file("申请表.pdf", material_files.pdf()),
                                                     _file("申请表2.pdf", material_files.html())]})
    response = client.post("/api/v1/cases", json=data, headers=bearer(token))
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["code"] == "material_not_accepted" and body["errors"]["materials.application_form"]
    assert _counts(db) == (0, 0, 0)  # the good file stored first left the library again


def test_content_that_is_not_base64_is_material_not_accepted(client, db):
    token = new_client(db)
    data = _with_materials(db, {"application_form": [{"name": "a.pdf", "content": "not base64!"}]})
    response = client.post("/api/v1/cases", json=data, headers=bearer(token))
    assert response.status_code == 400 and response.get_json()["code"] == "material_not_accepted"
    assert _counts(db) == (0, 0, 0)


def test_an_unknown_material_is_invalid_input_and_its_files_leave_the_library(client, db):
    token = new_client(db)
    data = _with_materials(db, {"no_such_material": [_file("a.pdf", material_files.pdf())]})
    response = client.post("/api/v1/cases", json=data, headers=bearer(token))
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["code"] == "invalid_input" and "materials.no_such_material" in response.get_json()["errors"]
    assert _counts(db) == (0, 0, 0)


def test_a_retry_with_materials_makes_one_case_and_replays_the_answer(client, db):
    token = new_client(db)
    data = _with_materials(db, {"application_form": [_file("申请表.pdf", material_files.pdf())]})
    first = client.post("/api/v1/cases", json=data, headers=bearer(token, key="with-files"))
    again = client.post("/api/v1/cases", json=data, headers=bearer(token, key="with-files"))
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert _counts(db)[:2] == (1, 1)


def test_a_malformed_materials_field_is_invalid_input(client, db):
    token = new_client(db)
    for materials in ({"application_form": "a.pdf"}, {"application_form": [{"name": "a.pdf"}]},
                      {"application_form": []}):
        response = client.post("/api/v1/cases", json=_with_materials(db, materials), headers=bearer(token))
        assert response.status_code == 400 and response.get_json()["code"] == "invalid_input", materials
    assert _counts(db) == (0, 0, 0)
