"""好差评: one evaluation per concluded case by its service object, a bad review starts the rectification,
and the applicant rates the department's answer; internal rectification cases stay out of 我的办件."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import cases, evaluation, rectification
from engine.applicant_cases import cases_of
from engine.errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound
from engine.models import Case, Evaluation
from tests import helpers

GOOD = evaluation.Rating(level=5, overall=5, efficiency=5, guide_accuracy=4, convenience=5, usability=4,
                         comment="办事很快")
BAD = evaluation.Rating(level=1, overall=1, efficiency=1, guide_accuracy=2, convenience=1, usability=2,
                        comment="窗口让我跑了三次")


def concluded_case(db, users, applicant="zhangsan", **submit_args) -> int:
    code = helpers.item_code(db, "construction_permit")
    submitted = cases.submit(db, code, helpers.application(db, code), users.get(applicant), **submit_args)
    helpers.drive(db, users, submitted.case_id)
    assert helpers.case(db, submitted.case_id).status in (11, 12, 13)
    return submitted.case_id


def agents_case(db, users) -> int:
    return concluded_case(db, users, applicant=None, applicant_name="陈大海", applicant_type="自然人",
                          applicant_id_number="110105199003071239", agent=users["agent_bj"], channel="agent")


def test_the_applicant_rates_a_concluded_case_once(db, users):
    case_id = concluded_case(db, users)
    given = evaluation.evaluate(db, case_id, users["zhangsan"], GOOD)
    assert (given.level, given.is_bad, given.rectification_state) == (5, False, "none")
    with pytest.raises(Conflict) as caught:
        evaluation.evaluate(db, case_id, users["zhangsan"], BAD)
    assert "只能评价一次" in caught.value.message
    with db.read() as session:
        assert evaluation.of_case(session, case_id).level == 5
    assert ("evaluated", None) in helpers.audit_actions(db, case_id)


def test_two_evaluations_at_the_same_instant_one_wins(db, users):
    case_id = concluded_case(db, users)
    results = helpers.race(lambda: evaluation.evaluate(db, case_id, users["zhangsan"], GOOD),
                           lambda: evaluation.evaluate(db, case_id, users["zhangsan"], BAD))
    assert sum(isinstance(r, Evaluation) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 1
    with db.read() as session:
        rows = session.scalars(select(Evaluation).where(Evaluation.case_id == case_id)).all()
        rectifications = session.scalars(select(Case).where(Case.channel == "internal")).all()
    assert len(rows) == 1
    assert len(rectifications) == (1 if rows[0].is_bad else 0)  # the loser started nothing


def test_a_case_still_being_handled_cannot_be_rated(db, users):
    code = helpers.item_code(db, "construction_permit")
    submitted = cases.submit(db, code, helpers.application(db, code), users["zhangsan"])
    with pytest.raises(Forbidden):
        evaluation.evaluate(db, submitted.case_id, users["zhangsan"], GOOD)


def test_nobody_else_may_rate_the_case(db, users):
    case_id = concluded_case(db, users)
    for other in ("haiyun", "clerk", "supervisor"):
        with pytest.raises(Forbidden):
            evaluation.evaluate(db, case_id, users[other], GOOD)


def test_the_agent_rates_only_when_the_applicant_has_no_account(db, users):
    case_id = agents_case(db, users)
    assert evaluation.evaluate(db, case_id, users["agent_bj"], GOOD).user_id == users["agent_bj"].id
    from engine.permissions import may_evaluate

    with db.read() as session:
        case = session.get(Case, case_id)
        case.applicant_id = users["zhangsan"].id  # as if the resident had an account: they rate, not the agent
        assert may_evaluate(users["zhangsan"], case) and not may_evaluate(users["agent_bj"], case)


@pytest.mark.parametrize("values, fields", [
    ({}, {"level", "overall", "efficiency", "guide_accuracy", "convenience", "usability"}),
    ({"level": "2", "overall": "2", "efficiency": "2", "guide_accuracy": "2", "convenience": "2", "usability": "2"},
     {"comment"}),
    ({"level": "6", "overall": "x", "efficiency": "1", "guide_accuracy": "1", "convenience": "1", "usability": "1",
      "comment": "差"}, {"level", "overall"}),
])
def test_a_bad_rating_form_names_its_fields(values, fields):
    with pytest.raises(InvalidInput) as caught:
        evaluation.parse_rating(values)
    assert set(caught.value.errors) == fields


def test_a_bad_review_starts_a_rectification_the_applicant_rates_afterwards(db, users):
    case_id = concluded_case(db, users)
    given = evaluation.evaluate(db, case_id, users["zhangsan"], BAD)
    assert given.is_bad and given.rectification_state == "open" and given.rectification_due_at is not None
    rectify = helpers.only_open_task(db, given.rectification_case_id)
    assert rectify.bpmn_id == "rectify" and rectify.group_code.endswith("_head")
    with db.read() as session:
        case = session.get(Case, case_id)
        assert evaluation.standing(session, case, users["zhangsan"]).rating_task_id is None
    with pytest.raises(NotFound):  # nothing to rate before the department answers
        rectification.rate(db, case_id, users["zhangsan"], True)
    head = helpers.worker_for(db, rectify, users)
    cases.complete(db, rectify.id, head, {"verified": "true", "measures": "已对窗口人员进行培训，实行一次性告知。",
                                          "reply": "经核实属实，已整改，欢迎再次监督。"})
    with db.read() as session:
        case = session.get(Case, case_id)
        seen = evaluation.standing(session, case, users["zhangsan"])
        assert seen.evaluation.rectification_state == "rectified"
        assert seen.reply == "经核实属实，已整改，欢迎再次监督。"
        assert seen.rating_task_id is not None
        assert evaluation.standing(session, case, users["haiyun"]).rating_task_id is None
    with pytest.raises(InvalidInput):
        rectification.rate(db, case_id, users["zhangsan"], None)
    with pytest.raises(Forbidden):
        rectification.rate(db, case_id, users["haiyun"], True)
    rectification.rate(db, case_id, users["zhangsan"], False, "还是不方便")
    with db.read() as session:
        done = evaluation.of_case(session, case_id)
    assert (done.rectification_state, done.rectification_rating) == ("unsatisfied", "还是不方便")
    with pytest.raises(InvalidState):
        rectification.rate(db, case_id, users["zhangsan"], True)


def test_the_applicants_case_list_leaves_out_internal_rectification_cases(db, users):
    case_id = concluded_case(db, users)
    given = evaluation.evaluate(db, case_id, users["zhangsan"], BAD)
    with db.read() as session:
        listed = [case.id for case in session.scalars(cases_of(users["zhangsan"]))]
        rectifying = session.get(Case, given.rectification_case_id)
    assert case_id in listed and given.rectification_case_id not in listed
    assert rectifying.applicant_id == users["zhangsan"].id  # it is theirs, only not an application


def test_the_agents_case_list_holds_the_cases_they_applied_for(db, users):
    case_id = agents_case(db, users)
    with db.read() as session:
        assert [case.id for case in session.scalars(cases_of(users["agent_bj"]))] == [case_id]
        assert case_id not in [case.id for case in session.scalars(cases_of(users["zhangsan"]))]
