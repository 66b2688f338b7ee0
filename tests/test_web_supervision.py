"""The supervision desk in the web app: a case crosses yellow then red while the dashboard and live lists
follow it, the boundary timer escalates, the supervisor urges from the desk, the handler acknowledges the
card and answers the urge on the workbench, the case concludes late; who may see what; the audit pages."""
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from engine import accounts, cases, clock, timers
from engine.demo import DEMO_PASSWORD
from engine.models import SupervisionCard, Urge
from engine.permissions import SUPERVISOR

from .helpers import answer, only_open_task
from .test_supervision import MONDAY, _accepted_construction_case
from .webpage import Page, login, submit


def _as(app, username):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def _counts(client) -> dict:
    page = Page(client.get("/supervision/"))
    assert page.status == 200
    return {key: int(page.text(f"count-{key}")) for key in ("yellow", "red", "yellow-steps", "red-steps")}


def _tagged(page, testid: str) -> str:
    """The text of the element with this data-testid."""
    found = [e for e in page.all("data-testid", testid) if e.get("data-testid") == testid]
    assert found, f"no [data-testid={testid}]"
    return " ".join(found[0].text.split())


def _township_supervisor(db):
    with db.write() as session:
        accounts.create_user(session, "bj_supervisor", DEMO_PASSWORD, "白蕉监察", roles=(SUPERVISOR,),
                             department="bj_center")


