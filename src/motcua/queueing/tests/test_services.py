"""The ticket's life through services.py: numbering, opening hours and days off, the daily cap,
calling with the priority rule, recall, no-show, transfer, service, the closing job, the audit."""
import datetime

import pytest
from django.core.management import call_command
from django.utils import translation

from motcua.calendar.models import CalendarDay
from motcua.queueing import services
from motcua.queueing.errors import QueueError
from motcua.queueing.models import Ticket, TicketEvent, TicketStatus

from .conftest import MONDAY, at


def issue(queue, n=1, group=None, now=MONDAY):
    return [services.issue_ticket(queue, group, now=now + datetime.timedelta(seconds=i)) for i in range(n)]


def test_numbers_follow_per_queue_per_day_and_restart_the_next_day(centre):
    a1, a2 = issue(centre["A"], 2)
    (b1,) = issue(centre["B"])
    (tuesday,) = issue(centre["A"], now=at(2026, 3, 3, 9))
    assert [a1.display, a2.display, b1.display, tuesday.display] == ["A-001", "A-002", "B-001", "A-001"]
    assert a1.service_date == datetime.date(2026, 3, 2) and tuesday.service_date == datetime.date(2026, 3, 3)
    assert list(a1.events.values_list("kind", flat=True)) == ["issued"]


def test_after_hours_refused_with_the_next_opening_time(centre):
    with translation.override("vi"), pytest.raises(QueueError) as lunch:
        services.issue_ticket(centre["A"], now=at(2026, 3, 2, 12, 0))
    assert lunch.value.code == "closed"
    assert "13:30" in lunch.value.message and "02/03/2026" in lunch.value.message
    assert "Nơi tiếp nhận đang nghỉ" in lunch.value.message
    with translation.override("en"), pytest.raises(QueueError) as friday_evening:
        services.issue_ticket(centre["A"], now=at(2026, 3, 6, 17, 0))
    # Friday 17:00 is closing time: next opening Monday 07:00
    assert "It opens again at 07:00 on 09/03/2026" in friday_evening.value.message
    assert not Ticket.objects.exists()


def test_a_holiday_is_closed_and_a_make_up_saturday_open(centre):
    CalendarDay.objects.create(date=datetime.date(2026, 3, 3), kind=CalendarDay.Kind.PUBLIC_HOLIDAY, name="Ngày nghỉ thử")
    CalendarDay.objects.create(date=datetime.date(2026, 3, 7), kind=CalendarDay.Kind.MAKEUP_WORKING_DAY,
                               name="Làm bù")
    with translation.override("en"), pytest.raises(QueueError) as holiday:
        services.issue_ticket(centre["A"], now=at(2026, 3, 3, 9))
    assert "It opens again at 07:00 on 04/03/2026" in holiday.value.message
    # The centre has no Saturday hours, but a make-up Saturday is worked with the office periods.
    (saturday,) = issue(centre["A"], now=at(2026, 3, 7, 9))
    assert saturday.display == "A-001"
    with pytest.raises(QueueError):  # an ordinary Saturday stays closed
        services.issue_ticket(centre["A"], now=at(2026, 3, 14, 9))


def test_over_the_daily_cap_refused_and_the_number_not_used(centre):
    queue = centre["A"]
    queue.daily_cap = 2
    queue.save()
    issue(queue, 2)
    with translation.override("en"), pytest.raises(QueueError) as full:
        services.issue_ticket(queue, now=MONDAY)
    assert full.value.code == "full" and "All 2 tickets of this queue for today" in full.value.message
    assert Ticket.objects.filter(queue=queue).count() == 2
    assert queue.days.get().last_number == 2  # the refused number rolled back: no gap
    queue.daily_cap = 3
    queue.save()
    assert services.issue_ticket(queue, now=MONDAY).number == 3


def test_an_inactive_queue_refuses(centre):
    centre["A"].is_active = False
    centre["A"].save()
    with pytest.raises(QueueError) as refused:
        services.issue_ticket(centre["A"], now=MONDAY)
    assert refused.value.code == "inactive"


def test_call_next_takes_the_counters_queues_in_line_order_and_only_a_seated_officer(centre):
    a1, a2 = issue(centre["A"], 2)
    issue(centre["B"])
    later = MONDAY + datetime.timedelta(minutes=5)
    with pytest.raises(QueueError) as not_seated:  # officer 3 sits at counter 3, not 1
        services.call_next(centre["officer3"], centre["counters"][1], now=later)
    assert not_seated.value.code == "not_assigned"
    called = services.call_next(centre["officer1"], centre["counters"][1], now=later)
    assert called.pk == a1.pk and called.status == TicketStatus.CALLED
    assert called.counter == centre["counters"][1] and called.served_by == centre["officer1"]
    assert called.called_at == later
    with pytest.raises(QueueError) as busy:
        services.call_next(centre["officer1"], centre["counters"][1], now=later)
    assert busy.value.code == "busy"
    assert services.call_next(centre["officer2"], centre["counters"][2], now=later).pk == a2.pk
    # counter 3 serves justice: it takes B-001, which counters 1 and 2 never see
    assert services.call_next(centre["officer3"], centre["counters"][3], now=later).display == "B-001"
    services.mark_no_show(centre["officer1"], called, now=later)
    with pytest.raises(QueueError) as empty:
        services.call_next(centre["officer1"], centre["counters"][1], now=later)
    assert empty.value.code == "empty"


