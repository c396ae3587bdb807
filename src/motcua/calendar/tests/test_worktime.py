"""The pure working-time module, on hand-checked examples."""
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from motcua.calendar.worktime import VIETNAM, OpeningCalendar, OutOfCalendarRange, WorkCalendar

TET_2024 = [date(2024, 2, d) for d in range(8, 15)]


def at(y, m, d, hh=0, mm=0, ss=0):
    return datetime(y, m, d, hh, mm, ss, tzinfo=VIETNAM)


@pytest.fixture(scope="module")
def cal():
    # 2024: Tết 8-14 Feb off; Monday 29 April off, swapped against Saturday 4 May worked.
    return WorkCalendar(days_off=TET_2024 + [date(2024, 4, 29), date(2024, 4, 30), date(2024, 5, 1)],
                        extra_working_days=[date(2024, 5, 4)])


def test_tet_example_five_working_days(cal):
    assert cal.add(at(2024, 2, 7, 10), 5, "working_days") == at(2024, 2, 21, 10)


def test_result_is_in_vietnam_time_and_naive_input_is_local(cal):
    due = cal.add(datetime(2024, 2, 7, 10), 5, "working_days")
    assert due == at(2024, 2, 21, 10) and due.utcoffset() == timedelta(hours=7)
    utc = datetime(2024, 2, 7, 3, 0, tzinfo=timezone.utc)  # 10:00 in Hanoi
    assert cal.add(utc, 5, "working_days") == at(2024, 2, 21, 10)


def test_working_days_and_next_working_day(cal):
    assert cal.is_working_day(date(2024, 2, 7))
    assert not cal.is_working_day(date(2024, 2, 8))  # Tết
    assert not cal.is_working_day(date(2024, 2, 17))  # Saturday
    assert cal.is_working_day(date(2024, 5, 4))  # make-up Saturday
    assert not cal.is_working_day(date(2024, 5, 5))
    assert cal.next_working_day(date(2024, 2, 7)) == date(2024, 2, 15)
    assert cal.next_working_day(date(2024, 2, 15), include_today=True) == date(2024, 2, 15)


@pytest.mark.parametrize(
    "moment, expected",
    [
        (at(2024, 3, 6, 6, 15), at(2024, 3, 6, 7)),  # before the office opens
        (at(2024, 3, 6, 9, 5), at(2024, 3, 6, 9, 5)),  # inside a period: itself
        (at(2024, 3, 6, 11, 30), at(2024, 3, 6, 13, 30)),  # end of the morning: after lunch
        (at(2024, 3, 6, 12, 10), at(2024, 3, 6, 13, 30)),  # lunch
        (at(2024, 3, 6, 17, 0), at(2024, 3, 7, 7)),  # after hours
        (at(2024, 3, 8, 21, 0), at(2024, 3, 11, 7)),  # Friday night -> Monday
        (at(2024, 3, 9, 9, 0), at(2024, 3, 11, 7)),  # Saturday
        (at(2024, 2, 7, 18, 0), at(2024, 2, 15, 7)),  # eve of Tết -> after Tết
    ],
)
def test_next_working_moment(cal, moment, expected):
    assert cal.next_working_moment(moment) == expected


def test_lunch_is_not_working_time(cal):
    assert cal.add(at(2024, 3, 6, 11, 0), 1, "working_hours") == at(2024, 3, 6, 14, 0)
    assert cal.add(at(2024, 3, 6, 12, 0), 1, "working_hours") == at(2024, 3, 6, 14, 30)


def test_result_at_period_end_stays_there(cal):
    assert cal.add(at(2024, 3, 6, 7), 1, "working_days") == at(2024, 3, 6, 17)
    assert cal.add(at(2024, 3, 6, 7), Decimal("4.5"), "working_hours") == at(2024, 3, 6, 11, 30)
    assert cal.add(at(2024, 3, 6, 13, 30), 3.5, "working_hours") == at(2024, 3, 6, 17)


def test_after_hours_and_weekend_start_next_morning(cal):
    assert cal.add(at(2024, 3, 6, 19), 1, "working_days") == at(2024, 3, 7, 17)
    assert cal.add(at(2024, 3, 9, 10), 1, "working_days") == at(2024, 3, 11, 17)  # Saturday counter
    assert cal.add(at(2024, 3, 8, 16), 2, "working_hours") == at(2024, 3, 11, 8)  # over the weekend


def test_make_up_saturday_counts(cal):
    # Friday 3 May 2024 10:00 + 1 day -> Saturday 4 May (make-up day) 10:00
    assert cal.add(at(2024, 5, 3, 10), 1, "working_days") == at(2024, 5, 4, 10)
    # 26 April (Friday) + 1 day: 29/4, 30/4, 1/5 off -> Thursday 2 May
    assert cal.add(at(2024, 4, 26, 10), 1, "working_days") == at(2024, 5, 2, 10)


def test_fractional_days(cal):
    assert cal.add(at(2024, 3, 6, 10), 0.5, "working_days") == at(2024, 3, 6, 16)
    assert cal.add(at(2024, 3, 6, 10), Decimal("1.5"), "working_days") == at(2024, 3, 7, 16)
    assert cal.add(at(2024, 3, 6, 10), Decimal("0.25"), "working_days") == at(2024, 3, 6, 14)  # 1.5 h before lunch, 0.5 h after


def test_zero_amount_is_the_next_working_moment(cal):
    assert cal.add(at(2024, 3, 6, 12), 0, "working_days") == at(2024, 3, 6, 13, 30)


