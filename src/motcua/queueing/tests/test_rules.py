"""The pure rules: the priority ratio (property-tested), opening periods, percentiles."""
import datetime
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from motcua.queueing import rules

EVENTS = st.lists(st.sampled_from(["priority arrives", "normal arrives", "call"]), max_size=200)


def simulate(events):
    """Apply take_priority to a stream of arrivals and calls; yield (called, priority_waiting,
    normal_waiting) per call, what waited just before it."""
    priority = normal = 0
    history: list[bool] = []  # newest first
    for event in events:
        if event == "priority arrives":
            priority += 1
        elif event == "normal arrives":
            normal += 1
        else:
            choice = rules.take_priority(rules.priority_run(history), priority > 0, normal > 0)
            yield choice, priority, normal
            if choice is True:
                priority -= 1
            elif choice is False:
                normal -= 1
            if choice is not None:
                history.insert(0, choice)


@given(EVENTS)
def test_never_more_than_two_priority_calls_in_a_row_while_a_normal_ticket_waits(events):
    run = 0
    for called, _priority, normal in simulate(events):
        if called is True:
            run += 1
            assert not (run > rules.PRIORITY_RUN and normal > 0)
        elif called is False:
            run = 0


@given(EVENTS)
def test_priority_goes_first_unless_its_run_is_full_and_every_call_takes_someone_waiting(events):
    recent: list[bool] = []
    for called, priority, normal in simulate(events):
        assert (called is None) == (priority == 0 and normal == 0)
        if called is False and priority > 0:
            # a normal ticket passes a waiting priority one only after a full priority run
            assert recent[:rules.PRIORITY_RUN] == [True] * rules.PRIORITY_RUN
        if called is not None:
            recent.insert(0, called)


@given(st.integers(0, 30), st.integers(1, 30))
def test_a_normal_ticket_is_called_within_three_calls_whatever_the_priority_crowd(priority, normal):
    calls = list(simulate(["priority arrives"] * priority + ["normal arrives"] * normal + ["call"] * 3))
    assert any(called is False for called, _p, _n in calls)


def test_priority_run_counts_the_latest_priority_calls():
    assert rules.priority_run([]) == 0
    assert rules.priority_run([True, True, False, True]) == 2
    assert rules.priority_run([False, True]) == 0


def test_periods_of_a_day():
    monday, saturday = datetime.date(2026, 3, 2), datetime.date(2026, 3, 7)
    hours = {0: [(datetime.time(13, 30), datetime.time(17)), (datetime.time(7), datetime.time(11, 30))]}
    office = [(datetime.time(7, 30), datetime.time(11, 30))]
    assert rules.periods_of(monday, True, hours, office) == [
        (datetime.time(7), datetime.time(11, 30)), (datetime.time(13, 30), datetime.time(17))]
    assert rules.periods_of(monday, False, hours, office) == []
    # a make-up Saturday of a point without Saturday hours: the office periods
    assert rules.periods_of(saturday, True, hours, office) == office


def test_next_opening_skips_to_the_next_period_or_day():
    tz = datetime.timezone(datetime.timedelta(hours=7))
    periods = {0: [(datetime.time(7), datetime.time(11, 30)), (datetime.time(13, 30), datetime.time(17))]}

    def periods_on(day):
        return periods.get(day.weekday(), [])

    lunch = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=tz)
    assert rules.next_opening(lunch, periods_on) == datetime.datetime(2026, 3, 2, 13, 30, tzinfo=tz)
    evening = datetime.datetime(2026, 3, 2, 18, 0, tzinfo=tz)
    assert rules.next_opening(evening, periods_on) == datetime.datetime(2026, 3, 9, 7, 0, tzinfo=tz)
    assert rules.next_opening(evening, lambda day: []) is None


def test_percentiles():
    assert rules.median([]) is None
    assert rules.median([3, 1, 2]) == 2
    assert rules.median([1, 2, 3, 4]) == 2.5
    assert rules.percentile(list(range(1, 11)), 0.9) == 9.1


# --- appointments in the calling order (rules.next_in_line) -----------------------------------------


T0 = datetime.datetime(2026, 3, 2, 8, 0)


@dataclass(frozen=True)
class Waiting:
    pk: int
    is_priority: bool
    queued_at: datetime.datetime
    slot_start: datetime.datetime | None


