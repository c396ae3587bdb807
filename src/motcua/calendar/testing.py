"""Test support: the test province's working calendar covers the years tests use.

The legal calendar answers only for covered years (`CalendarYear`). Every test that uses the
database starts with a calendar covering 2015-2035 and the clock's year ±1 (so that a run with the
clock moved, `pytest --clock ...`, is covered too), with no days off: a test adds the days off it
needs (CalendarDay rows, or `seed_years`). Loaded for the whole suite by the root conftest.py
(`pytest_plugins`). A test of the coverage rule removes coverage with `CalendarYear.objects...delete()`.
"""
from __future__ import annotations

from datetime import date

import pytest

TEST_FIRST_YEAR, TEST_LAST_YEAR = 2015, 2035
_DB_FIXTURES = {"db", "transactional_db", "live_server", "_django_db_helper", "django_db_reset_sequences"}


def covered_test_years(today: date | None = None) -> range:
    """2015-2035, widened to the clock's year ±1."""
    if today is None:
        from django.utils import timezone

        today = timezone.localdate()
    return range(min(TEST_FIRST_YEAR, today.year - 1), max(TEST_LAST_YEAR, today.year + 1) + 1)


def cover_years(years) -> None:
    """Record the years as covered (no days off added) and drop the cached calendars."""
    from motcua.calendar import services
    from motcua.calendar.models import CalendarYear

    CalendarYear.objects.bulk_create(
        [CalendarYear(year=year, note="test calendar") for year in years], ignore_conflicts=True
    )
    services.invalidate()


def seed_years(first: int, last: int) -> None:
    """Seed the real Vietnamese days off (holidays package and the announced breaks) and cover them."""
    from django.core.management import call_command

    call_command("seed_calendar", "--from-year", str(first), "--to-year", str(last), stdout=_Silent())


class _Silent:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


def _uses_db(request) -> bool:
    if request.node.get_closest_marker("django_db"):
        return True
    return bool(_DB_FIXTURES & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _covered_calendar(request):
    """Every database test starts with the test years covered (see the module docstring)."""
    from pytest_django.django_compat import is_django_unittest

    if is_django_unittest(request) or not _uses_db(request):
        yield
        return
    request.getfixturevalue("_django_db_helper")
    cover_years(covered_test_years())
    yield
    from motcua.calendar import services

    services.invalidate()
