"""The demo province's queues, and a morning of tickets at Bến Đò on the last open day before
today (so that the statistics page has figures). Called by `load_demo`; safe to run again."""
from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from motcua.organization.models import Agency, Counter, ServicePoint

QUEUES = [
    # service point, letter, name, agency keys (empty: every counter of the point calls it)
    ("trung-tam-tinh", "A", "Tư pháp", ["tu_phap"]),
    ("trung-tam-tinh", "B", "Đất đai - Xây dựng - Nông nghiệp và Môi trường", ["xay_dung", "nnmt", "vpdk_dat_dai"]),
    ("trung-tam-tinh", "C", "Doanh nghiệp - Tài chính - Thuế - Bảo hiểm xã hội",
     ["tai_chinh", "bql_kcn", "thue", "bhxh"]),
    ("trung-tam-tinh", "D", "Công an", ["cong_an"]),
    ("trung-tam-tinh", "E", "Lĩnh vực khác", []),
    ("mot-cua-ben-do", "A", "Hộ tịch - Chứng thực", ["ubnd_ben_do"]),
    ("mot-cua-ben-do", "B", "Đất đai - Xây dựng - Kinh doanh", ["ubnd_ben_do"]),
    ("mot-cua-doi-che", "A", "Hộ tịch - Chứng thực - Đất đai", ["ubnd_doi_che"]),
    ("mot-cua-suoi-bac", "A", "Hộ tịch - Chứng thực - Chính sách xã hội", ["ubnd_suoi_bac"]),
]

# (minutes after opening the ticket is taken, minutes waited, minutes served or None for a no-show)
DEMO_MORNING = [(0, 3, 12), (2, 14, 9), (5, 20, 15), (9, 31, None), (15, 34, 8), (21, 41, 11), (30, 44, 6)]


@transaction.atomic
def load_demo_queues(with_tickets: bool) -> dict:
    """Create the demo queues (and, with the demo accounts, a past morning of tickets)."""
    from .province import CENTRE_MANAGER_GROUP, PROVINCE_ADMIN_GROUP, code_of

    from motcua.queueing.models import Queue

    created = {"queues": 0, "queue tickets": 0}
    for order, (point_code, letter, name, agency_keys) in enumerate(QUEUES):
        point = ServicePoint.objects.filter(code=point_code).first()
        if point is None:
            continue
        queue, was_created = Queue.objects.get_or_create(
            service_point=point, letter=letter, defaults={"name": name, "order": order})
        if was_created:
            queue.agencies.set(Agency.objects.filter(code__in=[code_of(key) for key in agency_keys]))
            created["queues"] += 1
    _grant(CENTRE_MANAGER_GROUP, ["add_queue", "change_queue", "view_queue", "view_prioritygroup"])
    _grant(PROVINCE_ADMIN_GROUP, [f"{action}_{model}" for model in ("queue", "prioritygroup")
                                  for action in ("add", "change", "delete", "view")] + ["view_ticket"])
    if with_tickets:
        created["queue tickets"] = _demo_morning()
    return {label: n for label, n in created.items() if n}


def _grant(group_name: str, codenames: list[str]) -> None:
    group = Group.objects.filter(name=group_name).first()
    if group is not None:
        group.permissions.add(*Permission.objects.filter(content_type__app_label="queueing", codename__in=codenames))


def _demo_morning() -> int:
    """Seven tickets at Bến Đò's queue A on the last open day before today, served at counter 1."""
    from motcua.queueing import services
    from motcua.queueing.errors import QueueError
    from motcua.queueing.models import Queue, Ticket

    queue = Queue.objects.filter(service_point__code="mot-cua-ben-do", letter="A").first()
    officer = get_user_model().objects.filter(username="motcua.bendo").first()
    if queue is None or officer is None or Ticket.objects.filter(queue=queue).exists():
        return 0
    counter = Counter.objects.get(service_point=queue.service_point, number=1)
    today = timezone.localdate()
    try:
        day = next(today - datetime.timedelta(days=n) for n in range(1, 15)
                   if services.opening_periods(queue.service_point, today - datetime.timedelta(days=n)))
    except (StopIteration, QueueError):
        return 0
    opens = datetime.datetime.combine(day, services.opening_periods(queue.service_point, day)[0][0],
                                      tzinfo=timezone.get_current_timezone())
    moment = opens
    for offset, waited, served in DEMO_MORNING:
        issued = opens + datetime.timedelta(minutes=offset)
        services.issue_ticket(queue, now=issued)
        moment = max(moment, issued + datetime.timedelta(minutes=waited))
        ticket = services.call_next(officer, counter, now=moment)
        if served is None:
            services.mark_no_show(officer, ticket, now=moment)
            continue
        services.start_service(officer, ticket, now=moment)
        moment += datetime.timedelta(minutes=served)
        services.end_service(officer, ticket, now=moment)
    return len(DEMO_MORNING)
