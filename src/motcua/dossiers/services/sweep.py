"""The overdue sweep (`tasks.sweep_overdue`, `manage.py sweep_overdue`): not an action of the
table, it marks and records what the clock says."""
from __future__ import annotations

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ..models import PAUSED_STATUSES, Dossier, DossierStep, Status
from .core import _event, _iso, _save


def mark_overdue(now=None) -> dict:
    """Mark dossiers and open steps whose due moment has passed while their clock runs.

    Appends an `overdue` event per dossier and a `step_overdue` event per step (notifications
    draft the apology for the responsible unit from them). Returns the counts.
    """
    now = now or timezone.now()
    # Clock running, or stopped after the due moment had passed (a pause gives back no time).
    running = Q(status__in=(Status.RECEIVED, Status.PROCESSING)) | Q(
        status__in=PAUSED_STATUSES, paused_at__gte=F("due_at"))
    counts = {"dossiers": 0, "steps": 0}
    ids = list(
        Dossier.objects.filter(running, is_overdue=False, due_at__lt=now).values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            row = Dossier.objects.select_for_update().filter(
                running, pk=pk, is_overdue=False, due_at__lt=now
            ).first()
            if row is None:
                continue
            row.is_overdue = True
            _save(row, ["is_overdue"])
            _event(row, "overdue", None, now, row.status, {
                "due_at": _iso(row.due_at), "agency": row.current_agency_id, "unit": row.current_unit,
            })
            counts["dossiers"] += 1
    steps = list(
        DossierStep.objects.filter(
            Q(dossier__status__in=(Status.RECEIVED, Status.PROCESSING))
            | Q(dossier__status__in=PAUSED_STATUSES, dossier__paused_at__gte=F("due_at")),
            finished_at__isnull=True, is_overdue=False, due_at__lt=now,
        ).values_list("pk", flat=True)
    )
    for pk in steps:
        with transaction.atomic():
            step = DossierStep.objects.select_for_update().filter(pk=pk, is_overdue=False).first()
            if step is None:
                continue
            step.is_overdue = True
            step.save(update_fields=["is_overdue"])
            dossier = Dossier.objects.get(pk=step.dossier_id)
            _event(dossier, "step_overdue", None, now, dossier.status, {
                "step": step.order, "name": step.name, "unit": step.unit, "agency": step.agency_id,
                "due_at": _iso(step.due_at),
            })
            counts["steps"] += 1
    return counts
