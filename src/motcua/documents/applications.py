"""Online applications: drafts kept between visits, files attached to them, and the submission
that turns a draft into a dossier (status 1) exactly once.

A draft's `data` holds the form: {"case", "applicant", "owner_same", "owner", "return_channel",
"delivery_address", "service_point", "picks": {required document id: stored document id}}.
"""
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import ProcedureCase, RequiredDocument
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import DossierDocument, ReturnChannel
from motcua.dossiers.services import DossierActionError
from motcua.organization.models import ServicePoint

from . import services
from .models import ApplicationDraft, DraftFile, Source, StoredDocument
from .uploads import CheckedFile


def draft_days() -> int:
    return int(getattr(settings, "APPLICATION_DRAFT_DAYS", 30))


def is_expired(draft: ApplicationDraft, now=None) -> bool:
    """An unsubmitted draft untouched for APPLICATION_DRAFT_DAYS (default 30) is no longer usable."""
    now = now or timezone.now()
    return draft.dossier_id is None and draft.updated_at < now - datetime.timedelta(days=draft_days())


def applicable_documents(version, case=None) -> list[RequiredDocument]:
    return [d for d in version.documents.all() if d.case_id is None or (case is not None and d.case_id == case.pk)]


def draft_of(user, key) -> ApplicationDraft | None:
    """The person's own draft by key; None for a key that is malformed or someone else's."""
    try:
        return ApplicationDraft.objects.select_related("procedure_version", "case").get(key=key, account=user)
    except (ApplicationDraft.DoesNotExist, ValidationError, ValueError, TypeError):
        return None


def start_or_resume(user, version, key) -> ApplicationDraft | None:
    """The draft with this form key: created for this person on first save, None when the key
    already belongs to someone else (a tampered form)."""
    draft, created = ApplicationDraft.objects.get_or_create(
        key=key, defaults={"account": user, "procedure_version": version}
    )
    if draft.account_id != user.pk or draft.procedure_version_id != version.pk:
        return None
    return draft


def attach_file(draft: ApplicationDraft, required: RequiredDocument, checked: CheckedFile) -> DraftFile:
    """Keep an uploaded file in the draft for one required document (replacing an earlier one)."""
    DraftFile.objects.filter(draft=draft, required_document=required).delete()
    picks = dict(draft.data.get("picks") or {})
    if picks.pop(str(required.pk), None) is not None:
        draft.data = {**draft.data, "picks": picks}
        draft.save(update_fields=["data", "updated_at"])
    return DraftFile.objects.create(
        draft=draft, required_document=required, file=services.content_file(checked),
        original_name=checked.name, content_type=checked.content_type, size=checked.size,
    )


def save_form(draft: ApplicationDraft, data: dict, case: ProcedureCase | None) -> ApplicationDraft:
    draft.data = data
    draft.case = case
    draft.save(update_fields=["data", "case", "updated_at"])
    return draft


def _documents(draft: ApplicationDraft, user) -> tuple[list[dict], list[DraftFile]]:
    files = {f.required_document_id: f for f in draft.files.all()}
    picks = {int(k): v for k, v in (draft.data.get("picks") or {}).items() if v}
    stored = {s.pk: s for s in services.usable_for(user).filter(pk__in=list(picks.values()))}
    entries, uploaded = [], []
    for required in applicable_documents(draft.procedure_version, draft.case):
        if required.pk in files:
            item = files[required.pk]
            entries.append({"required_document": required.pk, "name": required.name,
                            "digitization": DossierDocument.Digitization.DIGITISED, "file": item.file.name})
            uploaded.append(item)
        elif required.pk in picks:
            document = stored.get(int(picks[required.pk]))
            if document is None:  # someone else's, deleted or expired: never used
                raise DossierActionError(
                    "invalid", _("The stored document chosen for \"%(name)s\" is not available; choose another "
                                 "or upload a file.") % {"name": required.name})
            entries.append(services.reuse_entry(document, required))
    return entries, uploaded


