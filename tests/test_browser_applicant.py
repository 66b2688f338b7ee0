"""In a real browser: an individual applies, loses the connection mid-form without losing anything,
answers a supplement request and reads the result; an agent applies for someone else."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from engine import cases, demo, drafts, materials
from engine.models import Case
from engine.status import CaseStatus

from . import material_files
from .helpers import answer, case, drive, item_code, only_open_task
from .test_browser_journey import _fill, _login

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
EARLY = ("household", "operator")  # typed while online; the rest is typed after the connection drops


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"applicant-{name}.png"), full_page=True)


def _draft_data(db, username: str, code: str) -> dict:
    from sqlalchemy import select

    from engine.models import Item

    user = demo.user(db, username)
    with db.read() as session:
        found = drafts.open_draft(session, user.id, session.scalar(select(Item.id).where(Item.code == code)))
        return found.data if found else {}


def test_an_individual_loses_the_connection_mid_form_answers_a_supplement_and_reads_the_result(page, live_server,
                                                                                               db, users):
    code = item_code(db, "business_license_change")
    data = demo.sample_application(db, code)
    _login(page, live_server, "zhangsan")
    page.goto(f"{live_server}/my/apply/{code}")
    _fill(page, {key: value for key, value in data.items() if key in EARLY})
    page.set_input_files("#upload-premises_proof", files=[{"name": "租赁合同.pdf", "mimeType": "application/pdf",
                                                           "buffer": material_files.pdf("lease")}])
    page.wait_for_selector('#material-files-premises_proof input[name="materials.premises_proof"]:checked')
    page.wait_for_selector('#autosave-status[data-state="saved"]')

    page.context.set_offline(True)
    _fill(page, {key: value for key, value in data.items() if key not in EARLY})
    page.wait_for_selector('#autosave-status[data-state="offline"]')
    _shot(page, "offline-form")
    assert "new_scope" not in _draft_data(db, "zhangsan", code)  # only this browser has it now
    page.close()  # the tab is closed while still offline

    page.context.set_offline(False)
    again = page.context.new_page()
    again.goto(f"{live_server}/my/apply/{code}")
    expect(again.locator("#f-new_scope")).to_have_value(data["new_scope"])  # sent, then shown from the server
    assert _draft_data(db, "zhangsan", code)["new_scope"] == data["new_scope"]
    assert again.input_value("#f-household-name") == data["household"]["name"]

    again.click("#submit-application")
    again.wait_for_selector("#confirm-form")
    _shot(again, "review")
    again.click("#confirm-submit")
    case_no = again.inner_text("#case-no").strip()
    assert again.locator("#query-code").count() == 1
    _shot(again, "receipt")

    case_id = _case_id(db, case_no)
    with db.read() as session:
        held = materials.case_materials(session, session.get(Case, case_id))
    assert [(m.material_id, [f.name for f in m.files]) for m in held if m.files] == [("premises_proof", ["租赁合同.pdf"])]
    pre_review = only_open_task(db, case_id)
    cases.complete(db, pre_review.id, users["clerk"], answer(db, pre_review, decision="supplement",
                                                             supplement_fields=["operator.mobile"],
                                                             opinion="经营者手机号码无法接通，请更正。"))
    again.goto(f"{live_server}/my/")
    supplement = only_open_task(db, case_id)
    again.click(f'[data-testid="my-task-{supplement.id}"] a')
    assert again.locator("#corrections input").count() == 1
    again.fill("#f-application-operator-mobile", "13912345678")
    _fill(again, {"reply_note": "手机号码已更正。", "all_supplied": True})
    _shot(again, "supplement")
    again.click("#complete-task")
    again.wait_for_selector('[data-testid="flash-success"]')
    assert case(db, case_id).application["operator"]["mobile"] == "13912345678"

    drive(db, users, case_id)
    assert case(db, case_id).status == CaseStatus.APPROVED
    again.goto(f"{live_server}/my/cases/{case_id}")
    assert again.get_attribute("#case-status", "data-status") == str(int(CaseStatus.APPROVED))
    assert again.locator('[data-testid^="document-"]').count() >= 1
    _shot(again, "result")


def test_an_agent_applies_for_a_resident_who_is_recorded_as_the_applicant(page, live_server, db):
    code = item_code(db, "business_license_change")
    _login(page, live_server, "agent_bj")
    page.goto(f"{live_server}/my/apply/{code}")
    _fill(page, {"on_behalf": {"applicant_name": "陈志明", "applicant_id_number": "44040319850612123X"}})
    page.check('input[type="radio"][name="on_behalf[applicant_type]"][value="自然人"]')
    _fill(page, demo.sample_application(db, code))
    page.click("#submit-application")
    page.wait_for_selector("#review-person")
    page.click("#confirm-submit")
    found = case(db, _case_id(db, page.inner_text("#case-no").strip()))
    assert (found.applicant_name, found.channel, found.agent_id) == ("陈志明", "agent", demo.user(db, "agent_bj").id)


def _case_id(db, case_no: str) -> int:
    from sqlalchemy import select

    with db.read() as session:
        return session.scalar(select(Case.id).where(Case.case_no == case_no))
