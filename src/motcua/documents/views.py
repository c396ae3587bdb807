"""The officer's digitisation page: upload the scan of a paper document handed in at the counter
(/mot-cua/ho-so/<code>/so-hoa/<document id>/)."""
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.backoffice.access import staff_required
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers import services as dossier_services
from motcua.dossiers.services import DossierActionError

from . import services
from .uploads import check_upload


class DigitiseForm(forms.Form):
    # The dossier's row version when the page was rendered: someone acting in between makes it stale.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    file = forms.FileField(label=gettext_lazy("Scan (PDF, JPEG, PNG)"))
    number = forms.CharField(label=gettext_lazy("Number"), max_length=100, required=False)
    issuer = forms.CharField(label=gettext_lazy("Issued by"), max_length=255, required=False)
    issue_date = forms.DateField(label=gettext_lazy("Issue date"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=gettext_lazy("Valid until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))

    def clean_file(self):
        self.checked = check_upload(self.cleaned_data["file"])
        return self.cleaned_data["file"]


@staff_required
def digitise(request, code, document_id):
    dossier = dossier_selectors.visible_dossier(request.user, code)
    document = dossier.documents.filter(pk=document_id).first() if dossier else None
    if document is None:
        raise Http404(_("No such document in a dossier you can see."))
    if not services.may_digitise(request.user, dossier):
        raise Http404(_("No such document in a dossier you can see."))
    form = DigitiseForm(request.POST or None, request.FILES or None, initial={"version": dossier.version})
    allowed = dossier_services.can_act(request.user, dossier, "digitise_document")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.digitise_document(request.user, document, form.checked, number=data["number"],
                                           issuer=data["issuer"], issue_date=data["issue_date"],
                                           valid_until=data["valid_until"], expected_version=data["version"])
            except (DossierActionError, ValidationError) as exc:
                form.add_error(None, exc.messages[0])
            else:
                messages.success(request, _("%(name)s has been digitised.") % {"name": document.name})
                return redirect("backoffice:dossier", code=dossier.code)
        status = 400
    return render(request, "documents/digitise.html", {"dossier": dossier, "document": document, "form": form, "allowed": allowed},
                  status=status)
