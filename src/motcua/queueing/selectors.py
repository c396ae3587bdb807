"""Reads of the queue: the board, a ticket's place in line, the counter panel, the statistics."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from motcua.organization.models import Counter, CounterAssignment

from . import rules
from .models import Ticket, TicketEvent, TicketStatus

LAST_CALLS = 6


def board(service_point, day: date | None = None) -> dict:
    """What the display board shows: per counter the ticket called or served there now, and the
    last calls (recalls included, newest first, each with an id so the board announces it once)."""
    day = day or timezone.localdate()
    current = {
        ticket.counter_id: ticket
        for ticket in Ticket.objects.filter(
            queue__service_point=service_point, service_date=day,
            status__in=(TicketStatus.CALLED, TicketStatus.SERVING),
        ).select_related("queue").order_by("called_at", "pk")
    }
    counters = [
        {"counter": counter.number, "name": counter.name,
         "ticket": current[counter.pk].display if counter.pk in current else "",
         "status": current[counter.pk].status if counter.pk in current else ""}
        for counter in Counter.objects.filter(service_point=service_point, is_active=True).order_by("number")
    ]
    calls = TicketEvent.objects.filter(
        ticket__queue__service_point=service_point, ticket__service_date=day,
        kind__in=(TicketEvent.Kind.CALLED, TicketEvent.Kind.RECALLED), counter__isnull=False,
    ).select_related("ticket__queue", "counter").order_by("-at", "-pk")[:LAST_CALLS]
    return {
        "counters": counters,
        "calls": [{"id": event.pk, "ticket": event.ticket.display, "counter": event.counter.number,
                   "at": timezone.localtime(event.at).strftime("%H:%M:%S")} for event in calls],
    }


def median_service_minutes(queue, day: date) -> float:
    """Today's median service time of a queue (start to end), else the configured default."""
    minutes = [
        (ended - started).total_seconds() / 60
        for started, ended in Ticket.objects.filter(
            queue=queue, service_date=day, started_at__isnull=False, ended_at__isnull=False,
        ).values_list("started_at", "ended_at")
    ]
    value = rules.median(minutes)
    return value if value is not None else float(getattr(settings, "QUEUEING_DEFAULT_SERVICE_MINUTES", 10))


@dataclass(frozen=True)
class Place:
    ahead: int
    wait_minutes: int | None  # None once called or ended


def place_in_line(ticket: Ticket) -> Place:
    """People ahead of a waiting ticket (earlier in line; for a normal ticket also the priority
    tickets waiting) and an estimate of the wait: ahead x today's median service time / the
    counters seated for the queue today."""
    if ticket.status != TicketStatus.WAITING:
        return Place(0, None)
    waiting = Ticket.objects.filter(queue=ticket.queue, service_date=ticket.service_date, status=TicketStatus.WAITING)
    earlier = Q(queued_at__lt=ticket.queued_at) | Q(queued_at=ticket.queued_at, pk__lt=ticket.pk)
    if ticket.is_priority:
        ahead = waiting.filter(earlier, priority_group__isnull=False).count()
    else:
        ahead = waiting.filter(earlier | Q(priority_group__isnull=False)).exclude(pk=ticket.pk).count()
    counters = max(1, seated_counters(ticket.queue, ticket.service_date))
    minutes = ahead * median_service_minutes(ticket.queue, ticket.service_date) / counters
    return Place(ahead, round(minutes))


def seated_counters(queue, day: date) -> int:
    """How many counters that call this queue have an officer assigned on `day`."""
    from .services import queues_of_counter

    seated = CounterAssignment.objects.valid_on(day).filter(
        counter__service_point_id=queue.service_point_id, counter__is_active=True,
    ).values_list("counter", flat=True).distinct()
    return sum(1 for counter in Counter.objects.filter(pk__in=seated) if queues_of_counter(counter).filter(
        pk=queue.pk).exists())


