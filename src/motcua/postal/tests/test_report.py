"""The seed 002 figure from generated shipments: 6,325 transfers, 1,862 postal intakes and 21,019
home deliveries in a half-year make 29,206 postal uses in the periodic report's figures."""
import datetime

from motcua.postal.models import Leg, PartnerState, Shipment, ShipmentStatus
from motcua.postal.selectors import postal_counts
from motcua.reports.figures import period_figures
from motcua.testing.world import at

from .conftest import birth_dossier

FIGURES = {Leg.TRANSFER_OUT: 6325, Leg.PICKUP: 1862, Leg.DELIVERY: 21019}


def _rows(dossier, leg, count, start, prefix, **extra):
    # Spread over the 181 days of January-June 2026, in working hours.
    return [Shipment(dossier=dossier, leg=leg, order_number=f"{prefix}-{leg}-{i}", waybill="",
                     partner_state=PartnerState.LOCAL, status=ShipmentStatus.DELIVERED, created_at=start,
                     picked_up_at=start + datetime.timedelta(days=i % 181, hours=i % 9), **extra)
            for i in range(count)]


def test_a_generated_half_year_gives_the_seed_figure(world, postal):
    dossier = birth_dossier(world, when=at(2025, 12, 30))
    start = at(2026, 1, 1, 7)
    rows = []
    for leg, count in FIGURES.items():
        rows += _rows(dossier, leg, count, start, "A")
    # Not counted: the return trips, cancelled orders that never left, the next half-year.
    rows += _rows(dossier, Leg.TRANSFER_BACK, 40, start, "B")
    rows += [Shipment(dossier=dossier, leg=Leg.DELIVERY, order_number=f"C-{i}", status=ShipmentStatus.CANCELLED,
                      created_at=start) for i in range(25)]
    rows += _rows(dossier, Leg.DELIVERY, 30, at(2026, 7, 1, 7), "D")
    Shipment.objects.bulk_create(rows, batch_size=2000)

    counts = postal_counts(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
    assert counts == {"transfers": 6325, "transfers_back": 40, "intakes": 1862, "home_deliveries": 21019,
                      "total": 29206}
    postal = period_figures(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))["postal"]
    assert postal == {"transfers": 6325, "intakes": 1862, "home_deliveries": 21019, "total": 29206}
    # Scoped to another agency: none of them.
    assert postal_counts(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30),
                         [world["land"].pk])["total"] == 0
