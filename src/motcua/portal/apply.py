"""Applying online: the form of a procedure, kept as a draft, submitted once as a dossier (status 1).

Citizens sign in on the accounts pages (CITIZEN_LOGIN_URL); a draft belongs to its account, and
another person's or a malformed draft key answers 404.
"""
import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from motcua.catalog import selectors as catalogue
from motcua.documents import applications
from motcua.documents.selectors import open_drafts
from motcua.documents.uploads import check_total
from motcua.dossiers.models import ReturnChannel
from motcua.dossiers.services import DossierActionError
from motcua.postal import services as postal_services
from motcua.postal.errors import PostalError

from .forms_apply import ApplicationForm, business_from_registry, initial_from_draft, prefill_from_account

CITIZEN_LOGIN_URL = "/tai-khoan/dang-nhap/"


def citizen_login_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), CITIZEN_LOGIN_URL)
        return view(request, *args, **kwargs)

    return wrapper


def _version_or_404(code):
    version = catalogue.published_by_code(code)
    if version is None:
        raise Http404(_("No procedure in force has this code."))
    return version


@citizen_login_required
def apply(request, code):
    """/thu-tuc/<code>/nop-truc-tuyen/: a new application (or the open draft of this procedure)."""
    version = _version_or_404(code)
    if "online" not in catalogue.channels(version):
        messages.error(request, _("This procedure cannot be submitted online."))
        return redirect("portal:procedure-detail", code=code)
    if request.method == "POST":
        try:
            key = uuid.UUID(request.POST.get("key", ""))
        except ValueError:
            raise Http404(_("This application form is not valid; open it again.")) from None
        draft = applications.start_or_resume(request.user, version, key)
        if draft is None:
            raise Http404(_("This application form is not valid; open it again."))
        return _handle_post(request, draft)
    existing = open_drafts(request.user).filter(procedure_version=version).first()
    if existing is not None and not applications.is_expired(existing):
        return redirect("portal:apply-draft", key=existing.key)
    owner, business = business_from_registry(request.user, request.path)
    form = ApplicationForm(version, request.user,
                           initial={"key": uuid.uuid4(), **prefill_from_account(request.user), **owner})
    return render(request, "portal/apply/form.html",
                  {"form": form, "version": version, "draft": None, "business": business})


@citizen_login_required
def apply_draft(request, key):
    """/nop-ho-so/<key>/: resume a draft (own drafts only)."""
    draft = applications.draft_of(request.user, key)
    if draft is None:
        raise Http404(_("No such application."))
    if draft.dossier_id:
        messages.info(request, _("This application has already been submitted."))
        return redirect("portal:my-dossier", code=draft.dossier.code)
    if applications.is_expired(draft):
        return render(request, "portal/apply/expired.html", {"draft": draft}, status=410)
    if request.method == "POST":
        return _handle_post(request, draft)
    form = ApplicationForm(draft.procedure_version, request.user, draft=draft, initial=initial_from_draft(draft))
    return render(request, "portal/apply/form.html", {"form": form, "version": draft.procedure_version,
                                                      "draft": draft})


def _postal_delivery(request, dossier, data: dict) -> None:
    """A result by post: the address chosen on the form (a ward in force) becomes the postal app's
    delivery choice; the delivery order is made when the result is returned."""
    if dossier.return_channel != ReturnChannel.POST or not data.get("delivery_unit"):
        return
    try:
        postal_services.choose_delivery(
            request.user, dossier, unit=data["delivery_unit"],
            street=dossier.delivery_address or dossier.applicant_address, receiver_name=dossier.applicant_name,
            receiver_phone=dossier.applicant_phone)
    except PostalError as refusal:  # the dossier is submitted; the address is completed on its page
        messages.warning(request, refusal.message)


def _handle_post(request, draft):
    version = draft.procedure_version
    if draft.dossier_id:  # the same form sent again: the dossier already exists
        messages.info(request, _("This application has already been submitted."))
        return redirect("portal:my-dossier", code=draft.dossier.code)
    form = ApplicationForm(version, request.user, request.POST, request.FILES, draft=draft)
    form.is_valid()
    kept = {f.required_document_id: f.size for f in draft.files.all()}
    new = {pk: c.size for pk, c in form.checked_files.items()}
    try:
        check_total({**kept, **new}.values())
    except ValidationError as exc:
        form.add_error(None, exc)
        form.checked_files = {}
    with transaction.atomic():
        case = version.cases.filter(pk=form.cleaned_data.get("case") or 0).first()
        applications.save_form(draft, form.draft_data(), case)
        for required in form.document_rows:
            checked = form.checked_files.get(required.pk)
            if checked is not None:
                applications.attach_file(draft, required, checked)
    if request.POST.get("action") == "submit" and not form.errors:
        try:
            dossier, created = applications.submit(request.user, draft, **form.where())
        except DossierActionError as exc:
            form.add_error(None, exc.messages[0])
        else:
            if created:
                _postal_delivery(request, dossier, draft.data or {})
                # The unit that checks it by its name in force (Decree 118/2025: no fixed "Bộ phận Một cửa").
                messages.success(request, _("Your dossier %(code)s has been submitted. %(unit)s will check it "
                                            "and tell you.") % {"code": dossier.code,
                                                                "unit": applications.receiving_unit_name(dossier)})
            return redirect("portal:my-dossier", code=dossier.code)
    if not form.errors:
        messages.success(request, _("Your draft has been saved. You can come back to it from \"My dossiers\"."))
        return redirect("portal:apply-draft", key=draft.key)
    draft.refresh_from_db()
    bound = ApplicationForm(version, request.user, draft=draft, initial=initial_from_draft(draft))
    bound._errors = form.errors  # show the errors next to the values kept in the draft
    bound.cleaned_data = {}
    return render(request, "portal/apply/form.html", {"form": bound, "version": version, "draft": draft,
                                                      "failed": True}, status=400)
