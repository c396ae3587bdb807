"""The Saturday duty roster: on a Saturday it, not the counter assignments, decides who may call,
in the officer's shift; a make-up Saturday is a working day where the assignments hold. The
manager's changes are refused when they make no sense and are recorded in the access audit log."""
import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from motcua.calendar.models import CalendarDay
from motcua.organization.models import AccessAuditEntry, OpeningHours
from motcua.queueing import roster, services
from motcua.queueing.errors import QueueError
from motcua.queueing.models import SaturdayDuty

from .conftest import at

SATURDAY = datetime.date(2026, 3, 7)


@pytest.fixture
def saturday_centre(centre):
    OpeningHours.objects.create(service_point=centre["point"], weekday=5, opens=datetime.time(7, 30),
                                closes=datetime.time(16, 30))
    centre["manager"] = get_user_model().objects.create_user("quanly", password="x")
    return centre


def test_on_a_saturday_only_the_officer_on_duty_calls_in_their_shift(saturday_centre):
    c = saturday_centre
    roster.set_duty(c["manager"], SATURDAY, c["counters"][1], c["officer2"], c["land"], "morning")
    for minute in range(3):
        services.issue_ticket(c["A"], now=at(2026, 3, 7, 8, minute))
    # officer1 sits at counter 1 on weekdays, but is not on the roster.
    with translation.override("vi"), pytest.raises(QueueError) as refused:
        services.call_next(c["officer1"], c["counters"][1], now=at(2026, 3, 7, 9, 0))
    assert refused.value.code == "not_assigned"
    assert list(services.counters_of(c["officer1"], SATURDAY)) == []
    # officer2 (a weekday at counter 2) is on duty at counter 1 this morning.
    assert list(services.counters_of(c["officer2"], SATURDAY)) == [c["counters"][1]]
    ticket = services.call_next(c["officer2"], c["counters"][1], now=at(2026, 3, 7, 9, 0))
    assert ticket.display == "A-001" and ticket.served_by == c["officer2"]
    services.start_service(c["officer2"], ticket, now=at(2026, 3, 7, 9, 1))
    services.end_service(c["officer2"], ticket, now=at(2026, 3, 7, 9, 5))
    # The afternoon is not their shift.
    with translation.override("vi"), pytest.raises(QueueError) as afternoon:
        services.call_next(c["officer2"], c["counters"][1], now=at(2026, 3, 7, 13, 0))
    assert "lịch trực thứ Bảy" in afternoon.value.message
    # On Monday the counter assignments decide again.
    assert list(services.counters_of(c["officer1"], datetime.date(2026, 3, 9))) == [c["counters"][1]]


def test_an_all_day_duty_covers_both_shifts(saturday_centre):
    c = saturday_centre
    roster.set_duty(c["manager"], SATURDAY, c["counters"][3], c["officer3"], c["justice"], "all_day")
    services.issue_ticket(c["B"], now=at(2026, 3, 7, 8, 0))
    services.issue_ticket(c["B"], now=at(2026, 3, 7, 8, 1))
    first = services.call_next(c["officer3"], c["counters"][3], now=at(2026, 3, 7, 8, 30))
    services.mark_no_show(c["officer3"], first, now=at(2026, 3, 7, 8, 40))
    assert services.call_next(c["officer3"], c["counters"][3], now=at(2026, 3, 7, 14, 0)).display == "B-002"


def test_on_a_make_up_saturday_the_counter_assignments_hold(saturday_centre):
    c = saturday_centre
    CalendarDay.objects.create(date=SATURDAY, kind=CalendarDay.Kind.MAKEUP_WORKING_DAY, name="Làm bù")
    services.issue_ticket(c["A"], now=at(2026, 3, 7, 8, 0))
    assert services.call_next(c["officer1"], c["counters"][1], now=at(2026, 3, 7, 9, 0)).display == "A-001"
    assert roster.roster_decides(SATURDAY) is False and roster.roster_decides(datetime.date(2026, 3, 14))


def test_duty_refusals(saturday_centre):
    c = saturday_centre
    cases = [
        (datetime.date(2026, 3, 6), c["counters"][1], c["officer1"], c["land"], "morning", "invalid"),  # a Friday
        (SATURDAY, c["counters"][3], c["officer1"], c["land"], "morning", "invalid"),  # counter 3: justice only
        (SATURDAY, c["counters"][1], c["officer3"], c["land"], "morning", "invalid"),  # officer3: no role in land
        (SATURDAY, c["counters"][1], c["officer1"], c["land"], "evening", "invalid"),
    ]
    for day, counter, officer, agency, shift, code in cases:
        with pytest.raises(QueueError) as refused:
            roster.set_duty(c["manager"], day, counter, officer, agency, shift)
        assert refused.value.code == code
    roster.set_duty(c["manager"], SATURDAY, c["counters"][1], c["officer1"], c["land"], "morning")
    with translation.override("vi"), pytest.raises(QueueError) as taken:  # overlapping shift at the counter
        roster.set_duty(c["manager"], SATURDAY, c["counters"][1], c["officer2"], c["land"], "all_day")
    assert taken.value.code == "busy" and "Quầy này đã có người trực" in taken.value.message
    with pytest.raises(QueueError) as twice:  # the officer is already at counter 1 this morning
        roster.set_duty(c["manager"], SATURDAY, c["counters"][2], c["officer1"], c["land"], "morning")
    assert twice.value.code == "busy"
    # The afternoon of the same counter is free.
    roster.set_duty(c["manager"], SATURDAY, c["counters"][1], c["officer2"], c["land"], "afternoon")
    assert SaturdayDuty.objects.count() == 2


def test_duties_are_recorded_in_the_access_audit_log(saturday_centre):
    c = saturday_centre
    duty = roster.set_duty(c["manager"], SATURDAY, c["counters"][1], c["officer1"], c["land"], "morning")
    roster.remove_duty(c["manager"], duty)
    entries = list(AccessAuditEntry.objects.filter(kind=AccessAuditEntry.Kind.COUNTER_ASSIGNMENT,
                                                   actor=c["manager"]).order_by("at", "pk"))
    assert [e.action for e in entries] == ["created", "deleted"]
    assert entries[0].actor == c["manager"] and entries[0].subject == c["officer1"]
    assert entries[0].after == {"saturday_duty": "2026-03-07", "shift": "morning",
                                "counter": c["counters"][1].pk, "agency": c["land"].pk}
    assert entries[1].before["saturday_duty"] == "2026-03-07"
    assert not SaturdayDuty.objects.exists()


def test_the_next_saturdays():
    assert roster.saturdays(3, datetime.date(2026, 3, 5)) == [
        datetime.date(2026, 3, 7), datetime.date(2026, 3, 14), datetime.date(2026, 3, 21)]
    assert roster.saturdays(1, SATURDAY) == [SATURDAY]
