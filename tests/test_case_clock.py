"""The legal clock: working-day due dates from acceptance, pauses that move them, yellow and red."""
from datetime import datetime, timedelta

from engine import cases, clock, timers
from engine.status import CaseStatus

from .helpers import answer, application, case, item_code, only_open_task, statuses

SHANGHAI = clock.TZ


def _submit(db, users, stem="construction_permit"):
    code = item_code(db, stem)
    return cases.submit(db, code, application(db, code), users["haiyun"]).case_id


def _pre_review(db, users, case_id, **fields):
    task = only_open_task(db, case_id)
    assert task.case_step == "pre_review"
    cases.complete(db, task.id, users["clerk"], answer(db, task, **fields))


def test_promised_limit_counts_working_days_from_the_day_after_acceptance(db, users):
    clock.travel_to(datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI))  # a Friday
    case_id = _submit(db, users)
    _pre_review(db, users, case_id, decision="accept")
    accepted = case(db, case_id)
    # Promised limit 5 working days: Mon 7 .. Fri 11 December; due at midnight ending the 11th.
    assert accepted.promised_due_at == datetime(2026, 12, 12, 0, 0, tzinfo=SHANGHAI)
    # Statutory 7 working days: .. Tue 15 December.
    assert accepted.statutory_due_at == datetime(2026, 12, 16, 0, 0, tzinfo=SHANGHAI)
    assert accepted.status == CaseStatus.HANDLING


def test_supplement_request_lists_a_deadline_and_the_resubmission_is_recorded(db, users):
    clock.travel_to(datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI))  # a Monday
    case_id = _submit(db, users)
    _pre_review(db, users, case_id, decision="supplement", opinion="缺少施工图审查合格书",
                supplement_materials=["construction_drawings"])
    requested = case(db, case_id)
    assert requested.status == CaseStatus.SUPPLEMENT_REQUESTED
    assert requested.supplement_due_at == datetime(2026, 12, 15, 0, 0, tzinfo=SHANGHAI)  # 5 working days
    supplement = only_open_task(db, case_id)
    assert supplement.group_code == "applicant"
    cases.complete(db, supplement.id, users["haiyun"], answer(db, supplement))
    assert statuses(db, case_id)[:3] == [CaseStatus.RECEIVED, CaseStatus.SUPPLEMENT_REQUESTED,
                                         CaseStatus.SUPPLEMENT_RECEIVED]
    assert only_open_task(db, case_id).case_step == "pre_review"


def test_acceptance_after_the_pre_review_limit_counts_from_receipt(db, users):
    clock.travel_to(datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI))  # received Monday
    case_id = _submit(db, users)
    clock.travel_to(datetime(2026, 12, 16, 9, 0, tzinfo=SHANGHAI))  # 7 working days later
    _pre_review(db, users, case_id, decision="accept")
    late = case(db, case_id)
    # Deemed accepted on receipt: 5 working days from Tue 8 → Mon 14 December.
    assert late.promised_due_at == datetime(2026, 12, 15, 0, 0, tzinfo=SHANGHAI)


def test_case_turns_yellow_then_red_as_its_due_date_nears_and_passes(db, users):
    clock.travel_to(datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI))
    case_id = _submit(db, users)
    _pre_review(db, users, case_id, decision="accept")
    assert case(db, case_id).warning_level == "normal"
    clock.travel_to(datetime(2026, 12, 10, 8, 0, tzinfo=SHANGHAI))  # Thursday: 2 working days left
    timers.fire_due(db)
    assert case(db, case_id).warning_level == "yellow"
    clock.travel_to(datetime(2026, 12, 12, 0, 0, 1, tzinfo=SHANGHAI))
    timers.fire_due(db)
    assert case(db, case_id).warning_level == "red"


def test_special_procedure_stops_the_clock_and_moves_the_due_date(db, users):
    clock.travel_to(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))  # a Tuesday
    case_id = _submit(db, users, "env_impact_report")
    _pre_review(db, users, case_id, decision="accept")
    due_before = case(db, case_id).promised_due_at
    # Work forward until the special procedure (expert review) starts.
    for _step in range(6):
        task = only_open_task(db, case_id)
        if task.case_step == "special_procedure":
            break
        worker = users["reviewer"] if task.group_code.endswith("_reviewer") else users["head"] \
            if task.group_code.endswith("_head") else users["clerk"]
        cases.complete(db, task.id, worker, answer(db, task, **_route_to_expert_review(task)))
    assert case(db, case_id).status == CaseStatus.SPECIAL_STARTED
    clock.travel_to(datetime(2026, 12, 8, 9, 0, tzinfo=SHANGHAI))  # 5 working days in expert review
    cases.complete(db, task.id, users["reviewer"], answer(db, task))
    resumed = case(db, case_id)
    assert resumed.status in (CaseStatus.SPECIAL_ENDED, CaseStatus.HANDLING)
    assert resumed.paused_workdays == 5
    assert resumed.promised_due_at == due_before + timedelta(days=7)  # 5 working days = one week later


def _route_to_expert_review(task):
    """Answers that lead the environmental review into its expert review."""
    return {"needs_expert_review": True} if "needs_expert_review" in (task.submission or {}) else {}


def test_statutory_limit_in_natural_days_counts_weekends_too(db, users):
    clock.travel_to(datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI))  # a Friday
    case_id = _submit(db, users, "env_impact_report")
    _pre_review(db, users, case_id, decision="accept")
    from engine.models import ItemVersion  # the sample item states its statutory limit in natural days
    with db.read() as session:
        limit = session.get(ItemVersion, case(db, case_id).item_version_id).guide["statutory_limit"]
    assert limit["unit"] == "natural_day"
    expected = datetime(2026, 12, 4, tzinfo=SHANGHAI) + timedelta(days=limit["value"] + 1)
    assert case(db, case_id).statutory_due_at == expected


def test_an_administrator_declared_day_off_moves_the_due_date(db, users):
    from datetime import date

    from engine import calendar_store

    clock.travel_to(datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI))  # a Friday
    calendar_store.set_day(db, date(2026, 12, 9), False, "台风停工", users["admin"])
    case_id = _submit(db, users)
    _pre_review(db, users, case_id, decision="accept")
    # Five working days without Wednesday 9 December: Mon 7, Tue 8, Thu 10, Fri 11, Mon 14.
    assert case(db, case_id).promised_due_at == datetime(2026, 12, 15, 0, 0, tzinfo=SHANGHAI)
