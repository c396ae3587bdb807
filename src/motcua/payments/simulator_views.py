"""The gateway simulator's own pages (/thanh-toan/gia-lap/): what VNPay's payment page does.

GET shows the signed order (amount, information) with three buttons. POST takes the choice,
records it in the simulator's ledger (`SimulatedTransaction`), calls our IPN endpoint server-side
with signed result parameters (over HTTP like the real gateway, or in-process when
PAYMENT_SIMULATOR_IPN_MODE=inprocess), then sends the browser to the order's return URL with the
same signed parameters. "Lose the notification" records the choice but sends no IPN: the
situation reconciliation exists for. After the order's vnp_ExpireDate the page takes no choice.

`query_api` is the simulator's merchant web API: it answers `querydr` status queries and
`refund` requests from the ledger, signed with the simulator's secret, in VNPay's JSON shape. A
refund is granted only for a paid transaction and only up to what was paid minus its earlier
refunds, which the ledger keeps.
"""
import json
import logging
import secrets
import urllib.request
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import conf, services
from .gateways import get_gateway
from .gateways.simulator import VNPaySimulatorGateway
from .gateways.vnpay import (
    DATE_FORMAT,
    QUERYDR_REQUEST_HASH_FIELDS,
    QUERYDR_RESPONSE_HASH_FIELDS,
    REFUND_FULL,
    REFUND_PARTIAL,
    REFUND_REQUEST_HASH_FIELDS,
    REFUND_RESPONSE_HASH_FIELDS,
    parse_date,
    pipe_sign,
    pipe_verify,
    sign,
    signed_query,
    verify,
)
from .models import SimulatedTransaction

logger = logging.getLogger(__name__)

CHOICES = {
    # choice: (vnp_ResponseCode, vnp_TransactionStatus)
    "pay": ("00", "00"),
    "cancel": ("24", "02"),  # the customer cancelled
    "fail": ("51", "02"),  # insufficient balance
}
ORDER_FIELDS = ("vnp_Amount", "vnp_OrderInfo", "vnp_TxnRef", "vnp_ReturnUrl", "vnp_TmnCode", "vnp_CreateDate")
TRUE = {"1", "on", "true", "yes"}


def _gateway():
    return get_gateway(VNPaySimulatorGateway.name)


def _order(params: dict) -> dict | None:
    if not verify(params, _gateway().secret()) or not all(params.get(f) for f in ORDER_FIELDS):
        return None
    if not params["vnp_Amount"].isdigit() or not params["vnp_ReturnUrl"].startswith(("http://", "https://", "/")):
        return None
    return params


def _expired(order: dict) -> bool:
    expires = parse_date(order.get("vnp_ExpireDate", ""))
    return expires is not None and timezone.now() > expires


def _recorded(order: dict) -> SimulatedTransaction | None:
    return SimulatedTransaction.objects.filter(tmn_code=order["vnp_TmnCode"], order_ref=order["vnp_TxnRef"]).first()


@require_http_methods(["GET", "POST"])
def simulator(request):
    if not conf.simulator_enabled():
        raise Http404
    source = request.GET if request.method == "GET" else request.POST
    params = {k: v for k, v in source.items() if k.startswith("vnp_")}
    order = _order(params)
    if order is None:
        return render(request, "payments/simulator.html", {"invalid": True}, status=400)
    recorded = _recorded(order)
    context = {"order": order, "amount": int(order["vnp_Amount"]) // 100, "params": params, "recorded": recorded,
               "expired": recorded is None and _expired(order)}
    if request.method == "POST":
        choice = request.POST.get("choice")
        lose = str(request.POST.get("lose_ipn", "")).lower() in TRUE
        if choice == "notify" and recorded is not None:
            context["ipn_answer"] = _deliver_ipn(request, recorded.result) or {"RspCode": "-", "Message": "no answer"}
            if not recorded.notification_sent:
                recorded.notification_sent = True
                recorded.save(update_fields=["notification_sent"])
            return render(request, "payments/simulator.html", context)
        if choice in CHOICES:
            if recorded is None and context["expired"]:
                return render(request, "payments/simulator.html", context, status=400)
            return _finish(request, order, choice, lose)
    return render(request, "payments/simulator.html", context)


