"""Reads on the outbox for reports."""
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from .models import Channel, OutboxMessage


def _bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(date_from, time.min), zone)
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min), zone)
    return start, end


# Messages about a person's account, not a dossier: not counted among the reports' notifications.
ACCOUNT_KINDS = ("password_reset",)


def sent_counts(date_from: date, date_to: date, agency_ids=None) -> dict[str, int]:
    """Messages about dossiers sent by channel, and those that finally failed, between two dates
    (inclusive, local time), optionally for the dossiers of some agencies: {"sms": n, "email": n,
    "failed": n}. Account messages (a password reset code) are not dossier notifications."""
    start, end = _bounds(date_from, date_to)
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
