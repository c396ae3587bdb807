"""Reads: what is stuck and why (the back-office page), the figures of a scope, and the 766
indicator's counts (dossiers whose latest state the portal acknowledged)."""
from __future__ import annotations

import datetime

from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.utils import timezone

from motcua.dossiers.counting import received_between_q
from motcua.dossiers.models import Dossier

from .models import OutboxItem, SyncAttempt
from .services import LEGACY_PLACEHOLDER

# A pending item older than this, or one that failed, is "stuck".
LATE = datetime.timedelta(minutes=5)


def _scoped(qs, agency_ids, field="dossier__competent_agency_id"):
    return qs if agency_ids is None else qs.filter(**{f"{field}__in": list(agency_ids)})


def stuck(agency_ids=None, now=None, limit: int = 200) -> list[dict]:
    """Dossiers with items not acknowledged that failed or wait longer than LATE, oldest first:
    {"dossier_id", "code", "agency", "pending", "oldest", "attempts", "next_attempt_at", "error_kind", "error"}."""
    now = now or timezone.now()
    pending = _scoped(OutboxItem.objects.filter(acknowledged_at__isnull=True), agency_ids)
    rows = (pending.values("dossier_id", "dossier__code", "dossier__competent_agency__name")
            .annotate(pending=Count("pk"), oldest=Min("created_at"), attempts=Max("attempts"),
                      next_attempt_at=Min("next_attempt_at"), error_kind=Max("error_kind"), error=Max("error"))
            .filter(Q(attempts__gt=0) | Q(oldest__lt=now - LATE)).order_by("oldest")[:limit])
    return [{"dossier_id": r["dossier_id"], "code": r["dossier__code"], "agency": r["dossier__competent_agency__name"],
             "pending": r["pending"], "oldest": r["oldest"], "attempts": r["attempts"],
             "next_attempt_at": r["next_attempt_at"], "error_kind": r["error_kind"], "error": r["error"]}
            for r in rows]


def figures(agency_ids=None, now=None) -> dict:
    now = now or timezone.now()
    items = _scoped(OutboxItem.objects.all(), agency_ids)
    day = now - datetime.timedelta(days=1)
    return items.aggregate(
        pending=Count("pk", filter=Q(acknowledged_at__isnull=True)),
        failing=Count("pk", filter=Q(acknowledged_at__isnull=True, attempts__gt=0)),
        acknowledged_day=Count("pk", filter=Q(acknowledged_at__gte=day)),
        last_acknowledged=Max("acknowledged_at"),
    )


def recent_attempts(agency_ids=None, limit: int = 30):
    attempts = SyncAttempt.objects.select_related("dossier")
    if agency_ids is not None:
        attempts = attempts.filter(dossier__competent_agency_id__in=list(agency_ids))
    return list(attempts.order_by("-at", "-pk")[:limit])


def sync_counts(start: datetime.datetime, end: datetime.datetime, agency_ids=None) -> dict[int, tuple[int, int]]:
    """{competent agency id: (dossiers received in [start, end), of them synchronised)}. A dossier
    is synchronised when the portal acknowledged at least one of its rows and none is pending (its
    latest state is at the portal). Legacy imports are left out: their history is the old system's."""
    received = Dossier.objects.filter(received_between_q(start, end)).exclude(
        applicant_name=LEGACY_PLACEHOLDER, owner_name=LEGACY_PLACEHOLDER)
    if agency_ids is not None:
        received = received.filter(competent_agency_id__in=list(agency_ids))
    acked = OutboxItem.objects.filter(dossier_id=OuterRef("pk"), acknowledged_at__isnull=False)
    waiting = OutboxItem.objects.filter(dossier_id=OuterRef("pk"), acknowledged_at__isnull=True)
    rows = (received.order_by().values("competent_agency_id")
            .annotate(total=Count("pk"), synced=Count("pk", filter=Q(Exists(acked)) & ~Q(Exists(waiting)))))
    return {r["competent_agency_id"]: (r["total"], r["synced"]) for r in rows}
