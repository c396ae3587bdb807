"""Working-time arithmetic: due dates, pauses and day counts. Pure Python, no Django.

The idea: lay every working microsecond of the calendar on one straight line (the "working
timeline"). A moment maps to a position on that line:

    position = (working days before its date) * day_length + working time already done that day

Adding working time is then one addition, and turning a position back into a moment is one
divmod plus a short walk over the day's periods. Working days are precomputed once as a prefix
count over a fixed range of day ordinals, so no loop ever walks day by day or minute by minute.

Clock arithmetic is done in local wall-clock time of the calendar's zone; Asia/Ho_Chi_Minh has no
daylight saving time, so wall-clock and elapsed time agree.
"""
from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Iterable, Sequence
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_WEEKDAYS = frozenset({0, 1, 2, 3, 4})  # Monday..Friday
DEFAULT_PERIODS = ((time(7, 0), time(11, 30)), (time(13, 30), time(17, 0)))
DEFAULT_SAME_DAY_CUTOFF = time(15, 0)
# Dates outside this range raise OutOfCalendarRange; widened automatically to cover the data.
DEFAULT_FIRST_DAY = date(2000, 1, 1)
DEFAULT_LAST_DAY = date(2100, 12, 31)

UNITS = ("working_days", "working_hours", "calendar_days")
_US_PER_SECOND = 1_000_000
_US_PER_MINUTE = 60 * _US_PER_SECOND
_US_PER_HOUR = 60 * _US_PER_MINUTE
_US_PER_DAY = 24 * _US_PER_HOUR


class OutOfCalendarRange(ValueError):
    """A date before the first or after the last day the calendar knows.

    `day`: the first date concerned that the calendar does not know (None if unknown);
    `covered`: the calendar's spans of covered years, as (first year, last year) pairs.
    """

    def __init__(self, message: str, *, day: date | None = None, covered: tuple = ()):
        super().__init__(message)
        self.day = day
        self.covered = covered


class YearNotCovered(OutOfCalendarRange):
    """A date in a year whose days off the calendar was not given (see `covered_years`)."""


def year_spans(years: Iterable[int]) -> tuple[tuple[int, int], ...]:
    """Consecutive runs of years: {2015, 2016, 2017, 2020} -> ((2015, 2017), (2020, 2020))."""
    spans: list[list[int]] = []
    for year in sorted(set(years)):
        if spans and year == spans[-1][1] + 1:
            spans[-1][1] = year
        else:
            spans.append([year, year])
    return tuple((first, last) for first, last in spans)


