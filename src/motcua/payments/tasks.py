"""Periodic work on payments (Celery; eager in the embedded default)."""
from celery import shared_task


@shared_task(name="payments.reconcile_pending")
def reconcile_pending(older_than_minutes: int = 15) -> dict:
    """Ask the gateway about online orders still pending after `older_than_minutes` (their IPN
    never came) and settle them; returns the counts of `services.reconcile_pending`.
    Schedule it every 15 minutes with celery beat, or run `manage.py reconcile_payments` from cron."""
    from .services import reconcile_pending as reconcile

    return reconcile(older_than_minutes=older_than_minutes)
