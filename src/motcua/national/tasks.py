"""Every minute (celery beat, settings.CELERY_BEAT_SCHEDULE "national-sync"), or
`manage.py sync_national` from cron."""
from celery import shared_task


@shared_task(name="national.sync")
def sync() -> dict:
    from .services import sync_due

    return sync_due()
