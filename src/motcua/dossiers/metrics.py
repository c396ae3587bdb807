"""Overdue dossiers for /metrics (motcua.core.metrics): open dossiers whose legal clock runs and
whose due moment has passed, as of this scrape (the sweep's flag may lag by its interval)."""
from django.utils import timezone

from motcua.core.metrics import Gauge

from .models import CLOCK_RUNNING_STATUSES, Dossier


def gauges() -> list[Gauge]:
    overdue = Dossier.objects.filter(status__in=CLOCK_RUNNING_STATUSES, finished_at__isnull=True,
                                     due_at__lt=timezone.now()).count()
    return [Gauge("dossiers_overdue", "Open dossiers past their due moment, clock running.", overdue)]
