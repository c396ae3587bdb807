"""Every change of a queue ticket, one function each: atomic, under row locks, recorded as a
TicketEvent (who, when, what).

    ticket = issue_ticket(queue, priority_group=None)         # the kiosk
    ticket = call_next(officer, counter)                      # the counter panel
    recall(officer, ticket); mark_no_show(officer, ticket)
    start_service(officer, ticket); end_service(officer, ticket)
    new_ticket = transfer(officer, ticket, to_queue)
    close_open_tickets()                                      # the job after closing time

Numbers: a QueueDay row per queue per day holds the last number; it is locked (SELECT ... FOR
UPDATE) while a ticket takes the next one, so numbers have neither gaps nor duplicates.
Calling: the next ticket is locked with SKIP LOCKED (PostgreSQL), so two counters calling at the
same moment take two different tickets without waiting for each other.
"""
from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.calendar.services import OutOfCalendarRange, legal_calendar, not_covered_message, opening_calendar
from motcua.organization.models import Counter, CounterAssignment

from . import roster, rules
from .errors import QueueError
from .models import OPEN_STATUSES, PriorityGroup, Queue, QueueDay, Ticket, TicketEvent, TicketStatus

__all__ = [
    "call_next", "close_open_tickets", "counters_of", "end_service", "issue_ticket", "mark_no_show",
    "opening_periods", "queues_of_counter", "recall", "start_service", "transfer",
]


# --- opening hours -------------------------------------------------------------------------------


def opening_periods(service_point, day):
    """The opening periods of a service point on a day: none on a day off of the legal calendar
    (holidays), the point's hours on its open weekdays, the office periods on a make-up Saturday."""
    try:
        calendar = opening_calendar(service_point)
        return rules.periods_of(day, calendar.is_open(day), calendar.hours, legal_calendar().periods)
    except OutOfCalendarRange as error:
        raise QueueError("closed", not_covered_message(error)) from error


def _check_open(service_point, now: datetime) -> None:
    local = timezone.localtime(now)
    if rules.open_now(local, opening_periods(service_point, local.date())):
        return
    following = rules.next_opening(local, lambda day: opening_periods(service_point, day))
    if following is None:
        raise QueueError("closed", _("The service point is closed; no opening is planned in the coming weeks."))
    raise QueueError("closed", _("The service point is closed now. It opens again at %(time)s on %(date)s.") % {
        "time": following.strftime("%H:%M"), "date": following.strftime("%d/%m/%Y")})


# --- issuing -------------------------------------------------------------------------------------


def _next_number(queue: Queue, day) -> int:
    """Take the next number of a queue on a day: the day's row is locked until the transaction ends."""
    QueueDay.objects.get_or_create(queue=queue, service_date=day)
    row = QueueDay.objects.select_for_update().get(queue=queue, service_date=day)
    row.last_number += 1
    row.save(update_fields=["last_number"])
    return row.last_number


def _event(ticket, kind, at, actor=None, counter=None, note="") -> None:
    TicketEvent.objects.create(ticket=ticket, kind=kind, at=at, actor=actor, counter=counter, note=note[:255])


@transaction.atomic
def issue_ticket(queue: Queue, priority_group: PriorityGroup | None = None, now: datetime | None = None) -> Ticket:
    """A ticket for whoever stands at the kiosk: refused outside opening hours (with the next
    opening time), on a day off, for an inactive queue, and over the queue's daily cap."""
    now = now or timezone.now()
    if not queue.is_active:
        raise QueueError("inactive", _("This queue is not in service."))
    if priority_group is not None and not priority_group.is_active:
        raise QueueError("invalid", _("This priority group is not in use."))
    _check_open(queue.service_point, now)
    day = timezone.localdate(now)
    number = _next_number(queue, day)  # the lock is held from here: the cap check below is exact
    if queue.daily_cap is not None and number > queue.daily_cap:
        raise QueueError("full", _(
            "All %(cap)s tickets of this queue for today have been given. Please come back on the next working day."
        ) % {"cap": queue.daily_cap})
    ticket = Ticket.objects.create(
        queue=queue, service_date=day, number=number, priority_group=priority_group,
        issued_at=now, queued_at=now,
    )
    _event(ticket, TicketEvent.Kind.ISSUED, now, note=priority_group.name if priority_group else "")
    return ticket


# --- counters ------------------------------------------------------------------------------------


def counters_of(user, day=None):
    """The counters where `user` sits on `day`: a CounterAssignment in force, or on a Saturday the
    duty roster (roster.py)."""
    day = day or timezone.localdate()
    if not user or not user.is_authenticated:
        return Counter.objects.none()
    ids = roster.seated_counter_ids(user, day)  # issue 12 part A: the Saturday roster
    if ids is None:
        ids = CounterAssignment.objects.valid_on(day).filter(user=user).values_list("counter_id", flat=True)
    return Counter.objects.filter(pk__in=ids, is_active=True).select_related("service_point")