def _finish(request, order: dict, choice: str, lose: bool):
    """Record the citizen's choice (once: a transaction is settled at the gateway for good), tell
    the merchant unless the notification is to be lost, and send the browser back."""
    gateway = _gateway()
    response_code, status = CHOICES[choice]
    result = {
        "vnp_Amount": order["vnp_Amount"],
        "vnp_BankCode": "MOTCUASIM",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": order["vnp_OrderInfo"],
        "vnp_PayDate": timezone.localtime().strftime(DATE_FORMAT),
        "vnp_ResponseCode": response_code,
        "vnp_TmnCode": order["vnp_TmnCode"],
        "vnp_TransactionNo": str(secrets.randbelow(10**8)).zfill(8) if choice == "pay" else "0",
        "vnp_TransactionStatus": status,
        "vnp_TxnRef": order["vnp_TxnRef"],
    }
    result["vnp_SecureHash"] = sign(result, gateway.secret())
    try:
        with transaction.atomic():
            record, _created = SimulatedTransaction.objects.get_or_create(
                tmn_code=order["vnp_TmnCode"], order_ref=order["vnp_TxnRef"],
                defaults={"choice": choice, "order": order, "result": result, "notification_sent": not lose},
            )
    except IntegrityError:  # a double click raced us: the first choice stands
        record = _recorded(order)
    if not lose:
        _deliver_ipn(request, record.result)
    return_url = order["vnp_ReturnUrl"]
    separator = "&" if urlsplit(return_url).query else "?"
    return HttpResponseRedirect(f"{return_url}{separator}{signed_query(record.result, gateway.secret())}")


def _deliver_ipn(request, result: dict) -> dict | None:
    """Call the IPN the way the real gateway does; a failure is logged, the browser still returns."""
    gateway_name = VNPaySimulatorGateway.name
    if conf.simulator_inprocess():
        return services.handle_ipn(gateway_name, result, "127.0.0.1")
    base = conf.get("PAYMENT_IPN_BASE_URL", "") or (
        request.build_absolute_uri("/") if request is not None else settings.SITE_URL)
    url = base.rstrip("/") + reverse("payments:ipn", args=[gateway_name]) + "?" + urlencode(result)
    try:
        with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310 (our own configured URL)
            return json.loads(response.read().decode())
    except Exception:
        logger.exception("simulator could not deliver the IPN to %s", url.split("?")[0])
        return None


def deliver_recorded_ipn(order_ref: str, request=None) -> dict | None:
    """Send the notification of a recorded transaction again (a gateway's retry, or the late
    arrival of a lost IPN). Returns our IPN's answer."""
    record = SimulatedTransaction.objects.get(tmn_code=_gateway().tmn_code(), order_ref=order_ref)
    return _deliver_ipn(request, record.result)


# --- the merchant web API: status queries (querydr) --------------------------------------------


def answer_api(body) -> dict:
    """The merchant web API: one URL, the command says which answer."""
    if isinstance(body, dict) and body.get("vnp_Command") == "refund":
        return answer_refund(body)
    return answer_query(body)


def _replier(command: str, response_fields):
    """The answer being built for one API request, and `reply(code, message, **fields)`, which
    completes and signs it (the fields not given stay empty, as VNPay sends them)."""
    gateway = _gateway()
    answer = dict.fromkeys(response_fields, "")
    answer.update(vnp_ResponseId=secrets.token_hex(16), vnp_Command=command, vnp_TmnCode=gateway.tmn_code())

    def reply(code: str, message: str, **fields) -> dict:
        answer.update(vnp_ResponseCode=code, vnp_Message=message, **fields)
        answer["vnp_SecureHash"] = pipe_sign(answer, response_fields, gateway.secret())
        return answer

    return reply


def _refused(body: dict, command: str, required, request_fields, reply, well_formed: bool = True) -> dict | None:
    """VNPay's answers to a request it will not read: 03 bad data, 02 another merchant, 97 wrong
    checksum; None for a request to go on with."""
    gateway = _gateway()
    if not well_formed or not all(body.get(name) for name in (*required, "vnp_SecureHash")) or (
            body["vnp_Command"] != command):
        return reply("03", "Invalid data format")
    if body["vnp_TmnCode"] != gateway.tmn_code():
        return reply("02", "Merchant is not valid")
    if not pipe_verify(body, request_fields, gateway.secret()):
        return reply("97", "Invalid checksum")
    return None


def _transaction_asked(body: dict, for_update: bool = False) -> SimulatedTransaction | None:
    """Like VNPay, the transaction is found by its reference and the date of its order."""
    records = SimulatedTransaction.objects.select_for_update() if for_update else SimulatedTransaction.objects
    record = records.filter(tmn_code=_gateway().tmn_code(), order_ref=body["vnp_TxnRef"]).first()
    if record is None or record.order.get("vnp_CreateDate") != body["vnp_TransactionDate"]:
        return None
    return record


