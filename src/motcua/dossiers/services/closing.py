"""Closing: stop, withdraw, resolve (the result), apologise for a late dossier, return the result."""
from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from motcua.calendar.services import legal_calendar
from motcua.catalog.models import ProcedureVersion

from ..hooks import RESULT_SIGNATURE_CHECKS
from ..models import Dossier, ResultKind
from .clock import _finish
from .core import DossierActionError, _iso, _locked, _moment, _record
from .inputs import _checked_file, _within


def _end(action: str, actor, dossier, *, payload: dict, expected_version, at) -> Dossier:
    """Stop or withdraw: the handling is finished and classified."""
    row, transition = _locked(dossier, action, actor, expected_version)
    now = _moment(at, timezone.now())
    before = row.status
    fields = _finish(row, now, actor)
    _record(row, transition, actor, now, before, fields, {**payload, "outcome": row.outcome})
    return row


@transaction.atomic
def stop(actor, dossier, *, reason: str, expected_version: int | None = None, at=None) -> Dossier:
    """Stop handling the dossier (-> 8), with the reason."""
    if not (reason or "").strip():
        raise DossierActionError("invalid", _("Give the reason for stopping the dossier."))
    return _end("stop", actor, dossier, payload={"reason": reason.strip()},
                expected_version=expected_version, at=at)


@transaction.atomic
def withdraw(actor, dossier, *, reason: str = "", expected_version: int | None = None, at=None) -> Dossier:
    """The applicant withdraws the dossier (-> 7); an officer records the request."""
    return _end("withdraw", actor, dossier, payload={"reason": (reason or "").strip()},
                expected_version=expected_version, at=at)


def fee_owed(dossier: Dossier) -> int:
    """What the dossier still owes in fees and charges (đồng)."""
    return max(int(dossier.fee_due or 0) - int(dossier.fee_paid or 0), 0)


def _refuse_while_fee_owed(row: Dossier, action: str) -> None:
    """The result is not returned while any fee is owed, nor issued while a fee payable before
    the result is owed (the procedure version's `fee_payable_at`). Says how much and where to
    collect it (the counter payment page; the applicant may also pay online)."""
    owed = fee_owed(row)
    if not owed:
        return
    payable_at = row.procedure_version.fee_payable_at
    if action == "resolve" and payable_at != ProcedureVersion.FeePayableAt.BEFORE_RESULT:
        return
    values = {"code": row.code, "amount": f"{owed:,}".replace(",", "."),
              "when": str(ProcedureVersion.FeePayableAt(payable_at).label).lower(), "url": f"/thanh-toan/quay/{row.code}/"}
    if action == "resolve":
        message = _("Dossier %(code)s still owes %(amount)s đồng in fees, payable before the result is issued; "
                    "the result cannot be issued until it is paid. Collect it at the counter payment page "
                    "(%(url)s), or the applicant pays online.") % values
    else:
        message = _("Dossier %(code)s still owes %(amount)s đồng in fees (payable: %(when)s); the result "
                    "cannot be returned until it is paid. Collect it at the counter payment page (%(url)s), "
                    "or the applicant pays online.") % values
    raise DossierActionError("fee_unpaid", message)


@transaction.atomic
def resolve(actor, dossier, *, result_kind: str = ResultKind.PAPER, result_description: str = "",
            result_file=None, expected_version: int | None = None, at=None) -> Dossier:
    """The result is issued (-> 9), on paper or as an electronic file; the dossier is classified."""
    if result_kind not in ResultKind.values:
        raise DossierActionError("invalid", _("The result is on paper or an electronic file."))
    if result_kind == ResultKind.ELECTRONIC and not result_file:
        raise DossierActionError("invalid", _("Attach the electronic result file."))
    if result_file:
        result_file = _checked_file(result_file)
    row, transition = _locked(dossier, "resolve", actor, expected_version)
    _refuse_while_fee_owed(row, "resolve")
    if result_kind == ResultKind.ELECTRONIC and row.procedure_version.requires_signed_result:
        # The signing app answers through the hook (dossiers does not import it); no check
        # registered means nothing can vouch for the file: refused.
        if not any(check(row, result_file) for check in RESULT_SIGNATURE_CHECKS.items().values()):
            raise DossierActionError("unsigned_result", _(
                "This procedure requires a digitally signed result: use \"Sign and issue\" to sign the "
                "electronic result before issuing it."))
    now = _moment(at, timezone.now())
    before = row.status
    fields = _finish(row, now, actor)
    row.result_kind = result_kind
    row.result_description = _within(result_description or "", 500, _("Result description"))
    if result_file:
        row.result_file = result_file
        fields.append("result_file")
    _record(row, transition, actor, now, before, ["result_kind", "result_description", *fields], {
        "result_kind": result_kind, "result_description": row.result_description, "outcome": row.outcome,
        "has_file": bool(result_file),
    })
    return row


@transaction.atomic
def apologise(actor, dossier, *, new_appointment, reason: str, expected_version: int | None = None,
              at=None) -> Dossier:
    """A late dossier: the responsible unit apologises with a new appointment (form 04). The
    status does not change and the dossier still counts late."""
    reason = (reason or "").strip()
    if not reason:
        raise DossierActionError("invalid", _("Give the reason for the delay."))
    if isinstance(new_appointment, str):
        parsed = parse_datetime(new_appointment) or parse_date(new_appointment)
        if parsed is None:
            raise DossierActionError("invalid", _("The new appointment is not a date."))
        new_appointment = parsed
    if isinstance(new_appointment, datetime.date) and not isinstance(new_appointment, datetime.datetime):
        new_appointment = legal_calendar().end_of_day(new_appointment)
    new_appointment = _moment(new_appointment, None)
    row, transition = _locked(dossier, "apologise", actor, expected_version)
    now = _moment(at, timezone.now())
    late = row.is_overdue or (row.due_at is not None and (row.finished_at or now) > row.due_at)
    if not late:
        raise DossierActionError("not_allowed", _("The dossier is not late; there is nothing to apologise for."))
    if new_appointment <= now or (row.due_at and new_appointment <= row.due_at):
        raise DossierActionError("invalid", _("The new appointment must be later than now and the due date."))
    row.appointment_at = new_appointment
    row.apology_count += 1
    _record(row, transition, actor, now, row.status, ["appointment_at", "apology_count"], {
        "new_appointment": _iso(new_appointment), "reason": reason, "due_at": _iso(row.due_at),
        "agency": row.current_agency_id, "unit": row.current_unit,
    })
    return row


@transaction.atomic
def return_result(actor, dossier, *, note: str = "", expected_version: int | None = None, at=None) -> Dossier:
    """The result is handed back by its channel (9 -> 10), never while a fee is owed."""
    row, transition = _locked(dossier, "return_result", actor, expected_version)
    _refuse_while_fee_owed(row, "return_result")
    now = _moment(at, timezone.now())
    row.returned_at = now
    _record(row, transition, actor, now, row.status, ["returned_at"],
            {"return_channel": row.return_channel, "note": note})
    return row
