"""Refunds of paid online payments: the signed VNPay `refund` request and answer, the simulator
answering from its ledger over real HTTP, our own refusals, permission, two officers at once (on
PostgreSQL), the officer page, and the daily reconciliation with a refund."""
import datetime
import io
import json
import threading
from types import SimpleNamespace

import pytest
from django.db import connection, connections
from django.utils import timezone
from openpyxl import load_workbook

from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Status
from motcua.payments import services
from motcua.payments.gateways import get_gateway
from motcua.payments.gateways.base import Gateway
from motcua.payments.gateways.simulator import VNPaySimulatorGateway
from motcua.payments.gateways.vnpay import (
    REFUND_REQUEST_HASH_FIELDS,
    REFUND_RESPONSE_HASH_FIELDS,
    pipe_sign,
    pipe_string,
    pipe_verify,
)
from motcua.payments.links import token_for
from motcua.payments.models import GatewayCallback, Method, Payment, Refund, SimulatedTransaction
from motcua.payments.selectors import daily_reconciliation
from motcua.core.testing import run_in_threads

from .conftest import SECRET as SIM_SECRET
from .helpers import ipn_params
from .test_querydr import SECRET, TMN, FakeVNPay

# printf '%s' '0123456789abcdef0123456789abcdef|2.1.0|refund|MOTCUA01|03|TT0001|5000000|14012345|20260302080509|can.bo.quay|20260302090000|203.0.113.9|Hoan tien TT0001: Nop trung' \
#   | openssl dgst -sha512 -hmac 'SECRETKEY'
REQUEST_HASH = (
    "e05e93b71c6324c88ad255114b0ef28be4cc641b0b6043afc8861d7d1e8490cd"
    "1874d690edede18ee2c063e38b49b21344c82579306316e0bf86dbfe24395447"
)
# printf '%s' 'R0002|refund|00|Refund success|MOTCUA01|TT0001|5000000|NCB|20260302090001|15012345|03|05|Hoan tien TT0001: Nop trung' \
#   | openssl dgst -sha512 -hmac 'SECRETKEY'
ANSWER_HASH = (
    "c228dc61dd23a8fa12cf032a3776f0d986698713b95af737e959a0736a245e67"
    "2989e429c741ec964aee46b86a5004396975fe3e0499e18c102eb71c449479a2"
)
PAYMENT = SimpleNamespace(order_ref="TT0001", amount=120_000, gateway_transaction_no="14012345",
                          created_at=timezone.make_aware(datetime.datetime(2026, 3, 2, 8, 5, 9)))
OFFICER = SimpleNamespace(get_username=lambda: "can.bo.quay")


def refund_answer(**changes) -> dict:
    answer = {
        "vnp_ResponseId": "R0002", "vnp_Command": "refund", "vnp_ResponseCode": "00", "vnp_Message": "Refund success",
        "vnp_TmnCode": TMN, "vnp_TxnRef": "TT0001", "vnp_Amount": "5000000", "vnp_BankCode": "NCB",
        "vnp_PayDate": "20260302090001", "vnp_TransactionNo": "15012345", "vnp_TransactionType": "03",
        "vnp_TransactionStatus": "05", "vnp_OrderInfo": "Hoan tien TT0001: Nop trung",
    }
    answer.update(changes)
    answer["vnp_SecureHash"] = pipe_sign(answer, REFUND_RESPONSE_HASH_FIELDS, SECRET)
    return answer


@pytest.fixture
def vnpay(settings):
    fake = FakeVNPay()
    fake.answer = lambda body: refund_answer()
    settings.PAYMENT_VNPAY_HASH_SECRET = SECRET
    settings.PAYMENT_VNPAY_TMN_CODE = TMN
    settings.PAYMENT_VNPAY_API_URL = fake.url
    settings.PAYMENT_SERVER_IP = "203.0.113.9"
    settings.PAYMENT_QUERY_TIMEOUT_SECONDS = 2
    yield fake
    fake.close()


