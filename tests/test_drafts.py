"""Drafts: saved half-filled, restored, consumed once by the case they become."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import cases, drafts
from engine.errors import InvalidInput, NotFound
from engine.models import ApplicationDraft, Case, Item
from tests import helpers


def _code(db):
    return helpers.item_code(db, "construction_permit")


def _open(db, user, code):
    """The account's open draft of the item with this code."""
    with db.read() as session:
        item_id = session.scalar(select(Item.id).where(Item.code == code))
        return drafts.open_draft(session, user.id, item_id)


def test_a_half_filled_form_is_saved_without_validation_and_restored(db, users):
    code = _code(db)
    state = drafts.save(db, users["haiyun"], code, {"builder": {"name": "珠海禾"}})
    again = drafts.save(db, users["haiyun"], code, {"builder": {"name": "珠海禾丰置业"}, "project": {"floors_above": 3}})
    assert again.id == state.id and again.version == state.version + 1
    draft = _open(db, users["haiyun"], code)
    assert draft.data == {"builder": {"name": "珠海禾丰置业"}, "project": {"floors_above": 3}}


def test_a_draft_keeps_only_the_fields_the_form_knows(db, users):
    code = _code(db)
    drafts.save(db, users["haiyun"], code, {"builder": {"name": "甲公司", "secret": "x"}, "is_admin": True},
                materials={"land_approval": ["f1", "f2"], "not_a_material": ["f3"]})
    draft = _open(db, users["haiyun"], code)
    assert draft.data == {"builder": {"name": "甲公司"}}
    assert draft.materials == {"land_approval": ["f1", "f2"]}


def test_an_oversized_draft_is_refused_and_nothing_is_written(db, users):
    code = _code(db)
    with pytest.raises(InvalidInput):
        drafts.save(db, users["haiyun"], code, {"expropriation_progress": "字" * (drafts.MAX_DRAFT_BYTES // 2)})
    assert _open(db, users["haiyun"], code) is None


def test_another_persons_draft_cannot_be_deleted(db, users):
    state = drafts.save(db, users["haiyun"], _code(db), {"builder": {"name": "甲公司"}})
    with pytest.raises(NotFound):
        drafts.delete(db, users["zhangsan"], state.id)
    drafts.delete(db, users["haiyun"], state.id)
    assert _open(db, users["haiyun"], _code(db)) is None


def test_confirming_a_draft_consumes_it_with_the_case_and_a_second_confirmation_names_that_case(db, users):
    code = _code(db)
    data = helpers.application(db, code)
    state = drafts.save(db, users["haiyun"], code, data)
    done = cases.submit(db, code, data, users["haiyun"], draft_id=state.id, draft_digest=state.digest)
    with pytest.raises(drafts.AlreadySubmitted) as second:
        cases.submit(db, code, data, users["haiyun"], draft_id=state.id, draft_digest=state.digest)
    assert (second.value.case_id, second.value.case_no) == (done.case_id, done.case_no)
    with db.read() as session:
        assert len(session.scalars(select(Case).where(Case.applicant_id == users["haiyun"].id)).all()) == 1
        draft = session.get(ApplicationDraft, state.id)
        assert draft.case_id == done.case_id and draft.data == {}
    assert _open(db, users["haiyun"], code) is None  # a new application starts a new draft


def test_two_simultaneous_confirmations_make_one_case(db, users):
    code = _code(db)
    data = helpers.application(db, code)
    state = drafts.save(db, users["haiyun"], code, data)
    results = helpers.race(*[lambda: cases.submit(db, code, data, users["haiyun"], draft_id=state.id,
                                                  draft_digest=state.digest)] * 2)
    made = [r for r in results if isinstance(r, cases.Submitted)]
    told = [r for r in results if isinstance(r, drafts.AlreadySubmitted)]
    assert len(made) == 1 and len(told) == 1, results
    assert told[0].case_id == made[0].case_id
    with db.read() as session:
        assert len(session.scalars(select(Case).where(Case.applicant_id == users["haiyun"].id)).all()) == 1


def test_a_draft_changed_after_the_review_is_not_submitted(db, users):
    code = _code(db)
    data = helpers.application(db, code)
    reviewed = drafts.save(db, users["haiyun"], code, data)
    drafts.save(db, users["haiyun"], code, {**data, "expropriation_progress": "另一台设备上改过"})
    with pytest.raises(drafts.DraftChanged):
        cases.submit(db, code, data, users["haiyun"], draft_id=reviewed.id, draft_digest=reviewed.digest)
    assert _open(db, users["haiyun"], code) is not None


def test_nobody_submits_another_persons_draft(db, users):
    code = _code(db)
    data = helpers.application(db, code)
    state = drafts.save(db, users["haiyun"], code, data)
    with pytest.raises(NotFound):
        cases.submit(db, code, data, users["zhangsan"], draft_id=state.id, draft_digest=state.digest)
