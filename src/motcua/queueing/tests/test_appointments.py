"""Online appointments through appointments.py: slots from templates, the calendar and opening
hours; booking and its refusals; the SMS; cancel; check-in at the kiosk; the calling order and the
waiting time of appointment tickets. Every call is given its moment (Monday 2 March 2026 and
around), so no test depends on today's date."""
import datetime

import pytest
from django.utils import translation

from motcua.calendar.models import CalendarDay
from motcua.notifications.models import OutboxMessage
from motcua.queueing import appointments, rules, selectors, services
from motcua.queueing.errors import QueueError
from motcua.queueing.models import (
    Appointment, AppointmentEvent, AppointmentStatus, Slot, SlotTemplate, Ticket, TicketStatus,
)

from .conftest import MONDAY, at

SUNDAY_BEFORE = at(2026, 3, 1, 20, 0)  # booking the evening before


@pytest.fixture
def booking(centre):
    """Queue A takes bookings 8:00-11:00 and 14:00-16:00 every open day, slots of 30 minutes, two
    places each; 11:00-11:30 would cross nothing but the template stops at 11:00."""
    SlotTemplate.objects.create(queue=centre["A"], start=datetime.time(8, 0), end=datetime.time(11, 0),
                                slot_minutes=30, capacity=2)
    SlotTemplate.objects.create(queue=centre["A"], start=datetime.time(14, 0), end=datetime.time(16, 0),
                                slot_minutes=30, capacity=2)
    return centre


def book(centre, when, phone="0912345678", name="Nguyễn Văn An", now=SUNDAY_BEFORE):
    return appointments.book(centre["A"], when, name, phone, now=now)


def test_slots_of_a_day_follow_the_templates_inside_opening_hours(booking):
    # A template running over the lunch break offers nothing across it.
    SlotTemplate.objects.create(queue=booking["A"], start=datetime.time(11, 0), end=datetime.time(14, 0),
                                slot_minutes=60, capacity=1)
    starts = [s.starts_at.strftime("%H:%M") for s in appointments.slots_of_day(booking["A"], MONDAY.date())]
    assert starts == ["08:00", "08:30", "09:00", "09:30", "10:00", "10:30", "14:00", "14:30", "15:00", "15:30"]
    assert appointments.slots_of_day(booking["A"], datetime.date(2026, 3, 7)) == []  # Saturday: closed
    assert appointments.slots_of_day(booking["B"], MONDAY.date()) == []  # no template


def test_a_holiday_has_no_slots_and_a_make_up_saturday_has_them(booking):
    CalendarDay.objects.create(date=datetime.date(2026, 3, 3), kind=CalendarDay.Kind.PUBLIC_HOLIDAY, name="Nghỉ")
    CalendarDay.objects.create(date=datetime.date(2026, 3, 7), kind=CalendarDay.Kind.MAKEUP_WORKING_DAY, name="Bù")
    assert appointments.slots_of_day(booking["A"], datetime.date(2026, 3, 3)) == []
    assert len(appointments.slots_of_day(booking["A"], datetime.date(2026, 3, 7))) == 10
    with translation.override("vi"), pytest.raises(QueueError) as holiday:
        book(booking, at(2026, 3, 3, 9, 0))
    assert holiday.value.code == "closed" and "03/03/2026" in holiday.value.message


def test_booking_takes_a_place_records_an_event_and_queues_the_sms(booking):
    appointment = book(booking, at(2026, 3, 2, 9, 0), phone="091 234 5678")
    assert appointment.phone == "84912345678" and len(appointment.code) == 6 and appointment.code.isdigit()
    assert appointment.status == AppointmentStatus.BOOKED
    slot = Slot.objects.get()
    assert (slot.capacity, slot.booked) == (2, 1)
    assert list(appointment.events.values_list("kind", flat=True)) == ["booked"]
    sms = OutboxMessage.objects.get(event_kind="appointment_booked")
    assert sms.recipient == "84912345678" and sms.channel == "sms"
    assert appointment.code in sms.body and "09:00 ngày 02/03/2026" in sms.body
    assert "Trung tâm Phục vụ hành chính công tỉnh" in sms.body and "/xep-hang/hen/" in sms.body
    offers = {s.starts_at: s for s in appointments.slots_of_day(booking["A"], MONDAY.date())}
    assert offers[at(2026, 3, 2, 9, 0)].free == 1


