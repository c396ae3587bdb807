"""The legacy import carries the postal legs of historical dossiers, so a past half-year's postal
figures rebuild from shipments (before, imported dossiers gave 0 transfers)."""
import datetime

from motcua.postal.models import Leg, Shipment
from motcua.postal.selectors import postal_counts
from motcua.reports.figures import period_figures
from motcua.reports.legacy_import import import_rows


def _row(code, **extra):
    return {"code": code, "procedure_code": "1.004227.000.00.00.H99", "agency_code": "000.00.20.H99",
            "service_point_code": "trung-tam", "channel": "3", "received_at": "2022-03-01 08:00",
            "due_at": "2022-03-15 17:00", "finished_at": "2022-03-10 10:00", "returned_at": "2022-03-11 09:00",
            "status": "10", "return_channel": "post", **extra}


def test_postal_legs_are_imported_and_counted(world):
    rows = [_row("H-1", postal_pickup_at="2022-02-28 15:00", postal_transfer_out_at="2022-03-01 14:00",
                 postal_transfer_back_at="2022-03-10 15:00", postal_delivery_at="2022-03-11 09:00"),
            _row("H-2", postal_transfer_out_at="02/03/2022 10:00"),
            _row("H-3", channel="1", return_channel="counter")]
    result = import_rows(rows)
    assert result.ok and result.imported == 3, result.errors
    legs = sorted(Shipment.objects.filter(dossier__code="H-1").values_list("leg", flat=True))
    assert legs == sorted([Leg.PICKUP, Leg.TRANSFER_OUT, Leg.TRANSFER_BACK, Leg.DELIVERY])
    h1 = Shipment.objects.get(dossier__code="H-1", leg=Leg.DELIVERY)
    assert h1.order_number == "H-1-TRA" and h1.status == "delivered" and h1.partner_state == "local"
    counts = postal_counts(datetime.date(2022, 1, 1), datetime.date(2022, 6, 30))
    assert counts == {"transfers": 2, "transfers_back": 1, "intakes": 1, "home_deliveries": 1, "total": 4}
    figures = period_figures(datetime.date(2022, 1, 1), datetime.date(2022, 6, 30))["postal"]
    assert figures == {"transfers": 2, "intakes": 1, "home_deliveries": 1, "total": 4}


def test_a_wrong_postal_leg_refuses_the_file(world):
    result = import_rows([_row("H-9", postal_delivery_at="2022-03-05 09:00")])  # before the result
    assert not result.ok and result.imported == 0
    assert "postal_delivery_at" in result.errors[0].reason if hasattr(result.errors[0], "reason") else \
        "postal_delivery_at" in str(result.errors[0])
    assert not Shipment.objects.exists()
