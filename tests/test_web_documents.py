"""Documents on the web: listed on the case pages, opened by those who may see the case, verified by anyone."""
from engine import cases, progress
from engine.models import Case
from engine.status import CaseStatus
from tests.webpage import Page, login

from .helpers import answer, application, documents, drive, item_code, only_open_task, worker_for


def _accepted_case(db, users, stem="construction_permit", who="haiyun") -> int:
    code = item_code(db, stem)
    case_id = cases.submit(db, code, application(db, code), users[who]).case_id
    task = only_open_task(db, case_id)
    cases.complete(db, task.id, worker_for(db, task, users), answer(db, task, decision="accept"))
    return case_id


def test_the_applicant_sees_the_acceptance_notice_on_the_case_page(client, db, users):
    case_id = _accepted_case(db, users)
    notice = documents(db, case_id)[0]
    login(client, "haiyun")
    page = Page(client.get(f"/my/cases/{case_id}"))
    [number] = [e.text for e in page.all("data-testid", f"document-number-{notice.id}")]
    assert number == notice.number
    assert [row.get("data-kind") for row in page.all("data-testid", "document-") if row.tag == "tr"] == [
        "acceptance_notice"]


def test_the_clerk_sees_the_case_documents_on_the_task_page(client, db, users):
    case_id = _accepted_case(db, users)
    notice = documents(db, case_id)[0]
    review = only_open_task(db, case_id)
    login(client, "reviewer")
    page = Page(client.get(f"/workbench/tasks/{review.id}"))
    [number] = [e.text for e in page.all("data-testid", f"document-number-{notice.id}")]
    assert number == notice.number


def test_the_printable_page_shows_the_same_content_as_the_pdf(client, db, users):
    case_id = _accepted_case(db, users)
    notice = documents(db, case_id)[0]
    login(client, "haiyun")
    page = Page(client.get(f"/documents/{notice.id}"))
    assert page.status == 200
    assert (page.text("document-title"), page.text("document-number")) == ("受理通知书", notice.number)
    assert page.text("document-verify-url").endswith(f"/verify/{notice.verify_code}")
    facts = page.text("document-facts")
    assert all(str(value) in facts for _label, value in notice.content["facts"])


def test_the_applicant_downloads_the_pdf_of_their_own_notice(client, db, users, pdf_font):
    case_id = _accepted_case(db, users)
    notice = documents(db, case_id)[0]
    login(client, "haiyun")
    response = client.get(f"/documents/{notice.id}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.get_data().startswith(b"%PDF")
    assert documents(db, case_id)[0].pdf_sha256 is not None


def test_another_applicant_can_neither_download_nor_open_the_document(client, db, users):
    notice = documents(db, _accepted_case(db, users))[0]
    login(client, "zhangsan")
    assert client.get(f"/documents/{notice.id}/pdf").status_code == 404
    assert client.get(f"/documents/{notice.id}").status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in_for_a_document(client, db, users):
    notice = documents(db, _accepted_case(db, users))[0]
    response = client.get(f"/documents/{notice.id}/pdf")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_verification_page_shows_the_document_with_the_applicant_name_masked(client, db, users):
    case_id = _accepted_case(db, users, "business_license_change", "zhangsan")
    certificate = documents(db, case_id)[-1]
    page = Page(client.get(f"/verify/{certificate.verify_code}"))
    assert page.status == 200 and page.find("verify-valid") is not None
    assert page.text("verify-number") == certificate.number
    assert page.text("verify-kind") == "证照" and page.text("verify-item") == "个体工商户变更登记"
    assert page.text("verify-holder") == "张*" and "张三" not in page.html


def test_an_unknown_verification_code_is_refused_with_404(client, db, users):
    _accepted_case(db, users)
    page = Page(client.get("/verify/AAAAAAAAAAAAAAAAAAAAAA"))
    assert page.status == 404 and page.find("verify-not-found") is not None
    assert client.get("/verify/x").status_code == 404


def test_a_revoked_document_says_so_on_the_verification_page(client, db, users):
    case_id = _accepted_case(db, users)
    drive(db, users, case_id)
    with db.write() as session:
        progress.set_status(session, session.get(Case, case_id), CaseStatus.REVOKED, users["head"])
    certificate = documents(db, case_id)[-1]
    page = Page(client.get(f"/verify/{certificate.verify_code}"))
    assert page.status == 410 and page.find("verify-revoked") is not None
    assert page.text("verify-number") == certificate.number
