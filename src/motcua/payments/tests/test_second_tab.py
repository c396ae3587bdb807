"""Double charge with two payment tabs (issue 17, point 6).

A second order cancels the first on our side only: the gateway may still take the first. A
payment the gateway confirms (IPN or status query) for such a replaced order becomes paid and
"refund due", is listed in the reconciliation (page and Excel), and is refunded through the
counter page's refund form; the dossier takes the fee once.
"""
import datetime
import io

import pytest
from openpyxl import load_workbook

from motcua.dossiers.models import Status
from motcua.payments import services
from motcua.payments.models import GatewayCallback, Payment, PaymentStatus, Refund
from motcua.payments.selectors import daily_reconciliation, refunds_due

from .test_reconcile import NINE, choose, clock, later, open_order, waiting  # noqa: F401  (fixtures)


def payment_of(order) -> Payment:
    return Payment.objects.get(order_ref=order["vnp_TxnRef"])


def test_the_first_tab_paid_after_the_second_was_opened_is_paid_refund_due_and_refunded(
        client, clock, waiting, world):
    first_order = open_order(client, waiting)
    second_order = open_order(client, waiting)  # the second tab replaces the first on our side
    first = payment_of(first_order)
    assert (first.status, services.superseded(first)) == (PaymentStatus.CANCELLED, True)

    later(clock, 2)
    back = choose(client, first_order, "pay")  # ... but the gateway takes the first one
    assert back.status_code == 302
    first.refresh_from_db()
    assert (first.status, first.refund_due, first.paid_at is not None) == (PaymentStatus.PAID, True, True)
    entry = GatewayCallback.objects.filter(kind="ipn", payment=first).get()
    assert (entry.outcome, entry.reason) == (
        "00", "paid; order replaced by a newer one, not applied to the dossier (refund due)")
    waiting.refresh_from_db()
    assert (waiting.status, waiting.fee_paid) == (Status.WAITING_PAYMENT, 0)  # not applied to the dossier

    # the citizen sees it on the return page
    shown = client.get(back["Location"])
    assert 'id="refund-due"' in shown.content.decode()

    choose(client, second_order, "pay")  # the order in force pays the dossier, once
    waiting.refresh_from_db()
    assert (waiting.status, waiting.fee_due, waiting.fee_paid) == (Status.PROCESSING, 120_000, 120_000)
    assert services.owed(waiting) == 0

    # the reconciliation lists it as refund due, on the page and in the workbook
    day = NINE.date()
    data = daily_reconciliation(day, [world["land"].pk])
    assert [(p.order_ref, p.refund_due) for p in data["payments"]] == [
        (first.order_ref, True), (second_order["vnp_TxnRef"], False)]
    assert [(p.pk, p.left) for p in data["refunds_due"]] == [(first.pk, 120_000)]
    client.force_login(world["leader"])
    page = client.get(f"/thanh-toan/doi-soat/?day={day.isoformat()}").content.decode()
    due_table = page.split('id="refunds-due"')[1].split("</table>")[0]
    assert first.order_ref in due_table and "120.000 đ" in due_table
    assert second_order["vnp_TxnRef"] not in due_table
    assert "Phải hoàn tiền" in page
    wb = load_workbook(io.BytesIO(client.get(f"/thanh-toan/doi-soat/?day={day.isoformat()}&format=xlsx").content))
    payments_sheet, due_sheet = wb.worksheets[0], wb.worksheets[3]
    assert [payments_sheet.cell(r, 10).value for r in (2, 3)] == ["Phải hoàn tiền", None]
    assert [c.value for c in due_sheet[2]][1:7] == [first.order_ref, waiting.code, world["land"].name,
                                                   "Cổng thanh toán giả lập", 120_000, 120_000]

    # the counter page flags it and its refund form gives it back
    client.force_login(world["counter"])
    counter = client.get(f"/thanh-toan/quay/{waiting.code}/").content.decode()
    assert f'id="refund-{first.pk}"' in counter and "Phải hoàn tiền" in counter
    done = client.post(f"/thanh-toan/quay/{waiting.code}/hoan-tien/{first.pk}/",
                       {"reason": "Thanh toán trùng ở hai thẻ trình duyệt"}, follow=True)
    assert "Cổng thanh toán đã chấp nhận hoàn 120.000 đồng" in done.content.decode()
    assert Refund.objects.get(payment=first).status == "succeeded"
    assert refunds_due([world["land"].pk]) == []
    waiting.refresh_from_db()
    assert waiting.fee_paid == 120_000  # never paid twice


