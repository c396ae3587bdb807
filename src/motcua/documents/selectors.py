"""Reads of the documents app: a person's own documents and dossiers, and the digitisation
figures of the reports."""
import datetime

from django.db.models import Count, Q

from motcua.core.periods import local_day_bounds
from motcua.dossiers.counting import received_between_q
from motcua.dossiers.models import Dossier, DossierDocument

from .models import ApplicationDraft, StoredDocument


def documents_of(user):
    if not getattr(user, "is_authenticated", False):
        return StoredDocument.objects.none()
    return StoredDocument.objects.filter(owner=user)


def own_document(user, pk) -> StoredDocument | None:
    """One of the person's stored documents, or None (the page answers 404 for anyone else's)."""
    try:
        return documents_of(user).get(pk=int(pk))
    except (StoredDocument.DoesNotExist, TypeError, ValueError):
        return None


def dossiers_of(user):
    """The dossiers submitted through this portal account, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    return (
        Dossier.objects.filter(account=user)
        .select_related("procedure_version", "competent_agency", "receiving_agency")
        .order_by("-submitted_at", "-pk")
    )


def own_dossier(user, code) -> Dossier | None:
    return dossiers_of(user).filter(code=code).first()


def open_drafts(user):
    if not getattr(user, "is_authenticated", False):
        return ApplicationDraft.objects.none()
    return ApplicationDraft.objects.filter(account=user, dossier__isnull=True).select_related("procedure_version")


def digitisation_counts(date_from: datetime.date, date_to: datetime.date, agency_ids=None) -> dict:
    """For dossiers received between the two dates (inclusive, local time) by the given receiving
    agencies (all when None): how many dossiers, how many fully digitised, and how many documents
    were re-used from the data store (digitisation 2) or from an earlier result (3)."""
    start, end = local_day_bounds(date_from, date_to)
    dossiers = Dossier.objects.filter(received_between_q(start, end))  # none refused at intake
    if agency_ids is not None:
        dossiers = dossiers.filter(receiving_agency_id__in=list(agency_ids))
    figures = dossiers.aggregate(dossiers=Count("pk"), digitised=Count("pk", filter=Q(is_digitized=True)))
    documents = DossierDocument.objects.filter(dossier__in=dossiers.values("pk")).aggregate(
        reused_documents=Count("pk", filter=Q(digitization=DossierDocument.Digitization.REUSED_DOCUMENT)),
        reused_results=Count("pk", filter=Q(digitization=DossierDocument.Digitization.REUSED_RESULT)),
    )
    return {**figures, **documents}


# --- the files of a dossier and their access log -------------------------------------------------

def dossier_file(dossier: Dossier | None, document_id: int | None):
    """(field file, document) of one file of the dossier: a document's file when `document_id` is
    given, else the result (document None). None when the dossier has no such file."""
    if dossier is None:
        return None
    if document_id is None:
        return (dossier.result_file, None) if dossier.result_file else None
    document = dossier.documents.filter(pk=document_id).first()
    if document is None or not document.file:
        return None
    return document.file, document


def may_see_openings(user) -> bool:
    """Managers (centre manager, province administrator) see the access log of their agencies."""
    from motcua.organization.permissions import has_permission

    return bool(getattr(user, "is_authenticated", False)) and has_permission(user, "service_point.manage")


def openings_for(user, *, date_from: datetime.date | None = None, date_to: datetime.date | None = None,
                 officer_id: int | None = None, code: str = ""):
    """The openings of files of dossiers that an agency the manager manages received, is competent
    for or holds now, newest first; narrowed by local dates (inclusive), officer and dossier code."""
    from motcua.organization.permissions import agencies_for

    from .models import DocumentOpening

    if not may_see_openings(user):
        return DocumentOpening.objects.none()
    agencies = agencies_for(user, "service_point.manage").values("pk")
    qs = DocumentOpening.objects.filter(
        Q(dossier__receiving_agency_id__in=agencies) | Q(dossier__competent_agency_id__in=agencies)
        | Q(dossier__current_agency_id__in=agencies)
    )
    if date_from is not None:
        qs = qs.filter(at__gte=local_day_bounds(date_from, date_from)[0])
    if date_to is not None:
        qs = qs.filter(at__lt=local_day_bounds(date_to, date_to)[1])
    if officer_id is not None:
        qs = qs.filter(officer_id=officer_id)
    if code:
        qs = qs.filter(dossier_code__icontains=code.strip())
    return qs.select_related("officer__staff_profile").order_by("-at", "-pk")
