"""The working calendars built from the database, cached in the process.

    from motcua.calendar.services import legal_calendar
    due = legal_calendar().add(received_at, 5, "working_days")

Building a calendar takes tens of milliseconds, so it is cached. Saving or deleting a CalendarDay,
OfficeHours or OpeningHours row bumps a version in this process (signals); other processes notice
within MOTCUA_CALENDAR_RECHECK_SECONDS (default 30) by comparing a cheap fingerprint of the tables.

A change made inside a transaction might still be rolled back (an admin error, a test case), so
until that transaction commits every call compares the fingerprint, which is always right.
"""
from __future__ import annotations

import threading
import time as clock
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from .worktime import OpeningCalendar, OutOfCalendarRange, WorkCalendar, YearNotCovered, year_spans

__all__ = [
    "OutOfCalendarRange", "YearNotCovered", "covered_years", "legal_calendar", "not_covered_message",
    "opening_calendar", "tables_changed", "working_days_between",
]

_lock = threading.Lock()
_state = {"version": 0, "checked_at": 0.0, "fingerprint": None, "uncommitted": False}
_cache: dict = {}


def invalidate() -> None:
    """Forget the cached calendars (called by the signals and after bulk changes)."""
    with _lock:
        _state["version"] += 1
        _cache.clear()


def tables_changed() -> None:
    """The calendar tables changed: drop the caches now, and again once the change is committed."""
    invalidate()
    if transaction.get_connection().in_atomic_block:
        _state["uncommitted"] = True
        transaction.on_commit(_committed)


def _committed() -> None:
    _state["uncommitted"] = False
    invalidate()


def _fingerprint():
    from .models import CalendarDay, CalendarYear, OfficeHours

    days = CalendarDay.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    hours = OfficeHours.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    years = CalendarYear.objects.aggregate(n=Count("id"), changed=Max("updated_at"))
    return (days["n"], days["changed"], hours["n"], hours["changed"], years["n"], years["changed"],
            timezone.localdate())


def _recheck_if_due() -> None:
    """Every few seconds, compare the tables' fingerprint to notice other processes' edits
    (and the change of day, when new office hours come into force)."""
    interval = getattr(settings, "MOTCUA_CALENDAR_RECHECK_SECONDS", 30)
    now = clock.monotonic()
    if now - _state["checked_at"] < interval and not _state["uncommitted"]:
        return
    fingerprint = _fingerprint()
    with _lock:
        _state["checked_at"] = now
        if fingerprint != _state["fingerprint"]:
            _state["fingerprint"] = fingerprint
            _state["version"] += 1
            _cache.clear()


def _build_legal_calendar() -> WorkCalendar:
    from .models import CalendarDay, CalendarYear, OfficeHours

    office = OfficeHours.in_force(timezone.localdate())
    days_off, extra = [], []
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (extra if kind == CalendarDay.Kind.MAKEUP_WORKING_DAY else days_off).append(day)
    return WorkCalendar(
        days_off=days_off,
        extra_working_days=extra,
        weekdays=office.weekdays,
        periods=office.periods,
        tz=timezone.get_default_timezone(),
        same_day_cutoff=office.same_day_cutoff,
        covered_years=CalendarYear.objects.values_list("year", flat=True),
    )


def legal_calendar() -> WorkCalendar:
    """The calendar of legal time limits: office hours in force, minus days off, plus make-up days.

    It answers for the covered years only (`CalendarYear`); any other date raises YearNotCovered
    (an OutOfCalendarRange), to be shown with `not_covered_message`."""
    _recheck_if_due()
    calendar = _cache.get("legal")
    if calendar is None:
        version = _state["version"]
        calendar = _build_legal_calendar()
        with _lock:
            if version == _state["version"]:
                _cache["legal"] = calendar
    return calendar


def opening_calendar(service_point) -> OpeningCalendar:
    """When a service point's counters are open: the weekdays with opening rows, minus the legal
    days off, plus the make-up working days. It never changes legal time limits."""
    service_point_id = getattr(service_point, "pk", service_point)
    legal = legal_calendar()
    key = ("opening", service_point_id)
    calendar = _cache.get(key)
    if calendar is None:
        from motcua.organization.models import OpeningHours

        hours: dict[int, list] = {}
        for weekday, opens, closes in OpeningHours.objects.filter(service_point_id=service_point_id).values_list(
            "weekday", "opens", "closes"
        ):
            hours.setdefault(weekday, []).append((opens, closes))
        version = _state["version"]
        calendar = OpeningCalendar(legal, open_weekdays=hours.keys(), hours=hours)
        with _lock:
            if version == _state["version"]:
                _cache[key] = calendar
    return calendar


def working_days_between(d1: date, d2: date, service_point=None) -> int:
    """Working days from d1 to d2 (both included): legal ones, or a service point's open days."""
    if service_point is None:
        return legal_calendar().working_days_between(d1, d2)
    return opening_calendar(service_point).open_days_between(d1, d2)


def covered_years() -> frozenset[int]:
    """The years the legal calendar answers for."""
    return legal_calendar().covered_years


def not_covered_message(error: OutOfCalendarRange) -> str:
    """A clear message (in the active language) for a date the calendar does not cover."""
    from django.utils.translation import gettext

    spans = getattr(error, "covered", ()) or year_spans(covered_years())
    covered = ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in spans)
    year = error.day.year if getattr(error, "day", None) else None
    if not covered:
        return gettext(
            "The working calendar covers no year yet: an administrator must enter the days off of the "
            "years needed (seed_calendar, or Administration → Working calendar) before time limits can be computed."
        )
    if year is None:
        return gettext(
            "The dates fall outside the years the working calendar covers (%(covered)s)."
        ) % {"covered": covered}
    return gettext(
        "The working calendar does not cover %(year)s: it knows the days off of %(covered)s only. "
        "An administrator must enter the days off of %(year)s first."
    ) % {"year": year, "covered": covered}
