"""Delivery in the background, with retries and exponential backoff (eager in the embedded default)."""
import logging

from celery import shared_task

from .models import OutboxMessage
from .services import attempt_delivery, backoff_seconds

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=None, ignore_result=True)
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


@shared_task(ignore_result=True)
def deliver_queued():
    """A periodic safety net: send what a lost worker left queued."""
    for message_id in OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED).values_list("pk", flat=True):
        deliver_message.delay(message_id)
