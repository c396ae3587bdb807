"""A small centre for queue tests: two agencies, three counters, two queues, three officers.

Monday 2 March 2026 is a plain working day (the test calendar has no days off unless a test adds
them); every service call is given its moment, so no test depends on today's date."""
import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from motcua.calendar import services as calendar_services
from motcua.core.testing import reseed_migration_data
from motcua.organization.models import (
    AdministrativeLevel, Agency, Counter, CounterAssignment, OpeningHours, Role, RoleAssignment, ServicePoint,
)
from motcua.queueing.models import PriorityGroup, Queue

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, m, d, hh=8, mm=0, ss=0):
    return datetime.datetime(y, m, d, hh, mm, ss, tzinfo=TZ)


MONDAY = at(2026, 3, 2, 8, 0)


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar_services.invalidate()
    yield
    calendar_services.invalidate()


def seat(username, counter, agency):
    user = get_user_model().objects.create_user(username=username, password="x")
    RoleAssignment.objects.create(user=user, role=Role.COUNTER_OFFICER, agency=agency)
    CounterAssignment.objects.create(user=user, counter=counter, agency=agency)
    return user


@pytest.fixture
def centre(db):
    if not PriorityGroup.objects.exists():  # a transactional test runs after a flush
        reseed_migration_data("queueing")
    province = AdministrativeLevel.objects.create(code="tinh", name="Cấp tỉnh", rank=1)
    land = Agency.objects.create(code="000.00.20.H99", name="Sở Nông nghiệp và Môi trường", level=province)
    justice = Agency.objects.create(code="000.00.10.H99", name="Sở Tư pháp", level=province)
    point = ServicePoint.objects.create(code="trung-tam", name="Trung tâm Phục vụ hành chính công tỉnh",
                                        kind=ServicePoint.Kind.PROVINCIAL_CENTRE)
    for weekday in range(5):
        OpeningHours.objects.create(service_point=point, weekday=weekday, opens=datetime.time(7, 0),
                                    closes=datetime.time(11, 30))
        OpeningHours.objects.create(service_point=point, weekday=weekday, opens=datetime.time(13, 30),
                                    closes=datetime.time(17, 0))
    counters = {}
    for number, agency in [(1, land), (2, land), (3, justice)]:
        counters[number] = Counter.objects.create(service_point=point, number=number, name=f"Quầy {number}")
        counters[number].agencies.set([agency])
    land_queue = Queue.objects.create(service_point=point, letter="A", name="Đất đai")
    land_queue.agencies.set([land])
    justice_queue = Queue.objects.create(service_point=point, letter="B", name="Tư pháp - Hộ tịch")
    justice_queue.agencies.set([justice])
    return {
        "point": point, "land": land, "justice": justice, "counters": counters,
        "A": land_queue, "B": justice_queue,
        "officer1": seat("quay1", counters[1], land), "officer2": seat("quay2", counters[2], land),
        "officer3": seat("quay3", counters[3], justice),
        "elderly": PriorityGroup.objects.get(code="nguoi-cao-tuoi"),
    }