@pytest.mark.parametrize("when, now, code, words", [
    (at(2026, 3, 2, 9, 0), at(2026, 3, 2, 9, 0), "invalid", "đã qua"),  # the slot has started
    (at(2026, 3, 2, 8, 0), at(2026, 3, 2, 9, 0), "invalid", "đã qua"),  # in the past
    (at(2026, 4, 1, 9, 0), SUNDAY_BEFORE, "invalid", "30 ngày"),  # 31 days ahead
    (at(2026, 3, 2, 9, 10), SUNDAY_BEFORE, "invalid", "09:10"),  # not a slot start
    (at(2026, 3, 2, 12, 0), SUNDAY_BEFORE, "invalid", "12:00"),  # lunch: no slot
    (at(2026, 3, 8, 9, 0), SUNDAY_BEFORE, "closed", "08/03/2026"),  # Sunday
])
def test_refusals_by_time(booking, when, now, code, words):
    with translation.override("vi"), pytest.raises(QueueError) as refusal:
        book(booking, when, now=now)
    assert refusal.value.code == code and words in refusal.value.message
    assert not Appointment.objects.exists() and not Slot.objects.exists()


def test_thirty_days_ahead_is_the_last_bookable_day(booking):
    # 31 March is 30 days after 1 March (the booking's day).
    assert book(booking, at(2026, 3, 31, 9, 0)).slot.booked == 1


def test_bad_name_or_phone_refused(booking):
    with translation.override("vi"), pytest.raises(QueueError) as phone:
        book(booking, at(2026, 3, 2, 9, 0), phone="0212345678")
    assert phone.value.code == "invalid" and "số điện thoại di động" in phone.value.message
    with pytest.raises(QueueError):
        book(booking, at(2026, 3, 2, 9, 0), name="   ")
    assert not Appointment.objects.exists()


def test_a_full_slot_refused(booking):
    book(booking, at(2026, 3, 2, 9, 0), phone="0912000001")
    book(booking, at(2026, 3, 2, 9, 0), phone="0912000002")
    with translation.override("en"), pytest.raises(QueueError) as full:
        book(booking, at(2026, 3, 2, 9, 0), phone="0912000003")
    assert full.value.code == "full" and "fully booked" in full.value.message
    assert Slot.objects.get().booked == 2
    assert at(2026, 3, 2, 9, 0) not in [s.starts_at for s in appointments.available_slots(
        booking["A"], MONDAY.date(), SUNDAY_BEFORE)]


def test_at_most_two_bookings_per_phone_a_day_cancelled_ones_do_not_count(booking):
    first = book(booking, at(2026, 3, 2, 8, 0))
    book(booking, at(2026, 3, 2, 9, 0))
    with translation.override("vi"), pytest.raises(QueueError) as third:
        book(booking, at(2026, 3, 2, 10, 0))
    assert third.value.code == "full" and "2 lịch hẹn" in third.value.message
    book(booking, at(2026, 3, 3, 10, 0))  # another day is another count
    appointments.cancel(first, now=SUNDAY_BEFORE)
    assert book(booking, at(2026, 3, 2, 10, 0)).status == AppointmentStatus.BOOKED


def test_cancel_gives_the_place_back_once_and_not_after_the_slot(booking):
    appointment = book(booking, at(2026, 3, 2, 9, 0))
    appointments.cancel(appointment, now=SUNDAY_BEFORE)
    assert Slot.objects.get().booked == 0
    with pytest.raises(QueueError) as again:
        appointments.cancel(appointment, now=SUNDAY_BEFORE)
    assert again.value.code == "wrong_state"
    late = book(booking, at(2026, 3, 2, 9, 0), phone="0912000009")
    with pytest.raises(QueueError):
        appointments.cancel(late, now=at(2026, 3, 2, 9, 0))
    assert list(appointment.events.values_list("kind", flat=True)) == ["booked", "cancelled"]
    assert AppointmentEvent.objects.count() == 3