def submit(user, draft: ApplicationDraft, *, competent_agency=None, receiving_agency=None, receiving_point=None):
    """Submit the draft as an online dossier (status 1). Returns (dossier, created): a second
    submission of the same draft (a double click, a resent form) returns the first dossier.

    `competent_agency` is the agency the applicant chose to handle it (required by the portal form
    when the procedure has several), `receiving_agency` / `receiving_point` the service point chosen
    for a boundary-free procedure and the agency it receives for (portal/places.py)."""
    with transaction.atomic():
        # Lock the draft row only (a join to the nullable case cannot be locked on PostgreSQL).
        draft = ApplicationDraft.objects.select_for_update(of=("self",)).select_related(
            "procedure_version", "case").get(pk=draft.pk)
        if draft.dossier_id:
            return draft.dossier, False
        if draft.account_id != user.pk:
            raise DossierActionError("forbidden", _("This application is not yours."))
        data = draft.data
        if competent_agency is None and draft.procedure_version.competent_agencies.valid_on(
                timezone.localdate()).count() > 1:
            # Never a silent first choice: the applicant says which agency handles the dossier.
            raise DossierActionError("invalid", _("Choose the agency that will handle your dossier."))
        documents, uploaded = _documents(draft, user)
        return_channel = data.get("return_channel") or ReturnChannel.ONLINE
        service_point = receiving_point
        if return_channel == ReturnChannel.COUNTER:
            service_point = ServicePoint.objects.filter(pk=data.get("service_point") or 0).first()
            if service_point is None:
                raise DossierActionError("invalid", _("Choose the service point where you will collect the result."))
        dossier = dossier_services.submit_online(
            user, procedure_version=draft.procedure_version, case=draft.case, applicant=data.get("applicant"),
            owner=None if data.get("owner_same", True) else data.get("owner"), documents=documents,
            return_channel=return_channel, delivery_address=data.get("delivery_address", ""),
            account=user, service_point=service_point, competent_agency=competent_agency,
            receiving_agency=receiving_agency,
        )
        # Each newly uploaded file is a digitised document of this person: it joins their store.
        by_required = {d.required_document_id: d for d in dossier.documents.all()} if uploaded else {}
        for item in uploaded:
            document = by_required.get(item.required_document_id)
            if document is not None:
                services.store_dossier_document(user, document, source=Source.UPLOAD)
        draft.dossier = dossier
        draft.submitted_at = timezone.now()
        draft.save(update_fields=["dossier", "submitted_at", "updated_at"])
    return dossier, True


def receiving_unit_name(dossier, day=None) -> str:
    """The name in force on `day` (today) of the unit that checks an online dossier: the service
    point that receives for its receiving agency (the one chosen for a boundary-free procedure,
    else the point the agency runs, else one with an active counter serving it), e.g. "Trung tâm
    Phục vụ hành chính công phường Bến Đò" since Decree 118/2025; the receiving agency's name when
    no service point receives for it."""
    day = day or timezone.localdate()
    agency = dossier.receiving_agency
    points = ServicePoint.objects.valid_on(day).prefetch_related("names")
    serving = points.filter(counters__is_active=True, counters__agencies=agency)
    chosen = dossier.service_point
    if chosen is not None and (chosen.host_agency_id == agency.pk or serving.filter(pk=chosen.pk).exists()):
        return chosen.name_on(day)
    point = (points.filter(host_agency=agency).order_by("pk").first()
             or serving.order_by("kind", "pk").first())
    return point.name_on(day) if point is not None else agency.name_on(day)


def supplement_entries(user, dossier, uploads: list[tuple[str, CheckedFile]], picks: list[StoredDocument]) -> list[dict]:
    """The documents of a supplement answered online: new files (digitised) and stored ones (re-used)."""
    entries = []
    for name, checked in uploads:
        stored = StoredDocument.objects.create(
            owner=user, kind=name[:500], file=services.content_file(checked), content_type=checked.content_type,
            size=checked.size, source=Source.UPLOAD, source_dossier=dossier,
        )
        entries.append({"name": name, "digitization": DossierDocument.Digitization.DIGITISED, "file": stored.file.name})
    for stored in picks:
        entries.append({"name": stored.kind, "digitization": stored.reuse_status, "file": stored.file.name})
    return entries
