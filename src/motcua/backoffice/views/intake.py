"""Counter intake: find the procedure, tick the checklist, identify the applicant, receive.

The intake form carries a one-time token (`form_token`): the dossier it received is remembered
with it (`core.idempotency`), so a double click or a browser's resend gives the same receipt page,
not a second dossier."""
import re
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.core.idempotency import claim_form_token, form_fingerprint
from motcua.core.text import fold
from motcua.documents import services as documents_services
from motcua.integrations import business, population
from motcua.organization.permissions import has_permission

from .. import form_commands, procedures
from motcua.organization.access import staff_required
from ..forms import IntakeForm, clean_citizen_id
from ..templatetags.backoffice import stored_label

APPLICANT_FIELDS = ("applicant_citizen_id", "applicant_name", "applicant_phone", "applicant_email", "applicant_address")
OWNER_FIELDS = ("owner_tax_code", "owner_citizen_id", "owner_name", "owner_phone", "owner_address")


def _require_receiver(user):
    if not has_permission(user, "dossier.receive"):
        raise Http404  # not a counter officer anywhere: the page does not exist for them


def _doc_rows(form, documents, stored=(), posted=None):
    """Checklist rows carrying what the officer typed (a failed submit or a look-up keeps it),
    with the stored copies that may replace the paper."""
    posted = form.data if form.is_bound else posted
    rows = []
    for doc in documents:
        if posted is not None:
            ticked = bool(posted.get(f"doc_{doc.pk}"))
            counts = [posted.get(f"doc_{doc.pk}_{part}", "") for part in ("originals", "certified", "copies")]
            reuse = bool(posted.get(f"doc_{doc.pk}_reuse"))
            chosen = posted.get(f"doc_{doc.pk}_stored", "")
        else:
            ticked, reuse, chosen = False, False, ""
            counts = [doc.originals, doc.certified_copies, doc.copies]
        if not chosen and stored:
            chosen = _best_match(doc, stored)
        rows.append({"doc": doc, "ticked": ticked, "originals": counts[0], "certified": counts[1], "copies": counts[2],
                     "reuse": reuse, "chosen": str(chosen)})
    return rows


def _best_match(doc, stored) -> int:
    """The stored document whose kind names this checklist item (diacritics ignored), else the first."""
    name = fold(doc.name)
    for item in stored:
        kind = fold(item.kind)
        if kind and (kind in name or name in kind):
            return item.pk
    return stored[0].pk


def _store_citizen_id(data) -> str:
    """Whose data store to offer: the owner's citizen ID when the owner is someone else, else the
    applicant's. Empty when what was typed is not a citizen ID."""
    typed = data.get("applicant_citizen_id", "")
    if not data.get("owner_same") and data.get("owner_citizen_id"):
        typed = data.get("owner_citizen_id", "")
    try:
        return clean_citizen_id(typed)
    except ValidationError:
        return ""


@staff_required
def intake(request):
    _require_receiver(request.user)
    source = request.POST if request.method == "POST" else request.GET
    query = request.GET.get("q", "").strip()
    results = procedures.search_procedures(request.user, query) if query else []
    procedure_code = source.get("procedure", "").strip()
    version = procedures.find_version(request.user, procedure_code)
    case = procedures.find_case(version, source.get("case", "").strip()) if version else None
    cases = list(version.cases.order_by("order", "pk")) if version else []
    documents = procedures.checklist(version, case) if version and (case or not cases) else []
    # Boundary-free procedures (Decree 118/2025): the officer's agency receives, the competent
    # agency chosen here handles (form_commands.competent_choices).
    receiving = form_commands.receiving_agency_for(request.user, version) if version else None
    competent = form_commands.competent_choices(request.user, version, receiving) if version else []
    initial = {"procedure": procedure_code, "case": case.code if case else "", "owner_same": True}

    form_token = _token(request.POST) or uuid.uuid4().hex
    store_for = _store_citizen_id(request.POST) if request.method == "POST" and documents else ""
    stored = documents_services.reusable_at_counter(request.user, store_for) if store_for else []
    posted = None

    if request.method == "POST" and request.POST.get("lookup_store"):
        # "Find stored documents" (works without JS): show the form again with the store's copies.
        typed = {**initial, **request.POST.dict(), "owner_same": bool(request.POST.get("owner_same"))}
        form = IntakeForm(documents=documents, stored_documents=stored, competent_agencies=competent, initial=typed)
        posted = request.POST
        status = 200
    elif request.method == "POST":
        form = IntakeForm(request.POST, documents=documents, stored_documents=stored, competent_agencies=competent,
                          initial=initial)
        if version is None:
            form.is_valid()
            form.add_error(None, _("Unknown procedure, or one your agencies do not receive. Search again."))
        elif cases and case is None:
            form.is_valid()
            form.add_error(None, _("Choose the case of the procedure."))
        elif form.is_valid():
            try:
                code = _receive_once(request, version, case, form)
            except ValidationError as error:
                _attach_errors(form, error)
            else:
                if code:
                    return redirect("backoffice:receipt", code=code)
                form_token = uuid.uuid4().hex  # the old one is spent: sending again makes a new dossier
        status = 400
    else:
        form = IntakeForm(documents=documents, competent_agencies=competent, initial=initial)
        status = 200

    context = {
        "query": query,
        "results": results,
        "version": version,
        "unknown_procedure": bool(procedure_code) and version is None and request.method == "GET",
        "cases": cases,
        "case": case,
        "form": form,
        "doc_rows": _doc_rows(form, documents, stored, posted),
        "stored": stored,
        "store_for": store_for,
        "applicant_fields": [form[name] for name in APPLICANT_FIELDS],
        "owner_fields": [form[name] for name in OWNER_FIELDS],
        "competent_rows": _competent_rows(request.user, form, competent, receiving, posted),
        "receiving_name": receiving.name_on(timezone.localdate()) if receiving else "",
        "form_token": form_token,
    }
    return render(request, "backoffice/intake.html", context, status=status)


