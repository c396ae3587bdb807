"""Keep the stored snapshots of closed periods true when an action writes into the past.

Most actions carry today's moment, after every closed period. Some write an earlier one:
accepting an online submission sets the receipt moment to the submission (it may be days ago),
a refusal at intake of a dossier taken at the counter takes it out of the periods since it was
taken, and any action can be dated in the past (`at=`). Each such event deletes the snapshots of
every period ending on or after the earliest day it wrote into (`snapshots.invalidate_from`),
so the dashboard of a closed period always agrees with the 06a table computed afresh. New or
edited 766 index weights delete every stored dashboard.

Connected in `ReportsConfig.ready` (`connect`), not on import.
"""
from __future__ import annotations

import datetime
import logging

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from motcua.dossiers.models import Status
from motcua.dossiers.signals import dossier_event_committed

from . import snapshots
from .models import IndexWeights, IndicatorWeight

logger = logging.getLogger(__name__)

# Events that move a dossier's counted moments to its receipt: accepting an online submission
# (received when submitted) and refusing at intake a dossier received at the counter (no longer
# received at all).
RECEIPT_EVENTS = ("accept_online", "refuse_intake")


def earliest_day_written(event) -> datetime.date | None:
    """The earliest local day whose figures the event can change."""
    moments = [event.at]
    if event.kind in RECEIPT_EVENTS:
        dossier = event.dossier
        if event.kind == "accept_online" or event.from_status != Status.NEW:
            moments.append(dossier.received_at)
    moments = [m for m in moments if m is not None]
    return min(timezone.localtime(m).date() for m in moments) if moments else None


def on_dossier_event(sender, event, **kwargs) -> None:
    day = earliest_day_written(event)
    if day is not None and snapshots.is_closed(day):
        deleted = snapshots.invalidate_from(day)
        if deleted:
            logger.info("%s of dossier %s dated %s: %d report snapshots deleted", event.kind, event.dossier_id,
                        day, deleted)


def on_weights_changed(sender, **kwargs) -> None:
    """New or edited weights change the 766 scores of the dashboards and public statistics stored."""
    snapshots.invalidate_kind("dashboard")
    snapshots.invalidate_kind("public-stats")


def connect() -> None:
    dossier_event_committed.connect(on_dossier_event, dispatch_uid="reports.on_dossier_event")
    for model in (IndexWeights, IndicatorWeight):
        for signal in (post_save, post_delete):
            signal.connect(on_weights_changed, sender=model, dispatch_uid=f"reports.weights_changed.{model.__name__}")
