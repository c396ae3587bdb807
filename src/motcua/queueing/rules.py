"""The queue's rules as pure functions (no database): which line is called next, when a service
point is open, and the figures of waiting times. `services.py` and `selectors.py` apply them."""
from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from typing import Iterable, Sequence

# At most this many priority tickets are called in a row while a normal ticket waits, so that
# nobody starves (issue 12: "at most 2 priority tickets served per normal one").
PRIORITY_RUN = 2
# A called person who does not come after this many recalls is marked as not come.
MAX_RECALLS = 3


def priority_run(recent_calls: Iterable[bool]) -> int:
    """How many priority tickets were called in a row most recently.

    recent_calls: whether each ticket called was a priority one, newest first."""
    run = 0
    for is_priority in recent_calls:
        if not is_priority:
            break
        run += 1
    return run


def take_priority(run: int, priority_waiting: bool, normal_waiting: bool) -> bool | None:
    """Whether the next call takes a priority ticket (True), a normal one (False), or none (None).

    Priority first, unless PRIORITY_RUN priority tickets were just called in a row and a normal
    ticket waits: then the normal one."""
    if not priority_waiting and not normal_waiting:
        return None
    if not priority_waiting:
        return False
    if not normal_waiting:
        return True
    return run < PRIORITY_RUN


# --- opening hours -------------------------------------------------------------------------------


def periods_of(day: date, is_open: bool, hours: dict, default_periods: Sequence[tuple[time, time]]):
    """The opening periods of a day: none when closed; the point's own hours of that weekday; on a
    make-up working day whose weekday has no hours (a Saturday worked for a holiday), the legal
    office periods."""
    if not is_open:
        return []
    own = sorted(hours.get(day.weekday(), ()))
    return own or list(default_periods)


def open_now(moment: datetime, periods) -> bool:
    clock = moment.time()
    return any(opens <= clock < closes for opens, closes in periods)


def next_opening(moment: datetime, periods_on, max_days: int = 60) -> datetime | None:
    """The next moment (after `moment`, local naive-or-aware as given) a period starts.

    periods_on(day) gives the opening periods of a day; None if nothing within max_days."""
    day = moment.date()
    for offset in range(max_days + 1):
        current = day + timedelta(days=offset)
        for opens, _closes in periods_on(current):
            start = datetime.combine(current, opens, tzinfo=moment.tzinfo)
            if start > moment:
                return start
    return None


# --- figures -------------------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float | None:
    """The value below which `share` (0..1) of the values lie, interpolated linearly; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float | None:
    return percentile(values, 0.5)


# --- appointments --------------------------------------------------------------------------------

# Check-in at the kiosk is possible from this long before the slot starts ...
CHECK_IN_EARLY = timedelta(minutes=30)
# ... to this long after; later, the person gets a walk-in ticket.
CHECK_IN_LATE = timedelta(minutes=15)
# Bookings are taken for today up to this many days ahead.
BOOKING_HORIZON_DAYS = 30
# Against brokers holding places: at most this many bookings per phone for one day.
BOOKINGS_PER_PHONE_A_DAY = 2
# Each booking sends an SMS: one network address may make at most this many bookings an hour.
BOOKINGS_PER_ADDRESS_AN_HOUR = 10


def slot_times(windows, periods):
    """The (start, end) clock times of the slots of a day.

    windows: (start, end, slot_minutes, capacity) of the templates that apply that day; periods:
    the day's opening periods. A slot is offered only if it lies wholly inside one opening period
    (no slot across the lunch break). Returns sorted (start, end, capacity), one per start time (two
    templates giving the same start: the larger capacity)."""
    found: dict[time, tuple[time, int]] = {}
    for start, end, minutes, capacity in windows:
        if minutes <= 0 or capacity <= 0:
            continue
        moment = datetime.combine(date.min, start)
        stop = datetime.combine(date.min, end)
        step = timedelta(minutes=minutes)
        while moment + step <= stop:
            slot_start, slot_end = moment.time(), (moment + step).time()
            if any(opens <= slot_start and slot_end <= closes for opens, closes in periods):
                if slot_start not in found or found[slot_start][1] < capacity:
                    found[slot_start] = (slot_end, capacity)
            moment += step
    return sorted((start, end, capacity) for start, (end, capacity) in found.items())


def check_in_window(slot_start: datetime) -> tuple[datetime, datetime]:
    return slot_start - CHECK_IN_EARLY, slot_start + CHECK_IN_LATE


def check_in_outcome(slot_start: datetime, now: datetime) -> str:
    """'early' before the window, 'on_time' inside it (an appointment ticket), 'late' after it (a
    walk-in ticket)."""
    opens, closes = check_in_window(slot_start)
    if now < opens:
        return "early"
    if now > closes:
        return "late"
    return "on_time"


def booking_refusal(slot_start: datetime, now: datetime) -> str | None:
    """Why a slot cannot be booked now, by time alone: 'past' (it has started) or 'too_far' (more
    than BOOKING_HORIZON_DAYS days ahead, counted in local dates); None if it can."""
    if slot_start <= now:
        return "past"
    if (slot_start.date() - now.date()).days > BOOKING_HORIZON_DAYS:
        return "too_far"
    return None


def waited_minutes(issued_at: datetime, called_at: datetime | None, slot_start: datetime | None) -> float | None:
    """The waiting time of a called ticket: called minus issued; for an appointment, called minus
    the slot start (never below zero: called early is no wait)."""
    if called_at is None:
        return None
    since = slot_start if slot_start is not None else issued_at
    return max(0.0, (called_at - since).total_seconds() / 60)


# --- the calling order, whole ---------------------------------------------------------------------


def next_in_line(waiting, run: int, now: datetime):
    """The ticket `call_next` takes among `waiting` (objects with pk, is_priority, queued_at,
    slot_start), or None.

    1. Appointments whose slot has begun, earliest slot first (then place in line): an appointment
       is served in its slot, before walk-ins and priority groups.
    2. Otherwise the priority rule (`take_priority`) picks the kind; within a kind, place in line
       (`queued_at`, then pk). An appointment checked in before its slot keeps its slot start as
       its place in line, so it waits behind those who came before it."""
    waiting = list(waiting)
    due = [t for t in waiting if t.slot_start is not None and t.slot_start <= now]
    if due:
        return min(due, key=lambda t: (t.slot_start, t.queued_at, t.pk))
    priority = [t for t in waiting if t.is_priority]
    normal = [t for t in waiting if not t.is_priority]
    choice = take_priority(run, bool(priority), bool(normal))
    if choice is None:
        return None
    return min(priority if choice else normal, key=lambda t: (t.queued_at, t.pk))
