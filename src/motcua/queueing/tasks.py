from celery import shared_task

from . import services


@shared_task(name="queueing.close_open_tickets")
def close_open_tickets() -> int:
    """Close the tickets still open after closing time; scheduled every 15 minutes with beat."""
    return services.close_open_tickets()