def queues_of_counter(counter: Counter):
    """The active queues a counter calls: those of its service point that serve one of its
    agencies, or that name no agency at all."""
    agencies = counter.agencies.values_list("pk", flat=True)
    return Queue.objects.filter(service_point_id=counter.service_point_id, is_active=True).filter(
        Q(agencies__in=agencies) | Q(agencies__isnull=True)
    ).distinct()


def _check_seated(user, counter: Counter, day) -> None:
    if not counters_of(user, day).filter(pk=counter.pk).exists():
        raise QueueError("not_assigned", _("You are not assigned to this counter today."))


# --- calling and serving -------------------------------------------------------------------------


def _lock_first(tickets):
    """The first ticket in line, locked; rows locked by another counter's call are skipped."""
    return tickets.select_for_update(skip_locked=True).order_by("queued_at", "pk").first()


@transaction.atomic
def call_next(user, counter: Counter, now: datetime | None = None) -> Ticket:
    """Call the next person to `counter`: appointments whose slot has begun first, earliest slot
    first; then priority, but never more than PRIORITY_RUN priority tickets in a row while a normal
    ticket waits; then by place in line (the pure rule: rules.next_in_line). Only today's tickets.
    On a Saturday only in the officer's shift of the duty roster (roster.check_shift).

    Few round trips (bench/bench_queueing.py: on a busy machine each costs milliseconds): the counter
    is locked and its hand checked in one statement, the queues are a subquery, and the kind the
    rule prefers is taken first, the other kind only when none of it is free (the same choice as
    `rules.take_priority` given what waits)."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    _check_seated(user, counter, day)
    roster.check_shift(user, counter, timezone.localtime(now))  # issue 12 part A: the Saturday roster
    in_hand = Ticket.objects.filter(counter=OuterRef("pk"), status__in=(TicketStatus.CALLED, TicketStatus.SERVING))
    counter = Counter.objects.select_for_update(of=("self",)).annotate(busy=Exists(in_hand)).get(pk=counter.pk)
    if counter.busy:  # one call at a time per counter: its row stays locked until this call commits
        raise QueueError("busy", _("This counter still has a ticket in hand: end it, transfer it or mark it first."))
    waiting = Ticket.objects.filter(
        queue__in=queues_of_counter(counter).values("pk"), service_date=day, status=TicketStatus.WAITING,
    )
    recent = Ticket.objects.filter(counter=counter, service_date=day, called_at__isnull=False).order_by(
        "-called_at", "-pk").values_list("priority_group_id", flat=True)[:rules.PRIORITY_RUN]
    run = rules.priority_run(group is not None for group in recent)
    priority = rules.take_priority(run, True, True)  # the kind preferred when both wait
    # Issue 12 part A: appointments whose slot has begun go first, earliest slot first.
    ticket = waiting.filter(slot_start__lte=now).select_for_update(skip_locked=True).order_by(
        "slot_start", "queued_at", "pk").first()
    if ticket is None:
        ticket = _lock_first(waiting.filter(priority_group__isnull=not priority)) or _lock_first(
            waiting.filter(priority_group__isnull=priority))
    if ticket is None:
        raise QueueError("empty", _("Nobody is waiting for this counter."))
    ticket.status, ticket.called_at, ticket.counter, ticket.served_by = TicketStatus.CALLED, now, counter, user
    ticket.save(update_fields=["status", "called_at", "counter", "served_by"])
    _event(ticket, TicketEvent.Kind.CALLED, now, actor=user, counter=counter)
    return ticket


def _locked(user, ticket: Ticket, allowed, now) -> Ticket:
    """The ticket locked for a change by the officer of its counter, today, in an allowed status."""
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("queue", "dossier").get(pk=ticket.pk)
    if ticket.service_date != timezone.localdate(now):
        raise QueueError("other_day", _("This ticket is not from today; it can no longer be changed."))
    if ticket.counter_id is None:
        raise QueueError("wrong_state", _("This ticket has not been called yet."))
    _check_seated(user, ticket.counter, ticket.service_date)
    if ticket.status not in allowed:
        raise QueueError("wrong_state", _("Ticket %(ticket)s is %(status)s: this action is not possible.") % {
            "ticket": ticket.display, "status": ticket.get_status_display().lower()})
    return ticket


@transaction.atomic
def recall(user, ticket: Ticket, now: datetime | None = None) -> Ticket:
    """Call the same ticket again (the board repeats it); after MAX_RECALLS recalls, the next
    recall marks it as not come."""
    now = now or timezone.now()
    ticket = _locked(user, ticket, (TicketStatus.CALLED,), now)
    if ticket.recalls >= rules.MAX_RECALLS:
        return _no_show(user, ticket, now, note=_("not come after %(n)s recalls") % {"n": rules.MAX_RECALLS})
    ticket.recalls += 1
    ticket.save(update_fields=["recalls"])
    _event(ticket, TicketEvent.Kind.RECALLED, now, actor=user, counter=ticket.counter, note=str(ticket.recalls))
    return ticket


@transaction.atomic
def mark_no_show(user, ticket: Ticket, now: datetime | None = None) -> Ticket:
    now = now or timezone.now()
    return _no_show(user, _locked(user, ticket, (TicketStatus.CALLED,), now), now)


def _no_show(user, ticket, now, note=""):
    ticket.status = TicketStatus.NO_SHOW
    ticket.save(update_fields=["status"])
    _event(ticket, TicketEvent.Kind.NO_SHOW, now, actor=user, counter=ticket.counter, note=note)
    return ticket


@transaction.atomic
def start_service(user, ticket: Ticket, now: datetime | None = None) -> Ticket:
    now = now or timezone.now()
    ticket = _locked(user, ticket, (TicketStatus.CALLED,), now)
    ticket.status, ticket.started_at, ticket.served_by = TicketStatus.SERVING, now, user
    ticket.save(update_fields=["status", "started_at", "served_by"])
    _event(ticket, TicketEvent.Kind.STARTED, now, actor=user, counter=ticket.counter)
    return ticket


@transaction.atomic
def end_service(user, ticket: Ticket, now: datetime | None = None) -> Ticket:
    now = now or timezone.now()
    ticket = _locked(user, ticket, (TicketStatus.SERVING,), now)
    ticket.status, ticket.ended_at = TicketStatus.DONE, now
    ticket.save(update_fields=["status", "ended_at"])
    _event(ticket, TicketEvent.Kind.ENDED, now, actor=user, counter=ticket.counter)
    return ticket


@transaction.atomic
def transfer(user, ticket: Ticket, to_queue: Queue, now: datetime | None = None) -> Ticket:
    """Send the person to another queue of the same service point: this ticket ends as transferred
    and a new ticket (a new number of that queue) keeps their place in line and priority."""
    now = now or timezone.now()
    ticket = _locked(user, ticket, (TicketStatus.CALLED, TicketStatus.SERVING), now)
    if to_queue.service_point_id != ticket.queue.service_point_id or not to_queue.is_active:
        raise QueueError("invalid", _("Choose an active queue of this service point."))
    if to_queue.pk == ticket.queue_id:
        raise QueueError("invalid", _("The ticket is already in this queue."))
    new = Ticket.objects.create(
        queue=to_queue, service_date=ticket.service_date, number=_next_number(to_queue, ticket.service_date),
        priority_group_id=ticket.priority_group_id, issued_at=now, queued_at=ticket.queued_at,
        transferred_from=ticket,
    )
    if ticket.status == TicketStatus.SERVING:
        ticket.ended_at = now
    ticket.status = TicketStatus.TRANSFERRED
    ticket.save(update_fields=["status", "ended_at"])
    _event(ticket, TicketEvent.Kind.TRANSFERRED, now, actor=user, counter=ticket.counter, note=new.display)
    _event(new, TicketEvent.Kind.ISSUED, now, actor=user, note=_("transferred from %(ticket)s") % {
        "ticket": ticket.display})
    return new


# --- closing -------------------------------------------------------------------------------------


def _closing_time(service_point, day, tz):
    try:
        periods = opening_periods(service_point, day)
    except QueueError:
        periods = []
    if not periods:
        return None  # a closed day: whatever is open is past closing time
    return datetime.combine(day, max(closes for _opens, closes in periods), tzinfo=tz)


def close_open_tickets(now: datetime | None = None) -> int:
    """Close the tickets still open after their day's closing time (earlier days: all of them).
    Each ticket is closed in its own transaction under its row lock; returns how many."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    closed = 0
    candidates = Ticket.objects.filter(status__in=OPEN_STATUSES, service_date__lte=local.date()).select_related(
        "queue__service_point")
    closing_today: dict[int, datetime | None] = {}
    for ticket in candidates:
        if ticket.service_date == local.date():
            point = ticket.queue.service_point
            if point.pk not in closing_today:
                closing_today[point.pk] = _closing_time(point, local.date(), local.tzinfo)
            closes = closing_today[point.pk]
            if closes is not None and local < closes:
                continue
        closed += _close(ticket.pk, now)
    return closed


@transaction.atomic
def _close(ticket_id: int, now: datetime) -> int:
    ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
    if ticket.status not in OPEN_STATUSES:
        return 0
    if ticket.status == TicketStatus.SERVING:
        ticket.ended_at = now
    ticket.status = TicketStatus.CLOSED
    ticket.save(update_fields=["status", "ended_at"])
    _event(ticket, TicketEvent.Kind.CLOSED, now, counter=ticket.counter)
    return 1
