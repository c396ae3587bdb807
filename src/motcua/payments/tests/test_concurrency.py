"""Parallel IPNs for one order and parallel counter payments on PostgreSQL: the money is
recorded once. SQLite serialises writers, so these thread tests are skipped there."""
import threading

import pytest
from django.db import connection, connections

from motcua.dossiers.models import Dossier, Status
from motcua.payments import services
from motcua.payments.models import Payment

from .helpers import ipn_params

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks (PostgreSQL)"),
]


def run_in_threads(n, target):
    barrier = threading.Barrier(n)
    results, errors = [None] * n, [None] * n

    def worker(i):
        try:
            barrier.wait()
            results[i] = target(i)
        except Exception as exc:  # noqa: BLE001 - asserted by the test
            errors[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


def test_parallel_ipns_record_one_payment(waiting):
    payment, _url = services.start_online_payment(waiting, return_url="http://x/")
    params = ipn_params(payment)
    results, errors = run_in_threads(4, lambda i: services.handle_ipn("vnpay_simulator", params))
    assert errors == [None] * 4
    assert sorted(r["RspCode"] for r in results) == ["00", "02", "02", "02"]
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