def test_a_late_case_moves_the_dashboard_the_supervisor_urges_and_the_handler_answers(app, db, users):
    case_id, review = _accepted_construction_case(db, users)
    supervisor = _as(app, "supervisor")
    assert _counts(supervisor) == {"yellow": 0, "red": 0, "yellow-steps": 0, "red-steps": 0}

    # Thursday: the review step is past its own limit, the case still in time.
    clock.travel_to(MONDAY + timedelta(days=3, hours=1))
    timers.fire_due(db)
    assert _counts(supervisor) == {"yellow": 0, "red": 0, "yellow-steps": 1, "red-steps": 0}
    live = Page(supervisor.get("/supervision/live/yellow"))
    assert [e.get("data-testid") for e in live.all("data-testid", f"desk-row-step-{case_id}")] == [
        f"desk-row-step-{case_id}-{review.id}"]
    assert live.find("live-cases-empty") is not None

    # The reviewer sees the yellow card on the inbox and acknowledges it.
    reviewer = _as(app, "reviewer")
    inbox = Page(reviewer.get("/workbench/"))
    card_ids = [int(e.get("data-testid").rsplit("-", 1)[1]) for e in inbox.all("data-testid", "notice-card-")]
    assert len(card_ids) == 1 and Page(supervisor.get("/supervision/")).text("count-cards") == "1"
    assert reviewer.post(f"/workbench/cards/{card_ids[0]}/acknowledge").status_code == 302
    assert Page(reviewer.get("/workbench/")).all("data-testid", "notice-card-") == []
    assert Page(supervisor.get("/supervision/")).text("count-cards") == "0"
    with db.read() as session:
        assert session.get(SupervisionCard, card_ids[0]).acknowledged_at is not None

    # Friday: the case turns yellow and the boundary timer hands the case to the head (科长督办).
    clock.travel_to(MONDAY + timedelta(days=4, hours=1))
    timers.fire_due(db)
    escalation = only_open_task(db, case_id)
    counts = _counts(supervisor)
    assert counts["yellow"] == 1 and counts["red"] == 0
    live = Page(supervisor.get("/supervision/live/yellow?fragment=1"))
    assert live.all("data-testid", f"desk-row-case-{case_id}")

    # The supervisor urges the head from the case's desk page: an empty message is refused next to the field.
    url = f"/supervision/cases/{case_id}"
    refused = submit(supervisor, url, f"urge-form-{escalation.id}", {"message": " "})
    assert refused.status_code == 400
    assert "2 至 1000 字" in Page(refused).text(f"urge-error-{escalation.id}")
    done = submit(supervisor, url, f"urge-form-{escalation.id}", {"message": "请今日内处理该超时办件。"})
    assert done.status_code == 302
    with db.read() as session:
        urge = session.scalar(select(Urge).where(Urge.case_id == case_id))
    assert urge.task_id == escalation.id and urge.answered_at is None
    assert Page(supervisor.get("/supervision/")).text("count-urges") == "1"

    # The head sees the urge on the inbox and answers it on the task page, where both clocks show.
    head = _as(app, "head")
    assert Page(head.get("/workbench/")).find("notices") is not None
    assert Page(head.get("/workbench/")).all("data-testid", f"notice-urge-{urge.id}")
    task_url = f"/workbench/tasks/{escalation.id}"
    task_page = Page(head.get(task_url))
    assert task_page.find("case-clock") is not None and task_page.find("case-clock").get("data-level") == "yellow"
    # Nobody else answers it or acknowledges someone else's card: 404, the urge and card untouched.
    clerk = _as(app, "clerk")
    assert clerk.post(f"/workbench/urges/{urge.id}/answer", data={"answer": "我来答复。"}).status_code == 404
    with db.read() as session:
        head_cards = [c.id for c in session.scalars(select(SupervisionCard).where(
            SupervisionCard.case_id == case_id, SupervisionCard.acknowledged_at.is_(None)))]
    assert head_cards and clerk.post(f"/workbench/cards/{head_cards[0]}/acknowledge").status_code == 404
    bad = submit(head, task_url, f"answer-urge-form-{urge.id}", {"answer": "好"})
    assert bad.status_code == 400 and Page(bad).find(f"urge-answer-error-{urge.id}") is not None
    assert submit(head, task_url, f"answer-urge-form-{urge.id}", {"answer": "已收到，今日直接审查。"}).status_code == 302
    with db.read() as session:
        assert session.get(Urge, urge.id).answer == "已收到，今日直接审查。"
    assert "已收到，今日直接审查。" in _tagged(Page(supervisor.get(url)), f"urge-answer-{urge.id}")
    assert Page(supervisor.get("/supervision/")).text("count-urges") == "0"

    # The applicant's case page shows the same clock.
    applicant = Page(_as(app, "haiyun").get(f"/my/cases/{case_id}"))
    assert applicant.find("case-clock").get("data-level") == "yellow"
    assert _tagged(applicant, "case-clock-due") == "2026-03-09"

    # Next Tuesday the case is red; the red lists carry the case and its step.
    clock.travel_to(MONDAY + timedelta(days=8, hours=1))
    timers.fire_due(db)
    counts = _counts(supervisor)
    assert counts["red"] == 1 and counts["yellow"] == 0
    red = Page(supervisor.get("/supervision/live/red"))
    assert red.all("data-testid", f"desk-row-case-{case_id}") and red.find("live-region") is not None
    deadlines = Page(supervisor.get("/supervision/deadlines?warning=red&kind=case"))
    assert [e.get("data-level") for e in deadlines.all("data-testid", "desk-row-")] == ["red"]

    # While it is open and red the month counts it in progress and overdue, not concluded.
    month = Page(supervisor.get("/supervision/statistics?month=2026-03"))
    assert {m: _tagged(month, f"stat-all-{m}") for m in ("in_progress", "overdue", "concluded")} == {
        "in_progress": "1", "overdue": "1", "concluded": "0"}

    # The head concludes, late: the counts fall back, the case's clock shows the overdue working days.
    cases.complete(db, escalation.id, users["head"], answer(db, escalation, action="take_over", decision="agree",
                                                            opinion="科长直接审查同意。"))
    approve = only_open_task(db, case_id)
    cases.complete(db, approve.id, users["head"], answer(db, approve, decision="approve"))
    assert _counts(supervisor) == {"yellow": 0, "red": 0, "yellow-steps": 0, "red-steps": 0}
    page = Page(supervisor.get(url))
    assert int(_tagged(page, "case-clock-overdue")) >= 1
    trail = [e.get("data-testid") for e in page.all("data-testid", "audit-")]
    assert {"audit-urge", "audit-urge_answered", "audit-card", "audit-card_acknowledged"} <= set(trail)

    # The statistics of the month count it received, concluded, overdue and not on time.
    stats = Page(supervisor.get("/supervision/statistics?month=2026-03"))
    total = {m: _tagged(stats, f"stat-all-{m}") for m in ("received", "concluded", "overdue", "on_time", "early",
                                                           "in_progress")}
    assert total == {"received": "1", "concluded": "1", "overdue": "1", "on_time": "0", "early": "0",
                     "in_progress": "0"}


