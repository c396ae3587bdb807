"""Periodic housekeeping of core (Celery beat; each job also has a command for cron)."""
from celery import shared_task


@shared_task(name="core.purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    """Delete the stored answers of Idempotency-Keys past their 24 hours; returns how many."""
    from .idempotency import purge_expired

    return purge_expired()
