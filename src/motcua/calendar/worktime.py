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
    """A date before the first or after the last day the calendar knows."""


def _us_of_day(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * _US_PER_SECOND + t.microsecond


class WorkCalendar:
    """An immutable working calendar: which days are worked and during which hours.

    days_off: public holidays and announced days off (they win over the weekly pattern).
    extra_working_days: make-up working days (e.g. a Saturday worked to bridge a holiday).
    weekdays: the weekly working days, 0 = Monday ... 6 = Sunday.
    periods: the office periods of a working day, as (start, end) local times, in order.
    """

    __slots__ = (
        "tz", "weekdays", "periods", "same_day_cutoff", "days_off", "extra_working_days",
        "_first", "_last", "_before", "_work_ords", "_spans", "_day_us", "_first_start", "_last_end",
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
    ):
        days_off = frozenset(days_off)
        extra = frozenset(extra_working_days)
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
        if all_dates:
            first_day = min(first_day, min(all_dates))
            last_day = max(last_day, max(all_dates))

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

    def _index(self, ordinal: int) -> int:
        if ordinal < self._first or ordinal > self._last:
            raise OutOfCalendarRange(
                f"{date.fromordinal(ordinal).isoformat()} is outside the calendar "
                f"({date.fromordinal(self._first).isoformat()} to {date.fromordinal(self._last).isoformat()})."
            )
        return ordinal - self._first

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
            raise OutOfCalendarRange("The result falls outside the calendar's range.")
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
            raise OutOfCalendarRange("No working day left in the calendar's range.")
        return date.fromordinal(self._work_ords[k])

    def working_days_between(self, d1: date | datetime, d2: date | datetime) -> int:
        """Working days from d1 to d2, both included; 0 when d2 is before d1."""
        if isinstance(d1, datetime):
            d1 = self._local(d1).date()
        if isinstance(d2, datetime):
            d2 = self._local(d2).date()
        if d2 < d1:
            return 0
        return self._before[self._index(d2.toordinal()) + 1] - self._before[self._index(d1.toordinal())]

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
            raise OutOfCalendarRange("No working day left in the calendar's range.")
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
        if us < 0:
            raise ValueError("The amount of time must not be negative.")
        if us == 0:
            return self.next_working_moment(dt)
        return self._moment(self._position(dt) + us)

    def add_working_minutes(self, dt: datetime, minutes: int | float | Decimal) -> datetime:
        us = minutes * _US_PER_MINUTE if type(minutes) is int else self._to_us(minutes, _US_PER_MINUTE)
        if us < 0:
            raise ValueError("The amount of time must not be negative.")
        if us == 0:
            return self.next_working_moment(dt)
        return self._moment(self._position(dt) + us)

    def add_working_time(self, dt: datetime, duration: timedelta) -> datetime:
        us = (duration.days * 86400 + duration.seconds) * _US_PER_SECOND + duration.microseconds
        if us < 0:
            raise ValueError("The amount of time must not be negative.")
        if us == 0:
            return self.next_working_moment(dt)
        return self._moment(self._position(dt) + us)

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
        last = self._local(dt).date() + timedelta(days=days)
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

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time from a to b; zero (never negative) when b is before a."""
        us = self._position(b) - self._position(a)
        return timedelta(microseconds=us) if us > 0 else timedelta(0)

    def working_minutes_between(self, a: datetime, b: datetime) -> float:
        """Working minutes from a to b (fractional when seconds are involved); 0 when b < a."""
        us = self._position(b) - self._position(a)
        return us / _US_PER_MINUTE if us > 0 else 0.0

    def shift_by_pause(self, due: datetime, paused_at: datetime, resumed_at: datetime) -> datetime:
        """The due date moved forward by the working time that elapsed during the pause."""
        paused = self._position(resumed_at) - self._position(paused_at)
        if paused <= 0:
            return self._local(due)
        return self._moment(self._position(due) + paused)

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
        )
        self.hours = dict(hours or {})

    def is_open(self, d: date) -> bool:
        return self._calendar.is_working_day(d)

    def open_days_between(self, d1: date, d2: date) -> int:
        """Open days from d1 to d2, both included; 0 when d2 is before d1."""
        return self._calendar.working_days_between(d1, d2)

    def next_open_day(self, d: date, include_today: bool = False) -> date:
        return self._calendar.next_working_day(d, include_today=include_today)

