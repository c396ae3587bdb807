"""Reads of the postal service: a dossier's shipments, the public tracking, the officer's and the
postal worker's lists, a manifest with its missing and extra items, and the report's counts."""
from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from motcua.organization.permissions import scope_of

from .models import FINAL_STATUSES, Leg, Manifest, PartnerState, PostalChoice, Shipment, ShipmentEvent


def shipments_of(dossier):
    return list(Shipment.objects.filter(dossier=dossier).select_related("unit", "unit__parent")
                .prefetch_related("events").order_by("created_at", "pk"))


def choice_of(dossier, leg=Leg.DELIVERY):
    return PostalChoice.objects.filter(dossier=dossier, leg=leg).select_related("unit").first()


def public_tracking(code: str) -> list[dict]:
    """What anyone with the dossier code sees: per shipment the leg, waybill, status and the dated
    statuses (no address, no names)."""
    rows = []
    for shipment in Shipment.objects.filter(dossier__code=code).exclude(leg__in=(Leg.TRANSFER_OUT, Leg.TRANSFER_BACK)) \
            .prefetch_related("events").order_by("created_at", "pk"):
        rows.append({
            "leg": shipment.get_leg_display(), "waybill": shipment.waybill, "status": shipment.status,
            "status_label": shipment.get_status_display(),
            "pending_partner": shipment.partner_state == PartnerState.QUEUED,
            "steps": [{"at": e.at, "label": e.get_status_display()} for e in shipment.events.all()
                      if e.kind == "status" or e.kind == "created"],
        })
    return rows


def _agency_ids(user, permission="dossier.view"):
    if user.is_superuser:
        return None
    scope = scope_of(user)
    if scope.is_everywhere(permission):
        return None
    return scope.agency_ids(permission)


def officer_shipments(user, *, state: str = "open", limit: int = 200):
    qs = Shipment.objects.select_related("dossier", "unit")
    ids = _agency_ids(user)
    if ids is not None:
        qs = qs.filter(Q(dossier__receiving_agency_id__in=ids) | Q(dossier__competent_agency_id__in=ids))
    if state == "open":
        qs = qs.exclude(status__in=FINAL_STATUSES)
    elif state == "pending":
        qs = qs.filter(partner_state=PartnerState.QUEUED).exclude(status__in=FINAL_STATUSES)
    return list(qs.order_by("-created_at", "-pk")[:limit])


def awaiting_delivery_order(user, limit: int = 50):
    """Dossiers whose automatic delivery order was refused (no address in the unit list, empty pool)
    and that have no delivery under way: the officer makes it by hand."""
    refused = ShipmentEvent.objects.filter(kind="delivery_order_refused").values_list("dossier_id", flat=True)
    qs = Shipment.objects.none()
    from motcua.dossiers.models import Dossier

    qs = Dossier.objects.filter(pk__in=refused).exclude(
        pk__in=Shipment.objects.filter(leg=Leg.DELIVERY).exclude(status__in=FINAL_STATUSES).values("dossier_id"))
    ids = _agency_ids(user)
    if ids is not None:
        qs = qs.filter(Q(receiving_agency_id__in=ids) | Q(competent_agency_id__in=ids))
    return list(qs.order_by("-pk")[:limit])


def work_list(user):
    """The postal worker's day: pick-ups and deliveries not yet closed, and manifests to carry."""
    shipments = (Shipment.objects.filter(leg__in=(Leg.PICKUP, Leg.DELIVERY)).exclude(status__in=FINAL_STATUSES)
                 .select_related("dossier", "unit", "unit__parent").order_by("leg", "created_at"))
    manifests = (Manifest.objects.filter(state__in=(Manifest.State.OPEN, Manifest.State.HANDED_OVER))
                 .select_related("agency", "service_point").annotate(n=Count("items")).order_by("created_at"))
    return {"pickups": [s for s in shipments if s.leg == Leg.PICKUP],
            "deliveries": [s for s in shipments if s.leg == Leg.DELIVERY], "manifests": list(manifests)}


def manifest_view(manifest) -> dict:
    items = list(manifest.items.select_related("dossier", "shipment").order_by("pk"))
    received = manifest.state == Manifest.State.RECEIVED
    return {
        "listed": [i for i in items if i.listed],
        "missing": [i for i in items if i.listed and not i.scanned_in_at] if manifest.state != Manifest.State.OPEN
        else [],
        "extra": [i for i in items if not i.listed],
        "received": received,
    }


def postal_counts(date_from: datetime.date, date_to: datetime.date, agency_ids=None) -> dict:
    """The postal uses of the period, counted from shipments by the moment each left its sender
    (handed to the post): transfers from the centre to the agencies, dossiers picked up at home
    (postal intakes) and results delivered home; cancelled orders never left and do not count.
    A transfer back is the same dossier's return trip and is counted apart (`transfers_back`)."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    qs = Shipment.objects.filter(picked_up_at__gte=start, picked_up_at__lt=end)
    if agency_ids is not None:
        qs = qs.filter(dossier__competent_agency_id__in=list(agency_ids))
    counts = qs.order_by().aggregate(
        transfers=Count("pk", filter=Q(leg=Leg.TRANSFER_OUT)),
        transfers_back=Count("pk", filter=Q(leg=Leg.TRANSFER_BACK)),
        intakes=Count("pk", filter=Q(leg=Leg.PICKUP)),
        home_deliveries=Count("pk", filter=Q(leg=Leg.DELIVERY)),
    )
    counts["total"] = counts["transfers"] + counts["intakes"] + counts["home_deliveries"]
    return counts