def _token(post) -> str:
    token = post.get("form_token", "")
    return token if re.fullmatch(r"[0-9a-f]{32}", token) else ""


def _receive_once(request, version, case, form) -> str | None:
    """Receive the dossier, once per form token: the code of the dossier received (now, or by an
    earlier sending of the same form); None when the token was spent on other data (the form then
    says which dossier it received)."""
    token = _token(request.POST)
    with transaction.atomic():
        if token:
            outcome, record = claim_form_token(request.user, token, "intake", form_fingerprint(request.POST))
            if outcome == "same":
                return record.body["code"]
            if outcome == "other":
                form.add_error(None, _("This form was already sent: dossier %(code)s was received from it. To "
                                       "receive another dossier, check the data and send the form again.")
                               % {"code": record.body["code"]})
                return None
        dossier = form_commands.receive_at_counter(request.user, version, case, form)
        if token:
            record.status_code, record.body = 302, {"code": dossier.code}
            record.save(update_fields=["status_code", "body"])
    return dossier.code


def _competent_rows(user, form, agencies, receiving, posted=None) -> list[dict]:
    """The competent agencies offered, with the one to show selected: the officer's choice, else
    the suggestion (their own agency if competent, else the commune the applicant's address names)."""
    if not agencies:
        return []
    posted = form.data if form.is_bound else posted
    chosen = posted.get("competent_agency", "") if posted is not None else ""
    if not chosen:
        address = posted.get("applicant_address", "") if posted is not None else ""
        suggestion = form_commands.suggested_competent_agency(user, agencies, receiving, address)
        chosen = str(suggestion.pk) if suggestion else ""
    today = timezone.localdate()
    return [{"pk": a.pk, "name": a.name_on(today), "selected": str(a.pk) == str(chosen)} for a in agencies]


def _attach_errors(form, error: ValidationError):
    """Show the engine's refusal on the form: on a field when it names one of ours, else on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


@staff_required
def receipt(request, code):
    dossier = form_commands.visible_dossier(request.user, code)
    return render(request, "backoffice/receipt.html", {"dossier": dossier, **form_commands.printout_links(dossier)})


@staff_required
@require_GET
def stored_documents_lookup(request):
    """The re-usable stored documents of the person with this citizen ID, as JSON, for counter
    officers only. The officer must type the exact ID; each look-up is logged (officer, ID, time)."""
    _require_receiver(request.user)
    try:
        citizen_id = clean_citizen_id(request.GET.get("citizen_id", ""))
    except ValidationError as error:
        return JsonResponse({"documents": [], "detail": error.messages[0]}, status=400)
    stored = documents_services.reusable_at_counter(request.user, citizen_id)
    return JsonResponse({"documents": [_stored_json(item) for item in stored]})


def _stored_json(item) -> dict:
    return {
        "id": item.pk, "kind": item.kind, "number": item.number, "issuer": item.issuer,
        "issue_date": item.issue_date.isoformat() if item.issue_date else None,
        "valid_until": item.valid_until.isoformat() if item.valid_until else None,
        "source": item.source, "reuse_status": item.reuse_status, "label": stored_label(item),
    }


@staff_required
@require_GET
def applicant_lookup(request):
    """The applicant of the latest dossier this officer may see with this citizen ID, as JSON."""
    _require_receiver(request.user)
    try:
        citizen_id = clean_citizen_id(request.GET.get("citizen_id", ""))
    except ValidationError as error:
        return JsonResponse({"found": False, "detail": error.messages[0]}, status=400)
    person = form_commands.latest_applicant(request.user, citizen_id)
    if person is not None:
        return JsonResponse(
            {"found": True, **person, "message": _("Filled in from an earlier dossier; check it with the applicant.")}
        )
    # Nobody we know yet: ask the national population register (through its adapter).
    try:
        record = population.prefill(citizen_id, user=request.user, page=request.path)
    except population.LookupRefused as refusal:  # throttled (checked and logged in population.lookups)
        return JsonResponse({"found": False, "message": refusal.message}, status=429)
    except population.RegisterUnavailable:
        return JsonResponse({"found": False, "message": _("The population register does not answer; type the data in.")})
    if not record:
        return JsonResponse({"found": False})
    return JsonResponse({
        "found": True, "name": record["full_name"], "address": record["address"], "phone": "", "email": "",
        "message": _("Filled in from the national population register; check it with the applicant."),
    })


@staff_required
@require_GET
def business_lookup(request):
    """What the business registry knows of this tax code, as JSON, for counter officers: name, head
    office, legal status (with a warning when suspended or dissolved), representatives, business
    lines. Checked, throttled and logged like the population register (business.lookups)."""
    _require_receiver(request.user)
    try:
        found = business.prefill(request.GET.get("tax_code", ""), user=request.user, page=request.path)
    except business.InvalidTaxCode as error:
        return JsonResponse({"found": False, "detail": error.message}, status=400)
    except business.LookupRefused as refusal:
        return JsonResponse({"found": False, "message": refusal.message}, status=429)
    except business.RegistryTimeout:
        return JsonResponse({"found": False, "message": _("The business registry did not answer in time; type the "
                                                          "data in.")})
    except business.RegistryUnavailable:
        return JsonResponse({"found": False, "message": _("The business registry does not answer; type the data in.")})
    if not found:
        return JsonResponse({"found": False, "message": _("The business registry has no business with this tax code.")})
    return JsonResponse({"found": True, **found,
                         "message": _("Filled in from the national business registry; check it with the applicant.")})