def test_a_replaced_order_paid_with_its_notification_lost_is_found_by_reconciliation(client, clock, waiting):
    first_order = open_order(client, waiting)
    open_order(client, waiting)
    later(clock, 3)
    choose(client, first_order, "pay", lose=True)  # paid at the gateway; we heard nothing
    first = payment_of(first_order)
    assert first.status == PaymentStatus.CANCELLED
    later(clock, 20)
    counts = services.reconcile_pending()
    first.refresh_from_db()
    assert (first.status, first.refund_due) == (PaymentStatus.PAID, True)
    assert counts["paid"] == 1
    waiting.refresh_from_db()
    assert (waiting.status, waiting.fee_paid) == (Status.WAITING_PAYMENT, 0)
    # asked once: a later run does not ask about it again
    asked = GatewayCallback.objects.filter(kind="query", payment=first).count()
    services.reconcile_pending()
    assert GatewayCallback.objects.filter(kind="query", payment=first).count() == asked


def test_a_replaced_order_never_paid_is_asked_about_until_it_expires_then_left_alone(client, clock, waiting):
    first_order = open_order(client, waiting)
    open_order(client, waiting)
    first = payment_of(first_order)
    later(clock, 20)
    services.reconcile_pending()  # the gateway knows no transaction yet: asked again later
    first.refresh_from_db()
    assert (first.status, first.gateway_response_code) == (PaymentStatus.CANCELLED, "")
    later(clock, 45)  # past its expiry and the grace
    services.reconcile_pending()
    first.refresh_from_db()
    assert first.status == PaymentStatus.CANCELLED and first.gateway_response_code != ""
    assert not first.refund_due
    asked = GatewayCallback.objects.filter(kind="query", payment=first).count()
    later(clock, 60)
    services.reconcile_pending()
    assert GatewayCallback.objects.filter(kind="query", payment=first).count() == asked


def test_a_replaced_order_the_citizen_cancelled_changes_nothing(client, clock, waiting):
    first_order = open_order(client, waiting)
    open_order(client, waiting)
    choose(client, first_order, "cancel")
    first = payment_of(first_order)
    assert (first.status, first.refund_due, first.gateway_response_code) == (PaymentStatus.CANCELLED, False, "24")
    assert GatewayCallback.objects.filter(kind="ipn", payment=first).get().outcome == "02"
    waiting.refresh_from_db()
    assert waiting.fee_paid == 0


def test_old_replaced_orders_are_not_asked_about(client, clock, waiting):
    first_order = open_order(client, waiting)
    open_order(client, waiting)
    clock.move_to(NINE + services.SUPERSEDED_LOOKBACK + datetime.timedelta(minutes=1), tick=False)
    services.reconcile_pending()
    assert not GatewayCallback.objects.filter(kind="query", payment=payment_of(first_order)).exists()


@pytest.mark.parametrize("status", [PaymentStatus.FAILED, PaymentStatus.PAID])
def test_only_our_own_cancellation_is_a_replaced_order(waiting, status):
    payment, _url = services.start_online_payment(waiting, return_url="http://x/")
    Payment.objects.filter(pk=payment.pk).update(status=status)
    payment.refresh_from_db()
    assert not services.superseded(payment)
