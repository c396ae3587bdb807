"""Reconciliation of lost notifications, with the simulator answering in-process: the citizen
pays on the simulator, the IPN is lost, the dossier waits in status 6 until `reconcile_pending`
asks the simulator; a late IPN then changes nothing, and the other way round."""
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.exceptions import ValidationError

from motcua.calendar.services import legal_calendar
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Status
from motcua.payments import services
from motcua.testing.world import at
from motcua.payments.gateways.base import GatewayResult
from motcua.payments.gateways.simulator import VNPaySimulatorGateway
from motcua.payments.gateways.simulator import views as simulator_views
from motcua.payments.gateways.vnpay import QUERYDR_REQUEST_HASH_FIELDS, QUERYDR_RESPONSE_HASH_FIELDS, pipe_verify
from motcua.payments.links import token_for
from motcua.payments.models import GatewayCallback, Payment, PaymentStatus, SimulatedTransaction
from motcua.payments.tasks import reconcile_pending as reconcile_task

from .conftest import SECRET

NINE = at(2026, 3, 3, 9, 0)  # Tuesday, a working morning


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NINE, tick=False)
    return time_machine


def later(clock, minutes):
    clock.move_to(NINE + datetime.timedelta(minutes=minutes), tick=False)


def make_waiting(receive, world):
    dossier = receive()
    dossier_services.start_processing(world["specialist"], dossier)
    return dossier_services.request_payment(world["specialist"], dossier, amount=120000)


@pytest.fixture
def waiting(clock, receive, world):
    """Waiting for 120,000 đồng since Tuesday 09:00 (the clock is frozen there)."""
    return make_waiting(receive, world)


def open_order(client, dossier) -> dict:
    """The citizen follows the pay link to the simulator: the signed order it shows."""
    order_url = client.post(f"/thanh-toan/ho-so/{dossier.code}/", {"t": token_for(dossier.code)})["Location"]
    return client.get(order_url).context["params"]


def choose(client, order: dict, choice: str, *, lose: bool = False):
    data = {**order, "choice": choice}
    if lose:
        data["lose_ipn"] = "1"
    return client.post("/thanh-toan/gia-lap/", data)


def query_log():
    return list(GatewayCallback.objects.filter(kind="query").order_by("pk"))


def test_paid_but_ipn_lost_is_confirmed_by_reconciliation_then_a_late_ipn_changes_nothing(
        client, clock, waiting, receive, world):
    order = open_order(client, waiting)
    later(clock, 5)
    back = choose(client, order, "pay", lose=True)
    assert back.status_code == 302  # the browser still comes back
    payment = Payment.objects.get(order_ref=order["vnp_TxnRef"])
    waiting.refresh_from_db()
    assert (payment.status, waiting.status, waiting.fee_paid) == ("pending", Status.WAITING_PAYMENT, 0)
    assert not GatewayCallback.objects.filter(kind="ipn").exists()
    assert SimulatedTransaction.objects.get().notification_sent is False
    old_due = waiting.due_at

    later(clock, 10)  # too young for the default 15 minutes: not asked yet
    assert services.reconcile_pending() == {"paid": 0, "closed": 0, "pending": 0, "unchanged": 0, "unsupported": 0}
    assert query_log() == []

    later(clock, 25)
    assert services.reconcile_pending()["paid"] == 1
    payment.refresh_from_db()
    waiting.refresh_from_db()
    assert (payment.status, waiting.status, waiting.fee_paid, waiting.paused_at) == (
        "paid", Status.PROCESSING, 120_000, None)
    # The clock restarts when the citizen paid (09:05, the gateway's vnp_PayDate), as with the IPN.
    assert payment.paid_at == NINE + datetime.timedelta(minutes=5)
    assert waiting.pauses.get().ended_at == payment.paid_at
    assert waiting.due_at == legal_calendar().shift_by_pause(old_due, NINE, payment.paid_at)
    event = waiting.events.get(kind="confirm_payment")
    assert (event.actor, event.payload["system"], event.payload["online"], event.at) == (
        None, "payment_gateway", True, payment.paid_at)
    assert payment.gateway_transaction_no == SimulatedTransaction.objects.get().result["vnp_TransactionNo"]
    [entry] = query_log()
    assert (entry.order_ref, entry.payment_id, entry.signature_valid, entry.outcome, entry.reason) == (
        payment.order_ref, payment.pk, True, "00", "paid (reconciled)")
    assert entry.sent["vnp_Command"] == "querydr" and pipe_verify(entry.sent, QUERYDR_REQUEST_HASH_FIELDS, SECRET)
    assert entry.params["vnp_TransactionStatus"] == "00"
    assert pipe_verify(entry.params, QUERYDR_RESPONSE_HASH_FIELDS, SECRET)

    # The same dossier state as a twin whose IPN came on time at 09:05.
    clock.move_to(NINE, tick=False)
    twin = make_waiting(receive, world)
    twin_order = open_order(client, twin)
    later(clock, 5)
    choose(client, twin_order, "pay")
    twin.refresh_from_db()
    assert (twin.status, twin.due_at - old_due) == (Status.PROCESSING, waiting.due_at - old_due)

    # The lost notification arrives late: already confirmed, nothing changes.
    later(clock, 40)
    answer = simulator_views.deliver_recorded_ipn(payment.order_ref)
    assert answer == {"RspCode": "02", "Message": "Order already confirmed"}
    waiting.refresh_from_db()
    assert (waiting.fee_paid, waiting.events.filter(kind="confirm_payment").count()) == (120_000, 1)
    assert Payment.objects.filter(dossier=waiting, status="paid").count() == 1
    # Reconciliation again: nothing pending any more, nothing asked.
    assert services.reconcile_pending()["paid"] == 0 and len(query_log()) == 1


