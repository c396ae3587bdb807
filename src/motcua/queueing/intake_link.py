"""The ticket <-> the dossier received while serving it.

When a counter officer receives a dossier (or returns a result) while a ticket is in hand at their
counter, the dossier is linked to that ticket: the dossiers app knows nothing of the queue (a lower
layer), so the link is made by a receiver of its `dossier_event_committed` signal, after the
dossier's transaction committed. The officer can undo the link or pick the ticket by hand
(`link_dossier`, `unlink_dossier`) from the intake and receipt pages; each change is recorded as a
`TicketEvent` (linked / unlinked, the dossier code in the note).

    ticket = ticket_in_hand(officer)            # the ticket called or served at their counter now
    link_dossier(officer, ticket, dossier)      # replaces an earlier link of that ticket
    unlink_dossier(officer, ticket)
"""
from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.signals import dossier_event_committed

from .errors import QueueError
from .models import Ticket, TicketEvent, TicketStatus
from .services import _locked, counters_of

logger = logging.getLogger(__name__)

# The dossier events that mean "the person at the counter was served with this dossier".
LINKING_KINDS = ("receive_at_counter", "return_result")
IN_HAND = (TicketStatus.CALLED, TicketStatus.SERVING)
# A ticket may be linked while in hand, and after service the same day (the officer ended it first).
LINKABLE = (TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.DONE)


def tickets_in_hand(user, day=None):
    """Today's tickets called or being served at the counters where `user` sits, newest call first."""
    day = day or timezone.localdate()
    return _tickets_at(_seated_counter_ids(user, day), day)


def ticket_in_hand(user, day=None) -> Ticket | None:
    day = day or timezone.localdate()
    counter_ids = _seated_counter_ids(user, day)
    # Two small queries rather than one nested one: the nested form cost the receipt path with
    # its receivers (bench_dossiers) more than the receipt itself.
    return _tickets_at(counter_ids, day).first() if counter_ids else None


def _seated_counter_ids(user, day) -> list[int]:
    return list(counters_of(user, day).order_by().values_list("pk", flat=True))


def _tickets_at(counter_ids: list[int], day):
    return Ticket.objects.filter(
        counter_id__in=counter_ids, service_date=day,
        status__in=IN_HAND,
    ).select_related("queue", "counter", "dossier").order_by("-called_at", "-pk")


def _lock(user, ticket: Ticket, now: datetime) -> Ticket:
    return _locked(user, ticket, LINKABLE, now)


@transaction.atomic
def link_dossier(user, ticket: Ticket, dossier, now: datetime | None = None) -> Ticket:
    """Link `dossier` to the ticket (replacing an earlier link): only by an officer seated at the
    ticket's counter today, for a dossier of the ticket's service point."""
    now = now or timezone.now()
    ticket = _lock(user, ticket, now)
    if dossier.service_point_id not in (None, ticket.queue.service_point_id):
        raise QueueError("invalid", _("Dossier %(code)s was received at another service point.") % {
            "code": dossier.code})
    if ticket.dossier_id == dossier.pk:
        return ticket
    ticket.dossier = dossier
    ticket.save(update_fields=["dossier"])
    TicketEvent.objects.create(ticket=ticket, kind=TicketEvent.Kind.LINKED, at=now, actor=user,
                               counter=ticket.counter, note=dossier.code)
    return ticket


@transaction.atomic
def unlink_dossier(user, ticket: Ticket, now: datetime | None = None) -> Ticket:
    now = now or timezone.now()
    ticket = _lock(user, ticket, now)
    if ticket.dossier_id is None:
        raise QueueError("wrong_state", _("Ticket %(ticket)s has no dossier linked.") % {"ticket": ticket.display})
    code = ticket.dossier.code
    ticket.dossier = None
    ticket.save(update_fields=["dossier"])
    TicketEvent.objects.create(ticket=ticket, kind=TicketEvent.Kind.UNLINKED, at=now, actor=user,
                               counter=ticket.counter, note=code)
    return ticket


QUESTION = "queueing.ticket_in_hand_today"


def receipt_question(event) -> tuple[str, list]:
    """Asked by the receipt's own statement (`dossiers.receipt_sql.RECEIPT_QUESTIONS`): does
    anyone hold a ticket today? A second round trip after the receipt halved the receipt rate."""
    return (f"EXISTS (SELECT 1 FROM {Ticket._meta.db_table} WHERE service_date = %s AND status IN (%s, %s))",
            [timezone.localdate(event.at), *(status.value for status in IN_HAND)])


@receiver(dossier_event_committed, dispatch_uid="queueing.intake_link")
def link_on_intake(sender, event, **kwargs) -> None:
    """A dossier received (or a result returned) by an officer with a ticket in hand: link it to
    that ticket, unless the ticket already carries a dossier (the officer picks by hand then)."""
    if event.kind not in LINKING_KINDS or event.actor_id is None:
        return
    day = timezone.localdate(event.at)
    # Nobody holds a ticket today (a unit without the queue, the day's first receipts): nothing to
    # look up. A receipt on PostgreSQL brought the answer with it (`receipt_question`); otherwise
    # one probe of a tiny partial index, before the officer's counters and tickets.
    anyone = getattr(event, "receipt_answers", {}).get(QUESTION)
    if anyone is None:
        anyone = Ticket.objects.filter(service_date=day, status__in=IN_HAND).exists()
    if not anyone:
        return
    ticket = ticket_in_hand(event.actor, day)
    if ticket is None or ticket.dossier_id is not None:
        return
    try:
        link_dossier(event.actor, ticket, event.dossier, now=event.at)
    except QueueError as refusal:  # e.g. another service point's dossier: no link, nothing to undo
        logger.info("dossier %s not linked to ticket %s: %s", event.dossier_id, ticket.pk, refusal.message)
