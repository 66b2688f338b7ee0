"""The workbench in the browser's terms: filtering the inbox, the done list, saved filters, substitutes,
special procedures and extensions from a task page, and the head's extension decisions."""
import io
from datetime import timedelta

from engine import cases, clock, materials
from engine.accounts import create_user
from engine.models import Case
from engine.permissions import CLERK
from engine.status import CaseStatus
from tests.webpage import Page, filled_form, login, submit

from . import material_files
from .helpers import answer, application, case, documents, item_code, only_open_task, open_tasks, worker_for


def _submit(db, users, **fields) -> int:
    code = item_code(db, "construction_permit")
    return cases.submit(db, code, application(db, code, **fields), users["haiyun"]).case_id


def _accepted(db, users) -> int:
    case_id = _submit(db, users)
    task = only_open_task(db, case_id)
    cases.complete(db, task.id, worker_for(db, task, users), answer(db, task, decision="accept"))
    return case_id


def test_the_inbox_filters_by_case_number_and_says_when_nothing_matches(client, db, users):
    first, second = _submit(db, users), _submit(db, users)
    login(client, "clerk")
    page = Page(client.get("/workbench/?case_no=" + case(db, second).case_no))
    rows = page.all("data-testid", "task-row-")
    assert [row.get("data-case-no") for row in rows] == [case(db, second).case_no]
    assert page.text("count-total") == "1"
    empty = Page(client.get("/workbench/?case_no=00000000000000000"))
    assert empty.find("inbox-empty") is not None and empty.all("data-testid", "task-row-") == []
    assert first != second


def test_bad_filter_values_are_named_and_ignored(client, db, users):
    _submit(db, users)
    login(client, "clerk")
    response = client.get("/workbench/?status=99&warning=purple&due_before=31-12-2026&sort=%3Cscript%3E")
    page = Page(response)
    assert response.status_code == 200
    problems = [p.text for p in page.all("data-testid", "filter-problem")]
    assert len(problems) == 4 and any("2026-12-31" in p for p in problems)
    assert "<script>" not in page.html
    assert len(page.all("data-testid", "task-row-")) >= 1  # the inbox still shows, unfiltered


def test_a_saved_filter_is_listed_and_opens_the_filtered_inbox(client, db, users):
    _submit(db, users)
    login(client, "clerk")
    response = submit(client, "/workbench/?warning=red&sort=due", "save-filter-form", {"name": "红牌件"})
    assert response.status_code == 302
    page = Page(client.get("/workbench/"))
    [saved] = page.all("data-testid", "apply-saved-")
    assert saved.text == "红牌件" and "warning=red" in saved.get("href") and "sort=due" in saved.get("href")


def test_the_done_list_shows_the_task_i_just_finished(client, db, users):
    case_id = _accepted(db, users)
    login(client, "clerk")
    page = Page(client.get("/workbench/done"))
    assert page.text("done-count").startswith("共 1")
    assert len(page.all("data-testid", "done-row-")) == 1
    assert case_id


def test_naming_a_substitute_with_bad_dates_shows_the_messages_next_to_the_fields(client, db, users):
    login(client, "clerk")
    today = clock.local_now().date()
    response = submit(client, "/workbench/substitutes", "substitution-form",
                      {"starts_on": today.isoformat(), "ends_on": (today - timedelta(days=3)).isoformat()})
    page = Page(response)
    assert response.status_code == 400
    assert page.find("substitution-error") is not None
    assert page.all("data-testid", "error-ends_on") and page.all("data-testid", "error-substitute_id")


def test_a_reviewer_starts_and_ends_a_special_procedure_from_the_task_page(client, db, users):
    case_id = _accepted(db, users)
    task_url = f"/workbench/tasks/{only_open_task(db, case_id).id}"
    login(client, "reviewer")
    response = submit(client, task_url, "start-special-form",
                      {"kind": "site_inspection", "reason": "需现场核实建设条件", "limit_days": "5"})
    assert response.status_code == 302
    page = Page(client.get(task_url))
    assert page.find("remaining-workdays").text.strip().startswith("计时已暂停")
    assert case(db, case_id).status == CaseStatus.SPECIAL_STARTED
    assert documents(db, case_id)[-1].kind == "special_notice"
    [row] = page.all("data-testid", "special-procedure-")
    response = submit(client, task_url, "end-special-form", {"result": "现场勘验符合条件"})
    assert response.status_code == 302 and case(db, case_id).status == CaseStatus.SPECIAL_ENDED
    assert row


