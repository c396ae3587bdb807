from celery import shared_task

from . import services


@shared_task(name="feedback.flag_overdue")
def flag_overdue_feedback() -> int:
    """Flag open feedback past its 15-working-day deadline; schedule every few minutes with beat."""
    return services.mark_overdue()
