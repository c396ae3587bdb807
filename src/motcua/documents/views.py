"""The officer's digitisation page (upload the scan of a paper document handed in at the counter,
/mot-cua/ho-so/<code>/so-hoa/<document id>/), the dossier's files for officers (each opening
recorded) and for the owner, and the managers' access log page."""
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from motcua.organization.access import staff_required
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers import services as dossier_services
from motcua.dossiers.services import DossierActionError

from . import files, selectors, services
from .forms import DocumentUploadForm


class DigitiseForm(DocumentUploadForm):
    # The dossier's row version when the page was rendered: someone acting in between makes it stale.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    file = forms.FileField(label=gettext_lazy("Scan (PDF, JPEG, PNG)"))

    field_order = ["version", "file", "number", "issuer", "issue_date", "valid_until"]


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


# --- opening a dossier's files -------------------------------------------------------------------

def officer_signed_in(view):
    """Anonymous visitors go to the officer sign-in; everyone else reaches the scope check, which
    answers 404 for a file they may not open (never 403: whether it exists is not told)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("backoffice:login"))
        return view(request, *args, **kwargs)

    return wrapper


def _wants_download(request) -> bool:
    return request.GET.get("tai-ve") == "1"


def _serve_to_officer(request, code, document_id):
    dossier = dossier_selectors.visible_dossier(request.user, code)
    found = selectors.dossier_file(dossier, document_id)
    if found is None:
        raise Http404(_("No such file in a dossier you can see."))
    field, document = found
    handle, content_type = files.open_file(field)
    try:
        services.record_opening(request.user, dossier, document=document, client_ip=request.META.get("REMOTE_ADDR"))
    except Exception:
        handle.close()
        raise
    stem = f"{dossier.code}-{document.pk}-{document.name}" if document else f"{dossier.code}-ket-qua"
    return files.file_response(handle, content_type, files.download_name(stem, content_type, field.name),
                               download=_wants_download(request), field=field)


@officer_signed_in
@require_GET
def officer_document_file(request, code, document_id):
    """A document of a dossier the officer's agencies hold (received, competent, current)."""
    return _serve_to_officer(request, code, document_id)


@officer_signed_in
@require_GET
def officer_result_file(request, code):
    """The result file of a dossier the officer's agencies hold."""
    return _serve_to_officer(request, code, None)


@require_GET
def citizen_document_file(request, code, document_id):
    """A document of the signed-in person's own dossier (not recorded: it is their own)."""
    from motcua.portal.apply import citizen_login_required

    @citizen_login_required
    def serve(request):
        found = selectors.dossier_file(selectors.own_dossier(request.user, code), document_id)
        if found is None:
            raise Http404(_("No such file in your dossiers."))
        field, document = found
        handle, content_type = files.open_file(field)
        stem = f"{code}-{document.pk}-{document.name}"
        return files.file_response(handle, content_type, files.download_name(stem, content_type, field.name),
                                   download=_wants_download(request), field=field)

    return serve(request)


# --- the access log, for managers ----------------------------------------------------------------

class OpeningsFilter(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    officer = forms.TypedChoiceField(label=gettext_lazy("Officer"), required=False, coerce=int, empty_value=None)
    code = forms.CharField(label=gettext_lazy("Dossier code"), required=False, max_length=40)

    def __init__(self, *args, officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [("", _("All officers"))] + list(officers)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise ValidationError(_("The end date is before the start date."))
        return data


PAGE_SIZE = 50


@staff_required
def openings(request):
    """Who opened which file of which dossier, when and from where: the managers of the agencies
    holding the dossiers see it (Decree 13/2023)."""
    if not selectors.may_see_openings(request.user):
        raise PermissionDenied
    from django.contrib.auth import get_user_model

    from motcua.backoffice.templatetags.backoffice import officer_name

    everyone = selectors.openings_for(request.user)
    ids = everyone.order_by().values_list("officer_id", flat=True).distinct()
    seen = get_user_model().objects.filter(pk__in=ids).select_related("staff_profile")
    officers = sorted(((user.pk, officer_name(user)) for user in seen), key=lambda item: item[1])
    form = OpeningsFilter(request.GET or None, officers=officers)
    rows, status = everyone.none(), 200
    if not request.GET:
        rows = everyone
    elif form.is_valid():
        data = form.cleaned_data
        rows = selectors.openings_for(request.user, date_from=data["date_from"], date_to=data["date_to"],
                                      officer_id=data["officer"], code=data["code"])
    else:
        status = 400
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "documents/openings.html",
                  {"form": form, "page": page, "query": query.urlencode()}, status=status)