def test_the_cancel_link_is_signed(booking):
    appointment = book(booking, at(2026, 3, 2, 9, 0))
    token = appointments.cancel_url(appointment).rstrip("/").rsplit("/", 1)[1]
    assert appointments.appointment_from_token(token) == (appointment, True)  # the SMS's link
    page_token = appointments.CANCEL_LINK.token_for(str(appointment.pk))
    assert appointments.appointment_from_token(page_token) == (appointment, False)
    assert appointments.appointment_from_token(token[:-2] + "xx") == (None, False)
    assert appointments.appointment_from_token(str(appointment.pk)) == (None, False)


def test_check_in_window_on_time_early_and_late(booking):
    on_time = book(booking, at(2026, 3, 2, 9, 0), phone="0912000001")
    early = book(booking, at(2026, 3, 2, 10, 0), phone="0912000002")
    late = book(booking, at(2026, 3, 2, 8, 0), phone="0912000003")
    point = booking["point"]
    with translation.override("vi"), pytest.raises(QueueError) as too_early:
        appointments.check_in(point, early.code, now=at(2026, 3, 2, 9, 29))
    assert too_early.value.code == "early" and "09:30" in too_early.value.message
    ticket, outcome = appointments.check_in(point, on_time.code, now=at(2026, 3, 2, 8, 30))  # 30 min before
    assert outcome == "on_time" and ticket.slot_start == at(2026, 3, 2, 9, 0) and ticket.queued_at == ticket.slot_start
    assert ticket.display == "A-001"
    on_time.refresh_from_db()
    assert on_time.status == AppointmentStatus.CHECKED_IN and on_time.ticket == ticket
    walk_in, outcome = appointments.check_in(point, f" {late.code[:3]} {late.code[3:]} ", now=at(2026, 3, 2, 8, 16))
    assert outcome == "late" and walk_in.slot_start is None and walk_in.queued_at == at(2026, 3, 2, 8, 16)
    late.refresh_from_db()
    assert late.status == AppointmentStatus.WALK_IN
    edge, outcome = appointments.check_in(point, early.code, now=at(2026, 3, 2, 10, 15))  # 15 min after: still on time
    assert outcome == "on_time"
    with pytest.raises(QueueError) as twice:
        appointments.check_in(point, on_time.code, now=at(2026, 3, 2, 8, 40))
    assert twice.value.code == "wrong_state" and "A-001" in twice.value.message


def test_check_in_refusals(booking):
    appointment = book(booking, at(2026, 3, 3, 9, 0))
    point = booking["point"]
    for code in ("", "12345", "abcdef"):
        with pytest.raises(QueueError) as bad:
            appointments.check_in(point, code, now=at(2026, 3, 3, 8, 45))
        assert bad.value.code == "invalid"
    with pytest.raises(QueueError):  # not today's
        appointments.check_in(point, appointment.code, now=at(2026, 3, 2, 8, 45))
    appointments.cancel(appointment, now=SUNDAY_BEFORE)
    with pytest.raises(QueueError) as cancelled:
        appointments.check_in(point, appointment.code, now=at(2026, 3, 3, 8, 45))
    assert cancelled.value.code == "wrong_state"
    assert not Ticket.objects.exists()


