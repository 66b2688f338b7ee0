"""Specifications of engine.calendar: working days and the legal clock (行政许可法)."""
import random
from datetime import date, datetime, time, timedelta, timezone

import chinese_calendar
import holidays
import pytest

from engine import calendar as calendar_module
from engine.calendar import WorkCalendar
from engine.clock import TZ

CAL = WorkCalendar()


def local(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def end_of(day: date) -> datetime:
    """The deadline instant of a limit whose last day is ``day``: local midnight after it."""
    return datetime.combine(day + timedelta(days=1), time(0), TZ)


# -- base data --------------------------------------------------------------------------------------


def test_ordinary_weekdays_work_and_weekends_do_not():
    assert CAL.is_workday(date(2026, 3, 11))  # Wednesday
    assert not CAL.is_workday(date(2026, 3, 14))  # Saturday
    assert not CAL.is_workday(date(2026, 3, 15))  # Sunday


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_holidays_package_agrees_with_chinese_calendar_day_by_day(year):
    cn = holidays.China(years=(year, year + 1))
    day = date(year, 1, 1)
    while day.year == year:
        from_holidays = (day in cn.weekend_workdays) if day.weekday() >= 5 else (day not in cn)
        assert from_holidays == chinese_calendar.is_workday(day), day
        assert CAL.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_chinese_calendar_raises_for_2027_which_is_why_we_fall_back():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 1, 4))


def test_spring_festival_2026_is_nine_days_off_from_feb_15_to_feb_23():
    festival = [date(2026, 2, 15) + timedelta(days=i) for i in range(9)]
    assert not any(CAL.is_workday(d) for d in festival)
    assert CAL.is_workday(date(2026, 2, 13)) and CAL.is_workday(date(2026, 2, 24))


def test_spring_festival_2026_counts_make_up_saturday_as_workday():
    assert CAL.is_workday(date(2026, 2, 14)) and CAL.is_workday(date(2026, 2, 28))
    assert CAL.add_workdays(date(2026, 2, 13), 1) == date(2026, 2, 14)


def test_twenty_day_limit_accepted_before_spring_festival_2026_ends_on_march_18():
    # Feb 13, 14 (make-up Sat), 24-28 (28 = make-up Sat), Mar 2-6, 9-13, 16-18: 20 working days.
    due = CAL.due_at(local(2026, 2, 12, 15, 30), 20)
    assert due == end_of(date(2026, 3, 18))
    assert due.tzinfo == timezone.utc


