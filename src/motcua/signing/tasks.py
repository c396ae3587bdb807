"""Celery: the remote signatures waiting for their signer, asked every minute until they are
done, rejected or past `wait_until` (SIGNING_REMOTE_WAIT_SECONDS): a bounded wait."""
import logging

from celery import shared_task

from .models import SigningRequest
from .services import check_request

logger = logging.getLogger(__name__)


@shared_task(name="signing.check_waiting_signatures")
def check_waiting_signatures() -> int:
    closed = 0
    for pk in SigningRequest.objects.filter(state=SigningRequest.State.WAITING).values_list("pk", flat=True):
        try:
            if check_request(pk).state != SigningRequest.State.WAITING:
                closed += 1
        except Exception:  # one broken request must not stop the others
            logger.exception("checking remote signature %s failed", pk)
    return closed
