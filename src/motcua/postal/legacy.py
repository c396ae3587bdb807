"""The postal legs of historical dossiers, for the legacy import (reports.legacy_import): optional
columns with the moment each leg was handed to the post, so that a past period's postal figures
(transfers, postal intakes, home deliveries) are rebuilt from shipments like today's.

    postal_pickup_at         picked up at the applicant's home
    postal_transfer_out_at   carried from the centre to the agency
    postal_transfer_back_at  carried back to the centre
    postal_delivery_at       the result handed to the post for home delivery

Imported legs are closed history: status delivered, carried locally (no partner order, no waybill).
"""
from __future__ import annotations

from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier

from .models import LEG_SUFFIX, Leg, PartnerState, Shipment, ShipmentStatus

LEG_COLUMNS = {
    "postal_pickup_at": Leg.PICKUP,
    "postal_transfer_out_at": Leg.TRANSFER_OUT,
    "postal_transfer_back_at": Leg.TRANSFER_BACK,
    "postal_delivery_at": Leg.DELIVERY,
}
CHUNK = 5000


def legs_of(values: dict, parse, received_at, finished_at) -> list[tuple[str, object]]:
    """[(leg, moment)] of one row; `parse(value, column)` reads a moment (None when empty).
    ValueError with the reason for a leg that cannot be right."""
    legs = []
    for column, leg in LEG_COLUMNS.items():
        at = parse(values.get(column, ""), column)
        if at is None:
            continue
        if leg in (Leg.TRANSFER_OUT, Leg.TRANSFER_BACK) and received_at and at < received_at:
            raise ValueError(_("%(column)s is before received_at.") % {"column": column})
        if leg == Leg.DELIVERY and (finished_at is None or at < finished_at):
            raise ValueError(_("postal_delivery_at needs a finished_at on or before it."))
        legs.append((leg, at))
    return legs


def import_legs(items: list[tuple[str, str, object]]) -> int:
    """Shipments for (dossier code, leg, moment), written in bulk; the dossiers exist already."""
    written = 0
    for start in range(0, len(items), CHUNK):
        chunk = items[start:start + CHUNK]
        ids = dict(Dossier.objects.filter(code__in={code for code, _leg, _at in chunk}).values_list("code", "pk"))
        Shipment.objects.bulk_create([
            Shipment(dossier_id=ids[code], leg=leg, order_number=f"{code}-{LEG_SUFFIX[leg]}",
                     partner_state=PartnerState.LOCAL, status=ShipmentStatus.DELIVERED, created_at=at,
                     picked_up_at=at, last_status_at=at)
            for code, leg, at in chunk if code in ids
        ], batch_size=2000)
        written += len(chunk)
    return written
