"""When a dossier's result is returned, invite the applicant to rate (signed link)."""
import logging

from motcua.dossiers.signals import dossier_event_committed

from .notify import invite_to_rate

logger = logging.getLogger(__name__)


def on_dossier_event(sender, event=None, **kwargs):
    if event is None or event.kind != "return_result":
        return
    try:
        invite_to_rate(event.dossier)
    except Exception:  # noqa: BLE001 - the dossier is already returned; never break that
        logger.exception("rating invitation for dossier event %s failed", getattr(event, "pk", None))


dossier_event_committed.connect(on_dossier_event, dispatch_uid="feedback.on_dossier_event")