def _us_of_day(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * _US_PER_SECOND + t.microsecond


class WorkCalendar:
    """An immutable working calendar: which days are worked and during which hours.

    days_off: public holidays and announced days off (they win over the weekly pattern).
    extra_working_days: make-up working days (e.g. a Saturday worked to bridge a holiday).
    weekdays: the weekly working days, 0 = Monday ... 6 = Sunday.
    periods: the office periods of a working day, as (start, end) local times, in order.
    covered_years: the years whose days off are known. When given, the calendar answers for
    those years only (any date of another year raises YearNotCovered, never a guess from the
    weekly pattern) and days off given for other years are ignored. When None, it answers from
    first_day to last_day (widened to the dates given).
    """

    __slots__ = (
        "tz", "weekdays", "periods", "same_day_cutoff", "days_off", "extra_working_days",
        "_first", "_last", "_before", "_work_ords", "_spans", "_day_us", "_first_start", "_last_end",
        "covered", "_gaps", "_error",
    )

    def __init__(
        self,
        days_off: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
        weekdays: Iterable[int] = DEFAULT_WEEKDAYS,
        periods: Sequence[tuple[time, time]] = DEFAULT_PERIODS,
        tz: tzinfo = VIETNAM,
        same_day_cutoff: time = DEFAULT_SAME_DAY_CUTOFF,
        first_day: date = DEFAULT_FIRST_DAY,
        last_day: date = DEFAULT_LAST_DAY,
        covered_years: Iterable[int] | None = None,
    ):
        days_off = frozenset(days_off)
        extra = frozenset(extra_working_days)
        gaps: tuple = ()
        if covered_years is not None:
            covered = year_spans(covered_years)
            years = {year for first, last in covered for year in range(first, last + 1)}
            days_off = frozenset(d for d in days_off if d.year in years)
            extra = frozenset(d for d in extra if d.year in years)
            if covered:
                first_day, last_day = date(covered[0][0], 1, 1), date(covered[-1][1], 12, 31)
                gaps = tuple(
                    (date(previous[1] + 1, 1, 1).toordinal(), date(following[0] - 1, 12, 31).toordinal())
                    for previous, following in zip(covered, covered[1:])
                )
            else:  # nothing covered: an empty range, every date raises
                first_day, last_day = DEFAULT_FIRST_DAY, DEFAULT_FIRST_DAY - timedelta(days=1)
            error = YearNotCovered
        else:
            error = OutOfCalendarRange
        weekdays = frozenset(weekdays)
        if days_off & extra:
            clash = ", ".join(d.isoformat() for d in sorted(days_off & extra))
            raise ValueError(f"Dates both off and make-up working days: {clash}")
        if not weekdays <= set(range(7)):
            raise ValueError("Weekdays are 0 (Monday) to 6 (Sunday).")
        periods = tuple((p[0], p[1]) for p in periods)
        if not periods:
            raise ValueError("A working day needs at least one office period.")
        spans, done, previous_end = [], 0, -1
        for start, end in periods:
            start_us, end_us = _us_of_day(start), _us_of_day(end)
            if not start_us < end_us or start_us < previous_end:
                raise ValueError("Office periods must be in order, each ending after it starts, without overlap.")
            # (start of the period, its end, working time done before it that day)
            spans.append((start_us, end_us, done))
            done += end_us - start_us
            previous_end = end_us
        all_dates = days_off | extra
        if all_dates and covered_years is None:
            first_day = min(first_day, min(all_dates))
            last_day = max(last_day, max(all_dates))
        if covered_years is None:
            covered = ((first_day.year, last_day.year),)

        first, last = first_day.toordinal(), last_day.toordinal()
        off = {d.toordinal() for d in days_off}
        on = {d.toordinal() for d in extra}
        # _before[i]: working days strictly before ordinal first+i (length = days + 1).
        before, work_ords, count = [0], [], 0
        weekday_of_first = first_day.weekday()
        for i, ordinal in enumerate(range(first, last + 1)):
            worked = ordinal in on or (((weekday_of_first + i) % 7) in weekdays and ordinal not in off)
            if worked:
                work_ords.append(ordinal)
                count += 1
            before.append(count)

        set_ = object.__setattr__
        set_(self, "tz", tz)
        set_(self, "weekdays", weekdays)
        set_(self, "periods", periods)
        set_(self, "same_day_cutoff", same_day_cutoff)
        set_(self, "days_off", days_off)
        set_(self, "extra_working_days", extra)
        set_(self, "_first", first)
        set_(self, "_last", last)
        set_(self, "_before", before)
        set_(self, "_work_ords", work_ords)
        set_(self, "_spans", tuple(spans))
        set_(self, "_day_us", done)
        set_(self, "_first_start", spans[0][0])
        set_(self, "_last_end", spans[-1][1])
        set_(self, "covered", covered)
        set_(self, "_gaps", gaps)
        set_(self, "_error", error)

    def __setattr__(self, name, value):
        raise AttributeError("WorkCalendar is immutable")

    def __repr__(self):
        return (
            f"WorkCalendar(days_off={len(self.days_off)}, extra_working_days={len(self.extra_working_days)}, "
            f"weekdays={sorted(self.weekdays)}, periods={self.periods})"
        )

    # ---- conversions -------------------------------------------------------------------

    @property
    def working_day_length(self) -> timedelta:
        return timedelta(microseconds=self._day_us)

    def _local(self, dt: datetime) -> datetime:
        """Aware datetimes are converted to the calendar's zone; naive ones are taken as local."""
        tz = dt.tzinfo
        if tz is self.tz:
            return dt
        if tz is None:
            return dt.replace(tzinfo=self.tz)
        return dt.astimezone(self.tz)

    @property
    def covered_years(self) -> frozenset[int]:
        return frozenset(year for first, last in self.covered for year in range(first, last + 1))

    def covers(self, d: date | datetime) -> bool:
        """Whether the calendar answers for this date (its year is covered)."""
        if isinstance(d, datetime):
            d = self._local(d).date()
        ordinal = d.toordinal()
        if ordinal < self._first or ordinal > self._last:
            return False
        return not any(lo <= ordinal <= hi for lo, hi in self._gaps)

    def _not_covered(self, ordinal: int | None) -> OutOfCalendarRange:
        covered = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in self.covered) or "none"
        if ordinal is None or ordinal < 1:
            day, what = None, "The result"
        else:
            day = date.fromordinal(min(ordinal, date.max.toordinal()))
            what = day.isoformat()
        return self._error(f"{what} is outside the calendar (years covered: {covered}).", day=day,
                           covered=self.covered)

    def _index(self, ordinal: int) -> int:
        if ordinal < self._first or ordinal > self._last:
            raise self._not_covered(ordinal)
        if self._gaps:
            self._check_span(ordinal, ordinal)
        return ordinal - self._first

    def _check_span(self, first: int, last: int) -> None:
        """Raise unless every date from ordinal first to last is covered (years missing in between)."""
        for lo, hi in self._gaps:
            if lo <= last and first <= hi:
                raise self._not_covered(max(lo, first))

    def _position(self, dt: datetime) -> int:
        """Working microseconds from the calendar's first day to the moment dt."""
        dt = self._local(dt)
        ordinal = dt.toordinal()
        i = self._index(ordinal)
        working_days_before = self._before[i]
        position = working_days_before * self._day_us
        if self._before[i + 1] == working_days_before:  # not a working day: nothing done yet
            return position
        us = ((dt.hour * 60 + dt.minute) * 60 + dt.second) * _US_PER_SECOND + dt.microsecond
        for start, end, done in self._spans:
            if us < end:
                return position + done + (us - start if us > start else 0)
        return position + self._day_us

    def _moment(self, position: int) -> datetime:
        """The moment a position on the working timeline stands for.

        A position exactly at the end of a period maps to that end (11:30, 17:00), not to the
        start of the next period: a limit that ends at 17:00 is due at 17:00 that day.
        """
        k, rest = divmod(position - 1, self._day_us)
        rest += 1  # 1 .. day length
        if k < 0 or k >= len(self._work_ords):
            raise self._not_covered(self._first - 1 if k < 0 else self._last + 1)
        for start, end, done in self._spans:
            if rest <= done + (end - start):
                us = start + rest - done
                break
        return self._at(self._work_ords[k], us)

    def _at(self, ordinal: int, us: int) -> datetime:
        seconds, micro = divmod(us, _US_PER_SECOND)
        minutes, second = divmod(seconds, 60)
        hour, minute = divmod(minutes, 60)
        d = date.fromordinal(ordinal)
        return datetime(d.year, d.month, d.day, hour, minute, second, micro, tzinfo=self.tz)

    # ---- days --------------------------------------------------------------------------

    def is_working_day(self, d: date | datetime) -> bool:
        if isinstance(d, datetime):
            d = self._local(d).date()
        i = self._index(d.toordinal())
        return self._before[i + 1] != self._before[i]

    def next_working_day(self, d: date, include_today: bool = False) -> date:
        """The first working day after d (or d itself when include_today and d is worked)."""
        i = self._index(d.toordinal())
        k = self._before[i] if include_today else self._before[i + 1]
        if k >= len(self._work_ords):
            raise self._not_covered(self._last + 1)
        found = self._work_ords[k]
        if self._gaps:
            self._check_span(d.toordinal(), found)
        return date.fromordinal(found)

    def working_days_between(self, d1: date | datetime, d2: date | datetime) -> int:
        """Working days from d1 to d2, both included; 0 when d2 is before d1."""
        if isinstance(d1, datetime):
            d1 = self._local(d1).date()
        if isinstance(d2, datetime):
            d2 = self._local(d2).date()
        if d2 < d1:
            return 0
        first, last = d1.toordinal(), d2.toordinal()
        if self._gaps:
            self._check_span(first, last)
        return self._before[self._index(last) + 1] - self._before[self._index(first)]

    def end_of_day(self, d: date) -> datetime:
        """The end of the last office period of d (17:00 by default)."""
        return self._at(d.toordinal(), self._last_end)

    # ---- moments -----------------------------------------------------------------------

    def is_working_time(self, dt: datetime) -> bool:
        """Inside an office period of a working day (start included, end excluded)."""
        dt = self._local(dt)
        if not self.is_working_day(dt.date()):
            return False
        us = _us_of_day(dt.timetz())
        return any(start <= us < end for start, end, _ in self._spans)

    def next_working_moment(self, dt: datetime) -> datetime:
        """dt itself inside an office period; otherwise the start of the next one.

        After 17:00 or on a day off -> 07:00 of the next working day; during lunch -> 13:30.
        """
        dt = self._local(dt)
        ordinal = dt.toordinal()
        i = self._index(ordinal)
        if self._before[i + 1] != self._before[i]:
            us = ((dt.hour * 60 + dt.minute) * 60 + dt.second) * _US_PER_SECOND + dt.microsecond
            for start, end, _ in self._spans:
                if us < start:
                    return self._at(ordinal, start)
                if us < end:
                    return dt
            k = self._before[i + 1]
        else:
            k = self._before[i]
        if k >= len(self._work_ords):
            raise self._not_covered(self._last + 1)
        if self._gaps:
            self._check_span(ordinal, self._work_ords[k])
        return self._at(self._work_ords[k], self._first_start)

    # ---- adding time -------------------------------------------------------------------

    def add(self, dt: datetime, amount: int | float | Decimal, unit: str = "working_days") -> datetime:
        """The due moment: dt plus a limit of `amount` `unit`.

        working_days: amount * 8 working hours (the day length), counted from the next working
        moment; fractions allowed (0.5 day = 4 hours). working_hours: likewise in hours.
        calendar_days: see add_calendar_days. A zero amount gives next_working_moment(dt).
        """
        if unit == "working_days":
            scale = self._day_us
        elif unit == "working_hours":
            scale = _US_PER_HOUR
        elif unit == "calendar_days":
            return self.add_calendar_days(dt, amount)
        else:
            raise ValueError(f"Unknown unit {unit!r}; use one of {', '.join(UNITS)}.")
        if type(amount) is int:
            us = amount * scale
        else:
            us = self._to_us(amount, scale)
        return self._add_us(dt, us)

    def _add_us(self, dt: datetime, us: int) -> datetime:
        if us < 0:
            raise ValueError("The amount of time must not be negative.")
        if us == 0:
            return self.next_working_moment(dt)
        due = self._moment(self._position(dt) + us)
        if self._gaps:
            self._check_span(self._local(dt).toordinal(), due.toordinal())
        return due

    def add_working_minutes(self, dt: datetime, minutes: int | float | Decimal) -> datetime:
        us = minutes * _US_PER_MINUTE if type(minutes) is int else self._to_us(minutes, _US_PER_MINUTE)
        return self._add_us(dt, us)

    def add_working_time(self, dt: datetime, duration: timedelta) -> datetime:
        us = (duration.days * 86400 + duration.seconds) * _US_PER_SECOND + duration.microseconds
        return self._add_us(dt, us)

    def add_calendar_days(self, dt: datetime, days: int | float | Decimal) -> datetime:
        """Civil-code style: the limit ends at the end of the last day; a day off as last day
        moves the due date to the end of the next working day. The receipt day itself is not
        counted (1 day received Monday -> Tuesday 17:00). Fractions round up to whole days."""
        if type(days) is not int:
            if isinstance(days, bool) or not isinstance(days, (float, Decimal)) or not math.isfinite(days):
                raise ValueError("The amount must be a finite number.")
            days = math.ceil(days)
        if days < 0:
            raise ValueError("The amount of time must not be negative.")
        received = self._local(dt).date()
        self._index(received.toordinal())
        last = received + timedelta(days=days)
        if self._gaps:
            self._check_span(received.toordinal(), last.toordinal())
        return self.end_of_day(self.next_working_day(last, include_today=True))

    @staticmethod
    def _to_us(amount, scale: int) -> int:
        if isinstance(amount, bool) or not isinstance(amount, (int, float, Decimal)):
            raise ValueError("The amount must be a number.")
        if isinstance(amount, float) and not math.isfinite(amount):
            raise ValueError("The amount must be a finite number.")
        if isinstance(amount, Decimal) and not amount.is_finite():
            raise ValueError("The amount must be a finite number.")
        return round(amount * scale)

    # ---- between moments, pauses, same day ---------------------------------------------

    def _between(self, a: datetime, b: datetime) -> int:
        """Working microseconds from a to b (negative when b is before a)."""
        if self._gaps:
            first, last = sorted((self._local(a).toordinal(), self._local(b).toordinal()))
            self._check_span(first, last)
        return self._position(b) - self._position(a)

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time from a to b; zero (never negative) when b is before a."""
        us = self._between(a, b)
        return timedelta(microseconds=us) if us > 0 else timedelta(0)

    def working_minutes_between(self, a: datetime, b: datetime) -> float:
        """Working minutes from a to b (fractional when seconds are involved); 0 when b < a."""
        us = self._between(a, b)
        return us / _US_PER_MINUTE if us > 0 else 0.0

    def shift_by_pause(self, due: datetime, paused_at: datetime, resumed_at: datetime) -> datetime:
        """The due date moved forward by the working time that elapsed during the pause."""
        paused = self._between(paused_at, resumed_at)
        if paused <= 0:
            return self._local(due)
        return self._add_us(due, paused)

    def same_day_due(self, received: datetime, cutoff: time | None = None) -> datetime:
        """Same-day procedures: received on a working day before the cut-off (15:00) -> end of
        that day; later, or on a day off -> end of the next working day."""
        received = self._local(received)
        cutoff = cutoff or self.same_day_cutoff
        day = received.date()
        if self.is_working_day(day) and received.time() < cutoff:
            return self.end_of_day(day)
        return self.end_of_day(self.next_working_day(day))


class OpeningCalendar:
    """When a service point's counters are open: its own weekdays, the legal days off, plus the
    make-up working days. Used for reception and "per working day" figures, never for legal
    limits (those use the legal WorkCalendar, where a Saturday only counts if it is a make-up day).
    """

    __slots__ = ("_calendar", "hours")

    def __init__(self, legal: WorkCalendar, open_weekdays: Iterable[int], hours: dict | None = None):
        # hours: weekday -> list of (opens, closes), for display and reception checks.
        self._calendar = WorkCalendar(
            days_off=legal.days_off,
            extra_working_days=legal.extra_working_days,
            weekdays=open_weekdays,
            periods=legal.periods,
            tz=legal.tz,
            same_day_cutoff=legal.same_day_cutoff,
            first_day=date.fromordinal(legal._first),
            last_day=date.fromordinal(legal._last),
            covered_years=legal.covered_years if legal._error is YearNotCovered else None,
        )
        self.hours = dict(hours or {})

    def is_open(self, d: date) -> bool:
        return self._calendar.is_working_day(d)

    def open_days_between(self, d1: date, d2: date) -> int:
        """Open days from d1 to d2, both included; 0 when d2 is before d1."""
        return self._calendar.working_days_between(d1, d2)

    def next_open_day(self, d: date, include_today: bool = False) -> date:
        return self._calendar.next_working_day(d, include_today=include_today)

