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
