"""Counter payments: validation, scoping, part payments, and the dossier resuming when paid."""
import datetime

import pytest

from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Status
from motcua.payments import services
from motcua.payments.models import Method, Payment
from motcua.payments.selectors import daily_reconciliation, online_payment_totals

from .helpers import ipn_params


def refused(code, *args):
    with pytest.raises(services.PaymentError) as info:
        services.record_counter_payment(*args)
    assert info.value.code == code
    return info.value


@pytest.mark.parametrize("amount", [-50_000, 0, "abc", None, 10**12])
def test_bad_amounts_are_refused(waiting, world, amount):
    refused("invalid", world["counter"], waiting, amount, Method.CASH, "BL-0001")
    waiting.refresh_from_db()
    assert (waiting.fee_paid, waiting.status, Payment.objects.count()) == (0, Status.WAITING_PAYMENT, 0)


def test_other_refusals(waiting, world):
    error = refused("too_much", world["counter"], waiting, 120_001, Method.CASH, "BL-0001")
    assert "120.000" in error.messages[0]
    refused("invalid", world["counter"], waiting, 1000, "bitcoin", "BL-0001")
    refused("invalid", world["counter"], waiting, 1000, Method.ONLINE, "BL-0001")
    refused("invalid", world["counter"], waiting, 1000, Method.CASH, "  ")
    refused("forbidden", world["justice_counter"], waiting, 1000, Method.CASH, "BL-0001")
    assert Payment.objects.count() == 0


def test_part_payment_keeps_waiting_full_payment_resumes(waiting, world):
    first = services.record_counter_payment(world["counter"], waiting, 20_000, Method.CASH, "BL-0001")
    waiting.refresh_from_db()
    assert (waiting.status, waiting.fee_paid, first.status, first.recorded_by) == (
        Status.WAITING_PAYMENT, 20_000, "paid", world["counter"])
    assert waiting.events.filter(kind="record_payment").get().payload["amount"] == 20_000
    services.record_counter_payment(world["counter"], waiting, "100.000", Method.CARD, "BL-0002")
    waiting.refresh_from_db()
    assert (waiting.status, waiting.fee_paid) == (Status.PROCESSING, 120_000)
    confirm = waiting.events.get(kind="confirm_payment")
    assert (confirm.actor, confirm.payload["receipt_number"]) == (world["counter"], "BL-0002")
    refused("nothing_owed", world["counter"], waiting, 1, Method.CASH, "BL-0003")
    assert Payment.objects.count() == 2


def test_payment_at_intake_adds_to_what_is_paid(receive, world):
    dossier = receive()  # 50,000 đ charge, received at the counter, not paused
    assert (dossier.fee_due, dossier.status) == (50_000, Status.RECEIVED)
    services.record_counter_payment(world["counter"], dossier, 50_000, Method.TRANSFER, "BL-0101")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.fee_paid, dossier.version) == (Status.RECEIVED, 50_000, 2)
    refused("nothing_owed", world["counter"], dossier, 50_000, Method.CASH, "BL-0102")


def test_dossier_that_owes_nothing(world):
    # the birth registration has no fee; received at the justice counter
    birth_doc = world["birth"].documents.get()
    dossier = dossier_services.receive_at_counter(
        world["justice_counter"], procedure_version=world["birth"],
        applicant={"kind": "person", "name": "Lê Văn Thử", "id_number": "038095001234",
                   "birth_date": datetime.date(1995, 1, 1)},
        documents=[{"required_document": birth_doc.pk, "originals": 1}],
    )
    assert dossier.fee_due == 0
    refused("nothing_owed", world["justice_counter"], dossier, 10_000, Method.CASH, "BL-0201")


def test_totals_and_reconciliation(waiting, world, receive):
    payment, _url = services.start_online_payment(waiting, return_url="http://x/")
    services.handle_ipn("vnpay_simulator", ipn_params(payment))
    other = receive()
    services.record_counter_payment(world["counter"], other, 30_000, Method.CASH, "BL-0301")
    payment.refresh_from_db()
    today = payment.paid_at.astimezone(datetime.timezone(datetime.timedelta(hours=7))).date()
    assert online_payment_totals(today, today) == {"count": 1, "amount": 120_000}
    assert online_payment_totals(today, today, [world["land"].pk]) == {"count": 1, "amount": 120_000}
    assert online_payment_totals(today, today, [world["justice"].pk]) == {"count": 0, "amount": 0}
    assert online_payment_totals(today - datetime.timedelta(days=2), today - datetime.timedelta(days=1)) == {
        "count": 0, "amount": 0}
    data = daily_reconciliation(today, [world["land"].pk])
    assert (data["count"], data["amount"]) == (2, 150_000)
    assert [(r["key"], r["count"], r["amount"]) for r in data["by_channel"]] == [
        ("cash", 1, 30_000), ("vnpay_simulator", 1, 120_000)]
    assert [(r["agency"].code, r["amount"]) for r in data["by_agency"]] == [("000.00.20.H99", 150_000)]
    assert daily_reconciliation(today, [world["land"].pk], "cash")["amount"] == 30_000


def test_online_totals_api(client, waiting, world):
    payment, _url = services.start_online_payment(waiting, return_url="http://x/")
    services.handle_ipn("vnpay_simulator", ipn_params(payment))
    payment.refresh_from_db()
    day = payment.paid_at.astimezone(datetime.timezone(datetime.timedelta(hours=7))).date().isoformat()
    url = f"/api/v1/payments/online-totals/?from={day}&to={day}"
    assert client.get(url).status_code in (401, 403)
    client.force_login(world["counter"])  # a counter officer does not see reports
    assert client.get(url).status_code == 403
    client.force_login(world["leader"])
    assert client.get(url).json() == {"count": 1, "amount": 120_000}
    assert client.get("/api/v1/payments/online-totals/?from=2026-13-01&to=x").status_code == 400
    client.force_login(world["justice_leader"])
    assert client.get(url).json() == {"count": 0, "amount": 0}