def paid_online(dossier, *, gateway="vnpay_simulator", secret=SIM_SECRET, ledger=True) -> Payment:
    """An online order paid through the IPN, and (for the simulator) the same payment in its ledger."""
    payment, _url = services.start_online_payment(dossier, return_url="http://x/", gateway_name=gateway)
    params = ipn_params(payment, secret=secret)
    assert services.handle_ipn(gateway, params)["RspCode"] == "00"
    if ledger:
        SimulatedTransaction.objects.create(
            tmn_code="MOTCUASIM", order_ref=payment.order_ref, choice="pay", result=params,
            order={"vnp_CreateDate": timezone.localtime(payment.created_at).strftime("%Y%m%d%H%M%S")},
        )
    payment.refresh_from_db()
    return payment


def refused(code, *args, **kwargs):
    with pytest.raises(services.PaymentError) as info:
        services.refund_payment(*args, **kwargs)
    assert info.value.code == code
    return info.value


# --- the VNPay adapter --------------------------------------------------------------------------


def test_request_fields_order_and_signature_match_a_hand_computed_hmac(settings):
    settings.PAYMENT_VNPAY_HASH_SECRET = SECRET
    settings.PAYMENT_VNPAY_TMN_CODE = TMN
    settings.PAYMENT_SERVER_IP = "203.0.113.9"
    params = get_gateway("vnpay").refund_params(
        PAYMENT, 50_000, "Nộp trùng", OFFICER, request_id="0123456789abcdef0123456789abcdef",
        now=timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0, 0)))
    assert pipe_string(params, REFUND_REQUEST_HASH_FIELDS) == (
        "0123456789abcdef0123456789abcdef|2.1.0|refund|MOTCUA01|03|TT0001|5000000|14012345|20260302080509|"
        "can.bo.quay|20260302090000|203.0.113.9|Hoan tien TT0001: Nop trung")
    assert params["vnp_SecureHash"] == REQUEST_HASH
    full = get_gateway("vnpay").refund_params(PAYMENT, 120_000, "Rút hồ sơ", OFFICER)
    assert (full["vnp_TransactionType"], full["vnp_Amount"]) == ("02", "12000000")


def test_answer_signature_matches_a_hand_computed_hmac():
    answer = refund_answer()
    assert answer["vnp_SecureHash"] == ANSWER_HASH
    assert pipe_verify(answer, REFUND_RESPONSE_HASH_FIELDS, SECRET)
    assert not pipe_verify({**answer, "vnp_ResponseCode": "93"}, REFUND_RESPONSE_HASH_FIELDS, SECRET)


def test_refund_is_a_signed_json_post_to_the_merchant_api(vnpay):
    result = get_gateway("vnpay").refund(PAYMENT, 50_000, "Nộp trùng", OFFICER)
    [request] = vnpay.requests
    assert request["path"] == "/merchant_webapi/api/transaction"
    assert request["headers"]["Content-Type"] == "application/json"
    body = json.loads(request["raw"])
    assert set(body) == {*REFUND_REQUEST_HASH_FIELDS, "vnp_SecureHash"}
    assert pipe_verify(body, REFUND_REQUEST_HASH_FIELDS, SECRET)
    assert (result.signature_valid, result.success, result.amount, result.transaction_no, result.error) == (
        True, True, 50_000, "15012345", "")


@pytest.mark.parametrize("tamper", ["code after signing", "amount after signing", "other secret", "no hash",
                                    "other merchant"])
def test_a_tampered_answer_is_never_a_refund(vnpay, tamper):
    def answer(body):
        if tamper == "code after signing":
            return {**refund_answer(vnp_ResponseCode="93"), "vnp_ResponseCode": "00"}
        if tamper == "amount after signing":
            return {**refund_answer(), "vnp_Amount": "12000000"}
        if tamper == "other secret":
            signed = refund_answer()
            signed["vnp_SecureHash"] = pipe_sign(signed, REFUND_RESPONSE_HASH_FIELDS, "ANOTHER")
            return signed
        if tamper == "other merchant":
            return refund_answer(vnp_TmnCode="OTHERTMN")
        return {k: v for k, v in refund_answer().items() if k != "vnp_SecureHash"}

    vnpay.answer = answer
    result = get_gateway("vnpay").refund(PAYMENT, 50_000, "Nộp trùng", OFFICER)
    assert (result.signature_valid, result.success) == (False, False)
    assert result.error == "wrong signature on the gateway's answer"


