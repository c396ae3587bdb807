"""The demo's queues and its past morning of tickets at Bến Đò."""
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from motcua.queueing import selectors
from motcua.queueing.models import Queue, Ticket, TicketStatus
from motcua.testing.once import rolled_back_at_the_end


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo province, loaded once for the module's tests (each test's changes are undone)."""
    with rolled_back_at_the_end(django_db_blocker):
        yield call_command("load_demo", "--demo", stdout=io.StringIO())


@pytest.mark.django_db
def test_the_demo_has_queues_and_a_served_morning_with_figures(demo):
    assert Queue.objects.filter(service_point__code="trung-tam-tinh").count() == 5
    land = Queue.objects.get(service_point__code="trung-tam-tinh", letter="B")
    assert land.agencies.count() == 3
    tickets = Ticket.objects.filter(queue__service_point__code="mot-cua-ben-do")
    assert tickets.count() == 7 and all(t.service_date < timezone.localdate() for t in tickets)
    assert sorted(t.status for t in tickets) == [TicketStatus.DONE] * 6 + [TicketStatus.NO_SHOW]
    point = Queue.objects.get(service_point__code="mot-cua-ben-do", letter="A").service_point
    day = tickets.first().service_date
    (row,) = selectors.statistics([point], day, day, "queue")
    # waits 3, 14, 20, 31, 34, 41, 44 minutes (one counter, busy); services 12, 9, 15, 8, 11, 6
    assert row["tickets"] == 7 and row["called"] == 7 and row["no_shows"] == 1
    assert (row["wait_median"], row["wait_p90"], row["long_wait_share"]) == (31.0, 42.2, 57.1)
    assert row["service_median"] == 10.0
    manager = get_user_model().objects.get(username="quanly.bendo")
    assert manager.has_perm("queueing.change_queue") and not manager.has_perm("queueing.delete_queue")
    before = Ticket.objects.count()
    call_command("load_demo", "--demo", stdout=io.StringIO())
    assert Ticket.objects.count() == before and Queue.objects.count() == 9


@pytest.mark.django_db
def test_the_demo_takes_bookings_and_has_a_saturday_roster(demo):
    from motcua.queueing import appointments, roster
    from motcua.queueing.models import Appointment, AppointmentStatus, SaturdayDuty, SlotTemplate

    assert SlotTemplate.objects.filter(queue__service_point__code="trung-tam-tinh").count() == 5
    booked = Appointment.objects.filter(status=AppointmentStatus.BOOKED)
    # Five bookings on the first bookable day after today (whatever today is).
    assert booked.count() == 5
    assert all(timezone.localtime(a.slot.starts_at).date() > timezone.localdate() for a in booked)
    saturdays = roster.saturdays(4, timezone.localdate())
    duties = SaturdayDuty.objects.filter(counter__service_point__code="trung-tam-tinh")
    assert sorted({d.date for d in duties}) == saturdays and duties.count() == 16
    # Alternate Saturdays: the backup officers.
    assert set(duties.filter(date=saturdays[1]).values_list("officer__username", flat=True)) >= {"motcua.tuphap2"}
    queue = Queue.objects.get(service_point__code="trung-tam-tinh", letter="A")
    assert appointments.bookable_days(queue)
    manager = get_user_model().objects.get(username="quanly.trungtam")
    assert manager.has_perm("queueing.change_slottemplate")
    call_command("load_demo", "--demo", stdout=io.StringIO())
    assert Appointment.objects.count() == 5 and SaturdayDuty.objects.count() == 16
