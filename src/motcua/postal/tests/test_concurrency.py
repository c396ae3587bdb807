"""Concurrency on PostgreSQL: parallel delivery orders take distinct waybill numbers, and two
officers ordering the same dossier's delivery at once make one shipment. SQLite serialises
writers, so these thread tests are skipped there."""
import pytest
from django.db import connection

from motcua.core.testing import run_in_threads
from motcua.postal import services
from motcua.postal.errors import PostalError
from motcua.postal.models import Leg, Shipment, Waybill

from .conftest import ADDRESS, resolved

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs real row locks and parallel writers (PostgreSQL)"),
]


def test_parallel_orders_take_distinct_waybills(world, postal, settings):
    settings.POSTAL_SIMULATOR_MODE = "unavailable"  # keep the partner out of the race
    dossiers = [resolved(world) for _ in range(6)]
    for dossier in dossiers:
        services.choose_delivery(world["justice_counter"], dossier, unit=postal["ward"].pk, **ADDRESS)

    def order(i):
        return services.create_shipment(world["justice_counter"], dossiers[i], Leg.DELIVERY).waybill

    results, errors = run_in_threads(6, order)
    assert errors == [None] * 6
    assert len(set(results)) == 6
    assert Waybill.objects.filter(shipment__isnull=False).count() == 6


def test_one_delivery_order_when_two_officers_order_at_once(world, postal, settings):
    settings.POSTAL_SIMULATOR_MODE = "unavailable"
    dossier = resolved(world)
    services.choose_delivery(world["justice_counter"], dossier, unit=postal["ward"].pk, **ADDRESS)

    def order(i):
        return services.create_shipment(world["justice_counter"], dossier, Leg.DELIVERY)

    results, errors = run_in_threads(2, order)
    assert len([r for r in results if r is not None]) == 1
    refusal = next(e for e in errors if e is not None)
    assert isinstance(refusal, PostalError) and refusal.code == "not_allowed"
    assert Shipment.objects.filter(dossier=dossier).count() == 1
