"""The outbox's backlog for /metrics (motcua.core.metrics): messages still queued, and the age of
the oldest, so an alert can fire when the SMS or e-mail provider stops taking them."""
from django.db.models import Count, Min
from django.utils import timezone

from motcua.core.metrics import Gauge

from .models import OutboxMessage


def gauges() -> list[Gauge]:
    rows = (OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED)
            .values("channel").annotate(n=Count("pk"), oldest=Min("created_at")))
    now = timezone.now()
    found = {row["channel"]: row for row in rows}
    result = []
    for channel in sorted({*found, "sms", "email"}):
        row = found.get(channel)
        result.append(Gauge("notification_outbox_backlog", "Notifications queued and not yet sent.",
                            row["n"] if row else 0, {"channel": channel}))
        result.append(Gauge("notification_outbox_oldest_seconds", "Age of the oldest queued notification.",
                            (now - row["oldest"]).total_seconds() if row else 0, {"channel": channel}))
    return result
