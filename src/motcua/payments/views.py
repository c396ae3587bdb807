"""Citizen-facing payment pages and the gateway endpoints.

- pay:    /thanh-toan/ho-so/<code>/?t=<token>  what is owed, and the button to pay online
- return: /thanh-toan/ket-qua/<gateway>/      where the gateway sends the browser back (shows state only)
- ipn:    /thanh-toan/ipn/<gateway>/          the gateway's server-to-server notification (the truth)
"""
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from motcua.dossiers.models import Dossier

from . import conf, services
from .gateways import GATEWAYS
from .gateways.simulator import VNPaySimulatorGateway
from .links import code_from_token, pay_path
from .models import PaymentStatus


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "127.0.0.1"


def _dossier_for_link(code: str, token: str) -> Dossier:
    """The dossier of a valid pay link; any mismatch is a plain 404 (no hint that the code exists)."""
    if code_from_token(token) != code:
        raise Http404
    return get_object_or_404(Dossier.objects.select_related("procedure_version", "receiving_agency"), code=code)


@never_cache
@require_http_methods(["GET", "POST"])
def pay(request, code):
    token = request.GET.get("t") or request.POST.get("t") or ""
    dossier = _dossier_for_link(code, token)
    error = None
    if request.method == "POST":
        try:
            return start_online(request, dossier)
        except services.PaymentError as exc:
            error = exc.messages[0]
    return render(request, "payments/pay.html", {
        "dossier": dossier, "token": token, "owed": services.owed(dossier), "error": error,
        "payments": dossier.payments.order_by("-created_at")[:10],
    }, status=400 if error else 200)


def start_online(request, dossier):
    """Make the order for what the dossier owes and send the browser to the gateway; raises
    `PaymentError` (nothing owed, a closed dossier). Shared by the pay link and the citizen's
    own dossier page."""
    return_url = request.build_absolute_uri(reverse("payments:return", args=[_gateway_name()]))
    _payment, url = services.start_online_payment(dossier, return_url=return_url, client_ip=client_ip(request))
    return redirect(url)


def _gateway_name() -> str:
    from .gateways import get_gateway

    return get_gateway().name


def _usable(gateway: str) -> bool:
    """A registered gateway this installation has configured; any other name is a 404."""
    from .gateways import get_gateway

    try:
        return gateway in GATEWAYS and get_gateway(gateway).is_configured()
    except ImproperlyConfigured:  # a simulator where simulators may not run
        return False


@never_cache
@require_GET
def payment_return(request, gateway):
    if not _usable(gateway):
        raise Http404
    payment, signature_valid = services.handle_return(gateway, request.GET.dict(), client_ip(request))
    if not signature_valid or payment is None:
        return render(request, "payments/return.html", {"invalid": True}, status=400)
    payment.dossier.refresh_from_db()
    return render(request, "payments/return.html", {
        "payment": payment, "dossier": payment.dossier, "Status": PaymentStatus,
        "pay_link": pay_path(payment.dossier.code), "owed": services.owed(payment.dossier),
        "own_dossier": request.user.is_authenticated and payment.dossier.account_id == request.user.pk,
    })


@csrf_exempt
@require_http_methods(["GET", "POST"])
def ipn(request, gateway):
    if not _usable(gateway) or (gateway == VNPaySimulatorGateway.name and not conf.simulator_enabled()):
        return JsonResponse({"RspCode": "99", "Message": "Unknown gateway"}, status=404)
    params = request.GET.dict() if request.method == "GET" else request.POST.dict()
    if not params:
        return HttpResponseBadRequest("no parameters")
    return JsonResponse(services.handle_ipn(gateway, params, client_ip(request)))
