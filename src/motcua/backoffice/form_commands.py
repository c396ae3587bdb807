"""Officer forms to dossier commands: turn the counter's form data into the arguments of
`motcua.dossiers.services` (which makes every state change), and read what the officer pages show
(the visible dossier, the agencies to choose from, the printout links)."""
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from motcua.dossiers import selectors, services
from motcua.dossiers.models import Dossier, Status
from motcua.organization.models import ServicePoint
from motcua.organization.permissions import scope_of

FORM_LABELS = {
    "01": _("Form 01: receipt and appointment"),
    "02": _("Form 02: supplement request"),
    "03": _("Form 03: refusal"),
    "04": _("Form 04: apology and new appointment"),
    "05": _("Form 05: process control sheet"),
}


def visible_dossier(user, code: str) -> Dossier:
    """The dossier if this officer may see it; a 404 otherwise (never say it exists elsewhere)."""
    dossier = (
        selectors.dossiers_visible_to(user)
        .select_related(
            "procedure_version", "case", "field", "receiving_agency", "competent_agency", "current_agency",
            "service_point", "current_officer__staff_profile",
        )
        .filter(code=code)
        .first()
    )
    if dossier is None:
        raise Http404
    return dossier


def receiving_agency_for(user, version):
    """The agency the officer receives this procedure for: one they serve that receives or decides it."""
    mine = scope_of(user).agencies("dossier.receive")
    candidates = mine.filter(pk__in=[*version.receiving_agencies.values_list("pk", flat=True),
                                     *version.competent_agencies.values_list("pk", flat=True)])
    return candidates.order_by("pk").first() or (mine.order_by("pk").first() if version.is_boundary_free else None)


def competent_agency_for(version, receiving_agency):
    """The competent agency of a dossier received at the counter: the receiving agency itself when it
    is one of the procedure's competent agencies (a commune receives its own commune-level
    dossiers, never the first commune's); else None, and the engine applies the catalogue's."""
    if receiving_agency is not None and version.competent_agencies.filter(pk=receiving_agency.pk).exists():
        return receiving_agency
    return None


def competent_choices(user, version, receiving_agency=None) -> list:
    """The competent agencies the counter officer chooses among, by name ([]: nothing to choose).

    A boundary-free procedure (Decree 118/2025) is received at any service point and handled by
    the competent agency the applicant's case belongs to (a commune-level procedure of a commune
    elsewhere): with more than one competent agency the officer chooses it. So does an officer
    whose agency receives but does not decide a procedure with several. A commune receiving its
    own commune-level dossier of a procedure that is not boundary-free decides it itself."""
    from motcua.portal import places

    agencies = places.competent_agencies(version)
    if len(agencies) < 2:
        return []
    if receiving_agency is None:
        receiving_agency = receiving_agency_for(user, version)
    own = receiving_agency is not None and any(a.pk == receiving_agency.pk for a in agencies)
    if own and not version.is_boundary_free:
        return []
    return agencies


def suggested_competent_agency(user, agencies, receiving_agency=None, address: str = ""):
    """The choice to pre-select: the officer's own agency when it is competent, else the one of the
    applicant's residence (the commune their address names), else None (the officer chooses)."""
    from motcua.portal import places

    mine = [receiving_agency.pk] if receiving_agency is not None else []
    mine += sorted(scope_of(user).agency_ids("dossier.receive"))
    by_pk = {agency.pk: agency for agency in agencies}
    for pk in mine:
        if pk in by_pk:
            return by_pk[pk]
    return places.agency_of_unit(agencies, places.unit_of_address(address)) if address else None


def service_point_for(user, agency):
    """Where the officer sits: their counter for that agency, else a service point of their roles."""
    point_id = scope_of(user).service_point_for(agency.pk)
    return ServicePoint.objects.filter(pk=point_id).first() if point_id else None


