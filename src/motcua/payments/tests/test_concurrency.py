"""Parallel IPNs for one order, an IPN racing reconciliation, and parallel counter payments on
PostgreSQL: the money is recorded once. SQLite serialises writers, so these thread tests are
skipped there."""
import threading

import pytest
from django.db import connection, connections

from motcua.dossiers.models import Dossier, Status
from motcua.payments import services
from django.utils import timezone

from motcua.payments.models import Payment, SimulatedTransaction
from motcua.core.testing import run_in_threads

from .helpers import ipn_params

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks (PostgreSQL)"),
]



def test_parallel_ipns_record_one_payment(waiting):
    payment, _url = services.start_online_payment(waiting, return_url="http://x/")
    params = ipn_params(payment)
    results, errors = run_in_threads(4, lambda i: services.handle_ipn("vnpay_simulator", params))
    assert errors == [None] * 4
    assert sorted(r["RspCode"] for r in results) == ["00", "02", "02", "02"]
    dossier = Dossier.objects.get(pk=waiting.pk)
    assert (dossier.status, dossier.fee_paid) == (Status.PROCESSING, 120_000)
    assert dossier.events.filter(kind="confirm_payment").count() == 1


def test_a_late_ipn_and_reconciliation_at_once_record_one_payment(waiting):
    payment, _url = services.start_online_payment(waiting, return_url="http://x/")
    params = ipn_params(payment)
    # the citizen paid at the simulator and its notification was lost
    SimulatedTransaction.objects.create(
        tmn_code="MOTCUASIM", order_ref=payment.order_ref, choice="pay", notification_sent=False, result=params,
        order={"vnp_CreateDate": timezone.localtime(payment.created_at).strftime("%Y%m%d%H%M%S")},
    )
    results, errors = run_in_threads(2, lambda i: services.handle_ipn("vnpay_simulator", params)["RspCode"]
                                     if i == 0 else services.reconcile_payment(payment.pk))
    assert errors == [None, None]
    assert results in (["00", "unchanged"], ["02", "paid"])
    dossier = Dossier.objects.get(pk=waiting.pk)
    assert (dossier.status, dossier.fee_paid) == (Status.PROCESSING, 120_000)
    assert dossier.events.filter(kind="confirm_payment").count() == 1


def test_two_counters_paying_the_whole_fee_at_once(waiting, world):
    results, errors = run_in_threads(2, lambda i: services.record_counter_payment(
        world["counter"], waiting.pk, 120_000, "cash", f"BL-{i}"))
    assert sorted(type(e).__name__ for e in errors if e) == ["PaymentError"]
    assert [e.code for e in errors if e] == ["nothing_owed"]
    assert Payment.objects.count() == 1
    assert Dossier.objects.get(pk=waiting.pk).fee_paid == 120_000
