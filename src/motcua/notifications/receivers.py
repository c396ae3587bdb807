"""From dossier events to the notification worker: the receiver of
`dossiers.signals.dossier_event_committed`, sent after the action's transaction committed.

The receiver only adds the event to this process's batch (`dispatch.py`), which a thread publishes
as `tasks.deliver_for_events(ids)`; the worker renders the messages (`messages.py`) and writes the
outbox. Connected in `NotificationsConfig.ready`. The app's modules import one way: receivers ->
dispatch -> tasks -> messages -> services.
"""
from . import dispatch
from .messages import EVENT_KINDS


def on_dossier_event(sender, event=None, **kwargs):
    """Hand the event to the worker: the officer's request only pays for adding its id to this
    process's batch (`dispatch.batcher`, published within 50 ms).

    In the embedded default (no REDIS_URL) Celery is eager: the batcher hands it over at once and
    the task runs inline.
    """
    if event is None or event.kind not in EVENT_KINDS:
        return
    dispatch.batcher.add(event.pk)


def connect() -> None:
    """Connect the receiver, when the dossier engine is installed."""
    try:
        from motcua.dossiers.signals import dossier_event_committed
    except ImportError:  # the dossier engine is not installed
        return
    dossier_event_committed.connect(on_dossier_event, dispatch_uid="notifications.on_dossier_event")
