"""PostgreSQL: 20 counters calling next at once against 15 waiting tickets; 15 kiosks issuing at
once. Each ticket is called exactly once, numbers have no gaps and no duplicates. Skipped on
SQLite (no row locks, one writer at a time)."""
import datetime

import pytest
from django.db import connection

from motcua.core.testing import run_in_threads
from motcua.organization.models import Counter
from motcua.queueing import services
from motcua.queueing.errors import QueueError
from motcua.queueing.models import Ticket, TicketEvent, TicketStatus

from .conftest import MONDAY, seat

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks and parallel writers (PostgreSQL)"),
]


def test_twenty_counters_calling_fifteen_tickets_serve_each_exactly_once(centre):
    for i in range(15):
        services.issue_ticket(centre["A"], centre["elderly"] if i % 4 == 0 else None,
                              now=MONDAY + datetime.timedelta(seconds=i))
    officers = []
    for number in range(20, 40):
        counter = Counter.objects.create(service_point=centre["point"], number=number, name=f"Quầy {number}")
        counter.agencies.set([centre["land"]])
        officers.append((seat(f"quay{number}", counter, centre["land"]), counter))
    now = MONDAY + datetime.timedelta(minutes=5)

    def serve_until_empty(i):
        officer, counter = officers[i]
        served = []
        while True:
            try:
                ticket = services.call_next(officer, counter, now=now)
            except QueueError as error:
                assert error.code == "empty"
                return served
            services.start_service(officer, ticket, now=now)
            services.end_service(officer, ticket, now=now)
            served.append(ticket.pk)

    results, errors = run_in_threads(20, serve_until_empty)
    assert errors == [None] * 20
    served = [pk for result in results for pk in result]
    assert len(served) == 15 and len(set(served)) == 15
    assert set(Ticket.objects.values_list("status", flat=True)) == {TicketStatus.DONE}
    assert TicketEvent.objects.filter(kind="called").count() == 15


def test_fifteen_kiosks_at_once_get_numbers_without_gaps_or_duplicates(centre):
    centre["A"].daily_cap = 12
    centre["A"].save()

    def take(i):
        try:
            return services.issue_ticket(centre["A"], now=MONDAY).number
        except QueueError as error:
            return error.code

    results, errors = run_in_threads(15, take)
    assert errors == [None] * 15
    numbers = sorted(r for r in results if isinstance(r, int))
    assert numbers == list(range(1, 13))  # no gap, no duplicate, and the cap held
    assert results.count("full") == 3
