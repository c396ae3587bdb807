"""Officer pages: the counter-payment form (with refunds of online payments) and the daily
reconciliation (with its Excel export).

Scoped like the rest of the officer pages: a dossier of an agency the officer does not serve is a
404, and the reconciliation only counts the officer's agencies.
"""
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.organization.access import staff_required
from motcua.dossiers.models import Dossier
from motcua.organization.permissions import agencies_for

from . import services
from .export import reconciliation_workbook
from .forms import CounterPaymentForm, FindDossierForm, ReconciliationForm, RefundForm
from .gateways import registered
from .links import pay_path
from .models import COUNTER_METHODS, Method, Refund
from .receipts.services import receipts_of
from .receipts.views import receipt_download
from .selectors import daily_reconciliation


def _counter_dossier(user, code) -> Dossier:
    agency_ids = set(agencies_for(user, "dossier.receive").values_list("pk", flat=True))
    dossier = Dossier.objects.select_related("procedure_version", "receiving_agency").filter(code=code).first()
    if dossier is None or not agency_ids & {dossier.receiving_agency_id,
                                            dossier.current_agency_id or dossier.competent_agency_id}:
        raise Http404
    return dossier


@staff_required
def counter_find(request):
    form = FindDossierForm(request.GET or None)
    if form.is_valid():
        return redirect("payments:counter", code=form.cleaned_data["code"].strip())
    return render(request, "payments/counter_find.html", {"form": form})


@staff_required
def counter_payment(request, code):
    dossier = _counter_dossier(request.user, code)
    form = CounterPaymentForm(request.POST or None, initial={"amount": services.owed(dossier) or None})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                payment = services.record_counter_payment(
                    request.user, dossier, form.cleaned_data["amount"], form.cleaned_data["method"],
                    form.cleaned_data["receipt_number"],
                )
            except services.PaymentError as exc:
                form.add_error(None, exc.messages[0])
            else:
                messages.success(request, _("Payment of %(amount)s đồng recorded, receipt %(receipt)s.") % {
                    "amount": f"{payment.amount:,}".replace(",", "."), "receipt": payment.receipt_number})
                return redirect("payments:counter", code=dossier.code)
        status = 400
    return _counter_page(request, dossier, form, status=status)


def _counter_page(request, dossier, form, *, status=200, refund_forms=None):
    dossier.refresh_from_db()
    payments = list(dossier.payments.select_related("recorded_by").order_by("-created_at"))
    refund_forms = refund_forms or {}
    for p in payments:
        p.refundable = services.refundable(p)
        if p.refundable:
            p.refund_form = refund_forms.get(p.pk) or RefundForm(auto_id=f"id_r{p.pk}_%s")
    return render(request, "payments/counter.html", {
        "dossier": dossier, "form": form, "owed": services.owed(dossier), "payments": payments,
        "refunds": Refund.objects.filter(payment__dossier=dossier).select_related("payment", "requested_by"),
        "pay_link": request.build_absolute_uri(pay_path(dossier.code)) if services.owed(dossier) else "",
        "receipts": receipts_of(dossier),
    }, status=status)


@staff_required
def receipt(request, code, pk):
    """The electronic receipt's PDF, for the officers who see the dossier's counter page."""
    return receipt_download(_counter_dossier(request.user, code), pk)


@staff_required
@require_POST
def refund(request, code, payment_id):
    """The "Hoàn tiền" form of one paid online payment: bad input is a 400 with the page and the
    message; a refund the gateway refuses is recorded (failed) and said so."""
    dossier = _counter_dossier(request.user, code)
    payment = get_object_or_404(dossier.payments, pk=payment_id)
    # Plain field names (amount, reason); the ids carry the payment, as there is one form per payment.
    form = RefundForm(request.POST, auto_id=f"id_r{payment.pk}_%s")
    if form.is_valid():
        try:
            done = services.refund_payment(request.user, payment, form.cleaned_data["amount"],
                                           form.cleaned_data["reason"])
        except services.PaymentError as exc:
            form.add_error(None, exc.messages[0])
            status = 403 if exc.code == "forbidden" else 409 if exc.code == "too_much" else 400
        else:
            amount = f"{done.amount:,}".replace(",", ".")
            if done.status == "succeeded":
                messages.success(request, _("Refund of %(amount)s đồng accepted by the gateway, reference "
                                            "%(reference)s.") % {"amount": amount, "reference": done.gateway_reference})
            else:
                messages.error(request, _("The gateway did not carry out the refund of %(amount)s đồng "
                                          "(code %(code)s); nothing was refunded.") % {
                    "amount": amount, "code": done.response_code or "-"})
            return redirect("payments:counter", code=dossier.code)
    else:
        status = 400
    messages.error(request, _("The refund was not made: %(error)s") % {
        "error": " ".join(str(e) for errors in form.errors.values() for e in errors)})
    form_counter = CounterPaymentForm(initial={"amount": services.owed(dossier) or None})
    return _counter_page(request, dossier, form_counter, status=status, refund_forms={payment.pk: form})


def channel_labels() -> dict:
    labels = {m.value: m.label for m in Method if m in COUNTER_METHODS}
    labels.update({name: cls.label for name, cls in registered().items()})
    return labels


@staff_required
def reconciliation(request):
    agencies = agencies_for(request.user, "dossier.view").order_by("name")
    labels = channel_labels()
    form = ReconciliationForm(request.GET, agencies=agencies, channels=labels.items())
    valid = form.is_valid()  # every field is optional: an empty query is valid
    cleaned = form.cleaned_data if valid else {}
    chosen = cleaned.get("agency")
    agency_ids = [chosen.pk] if chosen else list(agencies.values_list("pk", flat=True))
    data = daily_reconciliation(cleaned.get("day") or timezone.localdate(), agency_ids, cleaned.get("channel") or None)
    if valid and request.GET.get("format") == "xlsx":
        response = HttpResponse(
            reconciliation_workbook(data, labels),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = "attachment; filename=doi-soat-" + data["day"].strftime("%Y-%m-%d") + ".xlsx"
        return response
    export_url = f"{reverse('payments:reconciliation')}?{_with_format(request)}"
    return render(request, "payments/reconciliation.html", {
        "form": form, "data": data, "labels": labels, "export_url": export_url,
    }, status=200 if valid else 400)


def _with_format(request) -> str:
    query = request.GET.copy()
    query["format"] = "xlsx"
    return query.urlencode()
