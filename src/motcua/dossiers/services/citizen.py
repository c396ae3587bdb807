"""The citizen's own actions from the portal. They go through the same lock and checks as an
officer's (`core._locked`); the transition table's `owner` scope makes the permission being the
dossier's own portal account (officers record these acts with `receive_supplement` / `withdraw`)."""
from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..deadlines import intake_profile
from ..models import Dossier, DossierDocument
from .clock import _end_pause, _finish
from .core import DossierActionError, _iso, _locked, _moment, _record
from .inputs import _clean_documents, _within, all_digitized


@transaction.atomic
def submit_supplement(actor, dossier, *, documents: Iterable[dict] = (), note: str = "",
                      expected_version: int | None = None, at=None) -> Dossier:
    """The applicant answers the supplement request online (5 -> 4) with the missing documents:
    the clock restarts exactly as when an officer records the supplement (`receive_supplement`)."""
    documents = list(documents or ())
    if not documents:
        raise DossierActionError("invalid", _("Attach at least one document to answer the request."))
    note = _within((note or "").strip(), 1000, _("Note"))
    row, transition = _locked(dossier, "submit_supplement", actor, expected_version)
    now = _moment(at, timezone.now())
    profile = intake_profile(row.procedure_version, row.case)
    cleaned = _clean_documents(profile, documents, check_required=False)
    before, old_due = row.status, row.due_at
    pause = _end_pause(row, now)
    DossierDocument.objects.bulk_create(DossierDocument(dossier=row, is_supplement=True, **d) for d in cleaned)
    row.is_digitized = all_digitized(row.documents.values("digitization"))
    _record(row, transition, actor, now, before, ["due_at", "paused_at", "paused_minutes", "is_digitized"], {
        "paused_minutes": pause.working_minutes if pause else 0, "old_due_at": _iso(old_due),
        "due_at": _iso(row.due_at), "documents": len(cleaned), "note": note,
    })
    return row


@transaction.atomic
def withdraw_by_applicant(actor, dossier, *, reason: str = "", expected_version: int | None = None,
                          at=None) -> Dossier:
    """The applicant withdraws their own dossier from the portal (-> 7). A dossier not yet received
    (status 1) has no clock, so it is not classified."""
    reason = _within((reason or "").strip(), 1000, _("Reason"))
    row, transition = _locked(dossier, "withdraw_by_applicant", actor, expected_version)
    now = _moment(at, timezone.now())
    before = row.status
    if row.received_at is not None:
        fields = _finish(row, now, actor)
    else:
        row.finished_at = now
        fields = ["finished_at"]
    _record(row, transition, actor, now, before, fields, {"reason": reason, "outcome": row.outcome})
    return row