@pytest.mark.parametrize("changes", [{"vnp_ResponseCode": "93"}, {"vnp_ResponseCode": "94"},
                                     {"vnp_TxnRef": "TT9999"}, {"vnp_Amount": "4000000"}])
def test_refusals_and_answers_about_something_else_are_failures(vnpay, changes):
    vnpay.answer = lambda body: refund_answer(**changes)
    result = get_gateway("vnpay").refund(PAYMENT, 50_000, "Nộp trùng", OFFICER)
    assert result.signature_valid and not result.success and result.error


def test_a_tampered_answer_fails_the_refund_in_the_service(vnpay, waiting, world):
    payment = paid_online(waiting, gateway="vnpay", secret=SECRET, ledger=False)
    vnpay.answer = lambda body: {**refund_answer(vnp_TxnRef=payment.order_ref, vnp_Amount="12000000",
                                                 vnp_ResponseCode="93"), "vnp_ResponseCode": "00"}
    refund = services.refund_payment(world["counter"], payment, reason="Rút hồ sơ")
    assert (refund.status, refund.amount, refund.gateway_reference) == ("failed", 120_000, "")
    entry = GatewayCallback.objects.get(kind="refund")
    assert (entry.signature_valid, entry.payment, entry.sent["vnp_TransactionType"]) == (False, payment, "02")
    assert "wrong signature" in entry.reason
    assert services.refundable(payment) == 120_000  # a failed refund holds nothing back


def test_a_gateway_without_refunds(waiting, world):
    with pytest.raises(NotImplementedError):
        Gateway().refund(PAYMENT, 1, "x", OFFICER)


# --- the simulator over real HTTP ---------------------------------------------------------------


@pytest.fixture
def over_http(settings, live_server):
    settings.PAYMENT_SIMULATOR_IPN_MODE = "http"
    settings.SITE_URL = live_server.url
    settings.PAYMENT_IPN_BASE_URL = live_server.url
    return live_server


def pay_on_the_simulator(client, dossier, choice="pay") -> Payment:
    order_url = client.post(f"/thanh-toan/ho-so/{dossier.code}/", {"t": token_for(dossier.code)})["Location"]
    order = client.get(order_url).context["params"]
    assert client.post("/thanh-toan/gia-lap/", {**order, "choice": choice}).status_code == 302
    return Payment.objects.get(order_ref=order["vnp_TxnRef"])


@pytest.mark.django_db(transaction=True)
def test_partial_then_the_rest_then_nothing_over_http(client, over_http, waiting, world):
    payment = pay_on_the_simulator(client, waiting)
    assert payment.status == "paid"
    first = services.refund_payment(world["counter"], payment, 50_000, "Nộp thừa")
    assert (first.status, first.response_code, len(first.gateway_reference)) == ("succeeded", "00", 8)
    record = SimulatedTransaction.objects.get()
    assert [r["amount"] for r in record.refunds] == [50_000]
    entry = GatewayCallback.objects.get(kind="refund")
    assert (entry.signature_valid, entry.outcome, entry.sent["vnp_TransactionType"], entry.sent["vnp_Amount"]) == (
        True, "00", "03", "5000000")
    assert entry.sent["vnp_CreateBy"] == world["counter"].get_username()
    assert pipe_verify(entry.params, REFUND_RESPONSE_HASH_FIELDS, SIM_SECRET)
    second = services.refund_payment(world["counter"], payment, reason="Hồ sơ bị từ chối")  # all that is left
    assert (second.status, second.amount) == ("succeeded", 70_000)
    refused("too_much", world["counter"], payment, 1, "Thêm")
    assert services.refunded(payment) == 120_000
    # the simulator itself refuses more than what is left, and a full refund after a partial one
    gateway = VNPaySimulatorGateway()
    over = gateway.refund(payment, 1_000, "Thêm", world["counter"])
    assert (over.signature_valid, over.success, over.response_code) == (True, False, "93")
    SimulatedTransaction.objects.update(refunds=[{"amount": 50_000, "request_id": "x"}])
    assert gateway.refund(payment, 120_000, "Toàn bộ", world["counter"]).response_code == "93"
    assert gateway.refund(payment, 70_001, "Quá", world["counter"]).response_code == "93"
    waiting.refresh_from_db()
    assert waiting.fee_paid == 120_000  # no engine command lowers it: recorded on the payment side


