"""The worker's side: queue the messages of dossier events (`messages.queue_for_event`) and deliver
them in the background, with retries and exponential backoff (eager in the embedded default).

Imported by `dispatch` and `receivers`, never the reverse: tasks -> messages -> services.
"""
import functools
import logging

from celery import shared_task
from django.db import transaction

from .messages import EVENT_KINDS, queue_for_event
from .models import OutboxMessage
from .services import attempt_delivery, backoff_seconds

logger = logging.getLogger(__name__)


# The notification tasks are acknowledged to the broker only once done (acks_late), and handed back
# to it when the worker process dies under them (reject_on_worker_lost): a worker killed mid-task
# leaves the message on Redis, which gives it to another worker after the visibility timeout
# (CELERY_VISIBILITY_TIMEOUT). Running one twice is harmless: the outbox is unique per event,
# channel and recipient, and `attempt_delivery` sends only a message still queued (row locked).
RESILIENT = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


@shared_task(bind=True, max_retries=None, **RESILIENT)
def deliver_message(self, message_id: int):
    """Try once; while the message stays queued (a temporary failure), retry after a backoff.

    The attempt budget is the message's own counter (`max_attempts`), not Celery's, so it holds
    across worker restarts and manual re-queues.
    """
    if self.request.is_eager:
        # The embedded default has no worker to come back later: try again at once, up to the budget.
        while attempt_delivery(message_id):
            pass
        return
    if attempt_delivery(message_id):
        attempts = OutboxMessage.objects.filter(pk=message_id).values_list("attempts", flat=True).first() or 1
        raise self.retry(countdown=backoff_seconds(attempts))


@shared_task(**RESILIENT)
def deliver_for_event(event_id: int):
    """Render and queue the messages a committed dossier event calls for, then send them."""
    notify_events([event_id])


@shared_task(**RESILIENT)
def deliver_for_events(event_ids: list[int]):
    """The same for a batch of events (`dispatch.EventBatcher`), in the order they happened."""
    notify_events(event_ids)


def notify_events(event_ids: list[int]) -> None:
    """Queue the messages of these events, in the order they happened, and send each new message
    once the transaction commits."""
    from motcua.dossiers.models import DossierEvent

    events = {
        event.pk: event
        for event in DossierEvent.objects.select_related(
            "dossier", "dossier__procedure_version", "dossier__receiving_agency", "dossier__competent_agency",
            "dossier__current_agency",
        ).filter(pk__in=list(event_ids))
    }
    for event_id in sorted(set(event_ids)):
        event = events.get(event_id)
        if event is None:  # the row is gone (a test database reset, a purge): nothing to tell
            logger.warning("dossier event %s not found; no notification", event_id)
            continue
        for message in queue_for_event_safely(event):
            transaction.on_commit(lambda pk=message.pk: send(pk))


def queue_for_event_safely(event) -> list:
    try:
        return queue_for_event(event)
    except Exception:  # noqa: BLE001 - never break the officer's action
        logger.exception("notifications for dossier event %s failed", getattr(event, "pk", None))
        return []


def send(message_id: int) -> None:
    """Hand one outbox message to the worker; a broker outage leaves it queued for `deliver_queued`."""
    try:
        deliver_message.delay(message_id)
    except Exception:  # noqa: BLE001 - a broker outage leaves it queued for deliver_queued
        logger.exception("could not dispatch outbox message %s", message_id)


def retry_now(message: OutboxMessage) -> None:
    """An administrator's retry of a failed message: queue it again with a fresh attempt budget."""
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.QUEUED, attempts=0)
    transaction.on_commit(functools.partial(send, message.pk))


@shared_task(ignore_result=True)
def notify_missed_events(older_than_minutes: int = 5, window_minutes: int = 60):
    """A periodic safety net for events a killed web process never handed over: the notifiable
    events between `window_minutes` and `older_than_minutes` ago without any message yet are
    handled now (a repeat is harmless: the outbox is unique per event, channel and recipient).
    Schedule it every few minutes with beat, or run `manage.py notify_missed_events` from cron."""
    from datetime import timedelta

    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from motcua.dossiers.models import DossierEvent

    now = timezone.now()
    missed = (
        DossierEvent.objects.filter(at__gte=now - timedelta(minutes=older_than_minutes + window_minutes),
                                    at__lt=now - timedelta(minutes=older_than_minutes), kind__in=list(EVENT_KINDS))
        .exclude(Exists(OutboxMessage.objects.filter(event_id=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )
    ids = list(missed)
    if ids:
        notify_events(ids)
    return len(ids)


# A message queued less than this long ago and never tried is still on its way to a worker
# (`send` runs on commit): the sweep leaves it to its own task.
FRESH_SECONDS = 30


def due_for_sweep(now=None) -> list[int]:
    """The queued messages the sweep should hand to a worker: never tried and older than
    FRESH_SECONDS, or tried and past their backoff. A message waiting out its backoff has a
    retry already scheduled; sending it again every sweep would defeat the backoff."""
    from datetime import timedelta

    from django.db.models import Q
    from django.utils import timezone

    now = now or timezone.now()
    rows = OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED).filter(
        Q(last_attempt_at__isnull=True, created_at__lte=now - timedelta(seconds=FRESH_SECONDS))
        | Q(last_attempt_at__lte=now - timedelta(seconds=backoff_seconds(1)))
    ).values_list("pk", "attempts", "last_attempt_at")
    return [pk for pk, attempts, tried in rows
            if tried is None or tried + timedelta(seconds=backoff_seconds(attempts)) <= now]


@shared_task(ignore_result=True)
def deliver_queued():
    """A periodic safety net: send what a lost worker or a broker outage left queued (every
    NOTIFICATIONS_SWEEP_SECONDS with beat)."""
    due = due_for_sweep()
    for message_id in due:
        deliver_message.delay(message_id)
    return len(due)
