"""The 766 indicator "dossiers synchronised to the national portal", from what the portal acknowledged."""
import datetime
from decimal import Decimal

from motcua.dossiers import services as s
from motcua.national import services
from motcua.reports.index766 import service_index
from motcua.testing.world import at


def portal_sync(index, code):
    agency = next(a for a in index["agencies"] if a["code"] == code)
    return next(i for g in agency["groups"] for i in g["indicators"] if i["code"] == "portal_sync")


def test_rate_counts_dossiers_whose_latest_state_the_portal_acknowledged(receive, world):
    first, second, third = receive(at(2026, 3, 2, 8)), receive(at(2026, 3, 2, 9)), receive(at(2026, 3, 3, 9))
    march = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    indicator = portal_sync(service_index(*march), world["land"].code)
    assert (indicator["no_data"], indicator["rate"], indicator["points"]) == (False, 0.0, Decimal("0.00"))

    services.sync_due(codes=[first.code, second.code])
    indicator = portal_sync(service_index(*march), world["land"].code)
    assert (indicator["rate"], indicator["points"]) == (66.667, Decimal("6.67"))

    # A new event not yet acknowledged: the portal is behind for that dossier.
    s.start_processing(world["specialist"], second, at=at(2026, 3, 3, 10))
    assert portal_sync(service_index(*march), world["land"].code)["rate"] == 33.333
    services.sync_due()
    indicator = portal_sync(service_index(*march), world["land"].code)
    assert (indicator["rate"], indicator["points"]) == (100.0, Decimal("10.00"))
    # A month in which nothing was received: no data (the dossiers still pending are scored on the rest).
    may = service_index(datetime.date(2026, 5, 1), datetime.date(2026, 5, 31))
    assert portal_sync(may, world["land"].code)["no_data"] is True
    assert third.code
