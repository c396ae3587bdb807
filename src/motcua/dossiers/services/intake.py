"""Intake: receipt at the counter and by post, online submission, accepting or refusing it."""
from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import ProcedureCase, ProcedureVersion
from motcua.core.errors import DomainError
from motcua.organization.models import Agency

from .. import hooks
from ..deadlines import IntakeProfile, agency_code, intake_profile
from ..models import Channel, Dossier, DossierDocument, DossierEvent, ReturnChannel, Status
from ..receipt_sql import store_receipt
from ..signals import send_event_on_commit
from ..transitions import target_status, transition_for
from .clock import _finish, _open_first_step, _start_clock
from .core import DossierActionError, _iso, _locked, _moment, _record, _require_permission
from .inputs import _clean_documents, _within, all_digitized, clean_party


def receive_at_counter(actor, *, procedure_version: ProcedureVersion, case: ProcedureCase | None = None,
                       applicant: dict, owner: dict | None = None, documents: Iterable[dict] = (),
                       service_point=None, receiving_agency: Agency | None = None,
                       competent_agency: Agency | None = None, return_channel: str = ReturnChannel.COUNTER,
                       delivery_address: str = "", received_at=None, note: str = "",
                       fee_exemptions: Iterable[int] = ()) -> Dossier:
    """Receive a complete dossier at the counter (status 2) and give it its code and due moment.
    `fee_exemptions`: ids of the catalogue's fee exemptions the applicant is entitled to (checked
    by the officer); the fee due is the quote with them (the payments app's `fee_quote` hook)."""
    return _receive(
        "receive_at_counter", Channel.COUNTER, actor, procedure_version=procedure_version, case=case,
        applicant=applicant, owner=owner, documents=documents, service_point=service_point,
        receiving_agency=receiving_agency, competent_agency=competent_agency, return_channel=return_channel,
        delivery_address=delivery_address, at=received_at, note=note, fee_exemptions=fee_exemptions,
    )


def receive_by_post(actor, *, procedure_version: ProcedureVersion, case: ProcedureCase | None = None,
                    applicant: dict, owner: dict | None = None, documents: Iterable[dict] = (),
                    service_point=None, receiving_agency: Agency | None = None,
                    competent_agency: Agency | None = None, return_channel: str = ReturnChannel.POST,
                    delivery_address: str = "", received_at=None, note: str = "",
                    fee_exemptions: Iterable[int] = ()) -> Dossier:
    """Receive a dossier brought by the postal service (channel 3), status 2."""
    return _receive(
        "receive_by_post", Channel.POST, actor, procedure_version=procedure_version, case=case,
        applicant=applicant, owner=owner, documents=documents, service_point=service_point,
        receiving_agency=receiving_agency, competent_agency=competent_agency, return_channel=return_channel,
        delivery_address=delivery_address, at=received_at, note=note, fee_exemptions=fee_exemptions,
    )


def submit_online(actor, *, procedure_version: ProcedureVersion, case: ProcedureCase | None = None,
                  applicant: dict, owner: dict | None = None, documents: Iterable[dict] = (),
                  receiving_agency: Agency | None = None, competent_agency: Agency | None = None,
                  return_channel: str = ReturnChannel.ONLINE, delivery_address: str = "",
                  submitted_at=None, note: str = "", account=None, service_point=None) -> Dossier:
    """An online submission (status 1, channel 2). It gets its code now; the clock starts from
    the submission moment once an officer accepts it (`accept_online`). `account` is the citizen's
    portal account (defaults to `actor` when that is a signed-in citizen); `service_point` is
    where the applicant will collect a paper result, if any."""
    if account is None and getattr(actor, "is_authenticated", False) and not getattr(actor, "is_staff", False):
        account = actor
    return _receive(
        "submit_online", Channel.ONLINE, actor, procedure_version=procedure_version, case=case,
        applicant=applicant, owner=owner, documents=documents, service_point=service_point,
        receiving_agency=receiving_agency, competent_agency=competent_agency, return_channel=return_channel,
        delivery_address=delivery_address, at=submitted_at, note=note, account=account,
    )


def _pick_agencies(profile: IntakeProfile, receiving_agency, competent_agency) -> tuple[int, int]:
    if competent_agency is not None:
        competent_id = competent_agency.pk
        if competent_id not in profile.competent_agency_ids:
            raise DossierActionError("invalid", _("This agency is not competent for the procedure."))
    elif profile.competent_agency_ids:
        competent_id = profile.competent_agency_ids[0]
    else:
        raise DossierActionError("invalid", _("The procedure has no competent agency in the catalogue."))
    if receiving_agency is None:
        receiving_id = min(profile.receiving_agency_ids) if profile.receiving_agency_ids else competent_id
    else:
        receiving_id = receiving_agency.pk
        allowed = profile.receiving_agency_ids | set(profile.competent_agency_ids)
        if receiving_id not in allowed and not profile.is_boundary_free:
            raise DossierActionError("invalid", _("This agency does not receive dossiers of the procedure."))
    return receiving_id, competent_id


def _fee_at_receipt(profile: IntakeProfile, procedure_version, case, channel, fee_exemptions) -> tuple[int, list]:
    """The fee due at receipt and the exemptions applied (their text, for the event)."""
    ids = [int(i) for i in fee_exemptions or () if str(i).strip().isdigit()]
    if not ids:
        return profile.fee_for(channel), []
    try:
        quote = hooks.fee_quote(procedure_version, case, online=channel == Channel.ONLINE, exemption_ids=ids)
    except DomainError as error:
        raise DossierActionError("invalid", error.messages[0]) from None
    return quote.total, quote.reasons()


