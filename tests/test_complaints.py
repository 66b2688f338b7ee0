"""Complaints (投诉, GB/T 36113) through their stages: each stage has a handler a complaint officer picks and
a limit in working days; the due time is on the stage row, an overdue stage is listed for supervisors, and
the history of who did what at which stage is kept append-only."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from engine import calendar_store, clock, complaints, inquiries
from engine.calendar import last_day
from engine.errors import Forbidden, InvalidInput, InvalidState
from engine.models import AuditEvent, ComplaintEvent

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=clock.TZ)  # an ordinary working week
FRIDAY = datetime(2026, 3, 6, 16, 0, tzinfo=clock.TZ)


def complain(db, department="dm_construction") -> str:
    return inquiries.submit(db, "complaint", "陈志明", "13900001234", "窗口人员态度差", "多次被要求补交同一份材料。",
                            department_code=department)


def stage_of(db, reference):
    with db.read() as session:
        inquiry = session.scalar(select(inquiries.Inquiry).where(inquiries.Inquiry.reference == reference))
        stage = complaints.open_stage(session, inquiry.id)
        return inquiry, stage


def history(db, reference) -> list[tuple[str, str, str | None]]:
    inquiry, _stage = stage_of(db, reference)
    with db.read() as session:
        return [(e.stage, e.action, e.note) for e in complaints.history(session, inquiry.id)]


def test_a_complaint_starts_received_with_its_limit_counted_by_the_calendar(db):
    clock.travel_to(MONDAY)
    reference = complain(db)
    _inquiry, stage = stage_of(db, reference)
    assert (stage.stage, stage.handler_id, stage.limit_days) == ("received", None, complaints.STAGE_LIMITS["received"])
    with db.read() as session:
        assert stage.due_at == calendar_store.calendar_for(session).due_at(MONDAY, complaints.STAGE_LIMITS["received"])
    assert last_day(stage.due_at) == date(2026, 3, 3)  # the next working day
    assert history(db, reference) == [("received", "received", None)]


def test_a_stage_started_on_friday_is_due_after_the_weekend(db):
    clock.travel_to(FRIDAY)
    _inquiry, stage = stage_of(db, complain(db))
    assert last_day(stage.due_at) == date(2026, 3, 9)  # Monday: Saturday and Sunday are not working days


def test_an_officer_assigns_and_the_handler_moves_it_on_with_a_note(db, users):
    clock.travel_to(MONDAY)
    reference = complain(db)
    complaints.assign(db, users["head"], reference, users["reviewer"].id, "请核实窗口收件情况")
    clock.travel_to(MONDAY + timedelta(hours=2))
    moved = inquiries.advance(db, users["reviewer"], reference, "investigating", "已调取收件记录")
    assert moved.status == "investigating"
    _inquiry, stage = stage_of(db, reference)
    assert (stage.stage, stage.handler_id) == ("investigating", users["reviewer"].id)  # the handler carries over
    assert last_day(stage.due_at) == date(2026, 3, 9)  # five working days from Monday
    assert history(db, reference) == [("received", "received", None), ("received", "assigned", "请核实窗口收件情况"),
                                      ("investigating", "advanced", "已调取收件记录")]
    with db.read() as session:
        actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("complaint_%"))
                                       .order_by(AuditEvent.seq)))
    assert actions == ["complaint_received", "complaint_assigned", "complaint_advanced"]


def test_only_officers_assign_and_only_the_handler_or_an_officer_moves_an_assigned_stage(db, users):
    reference = complain(db)
    with pytest.raises(Forbidden):
        complaints.assign(db, users["reviewer"], reference, users["reviewer"].id)  # not a complaint officer
    with pytest.raises(Forbidden):
        complaints.assign(db, users["zhangsan"], reference, users["reviewer"].id)
    with pytest.raises(InvalidInput) as refused:
        complaints.assign(db, users["supervisor"], reference, users["clerk"].id)  # another department's clerk
    assert "handler" in refused.value.errors
    with pytest.raises(InvalidInput):
        complaints.assign(db, users["supervisor"], reference, None)
    complaints.assign(db, users["supervisor"], reference, users["reviewer"].id)
    with pytest.raises(Forbidden):  # department staff, but not this stage's handler
        inquiries.advance(db, users["deptadmin"], reference, "investigating", "我来办")
    with pytest.raises(Forbidden):  # only officers name the next stage's handler
        inquiries.advance(db, users["reviewer"], reference, "investigating", handler_id=users["head"].id)
    assert inquiries.advance(db, users["head"], reference, "investigating", handler_id=users["head"].id).status \
        == "investigating"
    assert stage_of(db, reference)[1].handler_id == users["head"].id


def test_an_overdue_stage_is_listed_for_supervisors_until_it_moves_on(db, users):
    clock.travel_to(MONDAY)
    reference = complain(db)
    with db.read() as session:
        assert complaints.open_stages(session, users["supervisor"]).stages == []
    clock.travel_to(MONDAY + timedelta(days=2, hours=1))  # Wednesday: Tuesday was the last day
    with db.read() as session:
        listed = complaints.open_stages(session, users["supervisor"])
        assert [s.inquiry.reference for s in listed.stages] == [reference]
        assert complaints.overdue_count(session, users["supervisor"]) == 1
    inquiries.advance(db, users["supervisor"], reference, "investigating", "已转调查")
    with db.read() as session:
        assert complaints.open_stages(session, users["supervisor"]).stages == []
        assert [s.stage for s in complaints.open_stages(session, users["supervisor"], overdue_only=False).stages] \
            == ["investigating"]


def test_replying_needs_the_answer_and_archiving_closes_the_last_stage(db, users):
    reference = complain(db)
    inquiries.advance(db, users["supervisor"], reference, "investigating", "调查")
    inquiries.advance(db, users["supervisor"], reference, "resolved", "已批评教育")
    with pytest.raises(InvalidInput):
        inquiries.advance(db, users["supervisor"], reference, "replied", "")
    with pytest.raises(InvalidState):
        inquiries.advance(db, users["supervisor"], reference, "archived", "归档")
    replied = inquiries.advance(db, users["supervisor"], reference, "replied", "经核实属实，已对窗口人员批评教育。")
    assert replied.answer == "经核实属实，已对窗口人员批评教育。"
    inquiries.advance(db, users["supervisor"], reference, "archived", "归档")
    inquiry, stage = stage_of(db, reference)
    assert inquiry.status == "archived" and stage is None
    assert [a for _s, a, _n in history(db, reference)] == ["received", "advanced", "advanced", "replied", "advanced"]


def test_a_note_too_long_is_refused_and_nothing_moves(db, users):
    reference = complain(db)
    with pytest.raises(InvalidInput) as refused:
        inquiries.advance(db, users["supervisor"], reference, "investigating", "长" * (complaints.MAX_NOTE + 1))
    assert "note" in refused.value.errors
    assert stage_of(db, reference)[1].stage == "received"


def test_the_history_cannot_be_changed(db):
    reference = complain(db)
    with pytest.raises(RuntimeError):
        with db.write() as session:
            event = session.scalar(select(ComplaintEvent).limit(1))
            event.note = "改写"
    assert history(db, reference) == [("received", "received", None)]


def test_consultations_have_no_complaint_stages(db):
    reference = inquiries.submit(db, "consultation", "陈", "13900001234", "问", "内容", department_code="dm_land")
    assert stage_of(db, reference)[1] is None
