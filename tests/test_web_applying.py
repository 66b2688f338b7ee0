"""Applying online without losing work: drafts saved as one types, the review page, exactly one case per
confirmation, the receipt and its PDF."""
from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from engine import demo, drafts
from engine.models import ApplicationDraft, Case, Item
from tests import helpers
from tests.webpage import Page, apply_online, form_pairs, login, send_application, submit


def case_count(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Case))


def open_draft(db, username: str, code: str) -> ApplicationDraft | None:
    user = demo.user(db, username)
    with db.read() as session:
        item_id = session.scalar(select(Item.id).where(Item.code == code))
        return drafts.open_draft(session, user.id, item_id)


def permit(db) -> str:
    return helpers.item_code(db, "construction_permit")


def test_a_fresh_form_is_prefilled_from_the_company_profile(client, db):
    code = permit(db)
    login(client, "haiyun")
    page = Page(client.get(f"/my/apply/{code}"))
    assert page.find("f-builder-name").get("value") == "珠海海韵建设有限公司"
    assert page.find("f-builder-uscc").get("value") == "91350100M000100Y43"


def test_a_persons_id_never_fills_a_company_code_field(client, db):
    code = permit(db)
    login(client, "zhangsan")
    page = Page(client.get(f"/my/apply/{code}"))
    assert page.find("f-builder-uscc").get("value", "") == ""  # a resident ID does not fit the credit code


def test_autosave_keeps_a_half_filled_form_that_another_device_resumes(app, db):
    code = permit(db)
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, "haiyun")
    response = laptop.post(f"/my/apply/{code}/autosave", data={"project[name]": "海韵大厦", "project[floors_above]": "abc"})
    assert response.status_code == 200 and response.get_json()["version"] == 1
    login(phone, "haiyun")
    page = Page(phone.get(f"/my/apply/{code}"))
    assert page.find("f-project-name").get("value") == "海韵大厦"
    assert page.find("application-form").get("data-draft-version") == "1"


def test_autosave_needs_a_signed_in_applicant(client, db):
    response = client.post(f"/my/apply/{permit(db)}/autosave", data={"project[name]": "x"})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    login(client, "clerk")
    assert client.post(f"/my/apply/{permit(db)}/autosave", data={"project[name]": "x"}).status_code == 403


def test_an_oversized_draft_is_refused_with_a_message(client, db):
    login(client, "haiyun")
    big = "长" * 100_000
    response = client.post(f"/my/apply/{permit(db)}/autosave",
                           data={f"units[{i}][name]": big for i in range(3)})
    assert response.status_code in (400, 413)
    assert open_draft(db, "haiyun", permit(db)) is None


def test_an_invalid_form_is_shown_again_with_messages_and_still_kept_as_a_draft(client, db):
    code = permit(db)
    login(client, "haiyun")
    response = submit(client, f"/my/apply/{code}", "application-form", {"project": {"name": "只填了工程名称"}})
    assert response.status_code == 400
    page = Page(response)
    assert page.find("form-errors") is not None
    assert open_draft(db, "haiyun", code).data["project"]["name"] == "只填了工程名称"
    assert case_count(db) == 0


def test_save_draft_keeps_an_unfinished_form_without_complaining(client, db):
    code = permit(db)
    login(client, "haiyun")
    action_fields = form_pairs({"project": {"name": "先存一下"}}) + [("action", "save")]
    page = Page(client.get(f"/my/apply/{code}"))
    values = [(n, v) for n, v in page.form_values("application-form") if n != "project[name]"] + action_fields
    response = client.post(f"/my/apply/{code}", data=MultiDict(values))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/my/apply/{code}")
    home = Page(client.get("/my/"))
    draft = open_draft(db, "haiyun", code)
    assert home.all("data-testid", f"draft-{draft.id}")


