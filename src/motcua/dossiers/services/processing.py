"""Processing: start, hand over between steps and agencies, assign or take, digitise a paper
document handed in."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.organization.models import Agency

from .. import hooks
from ..deadlines import intake_profile
from ..models import Dossier, DossierDocument, DossierStep
from .clock import _close_open_steps, _open_planned_step, _open_step
from .core import DossierActionError, _iso, _locked, _moment, _record, agency_ids_with
from .inputs import _document_file, all_digitized


@transaction.atomic
def start_processing(actor, dossier, *, expected_version: int | None = None, at=None) -> Dossier:
    """2 -> 4 without moving the dossier (a hand-over does this implicitly)."""
    row, transition = _locked(dossier, "start_processing", actor, expected_version)
    now = _moment(at, timezone.now())
    _record(row, transition, actor, now, row.status)
    return row


@transaction.atomic
def hand_over(actor, dossier, *, to_step: int | None = None, to_agency: Agency | None = None, to_unit: str = "",
              to_officer=None, step_name: str = "", budget_hours=None, note: str = "",
              expected_version: int | None = None, at=None) -> Dossier:
    """Hand the dossier to the next process step (default), to a given step (`to_step`, its
    order; an earlier one sends it back), or to another agency / unit outside the process.

    The current step is closed and classified against its own due moment; the next opens with
    the due moment of its budget. The first hand-over of a received dossier starts processing.
    """
    row, transition = _locked(dossier, "hand_over", actor, expected_version)
    now = _moment(at, timezone.now())
    profile = intake_profile(row.procedure_version, row.case)
    if to_step is not None:
        plan = profile.step_at(int(to_step))
        if plan is None:
            raise DossierActionError("invalid", _("The procedure has no step %(n)s.") % {"n": to_step})
    elif to_agency is not None or to_unit:
        plan = None
    else:
        plan = profile.next_step(row.current_step_index)
        if plan is None:
            raise DossierActionError(
                "invalid", _("This is the last step of the process: resolve the dossier or choose where to send it.")
            )
    target_agency_id = (to_agency.pk if to_agency is not None else None) or (
        (plan.agency_id or row.competent_agency_id) if plan else row.current_agency_id
    )
    if to_officer is not None and target_agency_id not in agency_ids_with(to_officer, "dossier.view"):
        raise DossierActionError("invalid", _("This officer does not work for the agency the dossier goes to."))
    before = row.status
    from_step = {"index": row.current_step_index, "name": row.current_step_name, "unit": row.current_unit,
                 "agency": row.current_agency_id}
    closed = _close_open_steps(row, now, actor)
    if plan is not None and to_agency is None and not to_unit:
        step = _open_planned_step(row, plan, now=now, given_by=actor, assignee=to_officer, note=note)
    else:
        hours = budget_hours if budget_hours is not None else (plan.budget_hours if plan else None)
        step = _open_step(
            row, now=now, name=step_name or (plan.name if plan else _("Inter-agency handling")),
            role=plan.role if plan else "", unit=to_unit or (plan.unit if plan else ""), agency_id=target_agency_id,
            budget_hours=hours, process_step_id=plan.process_step_id if plan else None,
            step_index=plan.order if plan else row.current_step_index, given_by=actor, assignee=to_officer, note=note,
        )
    _record(row, transition, actor, now, before, [
        "step_count", "current_step_index", "current_step_name", "current_unit", "current_agency", "current_officer",
    ], {
        "from": from_step,
        "from_outcome": closed.outcome if closed else None,
        "to": {"index": step.step_index, "name": step.name, "unit": step.unit, "agency": step.agency_id,
               "officer": getattr(to_officer, "pk", None), "due_at": _iso(step.due_at)},
        "backward": bool(from_step["index"] and step.step_index and step.step_index < from_step["index"]),
        "note": note,
    })
    return row


@transaction.atomic
def assign(actor, dossier, *, officer, note: str = "", expected_version: int | None = None, at=None) -> Dossier:
    """Give the dossier (and its open step) to an officer of the agency holding it."""
    row, transition = _locked(dossier, "assign", actor, expected_version)
    current = row.current_agency_id or row.competent_agency_id
    if officer is None or current not in agency_ids_with(officer, "dossier.view"):
        raise DossierActionError("invalid", _("This officer does not work for the agency holding the dossier."))
    now = _moment(at, timezone.now())
    row.current_officer = officer
    DossierStep.objects.filter(dossier=row, finished_at__isnull=True).update(assignee=officer)
    _record(row, transition, actor, now, row.status, ["current_officer"], {"officer": officer.pk, "note": note})
    return row


@transaction.atomic
def take(actor, dossier, *, note: str = "", expected_version: int | None = None, at=None) -> Dossier:
    """A specialist or leader of the unit holding the dossier takes it for themselves (and its open
    step), when no officer holds it: a hand-over to the unit without naming anyone."""
    row, transition = _locked(dossier, "take", actor, expected_version)
    if row.current_officer_id:
        raise DossierActionError("stale", _("Another officer already holds this dossier."))
    now = _moment(at, timezone.now())
    row.current_officer = actor
    DossierStep.objects.filter(dossier=row, finished_at__isnull=True).update(assignee=actor)
    _record(row, transition, actor, now, row.status, ["current_officer"], {"officer": actor.pk, "note": note})
    return row


@transaction.atomic
def digitise_document(actor, dossier, *, document=None, file=None, at=None,
                      expected_version: int | None = None) -> Dossier:
    """An officer of the receiving or current agency attaches the scan of a document handed in on
    paper: digitisation 1, the file, `is_digitized` recomputed; the status does not change.
    `document` is one of the dossier's `DossierDocument`s (or its id); `file` a Django `File`
    (already checked by the caller) or a stored file name."""
    row, transition = _locked(dossier, "digitise_document", actor, expected_version)
    document_id = getattr(document, "pk", document)
    try:
        doc = DossierDocument.objects.select_for_update().get(pk=int(document_id), dossier=row)
    except (DossierDocument.DoesNotExist, TypeError, ValueError):
        raise DossierActionError("invalid", _("Choose a document of this dossier.")) from None
    if not file:
        raise DossierActionError("invalid", _("Attach the scan of the document."))
    file = _document_file(file)
    now = _moment(at, timezone.now())
    replaced, old_name = bool(doc.file), doc.file.name
    if isinstance(file, str):
        doc.file.name = file
    else:
        doc.file.save(getattr(file, "name", None) or "scan", file, save=False)
    if replaced and old_name != doc.file.name:
        # The earlier scan leaves the disk once the change has committed and nothing refers to it
        # (a data store entry made from it is replaced after the commit, and deletes it then).
        transaction.on_commit(lambda: hooks.discard_file(old_name))
    if doc.digitization == DossierDocument.Digitization.NOT_DIGITISED:
        doc.digitization = DossierDocument.Digitization.DIGITISED
    doc.save(update_fields=["file", "digitization"])
    row.is_digitized = all_digitized(row.documents.values("digitization"))
    _record(row, transition, actor, now, row.status, ["is_digitized"],
            {"document": doc.pk, "name": doc.name, "replaced": replaced})
    return row
