"""PostgreSQL: people racing for the last places of a slot, and one phone booking from many
browsers at once. The slot's row lock gives each place once; the phone's day row keeps the limit
of bookings per phone a day. Skipped on SQLite (no row locks, one writer at a time)."""
import datetime

import pytest
from django.db import connection

from motcua.core.testing import run_in_threads
from motcua.queueing import appointments
from motcua.queueing.errors import QueueError
from motcua.queueing.models import Appointment, AppointmentEvent, Slot, SlotTemplate

from .conftest import at

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks and parallel writers (PostgreSQL)"),
]

SLOT = at(2026, 3, 2, 9, 0)
BEFORE = at(2026, 3, 1, 20, 0)


@pytest.fixture
def bookable(centre):
    SlotTemplate.objects.create(queue=centre["A"], start=datetime.time(8, 0), end=datetime.time(11, 0),
                                slot_minutes=30, capacity=3)
    return centre


def test_twelve_people_racing_for_three_places_three_get_one(bookable):
    def take(i):
        try:
            return appointments.book(bookable["A"], SLOT, f"Người thử {i}", f"09130000{i:02d}", now=BEFORE).pk
        except QueueError as error:
            return error.code

    results, errors = run_in_threads(12, take)
    assert errors == [None] * 12
    assert sum(isinstance(r, int) for r in results) == 3 and results.count("full") == 9
    slot = Slot.objects.get()
    assert (slot.capacity, slot.booked) == (3, 3)
    assert Appointment.objects.count() == 3 == AppointmentEvent.objects.count()


def test_two_people_racing_for_the_last_place_one_gets_it(bookable):
    appointments.book(bookable["A"], SLOT, "Người thử A", "0913000101", now=BEFORE)
    appointments.book(bookable["A"], SLOT, "Người thử B", "0913000102", now=BEFORE)

    def take(i):
        try:
            return appointments.book(bookable["A"], SLOT, f"Người đua {i}", f"091300020{i}", now=BEFORE).pk
        except QueueError as error:
            return error.code

    results, errors = run_in_threads(2, take)
    assert errors == [None, None]
    assert sum(isinstance(r, int) for r in results) == 1 and results.count("full") == 1
    assert Slot.objects.get().booked == 3 and Appointment.objects.count() == 3


def test_one_phone_booking_eight_times_at_once_gets_two(bookable):
    starts = [at(2026, 3, 2, 8, 0) + datetime.timedelta(minutes=30 * i) for i in range(6)] + [SLOT, SLOT]

    def take(i):
        try:
            return appointments.book(bookable["A"], starts[i], "Người môi giới", "0913999999", now=BEFORE).pk
        except QueueError as error:
            return error.code

    results, errors = run_in_threads(8, take)
    assert errors == [None] * 8
    assert sum(isinstance(r, int) for r in results) == 2 and results.count("full") == 6
    assert Appointment.objects.filter(phone="84913999999").count() == 2
    assert sum(Slot.objects.values_list("booked", flat=True)) == 2
