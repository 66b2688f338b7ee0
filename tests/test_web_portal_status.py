"""The public status lookup: statuses with the replies meant for the applicant, the clock, the next step, and
rate limits that bite; and the result publication with masked names."""
from __future__ import annotations

import pytest

from engine import case_numbers, cases, demo, masking, results
from engine.errors import InvalidState
from engine.models import Case
from tests import helpers
from tests.webpage import Page


def submit_case(db, users, stem="construction_permit", who="zhangsan", **applicant):
    code = helpers.item_code(db, stem)
    return cases.submit(db, code, helpers.application(db, code), users[who], **applicant)


def conclude(db, users, case_id: int, **answers) -> int:
    """Drive a case through its staff steps with approving answers (paying fees when asked)."""
    for _ in range(20):
        tasks = helpers.open_tasks(db, case_id)
        if not tasks or tasks[0].group_code == "applicant":
            break
        task = tasks[0]
        try:
            cases.complete(db, task.id, helpers.worker_for(db, task, users), helpers.answer(db, task, **answers))
        except InvalidState:
            demo.pay_fees(db, case_id)
    return helpers.case(db, case_id).status


def lookup(client, submitted, path="/status", **override):
    data = {"case_no": submitted.case_no, "query_code": submitted.query_code, **override}
    return client.post(path, data=data)


def request_supplement(db, users, case_id):
    task = helpers.only_open_task(db, case_id)
    cases.complete(db, task.id, users["clerk"], helpers.answer(db, task, decision="supplement",
                                                              supplement_materials=["contract"],
                                                              opinion="施工合同未加盖双方公章，请补正。"))


def test_a_case_in_supplement_tells_the_applicant_to_answer_it_in_my_cases(client, db, users):
    submitted = submit_case(db, users)
    request_supplement(db, users, submitted.case_id)
    page = Page(lookup(client, submitted))
    assert page.find("next-action").get("data-action") == "supplement"
    assert page.find("next-action-link").get("href") == f"/my/cases/{submitted.case_id}"
    assert "施工合同" in page.text("supplement-list")
    replies = [" ".join(e.text.split()) for e in page.all("data-testid", "timeline-reply")]
    assert any("施工合同未加盖双方公章" in r for r in replies)


def test_the_timeline_lists_every_status_with_its_time(client, db, users):
    submitted = submit_case(db, users)
    request_supplement(db, users, submitted.case_id)
    page = Page(lookup(client, submitted))
    assert [e.get("data-status") for e in page.all("data-testid", "timeline-entry")] == \
        [str(s) for s in helpers.statuses(db, submitted.case_id)]


def test_an_accepted_case_shows_the_working_days_left_and_nothing_to_do(client, db, users):
    submitted = submit_case(db, users)
    task = helpers.only_open_task(db, submitted.case_id)
    cases.complete(db, task.id, users["clerk"], helpers.answer(db, task, decision="accept", opinion="内部备注"))
    page = Page(lookup(client, submitted))
    assert page.find("next-action").get("data-action") == "wait"
    assert "内部备注" not in page.html  # the clerk's note on acceptance is not a reply to the applicant
    assert int(page.find("remaining-workdays").get("data-remaining")) > 0


def test_a_concluded_approved_case_offers_the_result_download(client, db, users):
    submitted = submit_case(db, users, "business_license_change")
    assert conclude(db, users, submitted.case_id) in (11, 12)
    page = Page(lookup(client, submitted))
    assert page.find("next-action").get("data-action") == "collect"


def test_a_wrong_query_code_and_an_unknown_number_read_the_same(client, db, users):
    submitted = submit_case(db, users)
    wrong = Page(lookup(client, submitted, query_code="ZZZZZZ"))
    unknown = Page(lookup(client, submitted, case_no=case_numbers.new_case_no()))
    assert (wrong.status, unknown.status) == (404, 404)
    assert wrong.text("lookup-error") == unknown.text("lookup-error")
    assert wrong.find("lookup-result") is None and unknown.find("lookup-result") is None


@pytest.mark.parametrize("data", [{"case_no": "1" * 5000, "query_code": "x" * 5000}, {"case_no": "<script>"},
                                  {}, {"case_no": "１２３"}])
def test_forged_or_overlong_lookups_are_answered_cleanly(client, data):
    response = client.post("/status", data=data)
    assert response.status_code == 400
    assert "<script>" not in response.get_data(as_text=True).split('id="case_no_input"')[1][:200]


def test_lookups_are_limited_per_address_with_a_chinese_429_and_retry_after(app, client, db, users):
    app.config["PORTAL_LOOKUP_LIMIT"] = "3 per minute"
    submitted = submit_case(db, users)
    assert [lookup(client, submitted).status_code for _ in range(3)] == [200, 200, 200]
    refused = lookup(client, submitted)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "频繁" in refused.get_data(as_text=True)