def counter_panel(counter: Counter, day: date) -> dict:
    """The officer's view of one counter: the ticket in hand and who waits in its queues."""
    from .services import queues_of_counter

    queues = list(queues_of_counter(counter))
    in_hand = Ticket.objects.filter(
        counter=counter, service_date=day, status__in=(TicketStatus.CALLED, TicketStatus.SERVING),
    ).select_related("queue", "priority_group", "dossier").first()
    waiting = Ticket.objects.filter(queue__in=queues, service_date=day, status=TicketStatus.WAITING)
    return {
        "counter": counter,
        "in_hand": in_hand,
        "queues": [{"queue": queue, "waiting": waiting.filter(queue=queue).count(),
                    "priority": waiting.filter(queue=queue, priority_group__isnull=False).count()}
                   for queue in queues],
        "transfer_to": [queue for queue in counter.service_point.queues.filter(is_active=True)
                        if in_hand is None or queue.pk != in_hand.queue_id],
    }


# --- statistics ----------------------------------------------------------------------------------

LONG_WAIT_MINUTES = 30


def _figures(tickets: list[Ticket]) -> dict:
    # For an appointment ticket the wait counts from its slot start (rules.waited_minutes).
    waits = [rules.waited_minutes(t.issued_at, t.called_at, t.slot_start) for t in tickets if t.called_at]
    services = [(t.ended_at - t.started_at).total_seconds() / 60 for t in tickets if t.started_at and t.ended_at]

    def rounded(value):
        return None if value is None else round(value, 1)

    return {
        "tickets": len(tickets),
        "called": len(waits),
        "wait_median": rounded(rules.median(waits)),
        "wait_p90": rounded(rules.percentile(waits, 0.9)),
        "service_median": rounded(rules.median(services)),
        "service_p90": rounded(rules.percentile(services, 0.9)),
        "long_wait_share": round(100 * sum(1 for w in waits if w > LONG_WAIT_MINUTES) / len(waits), 1)
        if waits else None,
        "no_shows": sum(1 for t in tickets if t.status == TicketStatus.NO_SHOW),
    }


def statistics(service_points, date_from: date, date_to: date, by: str = "queue") -> list[dict]:
    """Figures per queue, counter or officer (`by`) for tickets of the service points between two
    dates (both included): tickets, waiting time (called minus issued, or minus the slot start for
    an appointment) median and p90, service time
    median and p90, share of waits over 30 minutes (percent of called tickets), no-shows.
    A transferred ticket counts in the queue it was transferred from and again in the new one."""
    tickets = list(Ticket.objects.filter(
        queue__service_point__in=service_points, service_date__gte=date_from, service_date__lte=date_to,
    ).select_related("queue__service_point", "counter__service_point", "served_by__staff_profile"))
    groups: dict = {}
    for ticket in tickets:
        if by == "counter":
            key = (ticket.counter.service_point.name, ticket.counter.number) if ticket.counter else None
            label = f"{_counter_label(ticket.counter)}" if ticket.counter else None
        elif by == "officer":
            key = ticket.served_by_id
            label = _officer_label(ticket.served_by) if ticket.served_by else None
        else:
            key = (ticket.queue.service_point.name, ticket.queue.letter)
            label = f"{ticket.queue.service_point.name}: {ticket.queue}"
        if key is None:
            continue  # never called: counted per queue only
        groups.setdefault(key, (label, []))[1].append(ticket)
    return [{"label": label, **_figures(rows)} for _key, (label, rows) in sorted(groups.items(), key=lambda i: str(i[0]))]


def _counter_label(counter) -> str:
    from django.utils.translation import gettext as _

    return f"{counter.service_point.name}: {_('Counter')} {counter.number}"


def _officer_label(user) -> str:
    profile = getattr(user, "staff_profile", None)
    return profile.full_name if profile else user.get_username()


def summary(service_points, date_from: date, date_to: date) -> dict:
    """The figures of `statistics` over every ticket of the service points in the period, one row."""
    tickets = list(Ticket.objects.filter(
        queue__service_point__in=service_points, service_date__gte=date_from, service_date__lte=date_to,
    ).only("status", "issued_at", "called_at", "started_at", "ended_at"))
    return _figures(tickets)
