"""My dossiers (/ca-nhan/...): only the signed-in account's own dossiers and stored documents;
anyone else's answers 404 whether asked by code or by id."""
import mimetypes

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from motcua.dossiers.transitions import EVENT_LABELS
from motcua.documents import applications, selectors
from motcua.documents import services as store
from motcua.documents.forms import DocumentUploadForm
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers import services as engine
from motcua.dossiers.services import DossierActionError
from motcua.feedback.links import rating_path
from motcua.feedback.models import Rating
from motcua.payments import services as payments
from motcua.payments import views as payment_views
from motcua.payments.receipts.views import receipt_download
from django import forms
from django.utils.translation import gettext_lazy

from .apply import citizen_login_required
from .forms_apply import ACCEPT, SupplementForm
from .next_step import next_step

CITIZEN_EVENT_LABELS = {
    **EVENT_LABELS,
    "submit_supplement": gettext_lazy("Supplement sent online"),
    "withdraw_by_applicant": gettext_lazy("Withdrawn by the applicant"),
    "digitise_document": gettext_lazy("Document digitised"),
}
# What the applicant sees of the history: no internal hand-overs to named officers.
HIDDEN_KINDS = {"assign", "step_overdue"}


def _own_or_404(user, code):
    dossier = selectors.own_dossier(user, code)
    if dossier is None:
        raise Http404(_("No such dossier in your account."))
    return dossier


@citizen_login_required
def my_dossiers(request):
    dossiers = list(selectors.dossiers_of(request.user))
    for dossier in dossiers:
        # What is still owed, on open dossiers only (a refused or withdrawn dossier owes nothing).
        dossier.fee_owed = payments.owed(dossier) if dossier.status in payments.PAYABLE_STATUSES else 0
    return render(request, "portal/mine/list.html", {
        "dossiers": dossiers, "drafts": selectors.open_drafts(request.user),
    })


def _timeline(dossier):
    return [
        {"at": e.at, "label": CITIZEN_EVENT_LABELS.get(e.kind, e.kind), "kind": e.kind, "payload": e.payload,
         "status": e.to_status}
        for e in dossier_selectors.events_of(dossier) if e.kind not in HIDDEN_KINDS
    ]


@citizen_login_required
def my_dossier(request, code):
    dossier = _own_or_404(request.user, code)
    return _render_dossier(request, dossier, SupplementForm(request.user, initial={"version": dossier.version}))


def _render_dossier(request, dossier, supplement_form, status=200):
    request_event = dossier_selectors.latest_event(dossier, "request_supplement")
    fee, can_pay = payments.fee_summary(dossier), _can_pay_online(dossier)
    can_supplement = engine.citizen_can(request.user, dossier, "submit_supplement")
    rating = Rating.objects.filter(dossier=dossier).first() if dossier.status == 10 else None
    step = next_step(dossier, owed=fee["owed"], can_pay_online=can_pay, can_supplement=can_supplement,
                     rated=rating is not None)
    return render(request, "portal/mine/detail.html", {
        "step": step, "rating": rating,
        "rating_path": rating_path(dossier.code) if dossier.status == 10 else "",
        "dossier": dossier, "timeline": _timeline(dossier), "documents": dossier.documents.all(),
        "supplement_request": request_event.payload if request_event else None,
        "can_supplement": can_supplement,
        "can_withdraw": engine.citizen_can(request.user, dossier, "withdraw_by_applicant"),
        "supplement_form": supplement_form,
        "fee": fee, "can_pay_online": can_pay,
    }, status=status)


def _can_pay_online(dossier) -> bool:
    """Owed, received (an online submission is paid once accepted, so a refusal needs no refund),
    open, and the installation takes online payments."""
    return (bool(payments.owed(dossier)) and dossier.status != 1 and dossier.status in payments.PAYABLE_STATUSES
            and payments.online_payment_enabled())


@citizen_login_required
def pay(request, code):
    """"Thanh toán" on the citizen's own dossier page: an order for what is owed, then the gateway
    (the same flow as the signed pay link)."""
    dossier = _own_or_404(request.user, code)
    if request.method != "POST":
        return redirect("portal:my-dossier", code=code)
    if not _can_pay_online(dossier):
        messages.error(request, _("Nothing can be paid online for this dossier now."))
        return redirect("portal:my-dossier", code=code)
    try:
        return payment_views.start_online(request, dossier)
    except payments.PaymentError as exc:
        messages.error(request, exc.messages[0])
        return redirect("portal:my-dossier", code=code)