def _text_values(body) -> dict:
    return {str(k): ("" if v is None else str(v)) for k, v in body.items()} if isinstance(body, dict) else {}


def answer_query(body: dict) -> dict:
    """The signed querydr answer for a request, from the simulator's ledger."""
    reply = _replier("querydr", QUERYDR_RESPONSE_HASH_FIELDS)
    body = _text_values(body)
    refused = _refused(body, "querydr", QUERYDR_REQUEST_HASH_FIELDS, QUERYDR_REQUEST_HASH_FIELDS, reply)
    if refused:
        return refused
    record = _transaction_asked(body)
    if record is None:
        return reply("91", "Transaction not found", vnp_TxnRef=body["vnp_TxnRef"][:100])
    result = record.result
    return reply(
        "00", "QueryDR Success", vnp_TxnRef=record.order_ref, vnp_Amount=result["vnp_Amount"],
        vnp_OrderInfo=result["vnp_OrderInfo"], vnp_BankCode=result["vnp_BankCode"], vnp_PayDate=result["vnp_PayDate"],
        vnp_TransactionNo=result["vnp_TransactionNo"], vnp_TransactionType="01",
        vnp_TransactionStatus=result["vnp_TransactionStatus"],
    )


def answer_refund(body: dict) -> dict:
    """The signed refund answer, from (and recorded in) the simulator's ledger. VNPay's codes:
    03 bad data, 02 another merchant, 97 wrong checksum, 91 no such transaction, 95 the
    transaction was not paid, 93 an amount more than what is left to refund (or a "full" refund
    that is not the whole payment), 94 a request id already used, 00 accepted."""
    reply = _replier("refund", REFUND_RESPONSE_HASH_FIELDS)
    body = _text_values(body)
    needed = [name for name in REFUND_REQUEST_HASH_FIELDS if name != "vnp_TransactionNo"]
    well_formed = body.get("vnp_TransactionType") in (REFUND_FULL, REFUND_PARTIAL) and \
        body.get("vnp_Amount", "").isdigit()
    refused = _refused(body, "refund", needed, REFUND_REQUEST_HASH_FIELDS, reply, well_formed)
    if refused:
        return refused
    amount = int(body["vnp_Amount"])
    with transaction.atomic():
        record = _transaction_asked(body, for_update=True)
        if record is None:
            return reply("91", "Transaction not found", vnp_TxnRef=body["vnp_TxnRef"][:100])
        result = record.result
        common = {"vnp_TxnRef": record.order_ref, "vnp_BankCode": result.get("vnp_BankCode", ""),
                  "vnp_TransactionType": body["vnp_TransactionType"], "vnp_OrderInfo": body["vnp_OrderInfo"][:255]}
        if record.choice != "pay":
            return reply("95", "Transaction is not successful at VNPAY; refund refused", **common)
        if any(r.get("request_id") == body["vnp_RequestId"] for r in record.refunds):
            return reply("94", "Duplicate request", **common)
        paid = int(result["vnp_Amount"])
        left = paid - sum(int(r["amount"]) * 100 for r in record.refunds)
        if amount <= 0 or amount % 100 or amount > left or (
                body["vnp_TransactionType"] == REFUND_FULL and (amount != paid or left != paid)):
            return reply("93", "Invalid refund amount", **common)
        number = str(secrets.randbelow(10**8)).zfill(8)
        now = timezone.localtime().strftime(DATE_FORMAT)
        record.refunds = [*record.refunds, {"amount": amount // 100, "request_id": body["vnp_RequestId"],
                                            "transaction_no": number, "at": now, "by": body["vnp_CreateBy"][:100]}]
        record.save(update_fields=["refunds"])
    # "05": VNPay is processing the refund (the money reaches the bank account later).
    return reply("00", "Refund success", vnp_Amount=str(amount), vnp_PayDate=now, vnp_TransactionNo=number,
                 vnp_TransactionStatus="05", **common)


@csrf_exempt
@require_POST
def query_api(request):
    if not conf.simulator_enabled():
        raise Http404
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return JsonResponse(answer_query({}), status=400)
    if not isinstance(body, dict):
        return JsonResponse(answer_query({}), status=400)
    return JsonResponse(answer_api(body))
