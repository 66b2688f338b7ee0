"""Staff of another department never see or act on a case: per role (window clerk, reviewer, section head),
for every workbench URL of the case, at the steps a case goes through. Refusals never change the case."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from engine import cases
from engine.models import Document, FeeCharge
from engine.permissions import CLERK, REVIEWER, SECTION_HEAD
from engine.registration import create_user
from tests import helpers
from tests.webpage import Page, form_pairs, login

PASSWORD = "Outsider-2026"
# People of the development and reform bureau (dm_drc): they work there, never on other bureaus' cases.
OUTSIDERS = {
    "drc_clerk": dict(roles=(CLERK,), groups=("dm_drc_window",)),
    "drc_reviewer": dict(roles=(REVIEWER,), groups=("dm_drc_reviewer",)),
    "drc_head": dict(roles=(REVIEWER, SECTION_HEAD), groups=("dm_drc_head", "dm_drc_reviewer")),
}


@pytest.fixture
def outsiders(db):
    with db.write() as session:
        for username, kwargs in OUTSIDERS.items():
            create_user(session, username, PASSWORD, username, department="dm_drc", **kwargs)
    return list(OUTSIDERS)


def a_case(db, users, stem: str, accepted: bool) -> int:
    code = helpers.item_code(db, stem)
    case_id = cases.submit(db, code, helpers.application(db, code), users["haiyun"]).case_id
    if accepted:
        task = helpers.only_open_task(db, case_id)
        cases.complete(db, task.id, users["clerk"], helpers.answer(db, task, decision="accept"))
    return case_id


def urls_of(db, case_id: int) -> tuple[list[str], list[tuple[str, dict]]]:
    """Every page and action of the case's open task on the workbench, and of its documents and fees."""
    task = helpers.only_open_task(db, case_id)
    with db.read() as session:
        documents = list(session.scalars(select(Document.id).where(Document.case_id == case_id)))
        fees = list(session.scalars(select(FeeCharge.id).where(FeeCharge.case_id == case_id)))
    pages = [f"/workbench/tasks/{task.id}", f"/workbench/tasks/{task.id}/diagram.json"]
    pages += [f"/documents/{d}" for d in documents] + [f"/documents/{d}/pdf" for d in documents]
    actions = [
        (f"/workbench/tasks/{task.id}/claim", {}),
        (f"/workbench/tasks/{task.id}/unclaim", {}),
        (f"/workbench/tasks/{task.id}/complete", helpers.answer(db, task, decision="accept")),
        (f"/workbench/tasks/{task.id}/special-procedures", {"kind": "hearing", "reason": "听证", "limit_days": "5"}),
        (f"/workbench/tasks/{task.id}/extension", {"reason": "需要延期办理"}),
        (f"/workbench/tasks/{task.id}/reviewers", {"department": "dm_drc"}),
    ]
    actions += [(f"/workbench/tasks/{task.id}/fees/{fee}/payment", {"receipt_no": "X1"}) for fee in fees]
    actions += [(f"/workbench/tasks/{task.id}/fees/{fee}/waiver", {"reason": "减免"}) for fee in fees]
    return pages, actions


@pytest.mark.parametrize("stem, accepted", [("construction_permit", False), ("construction_permit", True),
                                            ("real_estate_transfer", True)])
def test_staff_of_another_department_never_see_or_act_on_the_case(app, db, users, outsiders, stem, accepted):
    case_id = a_case(db, users, stem, accepted)
    before = (helpers.case(db, case_id).version, helpers.audit_actions(db, case_id))
    pages, actions = urls_of(db, case_id)
    if accepted:  # accepted: the acceptance notice is the case's too, and the transfer's charged fees
        assert any(url.startswith("/documents/") for url in pages)
        assert any("/fees/" in url for url, _d in actions) == (stem == "real_estate_transfer")
    task = helpers.only_open_task(db, case_id)
    for username in outsiders:
        client = app.test_client()
        login(client, username, PASSWORD)
        inbox = Page(client.get("/workbench/"))
        assert inbox.status == 200 and not inbox.all("data-testid", f"open-task-{task.id}"), username
        for url in pages:
            assert client.get(url).status_code in (403, 404), (username, url)
        for url, data in actions:
            assert client.post(url, data=MultiDict(form_pairs(data))).status_code in (403, 404), (username, url)
        assert client.get(f"/my/cases/{case_id}").status_code == 403  # not an applicant either
    assert (helpers.case(db, case_id).version, helpers.audit_actions(db, case_id)) == before
