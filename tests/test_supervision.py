"""Supervision (电子监察): a case and its steps turn yellow then red, the boundary timer escalates with a card,
a notice and a reassignment, a supervisor urges, the handler answers and concludes late; the desk lists it."""
from datetime import datetime, timedelta

from sqlalchemy import select

from engine import cases, clock, deadlines, desk, supervision, timers, urging, calendar_store
from engine.errors import InvalidInput, NotFound
from engine.models import Case, HumanTask, SupervisionCard

from .helpers import answer, application, item_code, only_open_task, open_tasks

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=clock.TZ)  # an ordinary working week


def _accepted_construction_case(db, users):
    clock.travel_to(MONDAY)
    code = item_code(db, "construction_permit")
    submitted = cases.submit(db, code, application(db, code), users["haiyun"])
    pre_review = only_open_task(db, submitted.case_id)
    cases.complete(db, pre_review.id, users["clerk"], answer(db, pre_review, decision="accept"))
    review = only_open_task(db, submitted.case_id)
    cases.claim(db, review.id, users["reviewer"])
    return submitted.case_id, review




def _cards(db, case_id):
    with db.read() as session:
        return list(session.scalars(select(SupervisionCard).where(SupervisionCard.case_id == case_id)
                                    .order_by(SupervisionCard.id)))


def _case(db, case_id):
    with db.read() as session:
        return session.get(Case, case_id)


def test_a_late_step_gets_a_yellow_card_while_the_case_is_in_time(db, users):
    case_id, review = _accepted_construction_case(db, users)
    # Accepted Monday: the review's own limit (2 working days) ends Wednesday night, the case's (5) next Monday.
    clock.travel_to(MONDAY + timedelta(days=3, hours=1))  # Thursday 10:00
    timers.fire_due(db)
    cards = _cards(db, case_id)
    assert [(c.colour, c.reason) for c in cards if c.task_id == review.id][:1] == [("yellow", "step_overdue")]
    step_card = next(c for c in cards if c.reason == "step_overdue")
    assert step_card.handler_id == users["reviewer"].id
    with db.read() as session:
        case = session.get(Case, case_id)
        task = session.get(HumanTask, review.id)
        calendar = calendar_store.calendar_for(session)
        step = deadlines.step_clock_of(task, case, calendar)
        assert step.level in ("yellow", "red") and step.overdue >= 1 and step.remaining == 0


def test_case_crosses_yellow_then_red_and_the_boundary_timer_escalates_with_reassignment(db, users):
    case_id, review = _accepted_construction_case(db, users)
    assert _case(db, case_id).warning_level == "normal"
    # Accepted Monday: the promised limit (5 working days) ends next Monday night; the review's
    # 3-working-day boundary timer at Thursday midnight. Thursday: 3 days left, still normal.
    clock.travel_to(MONDAY + timedelta(days=3, hours=1))
    timers.fire_due(db)
    assert _case(db, case_id).warning_level == "normal"
    clock.travel_to(MONDAY + timedelta(days=4, hours=1))  # Friday: 2 days left, and the boundary timer fired
    timers.fire_due(db)
    assert _case(db, case_id).warning_level == "yellow"
    assert any(c.colour == "yellow" and c.reason == "case_warning" for c in _cards(db, case_id))
    escalation = only_open_task(db, case_id)
    assert escalation.bpmn_id == "escalation" and escalation.group_code == "dm_construction_head"
    red = [c for c in _cards(db, case_id) if c.reason == "boundary_timer"]
    assert len(red) == 1 and red[0].colour == "red" and red[0].task_id == review.id
    assert red[0].reassigned_task_id == escalation.id and red[0].handler_id == users["reviewer"].id
    # The notice reaches the handler and the section head of the department.
    with db.read() as session:
        assert red[0].id in [c.id for c in supervision.notices_for(session, users["reviewer"])]
        assert red[0].id in [c.id for c in supervision.notices_for(session, users["head"])]
        assert red[0].id not in [c.id for c in supervision.notices_for(session, users["clerk"])]
    # The supervisor urges the head on the escalation step; the head answers.
    urge_id = urging.urge(db, escalation.id, users["supervisor"], "请今日内处理该超时办件。")
    with db.read() as session:
        assert [u.id for u in urging.waiting_for(session, users["head"])] == [urge_id]
    urging.answer(db, urge_id, users["head"], "已收到，今日直接审查。")
    with db.read() as session:
        assert urging.waiting_for(session, users["head"]) == []
    # Next Tuesday: the promised limit (Monday night) has passed -> red.
    clock.travel_to(MONDAY + timedelta(days=8, hours=1))
    timers.fire_due(db)
    assert _case(db, case_id).warning_level == "red"
    assert any(c.colour == "red" and c.reason == "case_overdue" for c in _cards(db, case_id))
    with db.read() as session:
        page = desk.overdue_timers(session, users["supervisor"], desk.DeskFilter(warning="red"))
        assert {(r.kind, r.case_id) for r in page.rows} >= {("case", case_id), ("step", case_id)}
    cases.complete(db, escalation.id, users["head"], answer(db, escalation, action="take_over", decision="agree",
                                                            opinion="科长直接审查同意。"))
    approve = only_open_task(db, case_id)
    cases.complete(db, approve.id, users["head"], answer(db, approve, decision="approve"))
    from .helpers import audit_actions
    done = _case(db, case_id)
    assert done.status in (11, 12)
    with db.read() as session:
        late = deadlines.case_clock_of(session, done, calendar_store.calendar_for(session))
    assert late.overdue >= 1 and late.level == "normal"
    actions = [a for a, _s in audit_actions(db, case_id)]
    assert "urge" in actions and "urge_answered" in actions and "card" in actions


def test_a_supervisor_watches_their_department_and_below_and_a_clerk_may_not_urge(db, users):
    from engine.errors import Conflict
    from engine.models import Department
    from engine.permissions import supervised_departments

    case_id, review = _accepted_construction_case(db, users)
    with db.read() as session:
        scope = supervised_departments(session, users["supervisor"])
        codes = set(session.scalars(select(Department.code).where(Department.id.in_(scope))))
        assert {"dm_center", "dm_construction", "bj_center"} <= codes and "zh_center" not in codes
        assert supervised_departments(session, users["clerk"]) == []
    try:
        urging.urge(db, review.id, users["clerk"], "请尽快办理。")
        raise AssertionError("a clerk urged")
    except NotFound:
        pass
    try:
        urging.urge(db, review.id, users["supervisor"], "催")
        raise AssertionError("a one-character urge was accepted")
    except InvalidInput as exc:
        assert "message" in exc.errors
    urge_id = urging.urge(db, review.id, users["supervisor"], "请尽快办理。")
    urging.answer(db, urge_id, users["reviewer"], "今日办结。")
    try:
        urging.answer(db, urge_id, users["reviewer"], "再答一次。")
        raise AssertionError("answered twice")
    except Conflict:
        pass
