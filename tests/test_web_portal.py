"""The public portal, the placeholder areas and the API: what visitors and staff read."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from engine import cases, clock, demo
from engine.models import Case, Item
from tests import helpers
from tests.webpage import Page, apply_online, login, submit


def item_codes(db) -> list[str]:
    with db.read() as session:
        return list(session.scalars(select(Item.code).where(Item.internal.is_(False)).order_by(Item.code)))


def test_home_lists_every_published_item_grouped_by_department(client, db):
    page = Page(client.get("/"))
    assert page.status == 200
    listed = {e.get("data-testid")[len("item-"):] for e in page.all("data-testid", "item-")}
    assert listed == set(item_codes(db))
    assert page.all("data-testid", "department-")


def test_keyword_search_narrows_the_list(client, db):
    with db.read() as session:
        item = session.scalar(select(Item).where(Item.case_kind == "immediate"))
    page = Page(client.get("/", query_string={"q": item.name}))
    listed = [e.get("data-testid") for e in page.all("data-testid", "item-")]
    assert listed == [f"item-{item.code}"]
    assert Page(client.get("/", query_string={"q": "不存在的事项名称%_"})).find("no-items") is not None


def test_every_guide_page_shows_the_guide_fields(client, db):
    for code in item_codes(db):
        page = Page(client.get(f"/items/{code}"))
        assert page.status == 200, code
        assert page.find("item-guide").get("data-item-code") == code
        for section in ("guide-facts", "materials", "fees"):
            assert page.find(section) is not None, (code, section)
        assert page.all("data-testid", "material-"), code


def test_an_unknown_item_is_not_found(client):
    assert client.get("/items/NO-SUCH-ITEM").status_code == 404


def test_every_application_form_renders_for_an_applicant(client, db):
    login(client, "zhangsan")
    for code in item_codes(db):
        page = Page(client.get(f"/my/apply/{code}"))
        assert page.status == 200, code
        assert page.find("application-form") is not None and page.find("on-behalf") is None


def test_an_agent_applies_on_behalf_of_a_named_applicant(client, db):
    with db.read() as session:
        code = session.scalar(select(Item.code).where(Item.case_kind == "immediate"))
    login(client, "agent_bj")
    page = Page(client.get(f"/my/apply/{code}"))
    assert page.find("on-behalf") is not None
    data = dict(demo.sample_application(db, code),
                on_behalf={"applicant_name": "陈志明", "applicant_type": "自然人",
                           "applicant_id_number": "44040319850612123X"})
    response = apply_online(client, code, data)
    assert response.status_code == 302, Page(response).html
    with db.read() as session:
        case = session.scalar(select(Case).order_by(Case.id.desc()))
    assert (case.applicant_name, case.applicant_id, case.agent_id, case.channel) == (
        "陈志明", None, demo.user(db, "agent_bj").id, "agent")


def test_the_api_lists_published_items(client, db):
    body = client.get("/api/v1/items").get_json()
    assert sorted(entry["code"] for entry in body["items"]) == item_codes(db)


def test_the_admin_area_lists_items_with_their_versions(client, db):
    login(client, "admin")
    page = Page(client.get("/admin/"))
    assert page.find("items-table") is not None
    for code in item_codes(db):
        assert page.all("data-testid", f"version-{code}-1"), code


def test_the_supervision_dashboard_counts_warning_and_overdue_cases(client, db, users):
    code = item_codes(db)[0]
    submitted = cases.submit(db, code, demo.sample_application(db, code), users["zhangsan"])
    with db.write() as session:
        late = session.get(Case, submitted.case_id)  # past its promised limit: red
        late.promised_due_at, late.warning_level = clock.now() - timedelta(days=1), "red"
    login(client, "supervisor")
    page = Page(client.get("/supervision/"))
    assert (page.text("count-yellow"), page.text("count-red")) == ("0", "1")


def test_status_lookup_of_an_accepted_case_shows_the_working_days_left(client, db, users):
    code = helpers.item_code(db, "construction_permit")
    submitted = cases.submit(db, code, helpers.application(db, code), users["zhangsan"])
    task = helpers.only_open_task(db, submitted.case_id)
    cases.complete(db, task.id, users["clerk"], helpers.answer(db, task, decision="accept"))
    page = Page(client.post("/status", data={"case_no": submitted.case_no, "query_code": submitted.query_code}))
    assert page.find("case-status").get("data-status") in {"3", "8"}
    remaining = page.find("remaining-workdays").get("data-remaining")
    assert remaining.isdigit() and int(remaining) > 0