def serve(officer, counter, now):
    ticket = services.call_next(officer, counter, now=now)
    services.start_service(officer, ticket, now=now)
    services.end_service(officer, ticket, now=now + datetime.timedelta(minutes=1))
    return ticket


def test_priority_tickets_go_first_but_at_most_two_in_a_row(centre):
    normals = issue(centre["A"], 2)
    priorities = issue(centre["A"], 3, group=centre["elderly"], now=MONDAY + datetime.timedelta(minutes=1))
    order = [serve(centre["officer1"], centre["counters"][1], MONDAY + datetime.timedelta(minutes=10 + i)).display
             for i in range(5)]
    assert order == [priorities[0].display, priorities[1].display, normals[0].display,
                     priorities[2].display, normals[1].display]
    assert order == ["A-003", "A-004", "A-001", "A-005", "A-002"]


def test_yesterdays_ticket_cannot_be_called(centre):
    (ticket,) = issue(centre["A"])
    tuesday = at(2026, 3, 3, 8)
    with pytest.raises(QueueError) as empty:
        services.call_next(centre["officer1"], centre["counters"][1], now=tuesday)
    assert empty.value.code == "empty"
    called = services.call_next(centre["officer1"], centre["counters"][1], now=MONDAY)
    with pytest.raises(QueueError) as other_day:
        services.recall(centre["officer1"], called, now=tuesday)
    assert other_day.value.code == "other_day"
    assert Ticket.objects.get(pk=ticket.pk).recalls == 0


def test_three_recalls_then_the_next_makes_a_no_show(centre):
    issue(centre["A"])
    ticket = services.call_next(centre["officer1"], centre["counters"][1], now=MONDAY)
    for expected in (1, 2, 3):
        assert services.recall(centre["officer1"], ticket, now=MONDAY).recalls == expected
    assert services.recall(centre["officer1"], ticket, now=MONDAY).status == TicketStatus.NO_SHOW
    assert list(ticket.events.values_list("kind", flat=True)) == [
        "issued", "called", "recalled", "recalled", "recalled", "no_show"]
    with pytest.raises(QueueError) as wrong:
        services.start_service(centre["officer1"], ticket, now=MONDAY)
    assert wrong.value.code == "wrong_state"
    # the counter is free again
    issue(centre["A"])
    assert services.call_next(centre["officer1"], centre["counters"][1], now=MONDAY).number == 2


def test_only_the_officer_of_the_counter_acts_on_its_ticket(centre):
    issue(centre["A"])
    ticket = services.call_next(centre["officer1"], centre["counters"][1], now=MONDAY)
    with pytest.raises(QueueError) as refused:
        services.start_service(centre["officer2"], ticket, now=MONDAY)
    assert refused.value.code == "not_assigned"
    with pytest.raises(QueueError):
        services.end_service(centre["officer1"], ticket, now=MONDAY)  # not started yet
    assert services.mark_no_show(centre["officer1"], ticket, now=MONDAY).status == TicketStatus.NO_SHOW


def test_transfer_gives_a_new_number_in_the_other_queue_keeping_the_place_in_line(centre):
    (first,) = issue(centre["A"], group=centre["elderly"])
    (waiting_b,) = issue(centre["B"], now=MONDAY + datetime.timedelta(minutes=2))
    ticket = services.call_next(centre["officer1"], centre["counters"][1], now=MONDAY + datetime.timedelta(minutes=5))
    services.start_service(centre["officer1"], ticket, now=MONDAY + datetime.timedelta(minutes=6))
    new = services.transfer(centre["officer1"], ticket, centre["B"], now=MONDAY + datetime.timedelta(minutes=8))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.TRANSFERRED and ticket.ended_at is not None
    assert new.display == "B-002" and new.status == TicketStatus.WAITING
    assert new.transferred_from == ticket and new.priority_group == centre["elderly"]
    assert new.queued_at == first.issued_at
    # B-002 was in line before B-001 (and is a priority ticket): counter 3 calls it first
    assert services.call_next(centre["officer3"], centre["counters"][3],
                              now=MONDAY + datetime.timedelta(minutes=9)).pk == new.pk
    assert Ticket.objects.get(pk=waiting_b.pk).status == TicketStatus.WAITING
    with pytest.raises(QueueError):
        services.transfer(centre["officer3"], new, centre["B"], now=MONDAY + datetime.timedelta(minutes=9))


def test_the_job_closes_open_tickets_after_closing_time_only(centre):
    waiting, called = issue(centre["A"], 2)
    services.call_next(centre["officer1"], centre["counters"][1], now=MONDAY)
    assert services.close_open_tickets(now=at(2026, 3, 2, 16, 59)) == 0
    assert services.close_open_tickets(now=at(2026, 3, 2, 17, 0)) == 2
    assert set(Ticket.objects.values_list("status", flat=True)) == {TicketStatus.CLOSED}
    assert TicketEvent.objects.filter(kind="closed").count() == 2
    (tuesday,) = issue(centre["A"], now=at(2026, 3, 3, 9))
    call_command("close_queue_tickets", verbosity=0)  # today (any date): Tuesday's is long past
    tuesday.refresh_from_db()
    assert tuesday.status == TicketStatus.CLOSED


def test_ticket_events_are_append_only(centre):
    (ticket,) = issue(centre["A"])
    event = ticket.events.get()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        TicketEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        TicketEvent.objects.update(note="x")
