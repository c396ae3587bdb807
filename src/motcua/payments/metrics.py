"""Electronic receipts for /metrics (motcua.core.metrics): issued in the last minute, and waiting
for the provider (a provider that stops answering shows here first)."""
import datetime

from django.utils import timezone

from motcua.core.metrics import Gauge

from .models import EReceipt, ReceiptStatus


def gauges() -> list[Gauge]:
    since = timezone.now() - datetime.timedelta(minutes=1)
    issued = EReceipt.objects.filter(status=ReceiptStatus.ISSUED, issued_at__gte=since).count()
    pending = EReceipt.objects.filter(status=ReceiptStatus.PENDING).count()
    return [
        Gauge("ereceipts_issued_last_minute", "Electronic fee receipts issued in the last 60 seconds.", issued),
        Gauge("ereceipts_pending", "Electronic fee receipts waiting for the provider.", pending),
    ]
