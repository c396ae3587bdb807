"""Celery tasks: send one order to the partner (retried by the poll while the partner is down), and
the beat's 15-minute tracking poll (`postal.poll_tracking`)."""
from celery import shared_task


@shared_task(name="postal.send_order", ignore_result=True)
def send_order_task(shipment_id: int):
    from .services import send_order

    send_order(shipment_id)


@shared_task(name="postal.poll_tracking", ignore_result=True)
def poll_tracking():
    from .services import poll_due

    return poll_due()
