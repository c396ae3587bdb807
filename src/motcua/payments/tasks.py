"""Periodic work on payments (Celery; eager in the embedded default)."""
from celery import shared_task


@shared_task(name="payments.reconcile_pending")
def reconcile_pending(older_than_minutes: int = 15) -> dict:
    """Ask the gateway about online orders still pending after `older_than_minutes` (their IPN
    never came) and settle them; returns the counts of `services.reconcile_pending`.
    Schedule it every 15 minutes with celery beat, or run `manage.py reconcile_payments` from cron."""
    from .services import reconcile_pending as reconcile

    return reconcile(older_than_minutes=older_than_minutes)


@shared_task(name="payments.issue_receipt")
def issue_receipt(receipt_pk: int) -> str:
    """Ask the e-invoice provider for one receipt (queued when a payment is recorded paid)."""
    from .receipts.services import issue_receipt as issue

    return issue(receipt_pk)


@shared_task(name="payments.cancel_receipt")
def cancel_receipt(receipt_pk: int) -> str:
    """Cancel one receipt at the provider (queued by a full refund)."""
    from .receipts.services import cancel_receipt as cancel

    return cancel(receipt_pk)


@shared_task(name="payments.retry_receipts")
def retry_receipts() -> dict:
    """Issue (or cancel) every receipt the provider could not take before; every 5 minutes."""
    from .receipts.services import retry_due

    return retry_due()
