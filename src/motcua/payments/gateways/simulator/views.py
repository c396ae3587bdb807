"""The gateway simulator's own pages (/thanh-toan/gia-lap/): what VNPay's payment page does.

GET shows the signed order (amount, information) with three buttons. POST takes the choice,
records it in the simulator's ledger (`ledger.record_choice`), calls our IPN endpoint server-side
with signed result parameters (over HTTP like the real gateway, or in-process when
PAYMENT_SIMULATOR_IPN_MODE=inprocess), then sends the browser to the order's return URL with the
same signed parameters. "Lose the notification" records the choice but sends no IPN: the
situation reconciliation exists for. After the order's vnp_ExpireDate the page takes no choice.

`query_api` is the simulator's merchant web API over HTTP, answered by `ledger.answer_api`.
"""
import json
import logging
import urllib.request
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from ... import conf, services
from ...models import SimulatedTransaction
from ..base import get_gateway
from ..vnpay import parse_date, signed_query, verify
from . import ledger
from .gateway import VNPaySimulatorGateway

logger = logging.getLogger(__name__)

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


@require_http_methods(["GET", "POST"])
def simulator(request):
    if not conf.simulator_enabled():
        raise Http404
    source = request.GET if request.method == "GET" else request.POST
    params = {k: v for k, v in source.items() if k.startswith("vnp_")}
    order = _order(params)
    if order is None:
        return render(request, "payments/simulator.html", {"invalid": True}, status=400)
    recorded = ledger.recorded(order)
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
        if choice in ledger.CHOICES:
            if recorded is None and context["expired"]:
                return render(request, "payments/simulator.html", context, status=400)
            return _finish(request, order, choice, lose)
    return render(request, "payments/simulator.html", context)


def _finish(request, order: dict, choice: str, lose: bool):
    """Record the citizen's choice (once), tell the merchant unless the notification is to be
    lost, and send the browser back."""
    gateway = _gateway()
    record = ledger.record_choice(gateway, order, choice, lose)
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


# --- the merchant web API ----------------------------------------------------------------------


@csrf_exempt
@require_POST
def query_api(request):
    if not conf.simulator_enabled():
        raise Http404
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return JsonResponse(ledger.answer_query(_gateway(), {}), status=400)
    if not isinstance(body, dict):
        return JsonResponse(ledger.answer_query(_gateway(), {}), status=400)
    return JsonResponse(ledger.answer_api(_gateway(), body))
