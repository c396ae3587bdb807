"""Electronic receipts for the demo's paid payments, from the provider simulator (answered
in-process by default, PAYMENT_RECEIPT_SIMULATOR_TRANSPORT). Most are made as the demo's payments
are recorded; this makes any missing one. Called by `load_demo`; safe to run again."""
from __future__ import annotations

from django.db import transaction


def load_demo_receipts() -> dict:
    from motcua.payments.models import EReceipt, Payment, PaymentStatus, ReceiptStatus
    from motcua.payments.receipts import services as receipts
    from motcua.payments.receipts.providers import enabled

    if not enabled():
        return {}
    with transaction.atomic():
        for payment in Payment.objects.filter(status=PaymentStatus.PAID, ereceipt__isnull=True).order_by("pk"):
            receipts.queue_receipt(payment)
    issued = sum(receipts.issue_receipt(pk) == "issued"
                 for pk in EReceipt.objects.filter(status=ReceiptStatus.PENDING).order_by("pk").values_list("pk", flat=True))
    return {"electronic receipts": issued} if issued else {}