def test_a_late_ipn_first_then_reconciliation_asks_nothing(client, clock, waiting):
    order = open_order(client, waiting)
    choose(client, order, "pay", lose=True)
    later(clock, 20)
    # the simulator's notification page: send it again
    page = client.post("/thanh-toan/gia-lap/", {**order, "choice": "notify"})
    assert "Đã gửi lại thông báo; đơn vị chấp nhận thanh toán trả lời 00 (Confirm Success)." in page.content.decode()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.fee_paid) == (Status.PROCESSING, 120_000)
    assert services.reconcile_pending() == {"paid": 0, "closed": 0, "pending": 0, "unchanged": 0, "unsupported": 0}
    assert query_log() == []
    assert SimulatedTransaction.objects.get().notification_sent is True


def test_the_ipn_arriving_while_the_gateway_is_asked_wins_and_reconciliation_changes_nothing(
        client, clock, waiting, monkeypatch):
    order = open_order(client, waiting)
    choose(client, order, "pay", lose=True)
    later(clock, 20)
    asked = VNPaySimulatorGateway.query_status

    def ask_while_the_ipn_lands(self, query):
        result = asked(self, query)
        simulator_views.deliver_recorded_ipn(query.order_ref)  # between the answer and our lock
        return result

    monkeypatch.setattr(VNPaySimulatorGateway, "query_status", ask_while_the_ipn_lands)
    assert services.reconcile_pending()["unchanged"] == 1
    waiting.refresh_from_db()
    assert (waiting.status, waiting.fee_paid, waiting.events.filter(kind="confirm_payment").count()) == (
        Status.PROCESSING, 120_000, 1)
    payment = Payment.objects.get()
    assert payment.paid_at == NINE + datetime.timedelta(minutes=20)  # the IPN's moment: it came first
    [entry] = query_log()
    assert (entry.outcome, entry.reason) == ("00", "order already paid; nothing changed")
    assert list(GatewayCallback.objects.filter(kind="ipn").values_list("outcome", flat=True)) == ["00"]


@pytest.mark.parametrize("choice", ["cancel", "fail"])
def test_a_cancelled_or_failed_order_whose_ipn_was_lost_is_closed(client, clock, waiting, choice):
    order = open_order(client, waiting)
    choose(client, order, choice, lose=True)
    later(clock, 20)
    assert services.reconcile_pending()["closed"] == 1
    payment = Payment.objects.get()
    waiting.refresh_from_db()
    # querydr says "02" for both: recorded as failed (it cannot tell a cancellation apart)
    assert (payment.status, payment.gateway_response_code, payment.paid_at) == ("failed", "02", None)
    assert (waiting.status, waiting.fee_paid) == (Status.WAITING_PAYMENT, 0)
    assert query_log()[0].reason == "not paid (code 02) (reconciled)"
    # the late IPN is a replay; the citizen can start a new order
    assert simulator_views.deliver_recorded_ipn(payment.order_ref)["RspCode"] == "02"
    assert open_order(client, waiting)["vnp_TxnRef"] != payment.order_ref


