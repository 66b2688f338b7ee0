"""Taking a claimed task from its handler (退回 someone else's task, 改派 it to a named colleague) is for the
section head of the task's department and the supervisors who watch it (`permissions.may_reassign`): a head
of another bureau and a township supervisor are refused and nothing changes."""
from __future__ import annotations

import pytest

from engine import accounts, cases
from engine.demo import DEMO_PASSWORD
from engine.errors import Forbidden
from engine.permissions import REVIEWER, SECTION_HEAD, SUPERVISOR
from tests import helpers


@pytest.fixture
def claimed(db, users):
    """张三's construction permit (住建局), accepted; the bureau's reviewer has claimed its review."""
    code = helpers.item_code(db, "construction_permit")
    case_id = cases.submit(db, code, helpers.application(db, code), users["zhangsan"]).case_id
    task = helpers.only_open_task(db, case_id)
    cases.complete(db, task.id, users["clerk"], helpers.answer(db, task, decision="accept"))
    review = helpers.only_open_task(db, case_id)
    cases.claim(db, review.id, users["reviewer"])
    return case_id, review.id


@pytest.fixture
def strangers(db):
    """The development and reform bureau's section head, and the 白蕉 township's supervisor."""
    with db.write() as session:
        head = accounts.create_user(session, "drc_head", DEMO_PASSWORD, "发改科长", roles=(REVIEWER, SECTION_HEAD),
                                    department="dm_drc", groups=("dm_drc_head", "dm_drc_reviewer"))
        township = accounts.create_user(session, "bj_supervisor", DEMO_PASSWORD, "白蕉监察", roles=(SUPERVISOR,),
                                        department="bj_center")
        session.flush()
        session.expunge_all()
    return head, township


def handler_and_trail(db, case_id, task_id):
    with db.read() as session:
        from engine.models import HumanTask

        return session.get(HumanTask, task_id).assignee_id, helpers.audit_actions(db, case_id)


@pytest.mark.parametrize("who", ["head of another bureau", "township supervisor"])
def test_someone_outside_the_department_may_not_unclaim_or_reassign_its_claimed_task(db, users, claimed, strangers,
                                                                                    who):
    case_id, task_id = claimed
    stranger = strangers[0] if who.startswith("head") else strangers[1]
    before = handler_and_trail(db, case_id, task_id)
    with pytest.raises(Forbidden):
        cases.unclaim(db, task_id, stranger)
    with pytest.raises(Forbidden):
        cases.reassign(db, task_id, stranger, users["head"])
    assert handler_and_trail(db, case_id, task_id) == before
    assert before[0] == users["reviewer"].id


def test_the_bureaus_head_gives_the_task_back_and_the_county_supervisor_reassigns_it(db, users, claimed):
    case_id, task_id = claimed
    cases.unclaim(db, task_id, users["head"])
    assert handler_and_trail(db, case_id, task_id)[0] is None
    cases.reassign(db, task_id, users["supervisor"], users["reviewer"])
    assignee, trail = handler_and_trail(db, case_id, task_id)
    assert assignee == users["reviewer"].id
    assert [action for action, _status in trail][-2:] == ["unclaim", "reassign"]