def test_failed_lookups_of_one_case_number_are_limited_whatever_the_address(app, client, db, users):
    app.config["PORTAL_LOOKUP_FAILURE_LIMIT"] = "2 per 10 minutes"
    submitted = submit_case(db, users)
    for n, address in enumerate(("10.0.0.1", "10.0.0.2")):
        response = client.post("/status", data={"case_no": submitted.case_no, "query_code": f"BAD{n}"},
                               environ_base={"REMOTE_ADDR": address})
        assert response.status_code == 404
    third = client.post("/status", data={"case_no": submitted.case_no, "query_code": submitted.query_code},
                        environ_base={"REMOTE_ADDR": "10.0.0.3"})
    assert third.status_code == 429 and "Retry-After" in third.headers
    other = submit_case(db, users)  # another number from the same address is still answered
    response = client.post("/status", data={"case_no": other.case_no, "query_code": other.query_code},
                           environ_base={"REMOTE_ADDR": "10.0.0.3"})
    assert response.status_code == 200


def test_the_rate_limit_can_be_switched_off_by_configuration(database_url, tmp_path, db, users):
    from webapp import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "ONEWINDOW_DATA_DIR": str(tmp_path / "d"),
                      "SECRET_KEY": "t", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                      "PORTAL_LOOKUP_LIMIT": "1 per minute"})
    try:
        client = app.test_client()
        submitted = submit_case(db, users)
        assert {lookup(client, submitted).status_code for _ in range(4)} == {200}
    finally:
        app.extensions["onewindow"].dispose()


def test_the_result_publication_masks_persons_and_keeps_company_names(client, db, users):
    person = submit_case(db, users, "business_license_change", "zhangsan")
    company = submit_case(db, users, "business_license_change", "haiyun")
    for submitted in (person, company):
        assert conclude(db, users, submitted.case_id) in (11, 12, 13)
    page = Page(client.get("/results"))
    rows = {e.get("data-testid")[len("result-"):]: e for e in page.all("data-testid", "result-")
            if e.tag == "tr"}
    assert set(rows) >= {person.case_no, company.case_no}

    def applicant(case_no):
        return next(" ".join(c.text.split()) for c in rows[case_no].iter() if c.get("data-testid") == "result-applicant")

    assert applicant(person.case_no) == "张**"
    assert applicant(company.case_no) == users["haiyun"].display_name
    html = page.html
    assert users["zhangsan"].display_name not in html and users["zhangsan"].id_number not in html
    assert users["haiyun"].id_number not in html


def test_a_case_still_running_is_not_published(client, db, users):
    submitted = submit_case(db, users)
    assert submitted.case_no not in client.get("/results").get_data(as_text=True)


def test_masking_rules():
    assert masking.public_applicant("张三", "自然人") == "张**"
    assert masking.public_applicant("欧阳娜娜", "自然人") == "欧**"
    assert masking.public_applicant("珠海海韵建设有限公司", "法人") == "珠海海韵建设有限公司"
    assert masking.public_applicant("", "自然人") == ""
    assert masking.public_applicant("李四", None) == "李**"  # unknown type: treated as a person


def test_published_results_are_paged_newest_first(db, users):
    made = [submit_case(db, users, "business_license_change", "haiyun") for _ in range(3)]
    for submitted in made:
        conclude(db, users, submitted.case_id)
    with db.read() as session:
        page = results.published_results(session, 1, size=2)
        assert page.total >= 3 and len(page.results) == 2 and page.pages >= 2
        stamps = [r.concluded_at for r in page.results]
        assert stamps == sorted(stamps, reverse=True)
        assert session.get(Case, made[0].case_id).status in (11, 12, 13)


def test_an_approved_extension_shows_in_the_timeline_with_its_reason(client, db, users):
    from engine import extensions

    submitted = submit_case(db, users)
    task = helpers.only_open_task(db, submitted.case_id)
    cases.complete(db, task.id, users["clerk"], helpers.answer(db, task, decision="accept"))
    request = extensions.request(db, submitted.case_id, users["reviewer"], "需征求消防部门意见")
    extensions.decide(db, request, users["head"], True, "同意")
    page = Page(lookup(client, submitted))
    shown = page.all("data-testid", "timeline-extension")
    assert len(shown) == 1 and shown[0].get("data-days") == "10"
    assert "需征求消防部门意见" in " ".join(shown[0].text.split())
    assert "同意" not in " ".join(shown[0].text.split()).replace("需征求消防部门意见", "")
