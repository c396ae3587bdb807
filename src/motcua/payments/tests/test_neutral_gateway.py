"""The generic payment service knows no gateway's parameter names or answer codes (issue 18,
point 4): a second gateway, registered here, with names and codes of its own (nothing like
VNPay's) takes a payment end to end: order, IPN (service and HTTP view), replay, forgery, a
changed amount, the browser's return, reconciliation and a refund."""
import ast
import hashlib
import hmac
import inspect
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from motcua.dossiers.models import Status
from motcua.payments import services
from motcua.payments.gateways import GATEWAYS, Gateway, GatewayResult, IpnAnswer, IpnOutcome
from motcua.payments.models import GatewayCallback, Payment, PaymentStatus

KEY = b"acme-test-key"


def mac(params: dict) -> str:
    text = "|".join(f"{k}:{params[k]}" for k in sorted(params) if k != "mac")
    return hmac.new(KEY, text.encode(), hashlib.sha256).hexdigest()


class AcmeGateway(Gateway):
    """A made-up gateway: amounts in đồng, a SHA-256 "mac", states SETTLED / ABANDONED / DECLINED,
    and an IPN answered {"ack": ...} with codes of its own."""

    name = "test_acme"
    label = "Acme Pay"
    ANSWERS = {
        IpnOutcome.CONFIRMED: "OK", IpnOutcome.ORDER_NOT_FOUND: "NOORDER", IpnOutcome.ALREADY_CONFIRMED: "DUP",
        IpnOutcome.INVALID_AMOUNT: "BADSUM", IpnOutcome.INVALID_SIGNATURE: "BADMAC", IpnOutcome.UNKNOWN_ERROR: "RETRY",
    }

    def payment_url(self, order):
        params = {"ref": order.order_ref, "sum": str(order.amount), "back": order.return_url}
        return "https://pay.acme.test/checkout?" + urlencode({**params, "mac": mac(params)})

    def parse_callback(self, params):
        if params.get("mac") != mac(params):
            return GatewayResult(signature_valid=False, order_ref=params.get("ref", ""))
        state = params.get("state", "")
        return GatewayResult(
            signature_valid=True, order_ref=params.get("ref", ""),
            amount=int(params["sum"]) if params.get("sum", "").isdigit() else None,
            success=state == "SETTLED", cancelled=state == "ABANDONED", transaction_no=params.get("txn", ""),
            response_code=state,
        )

    def ipn_answer(self, outcome):
        return IpnAnswer(self.ANSWERS[outcome], {"ack": self.ANSWERS[outcome]})

    def query_status(self, order):
        return GatewayResult(signature_valid=True, order_ref=order.order_ref, amount=order.amount, success=True,
                             transaction_no="ACME-Q1", response_code="SETTLED", received={"state": "SETTLED"})

    def refund(self, payment, amount, reason, actor):
        return GatewayResult(signature_valid=True, order_ref=payment.order_ref, amount=amount, success=True,
                             transaction_no="ACME-R1", response_code="REFUNDED", sent={"give_back": amount})


def callback(payment, state="SETTLED", amount=None) -> dict:
    params = {"ref": payment.order_ref, "sum": str(payment.amount if amount is None else amount), "state": state,
              "txn": "ACME-77"}
    return {**params, "mac": mac(params)}


@pytest.fixture
def acme():
    GATEWAYS.register(AcmeGateway)
    yield AcmeGateway
    GATEWAYS.unregister(AcmeGateway.name)


def test_the_payment_service_has_no_vnpay_names_or_codes():
    source = inspect.getsource(services)
    assert "vnp_" not in source and "vnpay" not in source.lower() and "RspCode" not in source
    imported = {node.module for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ImportFrom)}
    assert not {m for m in imported if m and "vnpay" in m}
    assert not {m for m in imported if m and "simulator" in m}


