"""Conditions on the local day of a moment (same local day, a Saturday) for the report queries.

Written plainly (`TruncDate`, `iso_week_day`) each costs PostgreSQL a time-zone conversion per
row: about 0.25 s per condition over the 2M dossiers of a year at 10M (docs/performance.md).
When the zone keeps one UTC offset over the moments compared (Viet Nam has kept +07:00 since
1975), local days are fixed 24-hour bins from a local midnight, and `date_bin` finds them with
integer arithmetic. Otherwise, and on SQLite, the plain conversion is used: both are exact.

    on_saturday("received_at", start, end)             # a Q
    same_local_day("finished_at", "received_at", start, end)
"""
from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, Func, Q, Value
from django.db.models.functions import TruncDate
from django.db.models.lookups import Exact, LessThan
from django.utils import timezone

SATURDAY = 6  # ISO weekday
A_SATURDAY = datetime.date(2000, 1, 1)
DAY, WEEK = datetime.timedelta(days=1), datetime.timedelta(days=7)


class DateBin(Func):
    """PostgreSQL's date_bin(stride, source, origin): the start of the stride-long bin, counted
    from origin, that holds source (PostgreSQL 14 and later)."""

    function = "date_bin"
    output_field = DateTimeField()


def fixed_offset(start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta | None:
    """The default zone's UTC offset if it is the same throughout [start - 1 day, end + 1 day],
    else None. Checked at every local midnight and noon: an offset change (summer time, a zone's
    new offset) lasts months, so one within the range shows at some check."""
    tz = timezone.get_default_timezone()
    first = (start - DAY).astimezone(tz).date()
    last = (end + DAY).astimezone(tz).date()
    offset = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz).utcoffset()
    day = first
    while day <= last:
        for hour in (datetime.time.min, datetime.time(12)):
            if datetime.datetime.combine(day, hour, tzinfo=tz).utcoffset() != offset:
                return None
        day += DAY
    return offset


def _binned_offset(start, end) -> datetime.timedelta | None:
    if connection.vendor != "postgresql":
        return None
    return fixed_offset(start, end)


def _local_midnight(day: datetime.date, offset: datetime.timedelta) -> Value:
    moment = datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.timezone(offset))
    return Value(moment, output_field=DateTimeField())


def on_saturday(column: str, start, end) -> Q:
    """The moment in `column`, between start and end, falls on a local Saturday."""
    offset = _binned_offset(start, end)
    if offset is None:
        return Q(**{f"{column}__iso_week_day": SATURDAY})
    week_start = DateBin(Value(WEEK, output_field=DurationField()), F(column), _local_midnight(A_SATURDAY, offset))
    into_week = ExpressionWrapper(F(column) - week_start, output_field=DurationField())
    return Q(LessThan(into_week, Value(DAY, output_field=DurationField())))


def same_local_day(column: str, other: str, start, end) -> Q:
    """The moments in `column` (between start and end) and `other` fall on the same local day."""
    offset = _binned_offset(start, end)
    if offset is None:
        tz = timezone.get_default_timezone()
        return Q(Exact(TruncDate(column, tzinfo=tz), TruncDate(other, tzinfo=tz)))
    stride, origin = Value(DAY, output_field=DurationField()), _local_midnight(A_SATURDAY, offset)
    return Q(Exact(DateBin(stride, F(column), origin), DateBin(stride, F(other), origin)))
