"""The calendar answers only for the years it covers (issue 10, point 11).

A year is covered when its days off are entered (`CalendarYear`, written by seed_calendar or by an
administrator). Outside the covered years the calendar raises YearNotCovered and the API answers
400 with a message naming the year: never a silent guess from the weekly pattern.
"""
import time as clock
from datetime import date, datetime, timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.calendar import services
from motcua.calendar.holiday_data import MAKEUP_WORKING_DAY, vietnam_days
from motcua.calendar.models import CalendarDay, CalendarYear
from motcua.calendar.worktime import VIETNAM, OutOfCalendarRange, WorkCalendar, YearNotCovered, year_spans

DUE = "/api/v1/calendar/due/"
DAYS = "/api/v1/calendar/working-days/"

_DAYS = vietnam_days(2010, 2040)
DAYS_OFF = [d.date for d in _DAYS if d.kind != MAKEUP_WORKING_DAY]
EXTRA = [d.date for d in _DAYS if d.kind == MAKEUP_WORKING_DAY]
# The same days off with no coverage rule (answers from 2000 to 2100): the reference.
FULL = WorkCalendar(days_off=DAYS_OFF, extra_working_days=EXTRA)


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=VIETNAM)


def covered_calendar(years) -> WorkCalendar:
    return WorkCalendar(days_off=DAYS_OFF, extra_working_days=EXTRA, covered_years=years)


year_sets = st.sets(st.integers(min_value=2012, max_value=2038), min_size=0, max_size=27)
days = st.dates(min_value=date(2010, 1, 1), max_value=date(2040, 12, 31))
moments = st.datetimes(min_value=datetime(2010, 1, 1), max_value=datetime(2040, 6, 30)).map(
    lambda naive: naive.replace(tzinfo=VIETNAM)
)


# ---- the rule, over random coverage (hypothesis) ---------------------------------------------


@settings(max_examples=150, deadline=None)
@given(year_sets, days)
def test_a_date_is_answered_exactly_when_its_year_is_covered(years, day):
    calendar = covered_calendar(years)
    assert calendar.covers(day) == (day.year in years)
    if day.year in years:
        assert calendar.is_working_day(day) == FULL.is_working_day(day)
    else:
        with pytest.raises(YearNotCovered) as error:
            calendar.is_working_day(day)
        assert error.value.day == day and error.value.covered == year_spans(years)


@settings(max_examples=150, deadline=None)
@given(year_sets, days, st.integers(min_value=0, max_value=800))
def test_counting_days_needs_every_year_between_covered(years, first, span):
    last = first + timedelta(days=span)
    calendar = covered_calendar(years)
    if all(year in years for year in range(first.year, last.year + 1)):
        assert calendar.working_days_between(first, last) == FULL.working_days_between(first, last)
    else:
        with pytest.raises(YearNotCovered):
            calendar.working_days_between(first, last)


@settings(max_examples=150, deadline=None)
@given(year_sets, moments, st.integers(min_value=1, max_value=400 * 8 * 60))
def test_a_due_date_needs_the_years_from_receipt_to_due_covered(years, start, minutes):
    calendar = covered_calendar(years)
    expected = FULL.add_working_minutes(start, minutes)
    if all(year in years for year in range(start.year, expected.year + 1)):
        assert calendar.add_working_minutes(start, minutes) == expected
        assert calendar.working_minutes_between(start, expected) == FULL.working_minutes_between(start, expected)
    else:
        with pytest.raises(YearNotCovered):
            calendar.add_working_minutes(start, minutes)


@settings(max_examples=100, deadline=None)
@given(year_sets, moments, st.integers(min_value=0, max_value=60))
def test_calendar_days_and_next_working_day_follow_the_rule(years, start, amount):
    calendar = covered_calendar(years)
    expected = FULL.add(start, amount, "calendar_days")
    if all(year in years for year in range(start.year, expected.year + 1)):
        assert calendar.add(start, amount, "calendar_days") == expected
    else:
        with pytest.raises(YearNotCovered):
            calendar.add(start, amount, "calendar_days")


def test_nothing_covered_answers_nothing():
    calendar = covered_calendar(())
    for call in (
        lambda: calendar.is_working_day(date(2026, 3, 2)),
        lambda: calendar.add(at(2026, 3, 2, 9), 1, "working_days"),
        lambda: calendar.next_working_moment(at(2026, 3, 2, 9)),
        lambda: calendar.working_days_between(date(2026, 3, 2), date(2026, 3, 6)),
        lambda: calendar.same_day_due(at(2026, 3, 2, 9)),
    ):
        with pytest.raises(YearNotCovered):
            call()


def test_a_gap_year_is_not_jumped_over():
    calendar = covered_calendar({2034, 2035, 2037})
    with pytest.raises(YearNotCovered) as error:
        calendar.add(at(2035, 12, 30, 9), 5, "working_days")
    assert error.value.day.year == 2036 and error.value.covered == ((2034, 2035), (2037, 2037))
    with pytest.raises(YearNotCovered):
        calendar.working_days_between(date(2035, 6, 1), date(2037, 6, 1))
    with pytest.raises(YearNotCovered):  # a limit of more than a year, from one covered year to the next
        calendar.add(at(2035, 12, 1, 9), 300, "working_days")
    assert calendar.add(at(2037, 1, 5, 9), 5, "working_days") == FULL.add(at(2037, 1, 5, 9), 5, "working_days")


def test_days_off_of_years_not_covered_are_ignored():
    calendar = WorkCalendar(days_off=[date(2024, 2, 12), date(2026, 2, 17)], covered_years={2026})
    assert calendar.days_off == frozenset({date(2026, 2, 17)})
    assert issubclass(YearNotCovered, OutOfCalendarRange) and issubclass(YearNotCovered, ValueError)