WAITING = st.lists(
    st.tuples(st.booleans(), st.integers(0, 120), st.one_of(st.none(), st.integers(0, 120))), max_size=30,
).map(lambda rows: [
    Waiting(pk, priority and slot is None, T0 + datetime.timedelta(minutes=slot if slot is not None else minute),
            None if slot is None else T0 + datetime.timedelta(minutes=slot))
    for pk, (priority, minute, slot) in enumerate(rows, start=1)
])


@given(WAITING, st.integers(0, 3), st.integers(0, 150))
def test_a_due_appointment_goes_before_walk_ins_and_priority_earliest_slot_first(waiting, run, minutes):
    now = T0 + datetime.timedelta(minutes=minutes)
    chosen = rules.next_in_line(waiting, run, now)
    due = [t for t in waiting if t.slot_start is not None and t.slot_start <= now]
    if due:
        assert chosen in due
        assert chosen.slot_start == min(t.slot_start for t in due)
    elif waiting:
        # No appointment due: the priority rule over everyone else, by place in line within a kind.
        kind = rules.take_priority(run, any(t.is_priority for t in waiting), any(not t.is_priority for t in waiting))
        assert chosen.is_priority is kind
        assert chosen.queued_at == min(t.queued_at for t in waiting if t.is_priority is kind)
    else:
        assert chosen is None


STREAM = st.lists(st.sampled_from(["priority", "normal", "appointment", "call", "tick"]), max_size=150)


def run_stream(events):
    """Arrivals (a walk-in, a priority ticket, an appointment checked in with a slot starting 10
    minutes later), calls and 5-minute ticks; yields (called, waiting before the call, now)."""
    now, waiting, history, pk = T0, [], [], 0
    for event in events:
        if event == "tick":
            now += datetime.timedelta(minutes=5)
        elif event == "call":
            chosen = rules.next_in_line(waiting, rules.priority_run(history), now)
            yield chosen, list(waiting), now
            if chosen is not None:
                waiting.remove(chosen)
                history.insert(0, chosen.is_priority)
        else:
            pk += 1
            slot = now + datetime.timedelta(minutes=10) if event == "appointment" else None
            waiting.append(Waiting(pk, event == "priority", slot or now, slot))


@given(STREAM)
def test_with_appointments_no_more_than_two_priority_calls_in_a_row_while_a_normal_ticket_waits(events):
    run = 0
    for chosen, waiting, _now in run_stream(events):
        if chosen is None:
            assert not waiting
            continue
        if chosen.is_priority:
            run += 1
            assert not (run > rules.PRIORITY_RUN and any(not t.is_priority for t in waiting))
        else:
            run = 0


@given(STREAM)
def test_with_appointments_no_walk_in_is_called_while_an_appointment_of_a_begun_slot_waits(events):
    for chosen, waiting, now in run_stream(events):
        if any(t.slot_start is not None and t.slot_start <= now for t in waiting):
            assert chosen.slot_start is not None and chosen.slot_start <= now


def test_slot_times_stay_inside_the_opening_periods_and_the_larger_capacity_wins():
    t = datetime.time
    periods = [(t(7, 30), t(11, 30)), (t(13, 30), t(17, 0))]
    slots = rules.slot_times([(t(10, 30), t(14, 30), 30, 2), (t(11, 0), t(11, 30), 30, 5)], periods)
    assert slots == [(t(10, 30), t(11, 0), 2), (t(11, 0), t(11, 30), 5), (t(13, 30), t(14, 0), 2),
                     (t(14, 0), t(14, 30), 2)]
    assert rules.slot_times([(t(8, 0), t(9, 0), 0, 2), (t(8, 0), t(9, 0), 30, 0)], periods) == []


def test_check_in_window_and_booking_horizon_edges():
    start = datetime.datetime(2026, 3, 2, 9, 0)
    minute = datetime.timedelta(minutes=1)
    assert rules.check_in_outcome(start, start - rules.CHECK_IN_EARLY - minute) == "early"
    assert rules.check_in_outcome(start, start - rules.CHECK_IN_EARLY) == "on_time"
    assert rules.check_in_outcome(start, start + rules.CHECK_IN_LATE) == "on_time"
    assert rules.check_in_outcome(start, start + rules.CHECK_IN_LATE + minute) == "late"
    assert rules.booking_refusal(start, start) == "past"
    assert rules.booking_refusal(start, start - datetime.timedelta(days=30)) is None
    assert rules.booking_refusal(start, start - datetime.timedelta(days=31)) == "too_far"
    assert rules.waited_minutes(start, start + 6 * minute, start - minute) == 7
    assert rules.waited_minutes(start, start + 6 * minute, start + 10 * minute) == 0  # called before the slot
    assert rules.waited_minutes(start, None, None) is None
