"""The lost-IPN story with every server-to-server call over real HTTP on the live test server:
the status query goes to the simulator's merchant web API, the late notification to our IPN."""
import datetime
import io

import pytest
from django.core.management import call_command

from motcua.dossiers.models import Status
from motcua.payments.gateways.simulator import VNPaySimulatorGateway
from motcua.payments.gateways.vnpay import QUERYDR_RESPONSE_HASH_FIELDS, parse_date, pipe_verify
from motcua.payments.links import token_for
from motcua.payments.models import GatewayCallback, Payment, SimulatedTransaction

from .conftest import SECRET

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def over_http(settings, live_server):
    settings.PAYMENT_SIMULATOR_IPN_MODE = "http"
    settings.SITE_URL = live_server.url  # where the simulator's query API is (relative simulator URL)
    settings.PAYMENT_IPN_BASE_URL = live_server.url
    return live_server


def pay_on_the_simulator(client, dossier, choice, *, lose):
    order_url = client.post(f"/thanh-toan/ho-so/{dossier.code}/", {"t": token_for(dossier.code)})["Location"]
    order = client.get(order_url).context["params"]
    data = {**order, "choice": choice, **({"lose_ipn": "1"} if lose else {})}
    back = client.post("/thanh-toan/gia-lap/", data)
    assert back.status_code == 302
    return order, back["Location"]


def reconcile() -> str:
    out = io.StringIO()
    call_command("reconcile_payments", "--older-than", "0", stdout=out)
    return out.getvalue().strip()


def test_paid_ipn_lost_reconciled_over_http_then_the_late_ipn_changes_nothing(client, over_http, waiting):
    assert VNPaySimulatorGateway().api_url() == (
        f"{over_http.url}/thanh-toan/gia-lap/merchant_webapi/api/transaction")
    order, return_url = pay_on_the_simulator(client, waiting, "pay", lose=True)
    payment = Payment.objects.get(order_ref=order["vnp_TxnRef"])
    waiting.refresh_from_db()
    assert (payment.status, waiting.status) == ("pending", Status.WAITING_PAYMENT)  # waits in status 6
    page = client.get(return_url)
    assert "Cổng thanh toán chưa xác nhận giao dịch." in page.content.decode()
    assert not GatewayCallback.objects.filter(kind="ipn").exists()

    assert reconcile().startswith("paid: 1, closed: 0, left pending: 0")
    payment.refresh_from_db()
    waiting.refresh_from_db()
    record = SimulatedTransaction.objects.get()
    assert (payment.status, waiting.status, waiting.fee_paid, waiting.paused_at) == (
        "paid", Status.PROCESSING, 120_000, None)
    # when the citizen paid (vnp_PayDate has whole seconds: never before the order itself)
    assert payment.paid_at == max(parse_date(record.result["vnp_PayDate"]), payment.created_at)
    assert waiting.pauses.get().ended_at == payment.paid_at
    assert waiting.events.get(kind="confirm_payment").payload["system"] == "payment_gateway"
    entry = GatewayCallback.objects.get(kind="query")
    assert (entry.signature_valid, entry.outcome, entry.reason, entry.remote_addr) == (
        True, "00", "paid (reconciled)", None)
    assert pipe_verify(entry.params, QUERYDR_RESPONSE_HASH_FIELDS, SECRET)

    # The gateway's notification finally gets through, over HTTP: already confirmed.
    late = client.post("/thanh-toan/gia-lap/", {**order, "choice": "notify"})
    assert "trả lời 02 (Order already confirmed)" in late.content.decode()
    waiting.refresh_from_db()
    assert (waiting.fee_paid, waiting.events.filter(kind="confirm_payment").count()) == (120_000, 1)
    ipn = GatewayCallback.objects.get(kind="ipn")
    assert (ipn.outcome, ipn.remote_addr) == ("02", "127.0.0.1")
    assert "Đã thanh toán." in client.get(return_url).content.decode()


def test_late_ipn_first_over_http_then_reconciliation_has_nothing_to_do(client, over_http, waiting):
    order, _return = pay_on_the_simulator(client, waiting, "pay", lose=True)
    late = client.post("/thanh-toan/gia-lap/", {**order, "choice": "notify"})
    assert "trả lời 00 (Confirm Success)" in late.content.decode()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.fee_paid) == (Status.PROCESSING, 120_000)
    assert reconcile().startswith("paid: 0, closed: 0, left pending: 0, already settled: 0")
    assert not GatewayCallback.objects.filter(kind="query").exists()
    assert waiting.events.filter(kind="confirm_payment").count() == 1


def test_cancelled_with_ipn_lost_is_closed_over_http(client, over_http, waiting):
    pay_on_the_simulator(client, waiting, "cancel", lose=True)
    assert reconcile().startswith("paid: 0, closed: 1")
    payment = Payment.objects.get()
    waiting.refresh_from_db()
    assert (payment.status, waiting.status, waiting.fee_paid) == ("failed", Status.WAITING_PAYMENT, 0)


def test_not_yet_paid_is_left_pending_over_http(client, over_http, waiting):
    client.post(f"/thanh-toan/ho-so/{waiting.code}/", {"t": token_for(waiting.code)})
    assert reconcile().startswith("paid: 0, closed: 0, left pending: 1")
    entry = GatewayCallback.objects.get(kind="query")
    assert (entry.signature_valid, entry.outcome) == (True, "91")
    assert Payment.objects.get().created_at > entry.received_at - datetime.timedelta(minutes=1)
