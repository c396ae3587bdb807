"""Pauses of the clock: the supplement request and its answer by an officer, the financial
obligation and its payment (and payments that end no wait)."""
from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..deadlines import intake_profile
from ..models import Dossier, DossierDocument, Pause, Status
from .clock import _end_pause
from .core import DossierActionError, _iso, _locked, _moment, _record
from .inputs import _clean_documents, all_digitized


@transaction.atomic
def request_supplement(actor, dossier, *, items: list[str], reason: str, expected_version: int | None = None,
                       at=None) -> Dossier:
    """Ask the applicant, once, for missing items (form 02). The clock stops."""
    items = [str(i).strip() for i in (items or []) if str(i).strip()]
    reason = (reason or "").strip()
    if not items or not reason:
        raise DossierActionError("invalid", _("List the missing items and give the reason."))
    row, transition = _locked(dossier, "request_supplement", actor, expected_version)
    if row.supplement_count >= 1:
        raise DossierActionError(
            "second_supplement", _("A supplement has already been requested once for this dossier; "
                                   "the rules allow only one request.")
        )
    now = _moment(at, timezone.now())
    before = row.status
    Pause.objects.create(dossier=row, kind=Pause.Kind.SUPPLEMENT, started_at=now, resume_status=Status.PROCESSING,
                         details={"items": items, "reason": reason})
    row.paused_at = now
    row.supplement_count += 1
    _record(row, transition, actor, now, before, ["paused_at", "supplement_count"], {"items": items, "reason": reason})
    return row


@transaction.atomic
def receive_supplement(actor, dossier, *, documents: Iterable[dict] = (), note: str = "",
                       expected_version: int | None = None, at=None) -> Dossier:
    """The supplement has come (5 -> 4): the clock restarts and the due moment moves by the
    paused working time."""
    row, transition = _locked(dossier, "receive_supplement", actor, expected_version)
    return _supplement_arrives(row, transition, actor, _moment(at, timezone.now()), documents, note)


def _supplement_arrives(row, transition, actor, now, documents: Iterable[dict], note: str) -> Dossier:
    """The supplement's documents are kept, the pause ends and the due moment moves by the paused
    working time: at the counter (receive_supplement) or from the portal (submit_supplement)."""
    profile = intake_profile(row.procedure_version, row.case)
    cleaned = _clean_documents(profile, documents, check_required=False)
    before, old_due = row.status, row.due_at
    pause = _end_pause(row, now)
    if cleaned:
        DossierDocument.objects.bulk_create(DossierDocument(dossier=row, is_supplement=True, **d) for d in cleaned)
        row.is_digitized = all_digitized(row.documents.values("digitization"))
    _record(row, transition, actor, now, before, ["due_at", "paused_at", "paused_minutes", "is_digitized"], {
        "paused_minutes": pause.working_minutes if pause else 0, "old_due_at": _iso(old_due),
        "due_at": _iso(row.due_at), "documents": len(cleaned), "note": note,
    })
    return row


@transaction.atomic
def request_payment(actor, dossier, *, amount: int | None = None, note: str = "",
                    expected_version: int | None = None, at=None) -> Dossier:
    """Wait for the applicant's financial obligation (-> 6). The clock stops."""
    row, transition = _locked(dossier, "request_payment", actor, expected_version)
    if amount is not None and int(amount) < 0:
        raise DossierActionError("invalid", _("The amount must not be negative."))
    now = _moment(at, timezone.now())
    before = row.status
    if amount is not None:
        row.fee_due = int(amount)
    Pause.objects.create(dossier=row, kind=Pause.Kind.FINANCIAL, started_at=now, resume_status=before,
                         details={"amount": row.fee_due, "note": note})
    row.paused_at = now
    _record(row, transition, actor, now, before, ["paused_at", "fee_due"], {"amount": row.fee_due, "note": note})
    return row


@transaction.atomic
def confirm_payment(actor, dossier, *, amount_paid: int | None = None, receipt_number: str = "",
                    online: bool = False, expected_version: int | None = None, at=None) -> Dossier:
    """The obligation is paid (6 -> the status before): the clock restarts, due moved."""
    row, transition = _locked(dossier, "confirm_payment", actor, expected_version)
    if amount_paid is not None and int(amount_paid) < 0:
        raise DossierActionError("invalid", _("The amount must not be negative."))
    now = _moment(at, timezone.now())
    before, old_due = row.status, row.due_at
    pause = Pause.objects.filter(dossier=row, ended_at__isnull=True).order_by("-started_at").first()
    resume = pause.resume_status if pause else Status.PROCESSING
    _end_pause(row, now)
    row.fee_paid += int(amount_paid) if amount_paid is not None else max(row.fee_due - row.fee_paid, 0)
    row.paid_online = row.paid_online or online
    _record(row, transition, actor, now, before, ["due_at", "paused_at", "paused_minutes", "fee_paid", "paid_online"], {
        "amount_paid": row.fee_paid, "receipt_number": receipt_number, "old_due_at": _iso(old_due),
        "due_at": _iso(row.due_at), "online": online,
    }, resume_status=resume)
    return row


@transaction.atomic
def record_payment(actor, dossier, *, amount: int, method: str, reference: str = "", online: bool = False,
                   expected_version: int | None = None, at=None) -> Dossier:
    """A payment that does not end a wait (paid at intake, a part payment): fee_paid grows,
    the status and the clock stay as they are."""
    row, transition = _locked(dossier, "record_payment", actor, expected_version)
    amount = int(amount)
    if amount <= 0:
        raise DossierActionError("invalid", _("The amount must be more than 0 đồng."))
    now = _moment(at, timezone.now())
    row.fee_paid += amount
    row.paid_online = row.paid_online or online
    _record(row, transition, actor, now, row.status, ["fee_paid", "paid_online"], {
        "amount": amount, "method": method, "reference": reference, "online": online, "fee_paid": row.fee_paid,
    })
    return row
