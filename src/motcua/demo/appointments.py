"""The demo province's online appointments and Saturday duty roster (issue 12, part A): slot
templates at the provincial centre and Bến Đò, a few bookings on the next open days, and the
roster of the next four Saturdays at the provincial centre (dates computed from today when the
demo is loaded). Called by `load_demo` after the queues; safe to run again."""
from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from motcua.organization.models import Agency, Counter

T = datetime.time
TEMPLATES = [
    # service point, queue letter, weekday (None: every open day), start, end, slot minutes, capacity
    ("trung-tam-tinh", "A", None, T(7, 30), T(11, 0), 30, 2),
    ("trung-tam-tinh", "A", None, T(13, 30), T(16, 30), 30, 2),
    ("trung-tam-tinh", "B", None, T(8, 0), T(11, 0), 30, 3),
    ("trung-tam-tinh", "B", None, T(14, 0), T(16, 0), 30, 3),
    ("trung-tam-tinh", "C", None, T(8, 0), T(11, 0), 20, 2),
    ("mot-cua-ben-do", "A", None, T(7, 30), T(11, 0), 30, 1),
]

# Synthetic people (no real person): name, phone, queue letter at the provincial centre, hour, minute
BOOKINGS = [
    ("Trần Thị Mai", "0912000101", "A", 8, 0),
    ("Lê Văn Hùng", "0912000102", "A", 8, 0),
    ("Phạm Thị Ngọc", "0912000103", "B", 9, 30),
    ("Đỗ Minh Khôi", "0912000104", "A", 14, 0),
    ("Hoàng Thị Yến", "0912000105", "C", 10, 0),
]

# (counter number at the provincial centre, officer username, agency key, shift)
ROSTER = [
    (1, "motcua.tuphap", "tu_phap", "morning"),
    (3, "motcua.datdai", "vpdk_dat_dai", "morning"),
    (10, "motcua.congan", "cong_an", "morning"),
    (11, "motcua.bhxh", "bhxh", "morning"),
]
# Every other Saturday the backup officers take the duty.
ROSTER_BACKUP = {"motcua.tuphap": "motcua.tuphap2", "motcua.datdai": "motcua.datdai2", "motcua.congan": "motcua.congan2"}
SATURDAYS = 4


@transaction.atomic
def load_demo_appointments(with_people: bool) -> dict:
    from motcua.queueing.models import Appointment, Queue, SaturdayDuty, SlotTemplate

    from .province import CENTRE_MANAGER_GROUP, PROVINCE_ADMIN_GROUP

    created = {"slot templates": 0, "appointments": 0, "Saturday duties": 0}
    for point, letter, weekday, start, end, minutes, capacity in TEMPLATES:
        queue = Queue.objects.filter(service_point__code=point, letter=letter).first()
        if queue is None:
            continue
        _template, was_created = SlotTemplate.objects.get_or_create(
            queue=queue, weekday=weekday, start=start,
            defaults={"end": end, "slot_minutes": minutes, "capacity": capacity})
        created["slot templates"] += was_created
    _grant(CENTRE_MANAGER_GROUP, [f"{action}_slottemplate" for action in ("add", "change", "delete", "view")]
           + ["view_appointment", "view_saturdayduty"])
    _grant(PROVINCE_ADMIN_GROUP, [f"{action}_slottemplate" for action in ("add", "change", "delete", "view")]
           + ["view_appointment", "view_saturdayduty"])
    if with_people:
        if not Appointment.objects.exists():
            created["appointments"] = _bookings()
        created["Saturday duties"] = _roster(SaturdayDuty)
    return {label: n for label, n in created.items() if n}


def _grant(group_name: str, codenames: list[str]) -> None:
    group = Group.objects.filter(name=group_name).first()
    if group is not None:
        group.permissions.add(*Permission.objects.filter(content_type__app_label="queueing", codename__in=codenames))


def _bookings() -> int:
    """The bookings above on the first day after today with free slots at the provincial centre."""
    from motcua.queueing import appointments
    from motcua.queueing.errors import QueueError
    from motcua.queueing.models import Queue

    now = timezone.localtime()
    tz = timezone.get_current_timezone()
    made = 0
    for name, phone, letter, hour, minute in BOOKINGS:
        queue = Queue.objects.filter(service_point__code="trung-tam-tinh", letter=letter).first()
        if queue is None:
            continue
        days = [day for day in appointments.bookable_days(queue, now) if day > now.date()]
        if not days:
            continue
        try:
            appointments.book(queue, datetime.datetime.combine(days[0], T(hour, minute), tzinfo=tz), name, phone,
                              now=now)
        except QueueError:
            continue  # that time is not a slot of that day (e.g. a make-up Saturday morning only)
        made += 1
    return made


def _roster(SaturdayDuty) -> int:
    from motcua.queueing import roster

    from .province import code_of

    users = {user.username: user for user in get_user_model().objects.filter(
        username__in=[row[1] for row in ROSTER] + list(ROSTER_BACKUP.values()))}
    manager = get_user_model().objects.filter(username="quanly.trungtam").first()
    made = 0
    for week, day in enumerate(roster.saturdays(SATURDAYS, timezone.localdate())):
        for number, username, agency_key, shift in ROSTER:
            if week % 2:
                username = ROSTER_BACKUP.get(username, username)
            counter = Counter.objects.filter(service_point__code="trung-tam-tinh", number=number).first()
            agency = Agency.objects.filter(code=code_of(agency_key)).first()
            officer = users.get(username)
            if None in (counter, agency, officer) or SaturdayDuty.objects.filter(date=day, counter=counter).exists():
                continue
            roster.set_duty(manager, day, counter, officer, agency, shift)
            made += 1
    return made
