"""The pure rules: the priority ratio (property-tested), opening periods, percentiles."""
import datetime

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