def test_year_spans():
    assert year_spans([2020, 2015, 2016, 2017, 2015]) == ((2015, 2017), (2020, 2020))
    assert year_spans([]) == ()


# ---- the database calendar, the seed, the API ---------------------------------------------------


@pytest.fixture
def uncovered(db):
    """Forget the test suite's default coverage: the calendar knows nothing."""
    CalendarYear.objects.all().delete()
    services.invalidate()


def test_the_issue_example_is_refused_then_right_once_seeded(client, uncovered):
    # the old demo: last year to next year around 2026
    call_command("seed_calendar", "--from-year", "2025", "--to-year", "2027", stdout=open("/dev/null", "w"))
    response = client.get(DAYS, {"from": "2024-02-01", "to": "2024-02-29"})
    assert response.status_code == 400  # not 21, Tết 2024 ignored
    message = response.json()["detail"][0]
    assert "Lịch làm việc chưa có năm 2024" in message and "2025–2027" in message
    response = client.get(DAYS, {"from": "2024-02-01", "to": "2024-02-29", "lang": "en"})
    assert response.json() == {"detail": [
        "The working calendar does not cover 2024: it knows the days off of 2025–2027 only. "
        "An administrator must enter the days off of 2024 first."
    ]}
    response = client.get(DUE, {"start": "2024-02-07T10:00:00+07:00", "amount": "5", "unit": "working_days"})
    assert response.status_code == 400 and "2024" in response.json()["detail"][0]

    call_command("seed_calendar", stdout=open("/dev/null", "w"))  # the default: 2015-2035
    assert client.get(DAYS, {"from": "2024-02-01", "to": "2024-02-29"}).json() == {"count": 16}
    response = client.get(DUE, {"start": "2024-02-07T10:00:00+07:00", "amount": "5", "unit": "working_days"})
    assert response.json() == {"due": "2024-02-21T10:00:00+07:00"}  # over Tết 2024, not a week early


def test_a_limit_running_past_the_last_covered_year_is_refused(client, uncovered):
    call_command("seed_calendar", "--from-year", "2035", "--to-year", "2035", stdout=open("/dev/null", "w"))
    response = client.get(DUE, {"start": "2035-12-28T09:00:00+07:00", "amount": "5", "unit": "working_days"})
    assert response.status_code == 400
    assert "2036" in response.json()["detail"][0] and "2035" in response.json()["detail"][0]


def test_nothing_covered_says_so(client, uncovered):
    response = client.get(DAYS, {"from": "2026-03-02", "to": "2026-03-06"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["detail"][0].startswith("The working calendar covers no year yet")


def test_seed_calendar_covers_2015_to_2035_with_the_announced_breaks(uncovered):
    started = clock.perf_counter()
    call_command("seed_calendar", stdout=open("/dev/null", "w"))
    elapsed = clock.perf_counter() - started
    assert set(CalendarYear.objects.values_list("year", flat=True)) == set(range(2015, 2036))
    assert CalendarYear.objects.filter(seeded=True).count() == 21
    assert services.covered_years() == frozenset(range(2015, 2036))
    for first, last in ((date(2022, 1, 29), date(2022, 2, 6)), (date(2024, 2, 8), date(2024, 2, 14)),
                        (date(2025, 1, 25), date(2025, 2, 2))):
        assert CalendarDay.objects.filter(date__range=(first, last)).count() == (last - first).days + 1
    assert CalendarDay.objects.filter(date__year=2015).exists() and CalendarDay.objects.filter(date__year=2035).exists()
    # Tết 2027 (a day of it: Monday 8 February) is a day off; the calendar covers it.
    assert not services.legal_calendar().is_working_day(date(2027, 2, 8))
    assert elapsed < 30  # about 0.2 s on a quiet machine (bulk_create, one query per table)


def test_adding_a_covered_year_by_hand_takes_effect_at_once(uncovered):
    with pytest.raises(OutOfCalendarRange):
        services.legal_calendar().is_working_day(date(2030, 1, 2))
    CalendarYear.objects.create(year=2030, note="Thông báo số 1/TB-BNV")
    assert services.legal_calendar().is_working_day(date(2030, 1, 2))
    CalendarYear.objects.filter(year=2030).delete()  # a queryset delete still sends the signals
    with pytest.raises(YearNotCovered):
        services.legal_calendar().is_working_day(date(2030, 1, 2))


def test_the_migration_covers_the_years_already_seeded(uncovered):
    from importlib import import_module

    migration = import_module("motcua.calendar.migrations.0002_calendar_year")
    CalendarDay.objects.create(date=date(2023, 1, 2), kind="announced_day_off", name="Nghỉ bù", seeded=True)
    CalendarDay.objects.create(date=date(2019, 5, 1), kind="public_holiday", name="Quốc tế Lao động")  # by hand
    migration.cover_seeded_years(apps, None)
    assert list(CalendarYear.objects.values_list("year", flat=True)) == [2023]


def test_test_suite_covers_the_clock_year():
    from django.utils import timezone

    from motcua.calendar.testing import covered_test_years

    years = covered_test_years()
    assert {2015, 2035, timezone.localdate().year - 1, timezone.localdate().year + 1} <= set(years)
    assert covered_test_years(date(2041, 1, 1)) == range(2015, 2043)


@pytest.mark.django_db
def test_admin_lists_the_covered_years_in_vietnamese(admin_client):
    response = admin_client.get(reverse("admin:workcalendar_calendaryear_changelist"))
    assert response.status_code == 200
    assert "Năm đã có lịch nghỉ" in response.content.decode()
