"""Officer pages: the counter-payment form and the daily reconciliation (with its Excel export).

Scoped like the rest of the officer pages: a dossier of an agency the officer does not serve is a
404, and the reconciliation only counts the officer's agencies.
"""
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.backoffice.access import staff_required
from motcua.dossiers.models import Dossier
from motcua.organization.permissions import agencies_for

from . import services
from .export import reconciliation_workbook
from .forms import CounterPaymentForm, FindDossierForm, ReconciliationForm
from .gateways import registered
from .links import pay_path
from .models import COUNTER_METHODS, Method
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
    dossier.refresh_from_db()
    return render(request, "payments/counter.html", {
        "dossier": dossier, "form": form, "owed": services.owed(dossier),
        "payments": dossier.payments.select_related("recorded_by").order_by("-created_at"),
        "pay_link": request.build_absolute_uri(pay_path(dossier.code)) if services.owed(dossier) else "",
    }, status=status)


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
