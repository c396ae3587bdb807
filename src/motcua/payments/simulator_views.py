"""The gateway simulator's own pages (/thanh-toan/gia-lap/): what VNPay's payment page does.

GET shows the signed order (amount, information) with three buttons. POST takes the choice,
calls our IPN endpoint server-side with signed result parameters (over HTTP like the real
gateway, or in-process when PAYMENT_SIMULATOR_IPN_MODE=inprocess), then sends the browser to the
order's return URL with the same signed parameters.
"""
import json
import logging
import secrets
import urllib.request
from urllib.parse import urlencode, urlsplit

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from . import conf, services
from .gateways import get_gateway
from .gateways.simulator import VNPaySimulatorGateway
from .gateways.vnpay import sign, signed_query, verify

logger = logging.getLogger(__name__)

CHOICES = {
    # choice: (vnp_ResponseCode, vnp_TransactionStatus)
    "pay": ("00", "00"),
    "cancel": ("24", "02"),  # the customer cancelled
    "fail": ("51", "02"),  # insufficient balance
}
ORDER_FIELDS = ("vnp_Amount", "vnp_OrderInfo", "vnp_TxnRef", "vnp_ReturnUrl", "vnp_TmnCode", "vnp_CreateDate")


def _order(params: dict) -> dict | None:
    gateway = get_gateway(VNPaySimulatorGateway.name)
    if not verify(params, gateway.secret()) or not all(params.get(f) for f in ORDER_FIELDS):
        return None
    if not params["vnp_Amount"].isdigit() or not params["vnp_ReturnUrl"].startswith(("http://", "https://", "/")):
        return None
    return params


@require_http_methods(["GET", "POST"])
def simulator(request):
    if not conf.simulator_enabled():
        raise Http404
    source = request.GET if request.method == "GET" else request.POST
    params = {k: v for k, v in source.items() if k.startswith("vnp_")}
    order = _order(params)
    if order is None:
        return render(request, "payments/simulator.html", {"invalid": True}, status=400)
    if request.method == "POST":
        choice = request.POST.get("choice")
        if choice in CHOICES:
            return _finish(request, order, choice)
    return render(request, "payments/simulator.html", {
        "order": order, "amount": int(order["vnp_Amount"]) // 100, "params": params,
    })


def _finish(request, order: dict, choice: str):
    gateway = get_gateway(VNPaySimulatorGateway.name)
    response_code, status = CHOICES[choice]
    result = {
        "vnp_Amount": order["vnp_Amount"],
        "vnp_BankCode": "MOTCUASIM",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": order["vnp_OrderInfo"],
        "vnp_PayDate": timezone.localtime().strftime("%Y%m%d%H%M%S"),
        "vnp_ResponseCode": response_code,
        "vnp_TmnCode": order["vnp_TmnCode"],
        "vnp_TransactionNo": str(secrets.randbelow(10**8)).zfill(8) if choice == "pay" else "0",
        "vnp_TransactionStatus": status,
        "vnp_TxnRef": order["vnp_TxnRef"],
    }
    result["vnp_SecureHash"] = sign(result, gateway.secret())
    _deliver_ipn(request, gateway.name, result)
    return_url = order["vnp_ReturnUrl"]
    separator = "&" if urlsplit(return_url).query else "?"
    return HttpResponseRedirect(f"{return_url}{separator}{signed_query(result, gateway.secret())}")


def _deliver_ipn(request, gateway_name: str, result: dict) -> dict | None:
    """Call the IPN the way the real gateway does; a failure is logged, the browser still returns."""
    if conf.get("PAYMENT_SIMULATOR_IPN_MODE", "http") == "inprocess":
        return services.handle_ipn(gateway_name, result, "127.0.0.1")
    base = conf.get("PAYMENT_IPN_BASE_URL", "") or request.build_absolute_uri("/")
    url = base.rstrip("/") + reverse("payments:ipn", args=[gateway_name]) + "?" + urlencode(result)
    try:
        with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310 (our own configured URL)
            return json.loads(response.read().decode())
    except Exception:
        logger.exception("simulator could not deliver the IPN to %s", url.split("?")[0])
        return None
