"""The national portal sync outbox for /metrics (motcua.core.metrics): events not yet acknowledged
by the portal, and the age of the oldest (its partial index covers the scan)."""
from django.db.models import Count, Min
from django.utils import timezone

from motcua.core.metrics import Gauge

from .models import OutboxItem


def gauges() -> list[Gauge]:
    row = OutboxItem.objects.filter(acknowledged_at__isnull=True).aggregate(n=Count("pk"), oldest=Min("created_at"))
    age = (timezone.now() - row["oldest"]).total_seconds() if row["oldest"] else 0
    return [
        Gauge("national_sync_backlog", "Dossier events waiting to be acknowledged by the national portal.", row["n"]),
        Gauge("national_sync_oldest_seconds", "Age of the oldest event waiting for the national portal.", age),
    ]
