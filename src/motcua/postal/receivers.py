"""The postal app reacts to the dossier engine through its signal (dossiers never import postal):
a returned (or, with POSTAL_RETURNED_AT=delivery, resolved) dossier whose result goes by post gets
its delivery order."""
import logging

from django.dispatch import receiver

from motcua.dossiers.signals import dossier_event_committed

logger = logging.getLogger(__name__)


@receiver(dossier_event_committed, dispatch_uid="postal_delivery_order")
def on_dossier_event(sender, event=None, **kwargs):
    if event is None or event.kind not in ("return_result", "resolve"):
        return
    from .services import on_dossier_event as handle

    handle(event)