def test_a_special_procedure_without_a_reason_is_refused_with_a_message(client, db, users):
    case_id = _accepted(db, users)
    task_url = f"/workbench/tasks/{only_open_task(db, case_id).id}"
    login(client, "reviewer")
    response = submit(client, task_url, "start-special-form", {"kind": "hearing", "reason": "", "limit_days": "0"})
    page = Page(client.get(response.headers["Location"]))
    messages = " ".join(e.text for e in page.all("data-testid", "flash-error"))
    assert "原因" in messages and "工作日" in messages
    assert case(db, case_id).status == CaseStatus.HANDLING


def test_the_head_approves_an_extension_requested_from_the_task_page(app, client, db, users):
    case_id = _accepted(db, users)
    due = case(db, case_id).statutory_due_at
    task_url = f"/workbench/tasks/{only_open_task(db, case_id).id}"
    login(client, "reviewer")
    assert submit(client, task_url, "extension-form", {"reason": "需征求规划部门意见"}).status_code == 302
    assert Page(client.get("/workbench/extensions")).status == 200  # reviewers see an empty list, not an error
    supervisor = app.test_client()
    login(supervisor, "supervisor")
    assert len(Page(supervisor.get("/supervision/extensions")).all("data-testid", "extension-")) == 1
    head = app.test_client()
    login(head, "head")
    page = Page(head.get("/workbench/extensions"))
    [row] = page.all("data-testid", "extension-")
    extension_id = row.get("data-testid").rsplit("-", 1)[1]
    response = head.post(f"/workbench/extensions/{extension_id}/decision",
                         data={"decision": "approve", "opinion": "同意", "csrf_token": _csrf(head)})
    assert response.status_code == 302
    assert case(db, case_id).statutory_due_at > due
    assert documents(db, case_id)[-1].kind == "extension_notice"


def _csrf(client) -> str:
    page = Page(client.get("/workbench/extensions"))
    field = next(e for e in page.root.iter() if e.get("name") == "csrf_token")
    return field.get("value")


def test_each_joint_reviewer_sees_the_other_departments_opinions_as_they_arrive(client, db, users):
    code = item_code(db, "planning_permit")
    case_id = cases.submit(db, code, application(db, code), users["haiyun"]).case_id
    task = only_open_task(db, case_id)
    cases.complete(db, task.id, worker_for(db, task, users), answer(db, task, decision="accept"))
    reviews = {t.group_code: t for t in open_tasks(db, case_id)}
    planning = reviews["dm_planning_reviewer"]
    cases.complete(db, planning.id, users["reviewer"],
                   answer(db, planning, decision="agree_with_conditions", opinion="建筑退让须满足规划条件",
                          conditions=["北侧退让红线不少于8米"]))
    login(client, "reviewer")
    page = Page(client.get(f"/workbench/tasks/{reviews['dm_fire_reviewer'].id}"))
    rows = {row.get("data-testid"): row for row in page.all("data-testid", "opinion-")}
    assert rows[f"opinion-{planning.id}"].get("data-state") == "done"
    assert "建筑退让须满足规划条件" in rows[f"opinion-{planning.id}"].text
    assert "有条件同意" in rows[f"opinion-{planning.id}"].text
    assert rows[f"opinion-{reviews['dm_env_reviewer'].id}"].get("data-state") == "open"
    assert page.find("task-form") is not None  # the fire department still gives its own opinion
    assert page.find("add-reviewer-form") is None  # a reviewer is not the lead window


def test_the_lead_window_adds_a_department_from_the_case_page(client, db, users):
    code = item_code(db, "planning_permit")
    case_id = cases.submit(db, code, application(db, code), users["haiyun"]).case_id
    task = only_open_task(db, case_id)
    cases.complete(db, task.id, users["clerk"], answer(db, task, decision="accept"))
    login(client, "clerk")
    url = f"/workbench/tasks/{task.id}"  # the lead's own finished pre-review shows the case
    response = submit(client, url, "add-reviewer-form", {"group": "dm_water_reviewer"})
    assert response.status_code == 302
    assert "dm_water_reviewer" in {t.group_code for t in open_tasks(db, case_id)}
    options = [e.get("value") for e in Page(client.get(url)).root.iter() if e.tag == "option"]
    assert "dm_water_reviewer" not in options and "dm_power_reviewer" in options


def test_a_clerk_registers_a_walk_in_application_with_a_checked_id_and_gets_the_receipt(client, db, users):
    code = item_code(db, "construction_permit")
    login(client, "clerk")
    assert Page(client.get("/workbench/walk-in")).find("walk-in-items") is not None
    url = f"/workbench/walk-in/{code}"
    person = {"on_behalf": {"applicant_name": "珠海斗门建工集团有限公司", "applicant_type": "法人",
                            "applicant_id_number": "91440403MA54Q8K3X0"}}  # check character wrong
    response = submit(client, url, "walk-in-form", {**application(db, code), **person})
    page = Page(response)
    assert response.status_code == 400
    assert "统一社会信用代码" in page.html and page.find("walk-in-form") is not None
    person["on_behalf"]["applicant_id_number"] = "91440403MA54Q8K3XP"
    response = submit(client, url, "walk-in-form", {**application(db, code), **person})
    assert response.status_code == 302
    receipt = Page(client.get(response.headers["Location"]))
    case_no = receipt.text("case-no")
    assert len(receipt.text("query-code")) >= 6
    assert Page(client.get(response.headers["Location"])).status == 404  # the query code is shown once
    with db.read() as session:
        registered = session.query(Case).filter_by(case_no=case_no).one()
    assert registered.channel == "window" and registered.applicant_id is None
    assert registered.applicant_name == "珠海斗门建工集团有限公司"


