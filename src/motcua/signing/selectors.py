"""Reads of the signing app."""
from motcua.dossiers.models import Status
from motcua.organization.models import Agency
from motcua.organization.permissions import agencies_for, has_permission

from .models import CertifiedCopy, SignedDocument, SigningCredential, SigningRequest


def personal_credentials(officer):
    return SigningCredential.objects.filter(holder=officer, kind="personal", is_active=True).select_related("agency")


def seals_of(agency):
    return SigningCredential.objects.filter(agency=agency, kind="seal", is_active=True)


def may_sign(officer, dossier) -> bool:
    agency_ids = {dossier.current_agency_id, dossier.competent_agency_id} - {None}
    return any(has_permission(officer, "dossier.approve", a) for a in Agency.objects.filter(pk__in=agency_ids))


def can_sign_now(officer, dossier) -> bool:
    return int(dossier.status) in (Status.RECEIVED, Status.PROCESSING) and may_sign(officer, dossier)


def open_request(dossier):
    return SigningRequest.objects.filter(dossier=dossier, purpose="result", state="waiting").first()


def signed_result(dossier):
    return SignedDocument.objects.filter(dossier=dossier, kind="result").order_by("-signed_at").first()


def certifying_agencies(officer):
    """Agencies where the officer receives at the counter (certification is done there)."""
    return list(agencies_for(officer, "dossier.receive"))


def recent_copies(agencies, limit=20):
    return (CertifiedCopy.objects.filter(book__agency__in=agencies).select_related("book", "signed_document")
            [:limit])
