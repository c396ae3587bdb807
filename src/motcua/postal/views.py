"""Pages of the postal service.

Officers (/buu-chinh/): the open shipments of their agencies (orders the post has not taken yet
marked pending), a dossier's postal page (choose pick-up or delivery at the counter, make the
delivery order, cancel, print the label), the manifests with scanning.
Postal workers (/buu-chinh/buu-ta/): the work list, record a delivery or a failed attempt.
Citizens: choose home delivery / pick-up from their dossier page (POST /buu-chinh/cong-dan/<code>/).
"""
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.dossiers.models import Dossier
from motcua.organization.access import staff_required
from motcua.organization.models import Agency, ServicePoint

from . import selectors, services
from .errors import PostalError
from .label import label_pdf
from .models import Leg, Manifest, Shipment


def _address(post) -> dict:
    return {"unit": post.get("unit", ""), "street": post.get("street", ""),
            "receiver_name": post.get("receiver_name", ""), "receiver_phone": post.get("receiver_phone", "")}


def _refused(request, error: PostalError, target: str):
    messages.error(request, error.message)
    response = HttpResponseRedirect(target)
    return response


def _officer_dossier(request, code) -> Dossier:
    dossier = get_object_or_404(Dossier.objects.select_related("receiving_agency", "competent_agency"), code=code)
    if not services.is_officer_for(request.user, dossier):
        raise Http404
    return dossier


@staff_required
def index(request):
    state = request.GET.get("trang_thai", "open")
    return render(request, "postal/index.html", {
        "shipments": selectors.officer_shipments(request.user, state=state), "state": state,
        "awaiting": selectors.awaiting_delivery_order(request.user),
        "is_worker": services.is_postal_worker(request.user),
    })


@staff_required
def dossier_page(request, code):
    dossier = _officer_dossier(request, code)
    target = reverse("postal:dossier", args=[dossier.code])
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "choose_delivery":
                services.choose_delivery(request.user, dossier, **_address(request.POST))
                messages.success(request, _("Home delivery of the result recorded."))
            elif action == "choose_pickup":
                services.choose_pickup(request.user, dossier, **_address(request.POST))
                messages.success(request, _("Pick-up order made."))
            elif action == "create_delivery":
                services.create_shipment(request.user, dossier, Leg.DELIVERY)
                messages.success(request, _("Delivery order made."))
            elif action == "cancel":
                shipment = get_object_or_404(Shipment, pk=request.POST.get("shipment") or 0, dossier=dossier)
                services.cancel_shipment(request.user, shipment, reason=request.POST.get("reason", ""))
                messages.success(request, _("Order cancelled."))
            elif action == "poll":
                shipment = get_object_or_404(Shipment, pk=request.POST.get("shipment") or 0, dossier=dossier)
                services.poll_shipment(shipment)
                messages.success(request, _("Tracking read from the post."))
            else:
                return HttpResponse(_("Unknown action."), status=400)
        except PostalError as error:
            messages.error(request, error.message)
            return _dossier_render(request, dossier, status=error.http_status)
        return HttpResponseRedirect(target)
    return _dossier_render(request, dossier)


def _dossier_render(request, dossier, status=200):
    shipments = selectors.shipments_of(dossier)
    open_legs = {s.leg for s in shipments if not s.is_final}
    return render(request, "postal/dossier.html", {
        "dossier": dossier, "shipments": shipments,
        "may_order_delivery": dossier.status in (9, 10) and Leg.DELIVERY not in open_legs,
        "may_pick_up": dossier.status in (1, 2, 4, 5) and Leg.PICKUP not in open_legs,
        "delivery_choice": selectors.choice_of(dossier, Leg.DELIVERY),
        "pickup_choice": selectors.choice_of(dossier, Leg.PICKUP),
        "units": services.delivery_units(), "post": request.POST if request.method == "POST" else {},
    }, status=status)


