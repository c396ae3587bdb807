"""The demo's postal service: a pool of waybill numbers, and shipments of the demo dossiers in every
status (a pick-up on its way, deliveries created / picked up / in transit / delivered / failed once /
returned after three failed attempts / cancelled / pending: the post was down when it was made) and a
manifest of transfers to the Department of
Justice, handed over with one dossier not yet received. Idempotent: nothing is added twice."""
import datetime

from django.test import override_settings
from django.utils import timezone

from motcua.dossiers.models import Dossier, Status
from motcua.organization.models import ServicePoint
from motcua.postal import conf, services
from motcua.postal.models import Leg, Manifest, PostalChoice, Shipment, Waybill, WaybillPool

STREETS = ["Số 12 đường Bến Cảng", "Số 8 ngõ 3 đường Chè Xanh", "Số 41 đường Suối Bạc", "Thôn Đồi Thông",
           "Số 7 đường Lê Lợi", "Số 90 đường Trần Phú", "Tổ 4 khu phố Bến Đò", "Số 3 đường Quang Trung"]


def load_demo_postal() -> dict:
    if Shipment.objects.exists():
        return {}
    partner = conf.partner_name()
    pool, _created = WaybillPool.objects.get_or_create(name="Lô số vận đơn 2026-01", partner=partner)
    Waybill.objects.bulk_create([Waybill(pool=pool, code=f"EL{880000000 + n:09d}VN") for n in range(1, 201)],
                                ignore_conflicts=True)
    units = list(services.delivery_units())
    dossiers = list(Dossier.objects.filter(status__in=(Status.RESOLVED, Status.RETURNED)).order_by("pk")[:9])
    open_ones = list(Dossier.objects.filter(status__in=(Status.RECEIVED, Status.PROCESSING)).order_by("pk")[:6])
    if not units or not dossiers:
        return {}
    now = timezone.now()
    plans = ["created", "picked_up", "in_transit", "delivered", "failed_attempt", "returned", "cancelled",
             "delivered", "pending"]
    made = 0
    for index, (dossier, plan) in enumerate(zip(dossiers, plans)):
        address = {"unit": units[index % len(units)].pk, "street": STREETS[index % len(STREETS)],
                   "receiver_name": dossier.applicant_name, "receiver_phone": dossier.applicant_phone or "0912000111"}
        PostalChoice.objects.update_or_create(
            dossier=dossier, leg=Leg.DELIVERY,
            defaults={**{k: v for k, v in address.items() if k != "unit"}, "unit_id": address["unit"],
                      "via": PostalChoice.Via.COUNTER, "chosen_at": now})
        start = now - datetime.timedelta(hours=60 - index)
        # "pending": the post was down when the order was made; the 15-minute poll sends it again.
        with override_settings(POSTAL_SIMULATOR_MODE="unavailable" if plan == "pending" else "normal"):
            shipment = Shipment.objects.filter(dossier=dossier, leg=Leg.DELIVERY).first() or \
                services.create_shipment(services.SYSTEM, dossier, Leg.DELIVERY, at=start)
        made += 1
        steps = {"picked_up": ["picked_up"], "in_transit": ["picked_up", "in_transit"],
                 "delivered": ["picked_up", "in_transit", "delivered"],
                 "failed_attempt": ["picked_up", "in_transit", "failed_attempt"],
                 "returned": ["picked_up", "in_transit", "failed_attempt", "failed_attempt", "failed_attempt"]}
        if plan == "cancelled":
            services.cancel_shipment(services.SYSTEM, shipment, reason="Công dân đến nhận trực tiếp", at=start)
            continue
        for hours, status in enumerate(steps.get(plan, []), start=1):
            services.apply_status(shipment, status, at=start + datetime.timedelta(hours=6 * hours),
                                  source="partner", receiver=dossier.applicant_name if status == "delivered" else "",
                                  reason="Không có người ở nhà" if status == "failed_attempt" else "")
    for index, dossier in enumerate(open_ones[:2]):
        services.choose_pickup(services.SYSTEM, dossier, unit=units[index % len(units)].pk,
                               street=STREETS[-1 - index], receiver_name=dossier.applicant_name,
                               receiver_phone=dossier.applicant_phone or "0912000222")
        made += 1
    centre = ServicePoint.objects.filter(kind=ServicePoint.Kind.PROVINCIAL_CENTRE).first()
    transfers = [d for d in open_ones[2:] if d.service_point_id]
    if centre and transfers:
        agency = transfers[0].competent_agency
        same = [d for d in transfers if d.competent_agency_id == agency.pk]
        manifest = services.open_manifest(services.SYSTEM, service_point=centre, agency=agency,
                                          at=now - datetime.timedelta(hours=3))
        for dossier in same:
            services.scan_out(services.SYSTEM, manifest, dossier.code, at=now - datetime.timedelta(hours=3))
        services.hand_over_manifest(services.SYSTEM, manifest, at=now - datetime.timedelta(hours=2))
        if len(same) > 1:
            services.scan_in(services.SYSTEM, manifest, same[0].code, at=now - datetime.timedelta(hours=1))
        made += len(same)
    return {"shipments": made, "manifests": Manifest.objects.count()}
