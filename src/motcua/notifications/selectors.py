"""Reads on the outbox for reports."""
from datetime import date

from django.db.models import Count, Q

from motcua.core.periods import local_day_bounds

from .models import Channel, OutboxMessage


# Messages about a person's account, not a dossier: not counted among the reports' notifications.
ACCOUNT_KINDS = ("password_reset",)


def sent_counts(date_from: date, date_to: date, agency_ids=None) -> dict[str, int]:
    """Messages about dossiers sent by channel, and those that finally failed, between two dates
    (inclusive, local time), optionally for the dossiers of some agencies: {"sms": n, "email": n,
    "failed": n}. Account messages (a password reset code) are not dossier notifications."""
    start, end = local_day_bounds(date_from, date_to)
    messages = OutboxMessage.objects.exclude(event_kind__in=ACCOUNT_KINDS)
    if agency_ids is not None:
        messages = messages.filter(agency_id__in=list(agency_ids))
    sent = Q(status=OutboxMessage.Status.SENT, sent_at__gte=start, sent_at__lt=end)
    failed = Q(status=OutboxMessage.Status.FAILED, last_attempt_at__gte=start, last_attempt_at__lt=end)
    counts = messages.aggregate(
        sms=Count("pk", filter=sent & Q(channel=Channel.SMS)),
        email=Count("pk", filter=sent & Q(channel=Channel.EMAIL)),
        failed=Count("pk", filter=failed),
    )
    return {key: counts[key] or 0 for key in ("sms", "email", "failed")}