@staff_required
def label(request, pk):
    shipment = get_object_or_404(Shipment.objects.select_related("dossier", "dossier__service_point",
                                                                 "dossier__receiving_agency", "unit"), pk=pk)
    if not (services.is_officer_for(request.user, shipment.dossier) or services.is_postal_worker(request.user)):
        raise Http404
    response = HttpResponse(label_pdf(shipment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="nhan-{shipment.waybill or shipment.pk}.pdf"'
    return response


# --- manifests --------------------------------------------------------------------------------------


@staff_required
def manifests(request):
    if request.method == "POST":
        service_point = ServicePoint.objects.filter(pk=request.POST.get("service_point") or 0).first()
        agency = Agency.objects.filter(pk=request.POST.get("agency") or 0).first()
        direction = request.POST.get("direction", Manifest.Direction.OUT)
        if service_point is None or agency is None or direction not in Manifest.Direction.values:
            messages.error(request, _("Choose the service point, the agency and the direction."))
        else:
            try:
                manifest = services.open_manifest(request.user, service_point=service_point, agency=agency,
                                                  direction=direction)
                return HttpResponseRedirect(reverse("postal:manifest", args=[manifest.pk]))
            except PostalError as error:
                messages.error(request, error.message)
    return render(request, "postal/manifests.html", {
        "manifests": Manifest.objects.select_related("agency", "service_point")[:100],
        "service_points": ServicePoint.objects.order_by("name"), "agencies": Agency.objects.order_by("name"),
        "directions": Manifest.Direction.choices,
    })


MANIFEST_ACTIONS = {
    "scan_out": lambda user, m, code: services.scan_out(user, m, code),
    "hand_over": lambda user, m, code: services.hand_over_manifest(user, m),
    "scan_in": lambda user, m, code: services.scan_in(user, m, code),
    "close": lambda user, m, code: services.close_manifest(user, m),
}


@staff_required
def manifest(request, pk):
    manifest = get_object_or_404(Manifest.objects.select_related("agency", "service_point"), pk=pk)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in MANIFEST_ACTIONS:
            return HttpResponse(_("Unknown action."), status=400)
        try:
            MANIFEST_ACTIONS[action](request.user, manifest, request.POST.get("code", ""))
            return HttpResponseRedirect(reverse("postal:manifest", args=[manifest.pk]))
        except PostalError as error:
            messages.error(request, error.message)
            status = error.http_status
            manifest.refresh_from_db()
    return render(request, "postal/manifest.html", {"manifest": manifest, **selectors.manifest_view(manifest)},
                  status=status)


# --- the postal worker ------------------------------------------------------------------------------


def _worker_required(request):
    if not services.is_postal_worker(request.user):
        raise PermissionDenied


@staff_required
def work_list(request):
    _worker_required(request)
    return render(request, "postal/work_list.html", selectors.work_list(request.user))


@staff_required
@require_POST
def worker_record(request, pk):
    _worker_required(request)
    shipment = get_object_or_404(Shipment, pk=pk)
    at = None
    if request.POST.get("at"):
        at = parse_datetime(request.POST["at"])
        if at is None:
            messages.error(request, _("The time is not a date and time."))
            return HttpResponseRedirect(reverse("postal:work-list"))
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
    try:
        if request.POST.get("action") == "failed":
            services.record_failed_attempt(request.user, shipment, reason=request.POST.get("reason", ""), at=at)
            messages.success(request, _("Failed attempt recorded."))
        else:
            services.record_delivery(request.user, shipment, receiver_name=request.POST.get("receiver_name", ""),
                                     at=at, photo=request.FILES.get("photo"))
            messages.success(request, _("Delivery recorded."))
    except PostalError as error:
        messages.error(request, error.message)
        return render(request, "postal/work_list.html", selectors.work_list(request.user), status=error.http_status)
    return HttpResponseRedirect(reverse("postal:work-list"))


# --- citizens --------------------------------------------------------------------------------------


@require_POST
def citizen_choose(request, code):
    if not request.user.is_authenticated:
        return redirect_to_login(f"/ca-nhan/ho-so/{code}/")
    dossier = Dossier.objects.filter(code=code, account=request.user).first()
    if dossier is None:
        raise Http404
    target = f"/ca-nhan/ho-so/{dossier.code}/#postal"
    try:
        if request.POST.get("leg") == Leg.PICKUP:
            services.choose_pickup(request.user, dossier, **_address(request.POST))
            messages.success(request, _("The post will pick your dossier up at the address you gave."))
        else:
            services.choose_delivery(request.user, dossier, **_address(request.POST))
            messages.success(request, _("Your result will be delivered to the address you gave."))
    except PostalError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(target)