def receive_at_counter(user, version, case, form) -> Dossier:
    data = form.cleaned_data
    applicant = {
        "kind": "person",
        "name": data["applicant_name"],
        "id_number": data["applicant_citizen_id"],
        "phone": data.get("applicant_phone", ""),
        "email": data.get("applicant_email", ""),
        "address": data.get("applicant_address", ""),
    }
    owner = None
    if data.get("owner_tax_code") and not data.get("owner_same"):
        owner = {  # a business: its tax code is its identifier
            "kind": "business",
            "name": data["owner_name"],
            "id_number": data["owner_tax_code"],
            "phone": data.get("owner_phone", ""),
            "address": data.get("owner_address", ""),
        }
    elif not data.get("owner_same"):
        owner = {
            "kind": "person",
            "name": data["owner_name"],
            "id_number": data["owner_citizen_id"],
            "phone": data.get("owner_phone", ""),
            "address": data.get("owner_address", ""),
        }
    documents = intake_documents(form)
    agency = receiving_agency_for(user, version)
    # Chosen on the form when the procedure's competent agencies are offered (competent_choices);
    # the receiving agency stays the officer's.
    competent = form.competent_agency() if "competent_agency" in form.fields else competent_agency_for(version, agency)
    return services.receive_at_counter(
        user,
        procedure_version=version,
        case=case,
        applicant=applicant,
        owner=owner,
        documents=documents,
        service_point=service_point_for(user, agency) if agency else None,
        receiving_agency=agency,
        competent_agency=competent,
        return_channel=data["return_channel"],
        delivery_address=data.get("return_address", ""),
        note=data.get("note", ""),
        fee_exemptions=form.data.getlist("fee_exemption") if hasattr(form.data, "getlist") else (),
    )


def intake_documents(form) -> list[dict]:
    """The engine's document dicts: paper counted at the counter, and copies re-used from the
    owner's data store (digitisation 2, or 3 for an earlier result; the same stored file)."""
    from motcua.documents.services import reuse_entry

    paper = {doc.pk: counts for doc, *counts in form.handed_in_documents()}
    reused = form.reused_documents()
    documents = []
    for doc in form.documents:
        if doc.pk not in paper and doc.pk not in reused:
            continue
        entry = {"required_document": doc.pk, "name": doc.name}
        if doc.pk in paper:
            originals, certified, copies = paper[doc.pk]
            entry.update(originals=originals, certified_copies=certified, copies=copies)
        if doc.pk in reused:
            entry.update(reuse_entry(reused[doc.pk], doc))
        documents.append(entry)
    return documents


def latest_applicant(user, citizen_id: str) -> dict | None:
    row = (
        selectors.dossiers_visible_to(user)
        .filter(applicant_id_number=citizen_id)
        .order_by("-created_at", "-pk")
        .values("applicant_name", "applicant_phone", "applicant_email", "applicant_address")
        .first()
    )
    if row is None:
        return None
    return {
        "name": row["applicant_name"],
        "phone": row["applicant_phone"],
        "email": row["applicant_email"],
        "address": row["applicant_address"],
    }


def printout_url(dossier, form: str) -> str:
    # The printouts app serves /mot-cua/ho-so/<code>/in/<form>/ (forms "01".."06").
    return f"/mot-cua/ho-so/{dossier.code}/in/{form}/"


def printouts_for(dossier) -> list[dict]:
    """The official forms that apply to this dossier as it stands."""
    forms = []
    if dossier.received_at:
        forms.append("01")
    if dossier.supplement_count:
        forms.append("02")
    if dossier.status == Status.NOT_RECEIVED:
        forms.append("03")
    if dossier.apology_count:
        forms.append("04")
    if dossier.received_at:
        forms.append("05")
    return [{"form": f, "label": FORM_LABELS[f], "url": printout_url(dossier, f)} for f in forms]


def printout_links(dossier) -> dict:
    return {"receipt_url": printout_url(dossier, "01")}


actions_for = services.actions_for
ActionError = services.DossierActionError