def test_only_window_clerks_register_walk_ins(client, db):
    login(client, "reviewer")
    assert client.get("/workbench/walk-in").status_code == 403


def test_the_task_page_diagram_marks_the_open_and_finished_steps_for_those_who_may_see_the_case(app, client, db,
                                                                                               users):
    case_id = _accepted(db, users)
    review = only_open_task(db, case_id)
    login(client, "reviewer")
    state = client.get(f"/workbench/tasks/{review.id}/diagram.json").get_json()
    assert state["active"] == [review.bpmn_id] and "pre_review" in state["done"]
    assert f'id="{review.bpmn_id}"' in state["xml"]
    with db.write() as session:
        create_user(session, "land_clerk", "x" * 12, "国土窗口", roles=(CLERK,), department="dm_land",
                    groups=("dm_land_window",))
    outsider = app.test_client()
    login(outsider, "land_clerk", "x" * 12)
    assert outsider.get(f"/workbench/tasks/{review.id}/diagram.json").status_code == 403


def _walk_in_with_scan(client, db, scan: bytes, name: str):
    """A clerk registers haiyun's construction permit at the window with one scanned contract."""
    code = item_code(db, "construction_permit")
    login(client, "clerk")
    person = {"on_behalf": {"applicant_name": "珠海斗门建工集团有限公司", "applicant_type": "法人",
                            "applicant_id_number": "91440403MA54Q8K3XP"}}
    action, values = filled_form(client, f"/workbench/walk-in/{code}", "walk-in-form",
                                 {**application(db, code), **person})
    values.add("upload.contract", (io.BytesIO(scan), name))
    return client.post(action, data=values, content_type="multipart/form-data")


def test_a_clerk_scans_materials_at_the_window_and_the_case_holds_them(client, db, users):
    response = _walk_in_with_scan(client, db, material_files.pdf("contract"), "施工合同扫描件.pdf")
    assert response.status_code == 302, Page(response).html
    case_no = Page(client.get(response.headers["Location"])).text("case-no")
    with db.read() as session:
        registered = session.query(Case).filter_by(case_no=case_no).one()
        held = {m.material_id: [f.name for f in m.files] for m in materials.case_materials(session, registered)
                if m.files}
    assert held == {"contract": ["施工合同扫描件.pdf"]}  # paper brought to the counter needs no scan


def test_a_disguised_scan_is_refused_at_the_window_and_no_case_is_made(client, db, users):
    response = _walk_in_with_scan(client, db, material_files.exe(), "施工合同.pdf")
    assert response.status_code == 400
    assert Page(response).find("error-materials-contract") is not None
    with db.read() as session:
        assert session.query(Case).count() == 0


def test_a_queue_longer_than_a_thousand_tasks_is_counted_as_1000_plus_and_paged_to_the_thousandth(client, db,
                                                                                                   users):
    from sqlalchemy import insert, select

    from engine.inbox import COUNT_CAP, PAGE_SIZE
    from engine.models import HumanTask
    from engine.models.case import task_copies

    case_id = _submit(db, users)
    first = only_open_task(db, case_id)
    with db.write() as session:  # a busy window: the one task's queue, a thousand times over
        held = session.scalar(select(Case).where(Case.id == case_id))
        start = clock.now()
        session.execute(insert(HumanTask), [
            {"case_id": case_id, "task_uuid": f"00000000-0000-0000-0000-{n:012d}", "bpmn_id": first.bpmn_id,
             "name": first.name, "group_code": first.group_code, "department_id": first.department_id,
             "form_key": first.form_key, "case_step": first.case_step, "state": "open",
             "created_at": start + timedelta(seconds=n), **task_copies(held)} for n in range(COUNT_CAP + 5)])
    login(client, "clerk")
    page = Page(client.get("/workbench/"))
    assert page.text("count-groups") == page.text("count-total") == f"{COUNT_CAP}+"
    last = COUNT_CAP // PAGE_SIZE
    final = Page(client.get(f"/workbench/?page={last}"))
    assert len(final.all("data-testid", "task-row-")) == PAGE_SIZE
    assert client.get(f"/workbench/?page={last + 1}").status_code == 404  # the pages end at the cap