def test_calendar_days(cal):
    # Receipt day not counted; the limit ends at 17:00 of the last day.
    assert cal.add(at(2024, 3, 4, 10), 3, "calendar_days") == at(2024, 3, 7, 17)
    # Last day a Saturday -> end of Monday.
    assert cal.add(at(2024, 3, 6, 10), 3, "calendar_days") == at(2024, 3, 11, 17)
    # Last day inside Tết -> end of the first working day after.
    assert cal.add(at(2024, 2, 5, 10), 5, "calendar_days") == at(2024, 2, 15, 17)
    # Fractions round up.
    assert cal.add(at(2024, 3, 4, 10), 2.2, "calendar_days") == at(2024, 3, 7, 17)


def test_bad_amounts_and_units(cal):
    with pytest.raises(ValueError):
        cal.add(at(2024, 3, 4, 10), -1, "working_days")
    with pytest.raises(ValueError):
        cal.add(at(2024, 3, 4, 10), 1, "weeks")
    with pytest.raises(ValueError):
        cal.add(at(2024, 3, 4, 10), float("nan"), "working_hours")
    with pytest.raises(OutOfCalendarRange):
        cal.add(at(1990, 3, 4, 10), 1, "working_days")


def test_working_minutes(cal):
    assert cal.add_working_minutes(at(2024, 3, 6, 11, 20), 20) == at(2024, 3, 6, 13, 40)
    assert cal.working_minutes_between(at(2024, 3, 6, 11, 20), at(2024, 3, 6, 13, 40)) == 20
    # Across a weekend: Friday 16:00 -> Monday 08:00 = 60 + 60
    assert cal.working_minutes_between(at(2024, 3, 8, 16), at(2024, 3, 11, 8)) == 120
    # Reversed order gives zero, never a negative figure.
    assert cal.working_minutes_between(at(2024, 3, 11, 8), at(2024, 3, 8, 16)) == 0
    assert cal.working_time_between(at(2024, 3, 6, 7), at(2024, 3, 7, 7)) == timedelta(hours=8)


def test_working_days_between_counts_both_ends(cal):
    assert cal.working_days_between(date(2024, 3, 4), date(2024, 3, 8)) == 5
    assert cal.working_days_between(date(2024, 3, 4), date(2024, 3, 4)) == 1
    assert cal.working_days_between(date(2024, 3, 9), date(2024, 3, 10)) == 0
    assert cal.working_days_between(date(2024, 2, 1), date(2024, 2, 29)) == 21 - 5
    assert cal.working_days_between(date(2024, 3, 8), date(2024, 3, 4)) == 0
    assert cal.working_days_between(date(2024, 5, 1), date(2024, 5, 6)) == 4  # 2, 3, 4 (Sat), 6


def test_shift_by_pause(cal):
    due = at(2024, 2, 21, 10)
    # Paused Friday 16 Feb 15:00, resumed Monday 19 Feb 09:00: 2 h + 2 h of working time;
    # 10:00 + 4 h = 1.5 h until lunch, then 13:30 + 2.5 h.
    assert cal.shift_by_pause(due, at(2024, 2, 16, 15), at(2024, 2, 19, 9)) == at(2024, 2, 21, 16)
    # A pause entirely outside working time moves nothing.
    assert cal.shift_by_pause(due, at(2024, 2, 17, 8), at(2024, 2, 18, 20)) == due
    # A due date at 17:00 moved by one hour lands at 08:00 the next working day.
    assert cal.shift_by_pause(at(2024, 3, 6, 17), at(2024, 3, 4, 7), at(2024, 3, 4, 8)) == at(2024, 3, 7, 8)


def test_same_day_due(cal):
    assert cal.same_day_due(at(2024, 3, 6, 14, 59)) == at(2024, 3, 6, 17)
    assert cal.same_day_due(at(2024, 3, 6, 15, 0)) == at(2024, 3, 7, 17)
    assert cal.same_day_due(at(2024, 3, 8, 16)) == at(2024, 3, 11, 17)
    assert cal.same_day_due(at(2024, 3, 9, 9)) == at(2024, 3, 11, 17)  # Saturday
    assert cal.same_day_due(at(2024, 3, 6, 15, 30), cutoff=time(16)) == at(2024, 3, 6, 17)


def test_custom_office_hours_and_weekdays():
    cal = WorkCalendar(weekdays={0, 1, 2, 3, 4, 5}, periods=[(time(8), time(12))])
    assert cal.working_day_length == timedelta(hours=4)
    assert cal.add(at(2024, 3, 8, 11), 1, "working_days") == at(2024, 3, 9, 11)  # Saturday worked
    assert cal.add(at(2024, 3, 9, 13), 1, "working_hours") == at(2024, 3, 11, 9)


def test_calendar_refuses_inconsistent_input():
    with pytest.raises(ValueError):
        WorkCalendar(days_off=[date(2024, 5, 4)], extra_working_days=[date(2024, 5, 4)])
    with pytest.raises(ValueError):
        WorkCalendar(periods=[(time(13), time(17)), (time(7), time(11))])
    with pytest.raises(AttributeError):
        WorkCalendar().periods = ()


def test_opening_calendar_saturday_centre(cal):
    opening = OpeningCalendar(cal, open_weekdays={0, 1, 2, 3, 4, 5})
    assert opening.is_open(date(2024, 3, 9))  # Saturday
    assert not opening.is_open(date(2024, 3, 10))  # Sunday
    assert not opening.is_open(date(2024, 2, 10))  # Saturday in Tết
    assert opening.open_days_between(date(2024, 3, 4), date(2024, 3, 10)) == 6
    # The legal calendar is untouched: the Saturday does not count for limits.
    assert not cal.is_working_day(date(2024, 3, 9))