def _receive(action, channel, actor, *, procedure_version, case, applicant, owner, documents, service_point,
             receiving_agency, competent_agency, return_channel, delivery_address, at, note, account=None,
             fee_exemptions=()) -> Dossier:
    transition = transition_for(action)
    now = _moment(at, timezone.now())
    if not isinstance(procedure_version, ProcedureVersion):
        raise DossierActionError("invalid", _("Choose a procedure."))
    if procedure_version.status != ProcedureVersion.Status.PUBLISHED:
        raise DossierActionError("invalid", _("This procedure is not in force; it cannot receive dossiers."))
    if case is not None and case.version_id != procedure_version.pk:
        raise DossierActionError("invalid", _("This case does not belong to the procedure."))
    profile = intake_profile(procedure_version, case)
    if channel not in profile.accepts:
        raise DossierActionError(
            "invalid", _("This procedure does not accept dossiers %(channel)s.") % {"channel": Channel(channel).label}
        )
    receiving_id, competent_id = _pick_agencies(profile, receiving_agency, competent_agency)
    _require_permission(actor, transition, {receiving_id})
    fee_due, fee_exemptions = _fee_at_receipt(profile, procedure_version, case, channel, fee_exemptions)

    parties = clean_party(applicant, "applicant")
    same_owner = not owner
    parties.update(clean_party(owner or applicant, "owner"))
    cleaned_documents = _clean_documents(profile, documents, check_required=True)
    if return_channel not in ReturnChannel.values:
        raise DossierActionError("invalid", _("Unknown return channel."))
    delivery_address = _within((delivery_address or "").strip(), 500, _("Delivery address"))
    if return_channel == ReturnChannel.POST:
        delivery_address = delivery_address or parties["applicant_address"]
        if not delivery_address:
            raise DossierActionError("invalid", _("Give the address to deliver the result to."))

    receiving_code = (
        receiving_agency.code if receiving_agency is not None and receiving_agency.pk == receiving_id
        else agency_code(receiving_id)
    )
    status = target_status(action, 0)
    day = timezone.localdate(now)
    dossier = Dossier(
        procedure_version=procedure_version, case=case, procedure_id=profile.procedure_id,
        field_id=profile.field_id, level_id=profile.competent_level_ids.get(competent_id),
        owner_same_as_applicant=same_owner, channel_in=channel, return_channel=return_channel,
        delivery_address=delivery_address, status=status, service_point=service_point,
        receiving_agency_id=receiving_id, competent_agency_id=competent_id,
        current_agency_id=competent_id, submitted_at=now, fee_due=fee_due,
        account_id=getattr(account, "pk", None), is_digitized=all_digitized(cleaned_documents), **parties,
    )
    step = None
    if status == Status.RECEIVED:
        _start_clock(dossier, profile, now, actor)
        step = _open_first_step(dossier, profile, now, actor, save=False)
    documents = [DossierDocument(dossier=dossier, **d) for d in cleaned_documents]
    event = DossierEvent(
        dossier=dossier, kind=action, actor=actor if getattr(actor, "pk", None) else None, at=now,
        from_status=None, to_status=status,
        payload={"channel": channel, "due_at": _iso(dossier.due_at), "documents": len(documents), "note": note,
                 **({"fee_due": fee_due, "fee_exemptions": fee_exemptions} if fee_exemptions else {})},
    )
    # All rows or none, the code from the agency's day sequence (vendor-specific: receipt_sql).
    store_receipt(dossier, receiving_id, receiving_code, day, documents, step, event)
    send_event_on_commit(event)  # at once outside a transaction, after the caller's commit inside one
    return dossier


@transaction.atomic
def accept_online(actor, dossier, *, expected_version: int | None = None, at=None, note: str = "") -> Dossier:
    """An officer accepts an online submission (1 -> 2); the clock counts from its submission."""
    row, transition = _locked(dossier, "accept_online", actor, expected_version)
    now = _moment(at, timezone.now())
    profile = intake_profile(row.procedure_version, row.case)
    before = row.status
    _start_clock(row, profile, row.submitted_at or now, actor)
    _open_first_step(row, profile, now, actor)
    _record(row, transition, actor, now, before, [
        "received_at", "received_by", "clock_started_at", "due_at", "original_due_at", "step_count",
        "current_step_index", "current_step_name", "current_unit", "current_agency", "current_officer",
    ], {"due_at": _iso(row.due_at), "note": note})
    return row


@transaction.atomic
def refuse_intake(actor, dossier, *, reason: str, expected_version: int | None = None, at=None) -> Dossier:
    """Refuse a dossier at intake (1 or 2 -> 3) with the reason printed on form 03. A dossier
    refused after its receipt is finished and classified; an online one never received is not."""
    reason = (reason or "").strip()
    if not reason:
        raise DossierActionError("invalid", _("Give the reason for refusing the dossier."))
    row, transition = _locked(dossier, "refuse_intake", actor, expected_version)
    now = _moment(at, timezone.now())
    before = row.status
    if before == Status.RECEIVED:
        fields = _finish(row, now, actor)
        row.outcome = None  # refused at intake: never received, never classified (counting.py)
    else:
        row.finished_at = now
        fields = ["finished_at"]
    _record(row, transition, actor, now, before, fields, {"reason": reason})
    return row