def test_national_day_2026_is_off_and_its_make_up_days_work():
    assert not any(CAL.is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert CAL.is_workday(date(2026, 9, 20)) and CAL.is_workday(date(2026, 10, 10))  # Sun, Sat
    # Accepted on Sep 30: Oct 8, 9, 10 (make-up Sat), 12, 13.
    assert CAL.due_at(local(2026, 9, 30, 10), 5) == end_of(date(2026, 10, 13))


def test_labour_day_2026_make_up_saturday_may_9_works():
    assert not any(CAL.is_workday(date(2026, 5, d)) for d in range(1, 6))
    assert CAL.is_workday(date(2026, 5, 9))


# -- administrator overrides -------------------------------------------------------------------------


def test_override_makes_a_package_holiday_a_working_day():
    assert WorkCalendar({date(2026, 2, 16): True}).is_workday(date(2026, 2, 16))


def test_override_makes_a_package_working_day_a_day_off():
    cal = WorkCalendar({date(2026, 3, 2): False, date(2026, 2, 14): False})
    assert not cal.is_workday(date(2026, 3, 2)) and not cal.is_workday(date(2026, 2, 14))


def test_overrides_change_deadlines_and_do_not_leak_into_other_calendars():
    cal = WorkCalendar({date(2026, 3, 16): False})
    assert cal.due_at(local(2026, 2, 12, 15), 20) == end_of(date(2026, 3, 19))
    assert CAL.due_at(local(2026, 2, 12, 15), 20) == end_of(date(2026, 3, 18))


# -- a year without a published schedule ------------------------------------------------------------


def test_2027_does_not_crash_and_is_flagged_as_unpublished():
    assert CAL.is_workday(date(2027, 3, 3))
    assert not CAL.has_published_schedule(2027)
    assert CAL.has_published_schedule(2026)


def test_unpublished_year_counts_statutory_days_but_not_guessed_bridge_days():
    assert not CAL.is_workday(date(2027, 2, 8))  # Monday, Spring Festival statutory day
    assert CAL.is_workday(date(2027, 2, 9))  # holidays' own guess "(observed)": not trusted


def test_published_years_from_the_caller_silence_the_warning():
    assert WorkCalendar({date(2027, 2, 9): False}, published_years=[2027]).has_published_schedule(2027)


def test_december_2026_acceptance_counts_into_2027():
    # Dec 25, 28, 29, 30, 31 then (Jan 1 2027 is New Year's Day) Jan 4-8.
    assert CAL.due_at(local(2026, 12, 24, 16), 10) == end_of(date(2027, 1, 8))


def test_a_45_day_joint_limit_from_new_years_eve_2026_skips_2027_spring_festival_statutory_days():
    # Jan 4-29 (20), Feb 1-4 (24), Feb 5 and 8 off, Feb 9-12 (28), 15-19, 22-26, Mar 1-5 (43), Mar 8, 9.
    assert CAL.add_workdays(date(2026, 12, 31), 45) == date(2027, 3, 9)


# -- counting -----------------------------------------------------------------------------------------


def test_add_workdays_zero_returns_the_same_day_and_counts_from_the_day_after():
    assert CAL.add_workdays(date(2026, 3, 11), 0) == date(2026, 3, 11)
    assert CAL.add_workdays(date(2026, 3, 11), 1) == date(2026, 3, 12)
    assert CAL.add_workdays(date(2026, 3, 13), 1) == date(2026, 3, 16)  # Friday -> Monday


def test_acceptance_on_a_saturday_counts_from_monday():
    assert CAL.due_at(local(2026, 3, 14, 10), 1) == end_of(date(2026, 3, 16))


def test_acceptance_is_dated_in_beijing_time_not_utc():
    late_utc = datetime(2026, 3, 10, 17, 0, tzinfo=timezone.utc)  # already Wednesday 01:00 in Beijing
    assert CAL.due_at(late_utc, 1) == end_of(date(2026, 3, 12))


def test_naive_datetimes_are_rejected():
    with pytest.raises(ValueError):
        CAL.due_at(datetime(2026, 3, 10, 9), 20)


def test_paused_monday_to_wednesday_is_two_working_days_and_same_day_is_zero():
    assert CAL.workdays_between(date(2026, 3, 9), date(2026, 3, 11)) == 2
    assert CAL.workdays_between(date(2026, 3, 9), date(2026, 3, 9)) == 0
    assert CAL.workdays_between(date(2026, 3, 11), date(2026, 3, 9)) == 0


def test_paused_over_spring_festival_2026_counts_only_the_working_days():
    assert CAL.workdays_between(date(2026, 2, 13), date(2026, 2, 24)) == 2  # Feb 13 and Sat 14


def test_extend_moves_a_deadline_by_paused_days_and_keeps_it_at_midnight():
    due = CAL.due_at(local(2026, 2, 12, 15), 20)  # end of Wed Mar 18
    assert CAL.extend(due, 2) == end_of(date(2026, 3, 20))
    assert CAL.extend(due, 10) == end_of(date(2026, 4, 1))
    assert CAL.extend(due, 0) == due
    assert CAL.extend(CAL.extend(due, 7), -7) == due


def test_extend_keeps_the_time_of_day_of_a_deadline_that_is_not_at_midnight():
    assert CAL.extend(local(2026, 3, 13, 15), 1) == local(2026, 3, 16, 15)


def test_workdays_used_counts_like_a_limit():
    assert CAL.workdays_used(local(2026, 3, 9, 9), local(2026, 3, 9, 17)) == 0
    assert CAL.workdays_used(local(2026, 3, 9, 9), local(2026, 3, 10, 9)) == 1
    assert CAL.workdays_used(local(2026, 2, 12, 15), local(2026, 3, 18, 23, 59)) == 20
    assert CAL.workdays_used(local(2026, 3, 10), local(2026, 3, 9)) == 0


# -- remaining days and warning levels -----------------------------------------------------------------

DUE = end_of(date(2026, 3, 18))  # 20 working days from Feb 12, 2026


def test_three_working_days_left_is_normal():
    assert CAL.remaining_workdays(local(2026, 3, 16, 9), DUE) == 3
    assert CAL.warning_level(local(2026, 3, 16, 9), DUE) == "normal"


def test_two_working_days_left_is_yellow_by_default():
    assert CAL.remaining_workdays(local(2026, 3, 17, 0), DUE) == 2
    assert CAL.warning_level(local(2026, 3, 17, 0), DUE) == "yellow"


def test_the_warning_threshold_is_configurable():
    assert CAL.warning_level(local(2026, 3, 16, 9), DUE, warning_days=3) == "yellow"
    assert CAL.warning_level(local(2026, 3, 17, 9), DUE, warning_days=1) == "normal"


def test_last_day_is_yellow_with_one_day_left():
    just_before = DUE - timedelta(microseconds=1)
    assert CAL.remaining_workdays(just_before, DUE) == 1
    assert CAL.warning_level(just_before, DUE) == "yellow"


def test_after_due_is_red_with_zero_days_left():
    assert CAL.remaining_workdays(DUE, DUE) == 0
    assert CAL.warning_level(DUE, DUE) == "red"
    assert CAL.warning_level(DUE + timedelta(days=30), DUE) == "red"


def test_remaining_days_skip_weekends_before_the_due():
    due = end_of(date(2026, 3, 16))  # a Monday
    assert CAL.remaining_workdays(local(2026, 3, 13, 12), due) == 2  # Friday and Monday
    assert CAL.remaining_workdays(local(2026, 3, 14, 12), due) == 1  # Saturday: only Monday left


def test_yellow_from_is_midnight_starting_the_second_to_last_working_day():
    assert CAL.yellow_from(DUE, 2) == local(2026, 3, 17)


def test_yellow_from_with_zero_warning_days_is_the_due_itself():
    assert CAL.yellow_from(DUE, 0) == DUE


def test_yellow_from_agrees_with_warning_level_over_random_deadlines():
    rng = random.Random(20260212)
    cal = WorkCalendar({date(2026, 3, 2): False, date(2027, 2, 9): False})
    for _ in range(300):
        start = local(2025, 6, 1) + timedelta(minutes=rng.randrange(0, 60 * 24 * 900))
        if rng.random() < 0.8:
            due = cal.due_at(start, rng.randint(1, 60))
        else:  # deadlines that are not at midnight, e.g. a step's own limit in hours
            due = start + timedelta(hours=rng.randint(1, 24 * 40))
        warning_days = rng.randint(0, 5)
        boundary = cal.yellow_from(due, warning_days)
        assert boundary <= due
        probes = [boundary - timedelta(microseconds=1), boundary]
        probes += [due - timedelta(hours=h) for h in range(0, 24 * 30, 7)]
        for t in probes:
            alert = cal.warning_level(t, due, warning_days) != "normal"
            assert alert == (t >= boundary), (start, due, warning_days, t)


# -- caching --------------------------------------------------------------------------------------------


def test_a_year_is_computed_once_then_looked_up(monkeypatch):
    cal = WorkCalendar()
    assert cal.is_workday(date(2026, 6, 19)) is False  # Dragon Boat Festival; builds 2026

    def fail(year):
        raise AssertionError(f"year {year} recomputed")

    monkeypatch.setattr(calendar_module, "_base_year", fail)
    assert cal.is_workday(date(2026, 6, 22)) is True
    assert cal.workdays_between(date(2026, 1, 1), date(2026, 12, 31)) > 240


def test_a_deadline_is_shown_as_its_last_day_not_the_midnight_it_passes():
    from engine.calendar import last_day

    due = datetime(2026, 12, 12, 0, 0, tzinfo=TZ)  # passes at midnight ending Friday 11 December
    assert last_day(due) == date(2026, 12, 11)
    with pytest.raises(ValueError):
        last_day(datetime(2026, 12, 12))