def test_a_second_gateway_takes_a_payment_in_its_own_names(waiting, acme):
    payment, url = services.start_online_payment(waiting, return_url="http://x/back/", gateway_name="test_acme")
    sent = dict(parse_qsl(urlsplit(url).query))
    assert urlsplit(url).netloc == "pay.acme.test"
    assert (sent["ref"], sent["sum"], payment.gateway) == (payment.order_ref, "120000", "test_acme")

    assert services.handle_ipn("test_acme", callback(payment), "10.0.0.9") == {"ack": "OK"}
    payment.refresh_from_db()
    waiting.refresh_from_db()
    assert (payment.status, payment.gateway_transaction_no, payment.gateway_response_code) == (
        PaymentStatus.PAID, "ACME-77", "SETTLED")
    assert (waiting.status, waiting.fee_paid) == (Status.PROCESSING, 120_000)
    assert services.handle_ipn("test_acme", callback(payment)) == {"ack": "DUP"}  # a replay changes nothing
    waiting.refresh_from_db()
    assert waiting.fee_paid == 120_000
    log = list(GatewayCallback.objects.order_by("pk").values_list("gateway", "order_ref", "outcome", "reason"))
    assert log == [("test_acme", payment.order_ref, "OK", "paid"),
                   ("test_acme", payment.order_ref, "DUP", "order already paid")]


def test_a_second_gateway_forged_or_changed_callbacks_change_nothing(waiting, acme, client):
    payment, _url = services.start_online_payment(waiting, return_url="http://x/", gateway_name="test_acme")
    forged = {**callback(payment), "sum": "1"}  # changed after the mac
    assert services.handle_ipn("test_acme", forged) == {"ack": "BADMAC"}
    assert services.handle_ipn("test_acme", callback(payment, amount=1_200)) == {"ack": "BADSUM"}
    other = Payment(order_ref="TTNOSUCH", amount=120_000)
    assert services.handle_ipn("test_acme", callback(other)) == {"ack": "NOORDER"}
    # the HTTP endpoint of the IPN answers in the gateway's own format too
    assert client.get("/thanh-toan/ipn/test_acme/", forged).json() == {"ack": "BADMAC"}
    payment.refresh_from_db()
    waiting.refresh_from_db()
    assert (payment.status, waiting.status, waiting.fee_paid) == (PaymentStatus.PENDING, Status.WAITING_PAYMENT, 0)
    log = list(GatewayCallback.objects.order_by("pk").values_list("order_ref", "signature_valid", "outcome", "reason"))
    assert log == [
        (payment.order_ref, False, "BADMAC", "wrong signature"),
        (payment.order_ref, True, "BADSUM", "amount 1200 đồng != 120000 đồng"),
        ("TTNOSUCH", True, "NOORDER", "unknown order"),
        (payment.order_ref, False, "BADMAC", "wrong signature"),
    ]


def test_a_second_gateway_return_reconciliation_and_refund(waiting, acme, world):
    payment, _url = services.start_online_payment(waiting, return_url="http://x/", gateway_name="test_acme")
    shown, valid = services.handle_return("test_acme", callback(payment))
    assert (shown, valid) == (payment, True)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING  # the browser's return is never the truth

    assert services.reconcile_payment(payment.pk) == "paid"  # its IPN never came
    payment.refresh_from_db()
    waiting.refresh_from_db()
    assert (payment.status, payment.gateway_transaction_no, waiting.fee_paid) == (
        PaymentStatus.PAID, "ACME-Q1", 120_000)

    refund = services.refund_payment(world["counter"], payment, 20_000, "Nộp thừa")
    assert (refund.status, refund.amount, refund.gateway_reference, refund.response_code) == (
        "succeeded", 20_000, "ACME-R1", "REFUNDED")
    kinds = list(GatewayCallback.objects.order_by("pk").values_list("kind", "order_ref", "outcome"))
    assert kinds == [("return", payment.order_ref, "SETTLED"), ("query", payment.order_ref, "SETTLED"),
                     ("refund", payment.order_ref, "REFUNDED")]