@citizen_login_required
def receipt(request, code, pk):
    """The electronic fee receipt (PDF) of a payment of the citizen's own dossier."""
    return receipt_download(_own_or_404(request.user, code), pk)


@citizen_login_required
def supplement(request, code):
    dossier = _own_or_404(request.user, code)
    if request.method != "POST":
        return redirect("portal:my-dossier", code=code)
    form = SupplementForm(request.user, request.POST, request.FILES)
    if not form.is_valid():
        return _render_dossier(request, dossier, form, status=400)
    name = form.cleaned_data["name"] or _("Supplement")
    uploads = [(name if len(form.checked) == 1 else f"{name} ({i})", c) for i, c in enumerate(form.checked, 1)]
    try:
        with transaction.atomic():
            entries = applications.supplement_entries(request.user, dossier, uploads, form.picked())
            engine.submit_supplement(request.user, dossier, documents=entries, note=form.cleaned_data["note"],
                                     expected_version=form.cleaned_data["version"])
    except DossierActionError as exc:
        form.add_error(None, exc.messages[0])
        return _render_dossier(request, dossier, form, status=409 if exc.code in ("stale", "not_allowed") else 400)
    messages.success(request, _("Your supplement has been sent; the processing time runs again."))
    return redirect("portal:my-dossier", code=code)


@citizen_login_required
def withdraw(request, code):
    dossier = _own_or_404(request.user, code)
    if request.method == "POST":
        try:
            engine.withdraw_by_applicant(request.user, dossier, reason=request.POST.get("reason", ""),
                                         expected_version=request.POST.get("version") or None)
        except DossierActionError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Dossier %(code)s has been withdrawn.") % {"code": code})
        return redirect("portal:my-dossier", code=code)
    if not engine.citizen_can(request.user, dossier, "withdraw_by_applicant"):
        messages.error(request, _("This dossier can no longer be withdrawn."))
        return redirect("portal:my-dossier", code=code)
    return render(request, "portal/mine/withdraw.html", {"dossier": dossier})


def _attachment(field, filename):
    content_type = mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    try:
        handle = field.open("rb")
    except (OSError, ValueError):
        raise Http404(_("The file is not available.")) from None
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@citizen_login_required
def result(request, code):
    """The electronic result, to its owner only (never a public media URL)."""
    dossier = _own_or_404(request.user, code)
    if not dossier.result_file or dossier.status not in (9, 10):
        raise Http404(_("This dossier has no electronic result yet."))
    extension = dossier.result_file.name.rsplit(".", 1)[-1] if "." in dossier.result_file.name else "pdf"
    return _attachment(dossier.result_file, f"ket-qua-{dossier.code}.{extension}")


class StoreUploadForm(DocumentUploadForm):
    kind = forms.CharField(label=gettext_lazy("Kind of document"), max_length=500)
    file = forms.FileField(label=gettext_lazy("File (PDF, JPEG, PNG)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))

    field_order = ["kind", "number", "issuer", "issue_date", "valid_until", "file"]


@citizen_login_required
def my_documents(request):
    form = StoreUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                store.store_upload(request.user, form.checked, kind=data["kind"], number=data["number"],
                                   issuer=data["issuer"], issue_date=data["issue_date"],
                                   valid_until=data["valid_until"])
            except DossierActionError as exc:
                form.add_error(None, exc.messages[0])
            else:
                messages.success(request, _("The document has been added to your data store."))
                return redirect("portal:my-documents")
        status = 400
    return render(request, "portal/mine/documents.html",
                  {"documents": selectors.documents_of(request.user).select_related("source_dossier"), "form": form},
                  status=status)


@citizen_login_required
def my_document_file(request, pk):
    document = selectors.own_document(request.user, pk)
    if document is None:
        raise Http404(_("No such document in your data store."))
    extension = document.file.name.rsplit(".", 1)[-1] if "." in document.file.name else "pdf"
    return _attachment(document.file, f"tai-lieu-{document.pk}.{extension}")


def help_page(request):
    return render(request, "portal/apply/help.html")