@pytest.mark.django_db(transaction=True)
def test_full_refund_of_a_withdrawn_dossier_over_http(client, over_http, waiting, world):
    payment = pay_on_the_simulator(client, waiting)
    dossier_services.withdraw(world["counter"], waiting, reason="Người nộp rút hồ sơ")
    refund = services.refund_payment(world["counter"], payment, None, "Rút hồ sơ")
    assert (refund.status, refund.amount) == ("succeeded", 120_000)
    assert GatewayCallback.objects.get(kind="refund").sent["vnp_TransactionType"] == "02"
    assert SimulatedTransaction.objects.get().refunds[0]["amount"] == 120_000


@pytest.mark.django_db(transaction=True)
def test_the_simulator_refuses_an_unpaid_transaction_over_http(client, over_http, waiting, world):
    payment = pay_on_the_simulator(client, waiting, "cancel")
    assert payment.status == "cancelled"
    refused("invalid", world["counter"], payment, None, "Hủy")  # we refuse first
    answer = VNPaySimulatorGateway().refund(payment, 120_000, "Hủy", world["counter"])
    assert (answer.signature_valid, answer.success, answer.response_code) == (True, False, "95")


# --- our own refusals ---------------------------------------------------------------------------


def test_refusals_send_nothing(waiting, world, receive):
    payment = paid_online(waiting)
    refused("invalid", world["counter"], payment, 1000, "  ")
    refused("invalid", world["counter"], payment, 0, "Nộp thừa")
    refused("invalid", world["counter"], payment, "abc", "Nộp thừa")
    error = refused("too_much", world["counter"], payment, 120_001, "Nộp thừa")
    assert "120.000" in error.messages[0]
    refused("forbidden", world["justice_counter"], payment, 1000, "Nộp thừa")
    counter = services.record_counter_payment(world["counter"], receive(), 50_000, Method.CASH, "BL-0001")
    refused("invalid", world["counter"], counter, 1000, "Nộp thừa")
    pending, _url = services.start_online_payment(receive(), return_url="http://x/")
    refused("invalid", world["counter"], pending, 1000, "Nộp thừa")
    refused("not_found", world["counter"], 999_999, 1000, "Nộp thừa")
    assert (Refund.objects.count(), GatewayCallback.objects.filter(kind="refund").count()) == (0, 0)


def test_two_refunds_in_process(waiting, world):
    payment = paid_online(waiting)
    assert services.refund_payment(world["counter"], payment, 20_000, "Nộp thừa").status == "succeeded"
    assert services.refundable(payment) == 100_000
    assert services.refund_payment(world["counter"], payment, 100_000, "Từ chối").status == "succeeded"
    assert services.refundable(payment) == 0
    refused("too_much", world["counter"], payment, None, "Thêm")


# --- two officers at once (PostgreSQL) ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks (PostgreSQL)")
def test_two_officers_refunding_the_same_payment_at_once(waiting, world):
    payment = paid_online(waiting)
    results, errors = run_in_threads(
        2, lambda i: services.refund_payment(world["counter"], payment.pk, None, f"Lần {i}"))
    assert [e.code for e in errors if e] == ["too_much"]
    [won] = [r for r in results if r]
    assert (won.status, won.amount) == ("succeeded", 120_000)
    assert Refund.objects.count() == 1
    assert len(SimulatedTransaction.objects.get().refunds) == 1


# --- the officer page ---------------------------------------------------------------------------