def test_an_order_never_paid_stays_pending_until_it_expires(client, clock, waiting):
    order = open_order(client, waiting)  # the citizen looks at the gateway's page and leaves
    later(clock, 20)
    assert services.reconcile_pending()["pending"] == 1
    payment = Payment.objects.get()
    assert payment.status == "pending"
    assert query_log()[0].reason == "left pending: no completed transaction at the gateway yet (code 91)"
    # after vnp_ExpireDate the simulator takes no payment for it any more
    later(clock, 16)
    refused = choose(client, order, "pay")
    assert refused.status_code == 400 and "đã hết hạn" in refused.content.decode()
    assert not SimulatedTransaction.objects.exists()
    # 15 minutes of expiry plus 15 of grace: closed
    later(clock, 31)
    assert services.reconcile_pending()["closed"] == 1
    payment.refresh_from_db()
    assert (payment.status, payment.gateway_response_code) == ("failed", "91")
    assert query_log()[-1].reason == "expired: no completed transaction at the gateway (code 91)"
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING_PAYMENT


def test_an_unreachable_gateway_leaves_the_order_pending_and_logged(client, clock, waiting, settings):
    settings.PAYMENT_SIMULATOR_IPN_MODE = "http"
    settings.PAYMENT_SIMULATOR_URL = "http://127.0.0.1:9/thanh-toan/gia-lap/"  # the discard port: nobody there
    settings.PAYMENT_QUERY_TIMEOUT_SECONDS = 2
    later(clock, 0)
    services.start_online_payment(waiting, return_url="http://testserver/thanh-toan/ket-qua/vnpay_simulator/")
    later(clock, 60)  # even long after its expiry: without an answer nothing is closed
    assert services.reconcile_pending()["pending"] == 1
    assert Payment.objects.get().status == "pending"
    [entry] = query_log()
    assert (entry.signature_valid, entry.outcome, entry.params) == (False, "error", {})
    assert entry.reason.startswith("left pending: gateway unreachable at http://127.0.0.1:9/thanh-toan/gia-lap/"
                                   "merchant_webapi/api/transaction")
    assert entry.sent["vnp_TxnRef"] == Payment.objects.get().order_ref


def test_an_answer_that_is_not_trusted_changes_nothing(client, clock, waiting, monkeypatch):
    order = open_order(client, waiting)
    choose(client, order, "pay", lose=True)
    later(clock, 20)
    forged = GatewayResult(signature_valid=False, order_ref=order["vnp_TxnRef"], success=True, amount=120_000,
                           error="wrong signature on the gateway's answer", received={"vnp_ResponseCode": "00"})
    monkeypatch.setattr(VNPaySimulatorGateway, "query_status", lambda self, query: forged)
    assert services.reconcile_pending()["pending"] == 1
    waiting.refresh_from_db()
    assert (Payment.objects.get().status, waiting.status) == ("pending", Status.WAITING_PAYMENT)
    assert query_log()[0].reason == "left pending: wrong signature on the gateway's answer"
    # a paid answer for another amount is not a payment either
    other = GatewayResult(signature_valid=True, order_ref=order["vnp_TxnRef"], success=True, amount=12_000,
                          response_code="00")
    monkeypatch.setattr(VNPaySimulatorGateway, "query_status", lambda self, query: other)
    assert services.reconcile_pending()["pending"] == 1
    assert Payment.objects.get().status == "pending"
    assert query_log()[1].reason == "left pending: the gateway reports 12000 đồng, the order is 120000"


def test_a_payment_for_a_closed_dossier_is_recorded_paid_and_left_for_a_refund(client, clock, waiting, world):
    """Paid, IPN lost, then the dossier was withdrawn: the engine takes no payment for a closed
    dossier, so the money is recorded on the payment only (paid, refund due), not on the dossier;
    it is not left pending for ever."""
    order = open_order(client, waiting)
    choose(client, order, "pay", lose=True)
    dossier_services.withdraw(world["counter"], waiting, reason="Người nộp rút hồ sơ")
    later(clock, 20)
    assert services.reconcile_pending()["paid"] == 1
    waiting.refresh_from_db()
    payment = Payment.objects.get()
    assert (payment.status, waiting.status, waiting.fee_paid) == ("paid", Status.WITHDRAWN, 0)
    [entry] = query_log()
    assert (entry.outcome, entry.payment_id, entry.signature_valid) == ("00", payment.pk, True)
    assert entry.reason == f"paid; dossier closed (status {Status.WITHDRAWN}), not applied to it (refund due) (reconciled)"
    assert services.refundable(payment) == 120_000
    assert services.reconcile_pending() == {"paid": 0, "closed": 0, "pending": 0, "unchanged": 0, "unsupported": 0}


def test_a_gateway_without_status_query_is_skipped(client, clock, waiting, monkeypatch):
    services.start_online_payment(waiting, return_url="http://testserver/r/")
    later(clock, 20)

    def not_offered(self, query):
        raise NotImplementedError

    monkeypatch.setattr(VNPaySimulatorGateway, "query_status", not_offered)
    assert services.reconcile_pending()["unsupported"] == 1
    assert query_log() == [] and Payment.objects.get().status == "pending"


