"""Online payment: the IPN is the truth; tampered, changed, unknown and replayed callbacks change
nothing; a payment is recorded once however often the gateway calls."""
import pytest
from django.core.exceptions import ValidationError

from motcua.dossiers.models import Status
from motcua.payments import services
from motcua.payments.models import GatewayCallback, Payment, PaymentStatus

from .helpers import ipn_params, order_params

RETURN_URL = "http://testserver/thanh-toan/ket-qua/vnpay_simulator/"
GW = "vnpay_simulator"


def start(dossier):
    return services.start_online_payment(dossier, return_url=RETURN_URL, client_ip="203.0.113.7")


def test_order_asks_the_simulator_for_what_is_owed(waiting):
    payment, url = start(waiting)
    params = order_params(url)
    assert url.startswith("/thanh-toan/gia-lap/?")
    assert (payment.amount, payment.status, payment.method, payment.gateway) == (120_000, "pending", "online", GW)
    assert (params["vnp_Amount"], params["vnp_TxnRef"], params["vnp_ReturnUrl"]) == ("12000000", payment.order_ref,
                                                                                     RETURN_URL)
    assert params["vnp_IpAddr"] == "203.0.113.7" and len(params["vnp_CreateDate"]) == 14


def test_ipn_success_resumes_the_dossier_once_even_when_called_three_times(waiting):
    payment, _url = start(waiting)
    params = ipn_params(payment)
    answers = [services.handle_ipn(GW, params, "10.0.0.1") for _ in range(3)]
    assert answers == [
        {"RspCode": "00", "Message": "Confirm Success"},
        {"RspCode": "02", "Message": "Order already confirmed"},
        {"RspCode": "02", "Message": "Order already confirmed"},
    ]
    waiting.refresh_from_db()
    assert (waiting.status, waiting.fee_paid, waiting.paused_at) == (Status.PROCESSING, 120_000, None)
    assert Payment.objects.filter(status=PaymentStatus.PAID).count() == 1
    payment.refresh_from_db()
    assert (payment.status, payment.gateway_transaction_no) == ("paid", "14012345")
    assert payment.paid_at is not None
    assert waiting.events.filter(kind="confirm_payment").count() == 1
    assert waiting.pauses.get().ended_at is not None
    log = list(GatewayCallback.objects.order_by("pk").values_list("outcome", "signature_valid", "reason"))
    assert log == [("00", True, "paid"), ("02", True, "order already paid"), ("02", True, "order already paid")]


@pytest.mark.parametrize("tamper, code", [
    ("signature", "97"),
    ("amount", "04"),
    ("order", "01"),
])
def test_bad_callbacks_are_rejected_logged_and_change_nothing(waiting, tamper, code):
    payment, _url = start(waiting)
    params = ipn_params(payment)
    if tamper == "signature":
        params["vnp_Amount"] = "1200000"  # changed after signing
    elif tamper == "amount":
        params = ipn_params(payment, amount=1_200)  # correctly signed, wrong amount
    else:
        payment.order_ref = "TTNOSUCHORDER"
        params = ipn_params(payment)
    answer = services.handle_ipn(GW, params, "10.0.0.1")
    assert answer["RspCode"] == code
    payment.refresh_from_db()
    waiting.refresh_from_db()
    assert (payment.status, waiting.status, waiting.fee_paid) == ("pending", Status.WAITING_PAYMENT, 0)
    entry = GatewayCallback.objects.get()
    assert (entry.outcome, entry.signature_valid, entry.params["vnp_Amount"]) == (
        code, tamper != "signature", params["vnp_Amount"])


def test_signed_with_another_secret_is_rejected(waiting):
    payment, _url = start(waiting)
    answer = services.handle_ipn(GW, ipn_params(payment, secret="not-the-shared-secret"))
    assert answer == {"RspCode": "97", "Message": "Invalid signature"}
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING_PAYMENT


def test_cancel_and_failure_leave_the_dossier_waiting(waiting):
    payment, _url = start(waiting)
    assert services.handle_ipn(GW, ipn_params(payment, response="24", status="02"))["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED
    second, _url = start(waiting)
    assert services.handle_ipn(GW, ipn_params(second, response="51", status="02"))["RspCode"] == "00"
    second.refresh_from_db()
    waiting.refresh_from_db()
    assert (second.status, waiting.status, waiting.fee_paid) == (PaymentStatus.FAILED, Status.WAITING_PAYMENT, 0)
    # a success arriving later for the failed order is a replay: refused
    assert services.handle_ipn(GW, ipn_params(second))["RspCode"] == "02"
    waiting.refresh_from_db()
    assert waiting.fee_paid == 0


def test_a_new_order_cancels_the_older_pending_one(waiting):
    first, _ = start(waiting)
    second, _ = start(waiting)
    first.refresh_from_db()
    assert (first.status, second.status) == (PaymentStatus.CANCELLED, PaymentStatus.PENDING)
    # The gateway still takes the older order (a second tab, issue 17): paid, "refund due", and
    # not applied to the dossier (test_second_tab.py); a replay of it changes nothing.
    assert services.handle_ipn(GW, ipn_params(first))["RspCode"] == "00"
    first.refresh_from_db()
    assert (first.status, first.refund_due) == (PaymentStatus.PAID, True)
    assert services.handle_ipn(GW, ipn_params(first))["RspCode"] == "02"
    assert services.handle_ipn(GW, ipn_params(second))["RspCode"] == "00"
    waiting.refresh_from_db()
    assert (waiting.status, waiting.fee_paid) == (Status.PROCESSING, 120_000)


def test_nothing_owed_no_order(waiting, world):
    payment, _ = start(waiting)
    services.handle_ipn(GW, ipn_params(payment))
    waiting.refresh_from_db()
    with pytest.raises(services.PaymentError) as info:
        start(waiting)
    assert info.value.code == "nothing_owed"
    assert Payment.objects.count() == 1


def test_browser_return_only_shows_the_state(waiting):
    payment, _ = start(waiting)
    # the browser claims success before the IPN came: the payment stays pending
    shown, valid = services.handle_return(GW, ipn_params(payment))
    assert (valid, shown.pk, shown.status) == (True, payment.pk, PaymentStatus.PENDING)
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING_PAYMENT
    forged, valid = services.handle_return(GW, {**ipn_params(payment), "vnp_Amount": "1"})
    assert (forged, valid) == (None, False)
    assert list(GatewayCallback.objects.order_by("pk").values_list("kind", "signature_valid")) == [
        ("return", True), ("return", False)]


def test_callback_log_is_append_only(waiting):
    payment, _ = start(waiting)
    services.handle_ipn(GW, ipn_params(payment))
    entry = GatewayCallback.objects.get()
    entry.reason = "changed"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