def test_officer_page_refund_flow(client, waiting, world):
    payment = paid_online(waiting)
    page_url = f"/thanh-toan/quay/{waiting.code}/"
    url = f"/thanh-toan/quay/{waiting.code}/hoan-tien/{payment.pk}/"
    client.force_login(world["justice_counter"])
    assert client.post(url, {"reason": "Nộp thừa"}).status_code == 404
    client.force_login(world["counter"])
    page = client.get(page_url)
    assert page.status_code == 200 and f'id="refund-{payment.pk}"' in page.content.decode()
    assert "Hoàn tiền" in page.content.decode()
    assert client.get(url).status_code == 405
    no_reason = client.post(url, {"amount": "50000", "reason": " "})
    assert no_reason.status_code == 400 and "Nhập lý do hoàn tiền." in no_reason.content.decode()
    bad = client.post(url, {"amount": "-5", "reason": "Nộp thừa"})
    assert bad.status_code == 400 and "Số tiền phải lớn hơn 0 đồng." in bad.content.decode()
    assert client.post(url, {"amount": "1e309", "reason": "\x00"}).status_code == 400
    too_much = client.post(url, {"amount": "120001", "reason": "Nộp thừa"})
    assert too_much.status_code == 409
    assert "120.000 đồng" in too_much.content.decode()
    assert Refund.objects.count() == 0
    done = client.post(url, {"amount": "50000", "reason": "Nộp thừa"}, follow=True)
    text = done.content.decode()
    assert done.redirect_chain == [(page_url, 302)]
    assert "Cổng thanh toán đã chấp nhận hoàn 50.000 đồng" in text
    assert 'id="refunds"' in text and "Thành công" in text and "Nộp thừa" in text
    assert "70.000 đ" in text  # still refundable
    assert Refund.objects.get().status == "succeeded"


def test_officer_page_shows_a_refund_the_gateway_refused(client, waiting, world):
    payment = paid_online(waiting)
    SimulatedTransaction.objects.update(refunds=[{"amount": 100_000, "request_id": "paid back by hand"}])
    client.force_login(world["counter"])
    done = client.post(f"/thanh-toan/quay/{waiting.code}/hoan-tien/{payment.pk}/",
                       {"reason": "Từ chối"}, follow=True)
    text = done.content.decode()
    assert "Cổng thanh toán không thực hiện hoàn 120.000 đồng (mã 93)" in text
    assert "Không thành công" in text
    assert Refund.objects.get().status == "failed"


# --- reconciliation -----------------------------------------------------------------------------


def test_reconciliation_shows_the_refunds_of_the_day(client, waiting, world, receive):
    payment = paid_online(waiting)
    services.record_counter_payment(world["counter"], receive(), 30_000, Method.CASH, "BL-0301")
    refund = services.refund_payment(world["counter"], payment, 50_000, "Nộp thừa")
    assert refund.status == "succeeded", refund.error
    today = timezone.localdate()
    data = daily_reconciliation(today, [world["land"].pk])
    assert (data["count"], data["amount"], data["refund_count"], data["refund_amount"], data["net"]) == (
        2, 150_000, 1, 50_000, 100_000)
    assert [(r["key"], r["amount"], r["refunded"], r["net"]) for r in data["by_channel"]] == [
        ("cash", 30_000, 0, 30_000), ("vnpay_simulator", 120_000, 50_000, 70_000)]
    assert [(r["amount"], r["refunded"], r["net"]) for r in data["by_agency"]] == [(150_000, 50_000, 100_000)]
    assert daily_reconciliation(today, [world["land"].pk], "cash")["refund_amount"] == 0
    assert daily_reconciliation(today, [world["land"].pk], "vnpay_simulator")["net"] == 70_000
    assert daily_reconciliation(today, [world["justice"].pk])["refund_amount"] == 0
    assert daily_reconciliation(today - datetime.timedelta(days=1))["refunds"] == []

    client.force_login(world["leader"])
    page = client.get(f"/thanh-toan/doi-soat/?day={today.isoformat()}")
    assert page.status_code == 200
    assert "Đã hoàn" in page.content.decode() and "50.000 đ" in page.content.decode()
    wb = load_workbook(io.BytesIO(client.get(f"/thanh-toan/doi-soat/?day={today.isoformat()}&format=xlsx").content))
    refunds, totals = wb.worksheets[1], wb.worksheets[2]
    assert refunds.max_row == 3  # header, the refund, total
    assert (refunds.cell(2, 2).value, refunds.cell(2, 6).value, refunds.cell(3, 6).value) == (
        payment.order_ref, 50_000, 50_000)
    last = [c.value for c in totals[totals.max_row]]
    assert last[1:5] == [2, 150_000, 50_000, 100_000]
