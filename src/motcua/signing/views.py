"""Pages: the public verification page (`/xac-thuc/<token>/`), the leader's "sign and issue" page
and its wait for the remote signer, the simulated phone of the remote-signing service, and the
electronic certified copy at the counter."""
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.simulators import simulators_allowed
from motcua.dossiers.models import Dossier
from motcua.organization.access import staff_required

from . import copies, selectors, services
from .backends import simulator_decide
from .errors import SigningError
from .models import SignedDocument, SigningCredential, SigningRequest, SimulatedTransaction

VERDICTS = {
    services.VALID: gettext_lazy("Valid: the digital signatures are correct and the document is intact"),
    services.MODIFIED: gettext_lazy("Modified: this is not the document as issued"),
    services.UNTRUSTED: gettext_lazy("Certificate not trusted: the signer's certificate is not issued by a trusted "
                                     "certification authority"),
    services.EXPIRED: gettext_lazy("Certificate expired"),
    services.UNSIGNED: gettext_lazy("No digital signature in this file"),
}


class CopyForm(forms.Form):
    copy = forms.FileField(label=gettext_lazy("A copy of the file to check"))


def verify(request, token):
    document = get_object_or_404(SignedDocument.objects.select_related("agency"), token=token)
    form, compared, status = CopyForm(), None, 200
    if request.method == "POST":
        form = CopyForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["copy"]
            if upload.size > services.max_bytes():
                form.add_error("copy", _("The file is larger than %(mb)s MB.") % {"mb": services.max_bytes() // 2**20})
                status = 400
            else:
                compared = services.compare_copy(document, upload.read())
                compared["label"] = VERDICTS[compared["verdict"]]
        else:
            status = 400
    verdict = services.verdict_of(document)
    return render(request, "signing/verify.html", {
        "document": document, "verdict": verdict, "verdict_label": VERDICTS[verdict], "form": form,
        "compared": compared, "signed_at": services.signed_at_display(document),
    }, status=status)


class SignForm(forms.Form):
    result_file = forms.FileField(label=gettext_lazy("Result to sign (PDF)"))
    result_description = forms.CharField(label=gettext_lazy("Result"), max_length=500, required=False)
    credential = forms.ModelChoiceField(queryset=SigningCredential.objects.none(),
                                        label=gettext_lazy("Your signing certificate"), empty_label=None)
    password = forms.CharField(label=gettext_lazy("Password of the certificate (PKCS#12)"), required=False,
                               widget=forms.PasswordInput, max_length=200)
    seal = forms.ModelChoiceField(queryset=SigningCredential.objects.none(), required=False,
                                  label=gettext_lazy("Then the agency seal"),
                                  empty_label=gettext_lazy("No seal"))
    seal_password = forms.CharField(label=gettext_lazy("Password of the seal"), required=False,
                                    widget=forms.PasswordInput, max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, officer, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credential"].queryset = selectors.personal_credentials(officer)
        self.fields["seal"].queryset = selectors.seals_of(dossier.competent_agency)


@staff_required
def sign(request, code):
    dossier = get_object_or_404(Dossier.objects.select_related("competent_agency", "procedure_version"), code=code)
    if not selectors.may_sign(request.user, dossier):
        raise PermissionDenied
    open_request = selectors.open_request(dossier)
    form = SignForm(request.POST or None, request.FILES or None, officer=request.user, dossier=dossier,
                    initial={"version": dossier.version})
    status = 200
    if request.method == "POST" and not open_request:
        if form.is_valid():
            data = form.cleaned_data
            try:
                signing = services.sign_and_issue(
                    request.user, dossier, data["result_file"], credential=data["credential"],
                    password=data["password"], seal=data["seal"], seal_password=data["seal_password"],
                    result_description=data["result_description"], expected_version=data["version"],
                )
            except SigningError as exc:
                form.add_error(None, exc.message)
                status = 409 if exc.http_status == 409 else 400
            else:
                if signing.state == SigningRequest.State.DONE:
                    messages.success(request, _("The result is signed and issued."))
                    return HttpResponseRedirect(reverse("backoffice:dossier", args=[dossier.code]))
                return HttpResponseRedirect(reverse("signing:wait", args=[signing.pk]))
        else:
            status = 400
    return render(request, "signing/sign.html", {
        "dossier": dossier, "form": form, "open_request": open_request,
        "has_credential": form.fields["credential"].queryset.exists(),
    }, status=status)


@staff_required
def wait(request, pk):
    signing = get_object_or_404(SigningRequest.objects.select_related("dossier", "credential"), pk=pk)
    if signing.officer_id != request.user.pk:
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("cancel"):
        signing = services.cancel_request(request.user, signing)
    elif signing.state == SigningRequest.State.WAITING:
        signing = services.check_request(signing.pk)  # the page asks once per load (and Celery every minute)
    if signing.state == SigningRequest.State.DONE:
        messages.success(request, _("The result is signed and issued."))
        return HttpResponseRedirect(reverse("backoffice:dossier", args=[signing.dossier.code]))
    return render(request, "signing/wait.html", {"signing": signing,
                                                 "simulated": signing.credential.backend == "remote-simulator"})


@staff_required
def phone(request):
    """The simulated phone app of the remote-signing service: the officer's pending requests."""
    if not simulators_allowed():
        raise Http404
    ids = list(SigningCredential.objects.filter(holder=request.user, backend="remote-simulator")
               .values_list("remote_user_id", flat=True))
    if request.method == "POST":
        row = get_object_or_404(SimulatedTransaction, transaction_id=request.POST.get("transaction"),
                                signer__user_id__in=ids)
        decided = simulator_decide(row.transaction_id, request.POST.get("decision") == "approve")
        messages.info(request, _("Answer sent: %(status)s.") % {"status": decided.get_status_display()})
        return HttpResponseRedirect(reverse("signing:phone"))
    pending = SimulatedTransaction.objects.filter(signer__user_id__in=ids, status="PENDING")
    return render(request, "signing/phone.html", {"pending": pending})


@staff_required
def certify(request):
    """The counter's electronic certified copy (chứng thực bản sao điện tử từ bản chính)."""
    agencies = selectors.certifying_agencies(request.user)
    if not agencies:
        raise PermissionDenied
    form = copies.CopyRequestForm(request.POST or None, request.FILES or None, officer=request.user,
                                  agencies=agencies)
    status, done = 200, None
    if request.method == "POST":
        if form.is_valid():
            try:
                done = copies.certify(request.user, **form.service_arguments())
            except SigningError as exc:
                form.add_error(None, exc.message)
                status = 400
        else:
            status = 400
    return render(request, "signing/certify.html", {"form": form, "done": done,
                                                    "recent": selectors.recent_copies(agencies)}, status=status)


