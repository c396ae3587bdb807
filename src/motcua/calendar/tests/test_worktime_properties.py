"""Properties of the working-time arithmetic, over random moments and amounts (hypothesis)."""
from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.calendar.holiday_data import MAKEUP_WORKING_DAY, vietnam_days
from motcua.calendar.worktime import VIETNAM, WorkCalendar

_DAYS = vietnam_days(2022, 2026)
CAL = WorkCalendar(
    days_off=[d.date for d in _DAYS if d.kind != MAKEUP_WORKING_DAY],
    extra_working_days=[d.date for d in _DAYS if d.kind == MAKEUP_WORKING_DAY],
)

moments = st.datetimes(min_value=datetime(2023, 1, 1), max_value=datetime(2025, 6, 30)).map(
    lambda naive: naive.replace(tzinfo=VIETNAM)
)
minutes = st.integers(min_value=1, max_value=60 * 8 * 60)  # up to 60 working days
hours = st.integers(min_value=1, max_value=200)


def in_working_time_or_period_end(moment: datetime) -> bool:
    if not CAL.is_working_day(moment.date()):
        return False
    t = moment.timetz().replace(tzinfo=None)
    return any(start <= t <= end for start, end in CAL.periods)


@settings(max_examples=300)
@given(moments, minutes, minutes)
def test_adding_in_two_steps_equals_adding_once(start, a, b):
    assert CAL.add_working_minutes(CAL.add_working_minutes(start, a), b) == CAL.add_working_minutes(start, a + b)


@settings(max_examples=200)
@given(moments, hours, hours)
def test_adding_hours_in_two_steps_equals_adding_once(start, a, b):
    assert CAL.add(CAL.add(start, a, "working_hours"), b, "working_hours") == CAL.add(start, a + b, "working_hours")


@settings(max_examples=300)
@given(moments, minutes)
def test_result_is_in_working_time_or_exactly_at_a_period_end(start, m):
    due = CAL.add_working_minutes(start, m)
    assert in_working_time_or_period_end(due)
    assert due > start


@settings(max_examples=300)
@given(moments, st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=30))
def test_more_time_never_gives_an_earlier_due_date(start, a, extra):
    assert CAL.add(start, a + extra, "working_days") >= CAL.add(start, a, "working_days")
    assert CAL.add(start, a + extra, "calendar_days") >= CAL.add(start, a, "calendar_days")


@settings(max_examples=300)
@given(moments, minutes)
def test_minutes_between_start_and_due_is_the_amount(start, m):
    start = CAL.next_working_moment(start)
    assert CAL.working_minutes_between(start, CAL.add_working_minutes(start, m)) == m


@settings(max_examples=200)
@given(moments, moments)
def test_next_working_moment_is_working_time_and_not_before(start, other):
    moment = CAL.next_working_moment(start)
    assert moment >= start and CAL.is_working_time(moment)
    assert CAL.working_minutes_between(start, moment) == 0


@settings(max_examples=200)
@given(st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 12, 31)), st.integers(min_value=0, max_value=400))
def test_working_days_between_matches_a_plain_count(first, span):
    last = first + timedelta(days=span)
    expected = sum(1 for i in range(span + 1) if CAL.is_working_day(first + timedelta(days=i)))
    assert CAL.working_days_between(first, last) == expected


@settings(max_examples=200)
@given(moments, minutes, moments, st.integers(min_value=0, max_value=60 * 8 * 10))
def test_pause_shift_adds_the_paused_working_time(due_start, m, paused_at, pause_minutes):
    due = CAL.add_working_minutes(due_start, m)
    resumed_at = CAL.add_working_minutes(paused_at, pause_minutes) if pause_minutes else paused_at
    shifted = CAL.shift_by_pause(due, paused_at, resumed_at)
    paused = CAL.working_minutes_between(paused_at, resumed_at)
    assert shifted >= due
    assert CAL.working_minutes_between(due, shifted) == paused
