"""A supervisor sees and acts only within the departments they watch (`permissions.watches`): a township
supervisor is refused another department's documents, case files, API case page, extension requests and
complaints, and the refusal changes nothing; the county's supervisor, who watches all, still opens them."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import accounts, cases, extensions, inquiries
from engine.demo import DEMO_PASSWORD
from engine.models import Document, Extension
from engine.permissions import SUPERVISOR
from tests import helpers
from tests.test_web_materials import case_with_files, uploads_dir  # noqa: F401  (fixtures used below)
from tests.webpage import Page, login

TOWNSHIP = "bj_supervisor"


@pytest.fixture
def township(app, db):
    """A signed-in supervisor of the 白蕉 township centre (bj_center): they watch that township only."""
    with db.write() as session:
        accounts.create_user(session, TOWNSHIP, DEMO_PASSWORD, "白蕉监察", roles=(SUPERVISOR,), department="bj_center")
    return signed_in(app, TOWNSHIP)


def signed_in(app, username):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


@pytest.fixture
def accepted_case(db, users, case_with_files):  # noqa: F811
    """张三's construction permit (住建局, a county bureau) with its files, accepted: it has its acceptance
    notice, and the reviewer holds its review step."""
    case_id, files = case_with_files
    task = helpers.only_open_task(db, case_id)
    cases.complete(db, task.id, users["clerk"], helpers.answer(db, task, decision="accept"))
    cases.claim(db, helpers.only_open_task(db, case_id).id, users["reviewer"])
    with db.read() as session:
        document = session.scalars(select(Document.id).where(Document.case_id == case_id)).first()
    assert document is not None
    return case_id, files["contract"][0], document


def unchanged(db, case_id):
    return helpers.case(db, case_id).version, helpers.audit_actions(db, case_id)


def test_a_township_supervisor_gets_404_for_another_departments_document_and_its_pdf(app, db, township,
                                                                                      accepted_case):
    case_id, _file, document = accepted_case
    before = unchanged(db, case_id)
    assert township.get(f"/documents/{document}").status_code in (403, 404)
    assert township.get(f"/documents/{document}/pdf").status_code in (403, 404)
    assert unchanged(db, case_id) == before


def test_a_township_supervisor_gets_404_for_an_applicants_file_of_another_departments_case(app, db, township,
                                                                                           accepted_case):
    case_id, file_id, _document = accepted_case
    before = unchanged(db, case_id)
    assert township.get(f"/cases/{case_id}/materials/{file_id}").status_code in (403, 404)
    assert unchanged(db, case_id) == before


def test_a_township_supervisor_gets_404_for_another_departments_case_through_the_api(app, db, township,
                                                                                     accepted_case):
    case_id, _file, _document = accepted_case
    case_no = helpers.case(db, case_id).case_no
    response = township.get(f"/api/v1/cases/{case_no}")
    assert response.status_code == 404 and response.is_json


def test_the_county_supervisor_still_opens_the_same_document_file_and_api_case(app, db, accepted_case):
    case_id, file_id, document = accepted_case
    county = signed_in(app, "supervisor")
    assert county.get(f"/documents/{document}").status_code == 200
    assert county.get(f"/documents/{document}/pdf").status_code == 200
    assert county.get(f"/cases/{case_id}/materials/{file_id}").status_code == 200
    assert county.get(f"/api/v1/cases/{helpers.case(db, case_id).case_no}").status_code == 200


def test_a_township_supervisor_may_not_decide_another_departments_extension(app, db, users, township,
                                                                            accepted_case):
    case_id, _file, _document = accepted_case
    extension_id = extensions.request(db, case_id, users["reviewer"], "需征求相关部门意见")
    before = unchanged(db, case_id)
    listed = Page(township.get("/supervision/extensions"))
    assert listed.status == 200 and not listed.all("data-testid", f"extension-{extension_id}")
    assert Page(signed_in(app, "supervisor").get("/supervision/extensions")).all("data-testid",
                                                                              f"extension-{extension_id}")
    township.post(f"/supervision/extensions/{extension_id}/decision", data={"decision": "approve", "opinion": "同意"})
    with db.read() as session:
        assert session.get(Extension, extension_id).state == "requested"
    assert unchanged(db, case_id) == before


def complaint_history(app, reference):
    page = Page(signed_in(app, "supervisor").get(f"/supervision/complaints/{reference}"))
    return [row.get("data-action") for row in page.all("data-testid", "history-")]


def test_a_township_supervisor_may_not_open_assign_or_advance_another_departments_complaint(app, db, users,
                                                                                            township):
    reference = inquiries.submit(db, "complaint", "陈志明", "13900001234", "窗口人员态度差", "多次被要求补交同一份材料。",
                                 department_code="dm_construction")
    assert township.get(f"/supervision/complaints/{reference}").status_code in (403, 404)
    assert township.post(f"/supervision/complaints/{reference}/handler",
                         data={"handler": str(users["reviewer"].id)}).status_code in (403, 404)
    assert township.post(f"/supervision/complaints/{reference}/advance",
                         data={"status": "investigating", "note": "已核实"}).status_code in (403, 404)
    assert complaint_history(app, reference) == ["received"]
