"""Reads of the documents app: a person's own documents and dossiers, and the digitisation
figures of the reports."""
import datetime

from django.db.models import Count, Q
from django.utils import timezone

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


def _bounds(date_from: datetime.date, date_to: datetime.date):
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def digitisation_counts(date_from: datetime.date, date_to: datetime.date, agency_ids=None) -> dict:
    """For dossiers received between the two dates (inclusive, local time) by the given receiving
    agencies (all when None): how many dossiers, how many fully digitised, and how many documents
    were re-used from the data store (digitisation 2) or from an earlier result (3)."""
    start, end = _bounds(date_from, date_to)
    dossiers = Dossier.objects.filter(received_at__gte=start, received_at__lt=end)
    if agency_ids is not None:
        dossiers = dossiers.filter(receiving_agency_id__in=list(agency_ids))
    figures = dossiers.aggregate(dossiers=Count("pk"), digitised=Count("pk", filter=Q(is_digitized=True)))
    documents = DossierDocument.objects.filter(dossier__in=dossiers.values("pk")).aggregate(
        reused_documents=Count("pk", filter=Q(digitization=DossierDocument.Digitization.REUSED_DOCUMENT)),
        reused_results=Count("pk", filter=Q(digitization=DossierDocument.Digitization.REUSED_RESULT)),
    )
    return {**figures, **documents}
