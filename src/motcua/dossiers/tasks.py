"""Periodic work on dossiers (Celery; eager in the embedded default)."""
from celery import shared_task


@shared_task(name="dossiers.sweep_overdue")
def sweep_overdue() -> dict:
    """Mark dossiers and steps that became overdue; returns {"dossiers": n, "steps": m}.

    Each newly overdue dossier gets an `overdue` event and each step a `step_overdue` event;
    notifications subscribe to them (draft apology, notify the responsible unit).
    Schedule it every few minutes with celery beat, or run `manage.py sweep_overdue` from cron.
    """
    from .services import mark_overdue

    return mark_overdue()