def test_an_appointment_is_called_first_in_its_slot_and_waits_from_its_start(booking):
    officer, counter = booking["officer1"], booking["counters"][1]
    appointment = book(booking, at(2026, 3, 2, 9, 0))
    walk_ins = [services.issue_ticket(booking["A"], now=at(2026, 3, 2, 8, 40 + i)) for i in range(3)]
    ticket, _ = appointments.check_in(booking["point"], appointment.code, now=at(2026, 3, 2, 8, 50))
    # Before 9:00 the appointment waits behind those who came before its slot.
    first = services.call_next(officer, counter, now=at(2026, 3, 2, 8, 55))
    assert first == walk_ins[0]
    services.start_service(officer, first, now=at(2026, 3, 2, 8, 55))
    services.end_service(officer, first, now=at(2026, 3, 2, 9, 5))
    # From 9:00 it goes before the walk-ins still waiting.
    second = services.call_next(officer, counter, now=at(2026, 3, 2, 9, 6))
    assert second == ticket and second.status == TicketStatus.CALLED
    rows = {row["label"]: row for row in selectors.statistics(
        [booking["point"]], MONDAY.date(), MONDAY.date(), "counter")}
    (row,) = rows.values()
    # waits: 8:40 -> 8:55 = 15 minutes; the appointment: 9:00 -> 9:06 = 6 minutes (not 16 from check-in)
    assert row["called"] == 2 and row["wait_median"] == 10.5


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_call_next_follows_the_pure_calling_order_with_appointments(booking, seed):
    """A random morning of walk-ins, priority tickets, appointments checked in and calls, in time
    order: every call_next takes the ticket rules.next_in_line picks from what waits (the
    property-tested rule is what runs)."""
    import random

    rng = random.Random(seed)
    officer, counter = booking["officer1"], booking["counters"][1]
    events = []  # (moment, order, action, argument)
    for i in range(6):
        start = at(2026, 3, 2, 8, 0) + datetime.timedelta(minutes=30 * i)
        for j in range(rng.randint(0, 2)):
            appointment = book(booking, start, phone=f"09120{i}{j}000")
            events.append((start - datetime.timedelta(minutes=rng.randint(0, 30)), 0, "check_in", appointment.code))
    for _ in range(15):
        moment = at(2026, 3, 2, 7, 30) + datetime.timedelta(minutes=rng.randint(0, 180))
        events.append((moment, 0, "walk_in", booking["elderly"] if rng.random() < 0.4 else None))
    for _ in range(30):
        events.append((at(2026, 3, 2, 7, 45) + datetime.timedelta(minutes=rng.randint(0, 200)), 1, "call", None))
    history, calls = [], 0
    for moment, _order, action, argument in sorted(events, key=lambda e: (e[0], e[1])):
        if action == "check_in":
            appointments.check_in(booking["point"], argument, now=moment)
        elif action == "walk_in":
            services.issue_ticket(booking["A"], argument, now=moment)
        else:
            waiting = list(Ticket.objects.filter(status=TicketStatus.WAITING))
            expected = rules.next_in_line(waiting, rules.priority_run(history), moment)
            try:
                called = services.call_next(officer, counter, now=moment)
            except QueueError as empty:
                assert empty.code == "empty" and expected is None
                continue
            assert called == expected, (seed, moment, called, expected)
            history.insert(0, called.is_priority)
            calls += 1
            services.start_service(officer, called, now=moment)
            services.end_service(officer, called, now=moment)
    assert calls > 10 and Ticket.objects.filter(slot_start__isnull=False).exists()


def test_one_address_makes_at_most_ten_bookings_an_hour(booking):
    SlotTemplate.objects.filter(queue=booking["A"]).update(capacity=20)
    for i in range(10):
        appointments.book(booking["A"], at(2026, 3, 2, 9, 0), "Người thử", f"09121000{i:02d}", now=SUNDAY_BEFORE,
                          ip_address="203.0.113.7")
    with translation.override("vi"), pytest.raises(QueueError) as throttled:
        appointments.book(booking["A"], at(2026, 3, 2, 9, 0), "Người thử", "0912100099",
                          now=SUNDAY_BEFORE + datetime.timedelta(minutes=59), ip_address="203.0.113.7")
    assert throttled.value.code == "throttled" and "một giờ" in throttled.value.message
    # Another address, or the same one an hour later, may book.
    appointments.book(booking["A"], at(2026, 3, 2, 9, 0), "Người thử", "0912100098", now=SUNDAY_BEFORE,
                      ip_address="203.0.113.8")
    appointments.book(booking["A"], at(2026, 3, 2, 9, 0), "Người thử", "0912100097",
                      now=SUNDAY_BEFORE + datetime.timedelta(minutes=61), ip_address="203.0.113.7")
    assert Appointment.objects.count() == 12