def test_counter_payments_and_settled_orders_are_not_asked(client, clock, waiting, world):
    order = open_order(client, waiting)
    choose(client, order, "cancel")  # the IPN came: cancelled
    services.record_counter_payment(world["counter"], waiting, 120_000, "cash", "BL-1")
    later(clock, 20)
    assert services.reconcile_pending() == {"paid": 0, "closed": 0, "pending": 0, "unchanged": 0, "unsupported": 0}
    assert query_log() == []


def test_the_query_log_is_append_only(client, clock, waiting):
    open_order(client, waiting)
    later(clock, 20)
    services.reconcile_pending()
    [entry] = query_log()
    entry.reason = "changed"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()


def test_command_and_task(client, clock, waiting):
    order = open_order(client, waiting)
    choose(client, order, "pay", lose=True)
    out = io.StringIO()
    call_command("reconcile_payments", stdout=out)  # 0 minutes old: not yet
    assert out.getvalue().strip() == ("paid: 0, closed: 0, left pending: 0, already settled: 0, "
                                      "gateway without status query: 0")
    call_command("reconcile_payments", "--older-than", "0", stdout=out)
    assert "paid: 1," in out.getvalue()
    with pytest.raises(CommandError):
        call_command("reconcile_payments", "--older-than", "-1")
    assert reconcile_task.delay(older_than_minutes=0).get() == {
        "paid": 0, "closed": 0, "pending": 0, "unchanged": 0, "unsupported": 0}


# --- the simulator's query API -------------------------------------------------------------------


def test_simulator_query_api_answers_signed_json(client, clock, waiting, settings):
    order = open_order(client, waiting)
    choose(client, order, "pay", lose=True)
    gateway = VNPaySimulatorGateway()
    payment = Payment.objects.get()
    from motcua.payments.gateways.base import OrderQuery

    sent = gateway.query_params(OrderQuery(payment.order_ref, payment.amount, payment.created_at))
    url = "/thanh-toan/gia-lap/merchant_webapi/api/transaction"

    def ask(body, **extra):
        response = client.post(url, json.dumps(body), content_type="application/json", **extra)
        answer = response.json()
        assert pipe_verify(answer, QUERYDR_RESPONSE_HASH_FIELDS, SECRET)  # every answer is signed
        return response.status_code, answer

    status, answer = ask(sent)
    assert (status, answer["vnp_ResponseCode"], answer["vnp_TransactionStatus"], answer["vnp_Amount"]) == (
        200, "00", "00", "12000000")
    assert answer["vnp_TxnRef"] == payment.order_ref and answer["vnp_PayDate"] == "20260303090000"
    assert ask({**sent, "vnp_TxnRef": "TTOTHER"})[1]["vnp_ResponseCode"] == "97"  # changed after signing
    assert ask({**sent, "vnp_TmnCode": "OTHER"})[1]["vnp_ResponseCode"] == "02"
    assert ask({k: v for k, v in sent.items() if k != "vnp_IpAddr"})[1]["vnp_ResponseCode"] == "03"
    wrong_day = gateway.query_params(OrderQuery(payment.order_ref, payment.amount,
                                                payment.created_at - datetime.timedelta(days=1)))
    assert ask(wrong_day)[1]["vnp_ResponseCode"] == "91"  # found by reference and order date
    bad = client.post(url, "not json", content_type="application/json")
    assert bad.status_code == 400 and bad.json()["vnp_ResponseCode"] == "03"
    assert client.post(url, "[1]", content_type="application/json").status_code == 400
    assert client.get(url).status_code == 405
    settings.PAYMENT_GATEWAY = "vnpay"
    assert client.post(url, json.dumps(sent), content_type="application/json").status_code == 404


def test_simulator_records_the_first_choice_only(client, clock, waiting):
    order = open_order(client, waiting)
    first = choose(client, order, "pay", lose=True)
    again = choose(client, order, "cancel")  # a second click cannot undo a payment
    assert first["Location"] == again["Location"]
    record = SimulatedTransaction.objects.get()
    assert record.choice == "pay" and record.result["vnp_ResponseCode"] == "00"
    waiting.refresh_from_db()
    assert waiting.status == Status.PROCESSING  # the second click delivered the recorded payment
    page = client.get("/thanh-toan/gia-lap/", order)
    assert "Giao dịch này đã được thanh toán tại cổng." in page.content.decode()