def test_clerks_and_applicants_may_not_open_the_desk(app, db, users):
    for username in ("clerk", "zhangsan", "reviewer"):
        client = _as(app, username)
        for url in ("/supervision/", "/supervision/deadlines", "/supervision/live/red", "/supervision/statistics",
                    "/supervision/audit-chain", "/supervision/statistics/export.csv"):
            assert client.get(url).status_code == 403, (username, url)
    assert app.test_client().get("/supervision/deadlines").status_code == 302  # to the login page


def test_a_township_supervisor_never_sees_a_county_department_case(app, db, users):
    case_id, review = _accepted_construction_case(db, users)
    _township_supervisor(db)
    township = _as(app, "bj_supervisor")
    assert township.get(f"/supervision/cases/{case_id}").status_code == 404
    assert township.post(f"/supervision/cases/{case_id}/steps/{review.id}/urge",
                         data={"message": "请尽快办理。"}).status_code == 404
    page = Page(township.get("/supervision/deadlines"))
    assert page.all("data-testid", f"desk-row-case-{case_id}") == [] and page.find("deadlines-empty") is not None
    assert [o.get("value") for o in page.find("filter-department").iter() if o.tag == "option"] == ["", "bj_center"]
    county = Page(_as(app, "supervisor").get("/supervision/deadlines"))
    assert county.all("data-testid", f"desk-row-case-{case_id}")
    assert _as(app, "supervisor").get(f"/supervision/cases/{case_id}").status_code == 200


def test_bad_desk_filters_are_named_and_ignored(app, db, users):
    case_id, _review = _accepted_construction_case(db, users)
    client = _as(app, "supervisor")
    page = Page(client.get("/supervision/deadlines?warning=purple&department=nowhere&due_from=2026-13-01&kind=x"))
    assert page.status == 200
    problems = [" ".join(e.text.split()) for e in page.all("data-testid", "filter-problem")]
    assert len(problems) == 4
    assert any("purple" in p for p in problems) and any("nowhere" in p for p in problems)
    assert page.all("data-testid", f"desk-row-case-{case_id}")  # the rest of the page still shows
    narrowed = Page(client.get("/supervision/deadlines?kind=case&department=dm_construction&level=county"))
    assert [e.get("data-testid") for e in narrowed.all("data-testid", "desk-row-")] == [f"desk-row-case-{case_id}"]
    assert client.get("/supervision/deadlines?page=abc").status_code == 404


def test_the_audit_chain_page_shows_the_chain_intact_then_where_it_breaks(app, db, users):
    case_id, _review = _accepted_construction_case(db, users)
    client = _as(app, "supervisor")
    page = Page(client.get("/supervision/audit-chain"))
    assert page.find("chain-intact") is not None and int(page.find("chain-intact").get("data-checked")) > 5
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
        else:
            conn.execute(text("SET session_replication_role = replica"))
        conn.execute(text("UPDATE audit_event SET opinion = '篡改' WHERE seq = 3"))
    broken = Page(client.get("/supervision/audit-chain"))
    assert broken.find("chain-intact") is None and broken.find("chain-broken").get("data-broken-at") == "3"


def test_bad_statistics_questions_are_named_and_a_number_that_is_not_there_is_404(app, db, users):
    _accepted_construction_case(db, users)
    client = _as(app, "supervisor")
    page = Page(client.get("/supervision/statistics?dimension=colour&month=2026-13&department=nowhere"))
    assert page.status == 200 and len(page.all("data-testid", "filter-problem")) == 3
    assert page.find("stats-table") is not None  # asked again by department for the current month
    assert client.get("/supervision/statistics/cases?month=2026-03&key=abc&metric=received").status_code == 404
    assert client.get("/supervision/statistics/cases?month=2026-03&key=all&metric=bribes").status_code == 404
    listed = Page(client.get("/supervision/statistics/cases?month=2026-03&key=all&metric=accepted"))
    assert len(listed.all("data-testid", "drill-case-")) == 1
