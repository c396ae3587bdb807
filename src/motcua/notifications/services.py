"""Queueing and delivering messages: the only writes to the outbox."""
import logging
import os
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Channel, MessageTemplate, OutboxMessage
from .providers import PermanentFailure, TemporaryFailure, get_provider, provider_name_for

logger = logging.getLogger(__name__)


def max_attempts() -> int:
    return int(getattr(settings, "MOTCUA_NOTIFICATION_MAX_ATTEMPTS", os.environ.get("MOTCUA_NOTIFY_MAX_ATTEMPTS", 5)))


def backoff_seconds(attempts: int) -> int:
    """Wait before the next try: 1, 2, 4, 8 ... minutes, at most an hour."""
    return min(60 * 2 ** max(attempts - 1, 0), 3600)


def render(kind: str, channel: str, context: dict, language: str = "vi") -> tuple[str, str] | None:
    """(subject, body) from the template in force, or None if no template exists for it."""
    template = MessageTemplate.objects.in_force(kind, channel, language)
    if template is None and language != "vi":
        template = MessageTemplate.objects.in_force(kind, channel, "vi")
    return template.render(context) if template else None


def queue_message(
    *, kind: str, channel: str, recipient: str, context: dict, event_id=None, dossier_code="", agency_id=None
) -> tuple[OutboxMessage | None, bool]:
    """Put one message in the outbox; (message, created). A repeat for the same (event, channel,
    recipient) returns the existing message and created=False, so nobody is messaged twice."""
    rendered = render(kind, channel, context)
    if rendered is None:
        logger.warning("no %s template for %s; nothing queued", channel, kind)
        return None, False
    subject, body = rendered
    if event_id is not None:
        existing = OutboxMessage.objects.filter(event_id=event_id, channel=channel, recipient=recipient).first()
        if existing:
            return existing, False
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                event_kind=kind,
                event_id=event_id,
                dossier_code=dossier_code,
                agency_id=agency_id,
                channel=channel,
                recipient=recipient,
                subject=subject if channel == Channel.EMAIL else "",
                body=body,
                provider=provider_name_for(channel),
            )
    except IntegrityError:  # a concurrent delivery of the same signal won the race
        return OutboxMessage.objects.get(event_id=event_id, channel=channel, recipient=recipient), False
    return message, True


# Messages that carry a secret (a one-time code): once they leave the queue, the stored body
# keeps that a code was sent, not the code; the admin never shows it.
SECRET_KINDS = ("password_reset", "contact_verification")
_SECRET = re.compile(r"(?<![\w-])(?<!\d\.)\d{6}(?![\w-]|\.\d)")


def masked(body: str) -> str:
    """The body with its one-time codes (six digits standing alone, not inside a dossier code or a
    phone number) replaced by asterisks."""
    return _SECRET.sub("******", body)


def attempt_delivery(message_id: int) -> bool:
    """One try at sending a queued message. True if another try should follow later."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != OutboxMessage.Status.QUEUED:
            return False
        message.attempts += 1
        message.last_attempt_at = timezone.now()
        try:
            message.provider_message_id = get_provider(message.provider).send(message)[:120]
        except PermanentFailure as error:
            message.status = OutboxMessage.Status.FAILED
            message.last_error = str(error)[:2000]
        except Exception as error:  # noqa: BLE001 - any other failure may pass: retry it
            if not isinstance(error, TemporaryFailure):
                logger.exception("provider %s crashed", message.provider)
            message.last_error = str(error)[:2000] or error.__class__.__name__
            if message.attempts >= max_attempts():
                message.status = OutboxMessage.Status.FAILED
        else:
            message.status = OutboxMessage.Status.SENT
            message.sent_at = message.last_attempt_at
            message.last_error = ""
        if message.status != OutboxMessage.Status.QUEUED and message.event_kind in SECRET_KINDS:
            message.body = masked(message.body)
        message.save()
        return message.status == OutboxMessage.Status.QUEUED