def test_a_valid_form_goes_to_the_review_page_which_shows_what_was_typed(client, db):
    code = permit(db)
    login(client, "haiyun")
    data = helpers.application(db, code)
    response = send_application(client, code, data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/review")
    review = Page(client.get(response.headers["Location"]))
    assert data["project"]["name"] in review.text("review-application")
    assert review.find("confirm-form") is not None
    assert case_count(db) == 0  # nothing is submitted before the applicant confirms


def test_confirming_twice_makes_one_case_and_the_second_is_told_which(client, db):
    code = permit(db)
    login(client, "haiyun")
    response = send_application(client, code, helpers.application(db, code))
    review_url = response.headers["Location"]
    page = Page(client.get(review_url))
    values = page.form_values("confirm-form")
    first = client.post(f"/my/apply/{code}/confirm", data=MultiDict(values))
    second = client.post(f"/my/apply/{code}/confirm", data=MultiDict(values))
    assert first.status_code == 302 and "/receipt" in first.headers["Location"]
    with db.read() as session:
        case = session.scalar(select(Case))
    assert case_count(db) == 1
    assert second.status_code == 302 and second.headers["Location"].endswith(f"/my/cases/{case.id}")
    assert case.case_no in Page(client.get(second.headers["Location"])).text("main")


def test_a_draft_changed_after_review_is_sent_back_to_review(client, db):
    code = permit(db)
    login(client, "haiyun")
    response = send_application(client, code, helpers.application(db, code))
    values = Page(client.get(response.headers["Location"])).form_values("confirm-form")
    client.post(f"/my/apply/{code}/autosave", data=MultiDict(form_pairs(dict(helpers.application(db, code),
                                                                     project={"name": "另一个标签页改过"}))))
    answer = client.post(f"/my/apply/{code}/confirm", data=MultiDict(values))
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/review")
    assert case_count(db) == 0


def test_another_accounts_draft_cannot_be_confirmed_or_discarded(app, db):
    code = permit(db)
    owner, other = app.test_client(), app.test_client()
    login(owner, "haiyun")
    send_application(owner, code, helpers.application(db, code))
    draft = open_draft(db, "haiyun", code)
    login(other, "zhangsan")
    state = drafts.state_of(draft)
    response = other.post(f"/my/apply/{code}/confirm", data={"draft_id": str(draft.id), "digest": state.digest})
    assert response.status_code == 404
    assert other.post(f"/my/drafts/{draft.id}/discard").status_code == 404
    assert case_count(db) == 0 and open_draft(db, "haiyun", code) is not None


def test_a_forged_draft_id_is_a_bad_request(client, db):
    login(client, "haiyun")
    assert client.post(f"/my/apply/{permit(db)}/confirm", data={"draft_id": "1 OR 1=1", "digest": "x"}).status_code == 400


def test_the_applicant_discards_a_draft(client, db):
    code = permit(db)
    login(client, "haiyun")
    client.post(f"/my/apply/{code}/autosave", data={"project[name]": "不要了"})
    draft = open_draft(db, "haiyun", code)
    response = client.post(f"/my/drafts/{draft.id}/discard")
    assert response.status_code == 302 and open_draft(db, "haiyun", code) is None


def test_script_typed_into_a_field_is_shown_as_text_on_review(client, db):
    code = permit(db)
    login(client, "haiyun")
    data = helpers.application(db, code)
    data["project"]["name"] = "<script>alert(1)</script>大厦"
    response = send_application(client, code, data)
    body = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;大厦" in body


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_receipt_pdf_prints_the_query_code_only_right_after_submitting(app, db, pdf_font):
    code = permit(db)
    client = app.test_client()
    login(client, "haiyun")
    receipt_url = apply_online(client, code, helpers.application(db, code)).headers["Location"]
    receipt = Page(client.get(receipt_url))
    case_no, query_code = receipt.text("case-no"), receipt.text("query-code")
    pdf = client.get(receipt.find("receipt-pdf").get("href"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    text = pdf_text(pdf.data)
    assert case_no in text and query_code in text and "申请回执" in text

    later = app.test_client()  # the same applicant on another device: the code is never printed again
    login(later, "haiyun")
    assert query_code not in pdf_text(later.get(receipt.find("receipt-pdf").get("href")).data)


def test_another_applicants_receipt_is_not_found(app, db):
    code = permit(db)
    owner, other = app.test_client(), app.test_client()
    login(owner, "haiyun")
    receipt_url = apply_online(owner, code, helpers.application(db, code)).headers["Location"]
    login(other, "zhangsan")
    assert other.get(receipt_url).status_code == 404
    assert other.get(receipt_url + ".pdf").status_code == 404


def test_an_agents_draft_keeps_the_person_applied_for_until_the_case_is_made(client, db):
    with db.read() as session:
        code = session.scalar(select(Item.code).where(Item.case_kind == "immediate"))
    login(client, "agent_bj")
    data = dict(demo.sample_application(db, code),
                on_behalf={"applicant_name": "陈志明", "applicant_type": "自然人",
                           "applicant_id_number": "44040319850612123X"})
    response = send_application(client, code, data)
    review = Page(client.get(response.headers["Location"]))
    assert "陈志明" in review.text("review-person")
    confirmed = submit(client, response.headers["Location"], "confirm-form")
    assert confirmed.status_code == 302
    with db.read() as session:
        case = session.scalar(select(Case))
    assert (case.applicant_name, case.channel, case.applicant_id) == ("陈志明", "agent", None)
