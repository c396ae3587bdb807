"""The hook other apps subscribe to (notifications, printouts, integrations).

`dossier_event_committed` is sent once per `DossierEvent`, after the transaction that appended it
has committed (never for a rolled-back action), with the keyword argument `event`:

    from motcua.dossiers.signals import dossier_event_committed

    @receiver(dossier_event_committed)
    def on_event(sender, event, **kwargs):
        if event.kind == "overdue": ...

Receivers run in the committing request or task; they should be quick or enqueue a Celery task.
An exception in a receiver is logged and does not affect the dossier (it is already committed).
"""
import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

dossier_event_committed = Signal()


def send_event_on_commit(event) -> None:
    if not dossier_event_committed.has_listeners():
        # Cheap path for the counter: nothing to schedule. Receivers connect at start-up.
        return
    transaction.on_commit(lambda: _send(event))


def _send(event) -> None:
    for receiver, result in dossier_event_committed.send_robust(sender=type(event), event=event):
        if isinstance(result, Exception):
            logger.error("dossier_event_committed receiver %r failed for event %s", receiver, event.pk,
                         exc_info=(type(result), result, result.__traceback__))
