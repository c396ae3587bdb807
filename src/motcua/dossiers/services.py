"""The one place where dossiers change: one function per action.

Every command runs in one transaction: it locks the dossier row (`select_for_update`), checks the
action against `transitions.TRANSITIONS` and the actor's permission for the dossier's agency,
refuses a stale form (`expected_version` differs from the row's `version`), updates the row,
appends a `DossierEvent` whose `kind` is the action name, and schedules the
`dossier_event_committed` signal for after the commit. Any refusal raises `DossierActionError`
(a ValidationError with a `code`); nothing is half-saved.

Parties (applicant / owner) are plain dicts:
    {"kind": "person", "name": ..., "id_number": "038090012345", "birth_date": date, "phone": ...,
     "email": ..., "address": ...}   or  {"kind": "business", "name": ..., "id_number": "0101234567"}
Documents handed in are dicts:
    {"required_document": <RequiredDocument or id or None>, "name": ..., "originals": 1,
     "certified_copies": 0, "copies": 0, "digitization": 0..3, "file": <File or None>}
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from motcua.calendar.services import legal_calendar
from motcua.core.errors import DomainError
from motcua.core.validators import check_length, validate_party_name
from motcua.documents.uploads import discard_if_unreferenced, ensure_checked, fit_stored_name
from motcua.catalog.models import ProcedureCase, ProcedureVersion
from motcua.organization.models import Agency
from motcua.organization.permissions import agencies_for

from .deadlines import (IntakeProfile, StepPlan, agency_code, calendar_covered, classify, due_after_pause,
                        due_at_receipt, intake_profile, step_due)
from .models import (
    PAUSED_STATUSES,
    Channel,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierSequence,
    DossierStep,
    PartyKind,
    Pause,
    ResultKind,
    ReturnChannel,
    Status,
)
from .receipt_sql import insert_receipt
from .signals import send_event_on_commit
from .transitions import FINISHING_ACTIONS, Transition, target_status, transition_for
from .validators import normalise_tax_code, validate_citizen_id


class DossierActionError(DomainError):
    """A refused action. `code` says why:

    not_allowed (the status does not allow it), stale (someone else acted first), forbidden (no
    permission for this dossier's agency), invalid (bad input), second_supplement, not_found,
    fee_unpaid (a fee is owed: the result is not returned, or not issued when payable before it).
    """


# --- permissions ------------------------------------------------------------------------------


def agency_ids_with(actor, permission: str) -> frozenset[int]:
    """The agencies for which `actor` holds `permission`, cached on the user object (one request)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return frozenset()
    cache = actor.__dict__.setdefault("_dossier_agency_cache", {})
    ids = cache.get(permission)
    if ids is None:
        ids = cache[permission] = frozenset(agencies_for(actor, permission).values_list("pk", flat=True))
    return ids


def forget_permissions(actor) -> None:
    """Drop the per-user cache (after changing someone's roles in the same request or test)."""
    if actor is not None:
        actor.__dict__.pop("_dossier_agency_cache", None)


def scope_agency_ids(dossier: Dossier, transition: Transition) -> set[int]:
    current = dossier.current_agency_id or dossier.competent_agency_id
    if transition.scope == "receiving":
        return {dossier.receiving_agency_id, current}
    return {current}


def can_act(actor, dossier: Dossier, action: str) -> bool:
    """May `actor` take `action` on `dossier` now (status and permission)?"""
    transition = transition_for(action)
    if int(dossier.status) not in transition.from_statuses:
        return False
    if action == "take" and dossier.current_officer_id:
        return False  # only a dossier nobody holds can be taken
    return _has_permission(actor, transition, scope_agency_ids(dossier, transition))


def actions_for(actor, dossier: Dossier) -> list[str]:
    """The actions this user may take on this dossier now (the buttons to show)."""
    from .transitions import TRANSITIONS

    return [a for a, t in TRANSITIONS.items() if t.from_statuses and can_act(actor, dossier, a)]


class SystemActor:
    """A trusted component acting without an officer, e.g. a payment-gateway callback whose
    signature was verified. The transition table names which actions each may take; its events
    have no actor and record the component's name in the payload."""

    is_authenticated = False
    is_staff = False
    pk = None

    def __init__(self, name: str):
        self.name = name

    def __repr__(self):
        return f"SystemActor({self.name!r})"


def _has_permission(actor, transition: Transition, agency_ids: Iterable[int]) -> bool:
    if isinstance(actor, SystemActor):
        return actor.name in transition.systems
    if not transition.permissions:
        return True
    wanted = set(agency_ids)
    return any(agency_ids_with(actor, permission) & wanted for permission in transition.permissions)


def _require_permission(actor, transition: Transition, agency_ids: Iterable[int]) -> None:
    if not _has_permission(actor, transition, agency_ids):
        raise DossierActionError(
            "forbidden", _("You are not allowed to do this for the agency that holds this dossier.")
        )


# --- input cleaning ---------------------------------------------------------------------------

_PHONE = re.compile(r"^(?:\+84|0)\d{9,10}$")


def _within(value: str, limit: int, label) -> str:
    """`value` if it has at most `limit` characters; refused with the maximum, never cut."""
    try:
        check_length(value, limit, label)
    except ValidationError as exc:
        raise DossierActionError("invalid", exc.messages[0]) from None
    return value


def clean_party(data: dict | None, role: str) -> dict:
    """Validate an applicant or owner dict and return it as `{role}_*` model fields."""
    label = _("applicant") if role == "applicant" else _("owner")
    data = dict(data or {})
    kind = data.get("kind") or PartyKind.PERSON
    if kind not in PartyKind.values:
        raise DossierActionError("invalid", _("Unknown kind of %(who)s: %(kind)s.") % {"who": label, "kind": kind})
    name = (data.get("name") or "").strip()
    if not name:
        raise DossierActionError("invalid", _("The name of the %(who)s is required.") % {"who": label})
    try:
        validate_party_name(name, kind, _("Name of the %(who)s") % {"who": label})
    except ValidationError as exc:
        raise DossierActionError("invalid", exc.messages[0]) from None
    birth_date = data.get("birth_date") or None
    if isinstance(birth_date, str):
        birth_date = parse_date(birth_date)
        if birth_date is None:
            raise DossierActionError("invalid", _("The date of birth is not a date (YYYY-MM-DD)."))
    id_number = (data.get("id_number") or "").strip()
    try:
        if kind == PartyKind.PERSON:
            validate_citizen_id(id_number, birth_date)
        else:
            id_number = normalise_tax_code(id_number)
    except ValidationError as exc:
        raise DossierActionError("invalid", f"{label.capitalize()}: {exc.messages[0]}") from None
    phone = re.sub(r"[\s.\-]", "", data.get("phone") or "")
    if phone and not _PHONE.match(phone):
        raise DossierActionError("invalid", _("The phone number of the %(who)s is not valid.") % {"who": label})
    email = (data.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DossierActionError(
                "invalid", _("The e-mail address of the %(who)s is not valid.") % {"who": label}
            ) from None
    return {
        f"{role}_kind": kind,
        f"{role}_name": name,
        f"{role}_id_number": id_number,
        f"{role}_birth_date": birth_date if kind == PartyKind.PERSON else None,
        f"{role}_phone": phone,
        f"{role}_email": email,
        f"{role}_address": _within((data.get("address") or "").strip(), 500,
                                   _("Address of the %(who)s") % {"who": label}),
    }


def _checked_file(upload):
    """A file given to a command: checked by the one upload check (type, size, virus scan) unless
    it already was, under its short safe name; refused with the person's message otherwise."""
    try:
        return ensure_checked(upload)
    except ValidationError as exc:
        raise DossierActionError(exc.error_list[0].code or "invalid", exc.messages[0]) from None


def _document_file(file):
    """A document's file: a stored name (re-use; copied under a short name when it does not fit the
    field) or a new file (checked)."""
    if not file:
        return ""
    if isinstance(file, str):
        return fit_stored_name(file, DossierDocument._meta.get_field("file").max_length)
    return _checked_file(file)


def _clean_documents(profile: IntakeProfile, documents: Iterable[dict], *, check_required: bool) -> list[dict]:
    by_id = {d.id: d for d in profile.documents}
    cleaned, handed_in = [], set()
    for item in documents or ():
        item = dict(item)
        required = item.get("required_document")
        required_id = getattr(required, "pk", required)
        if required_id not in (None, ""):
            try:
                required_id = int(required_id)
            except (TypeError, ValueError):
                required_id = -1
            if required_id not in by_id:
                raise DossierActionError(
                    "invalid", _("Document %(id)s is not in this procedure's list.") % {"id": required_id}
                )
            plan = by_id[required_id]
        else:
            required_id, plan = None, None
        counts = {k: int(item.get(k) or 0) for k in ("originals", "certified_copies", "copies")}
        digitization = int(item.get("digitization") or 0)
        if any(v < 0 for v in counts.values()) or digitization not in (0, 1, 2, 3):
            raise DossierActionError("invalid", _("Document counts must be positive; digitisation is 0 to 3."))
        name = (item.get("name") or (plan.name if plan else "")).strip()
        if not name:
            raise DossierActionError("invalid", _("Each document needs a name."))
        if plan is not None and (sum(counts.values()) > 0 or digitization > 0 or item.get("file")):
            handed_in.add(required_id)
        cleaned.append(
            {"required_document_id": required_id, "name": _within(name, 500, _("Document name")),
             "digitization": digitization,
             "file": _document_file(item.get("file")), **counts}
        )
    if check_required:
        missing = [d.name for d in profile.documents if d.is_required and d.id not in handed_in]
        if missing:
            raise DossierActionError(
                "invalid", _("Required documents are missing: %(names)s.") % {"names": "; ".join(missing)}
            )
    return cleaned


def all_digitized(documents: Iterable[dict]) -> bool:
    """A dossier counts as digitised when it has documents and every one is digitised or re-used
    (digitisation status 1-3), the measure of the national digitisation indicator."""
    statuses = [int(d.get("digitization") or 0) for d in documents]
    return bool(statuses) and all(s > 0 for s in statuses)


def _moment(value, default: datetime.datetime) -> datetime.datetime:
    if value is None:
        return default
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            raise DossierActionError("invalid", _("'%(value)s' is not a date and time.") % {"value": value})
        value = parsed
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


# --- the dossier code -------------------------------------------------------------------------


def allocate_code(agency_id: int, agency_code: str, day: datetime.date) -> str:
    """`{agency code}-{YYMMDD}-{NNNN}`: the next number of the agency's day, restarting daily.

    One upsert statement: the row lock it takes is held to the end of the receipt's transaction,
    so concurrent receipts of one agency get consecutive numbers (PostgreSQL and SQLite alike).
    """
    table = DossierSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [agency_id, day if connection.vendor == "postgresql" else day.isoformat()],
        )
        number = cursor.fetchone()[0]
    return f"{agency_code}-{day:%y%m%d}-{number:04d}"


# --- shared mechanics -------------------------------------------------------------------------


def _locked(dossier, action: str, actor, expected_version: int | None) -> tuple[Dossier, Transition]:
    """Lock the row, then check permission, staleness and status, in that order."""
    transition = transition_for(action)
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    try:
        row = Dossier.objects.select_for_update().get(pk=pk)
    except Dossier.DoesNotExist:
        raise DossierActionError("not_found", _("No such dossier.")) from None
    _require_permission(actor, transition, scope_agency_ids(row, transition))
    if expected_version is not None and int(expected_version) != row.version:
        raise DossierActionError(
            "stale",
            _("Someone else has acted on dossier %(code)s in the meantime (it is now: %(status)s). "
              "Reload the page and try again.") % {"code": row.code, "status": row.get_status_display()},
        )
    if int(row.status) not in transition.from_statuses:
        raise DossierActionError(
            "not_allowed",
            _("This action is not allowed for dossier %(code)s in its current status: %(status)s.")
            % {"code": row.code, "status": row.get_status_display()},
        )
    return row, transition


def _event(dossier: Dossier, kind: str, actor, at, from_status, payload=None) -> DossierEvent:
    payload = dict(payload or {})
    if isinstance(actor, SystemActor):
        payload["system"] = actor.name
    event = DossierEvent.objects.create(
        dossier=dossier,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        at=at,
        from_status=from_status,
        to_status=dossier.status,
        payload=payload,
    )
    send_event_on_commit(event)
    return event


def _save(dossier: Dossier, fields: Iterable[str]) -> None:
    dossier.version += 1
    dossier.save(update_fields=sorted(set(fields) | {"version", "updated_at"}))


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _open_step(dossier: Dossier, *, now, name: str, role: str, unit: str, agency_id: int, budget_hours,
               process_step_id=None, step_index=None, given_by=None, assignee=None, note="",
               save=True) -> DossierStep:
    """Open the next step instance and point the dossier at it (`save=False`: the caller saves
    the step after inserting a new dossier)."""
    dossier.step_count += 1
    step = DossierStep(
        dossier=dossier, order=dossier.step_count, process_step_id=process_step_id, step_index=step_index,
        name=name[:300], role=role, unit=unit[:200], agency_id=agency_id,
        given_by=given_by if getattr(given_by, "pk", None) else None, assignee=assignee,
        budget_hours=budget_hours, started_at=now, due_at=step_due(now, budget_hours), note=note[:500],
    )
    if save:
        step.save(force_insert=True)
    dossier.current_step_index = step_index
    dossier.current_step_name = step.name
    dossier.current_unit = step.unit
    dossier.current_agency_id = agency_id
    dossier.current_officer = assignee
    return step


def _open_planned_step(dossier: Dossier, plan: StepPlan, *, now, given_by=None, assignee=None, note="",
                       save=True) -> DossierStep:
    return _open_step(
        dossier, now=now, name=plan.name, role=plan.role, unit=plan.unit,
        agency_id=plan.agency_id or dossier.competent_agency_id, budget_hours=plan.budget_hours,
        process_step_id=plan.process_step_id, step_index=plan.order, given_by=given_by, assignee=assignee, note=note,
        save=save,
    )


def _close_open_steps(dossier: Dossier, now, actor) -> DossierStep | None:
    """Finish the open step(s) of a dossier, each classified against its own due moment."""
    closed = None
    for step in DossierStep.objects.filter(dossier=dossier, finished_at__isnull=True):
        step.finished_at = now
        step.finished_by = actor if getattr(actor, "pk", None) else None
        step.outcome = classify(now, step.due_at)
        step.save(update_fields=["finished_at", "finished_by", "outcome"])
        closed = step
    return closed


def _end_pause(dossier: Dossier, now) -> Pause | None:
    """Restart the clock: the dossier's and the open step's due moments move by the paused
    working time."""
    pause = Pause.objects.filter(dossier=dossier, ended_at__isnull=True).order_by("-started_at").first()
    if pause is None:
        return None
    with calendar_covered():
        minutes = legal_calendar().working_minutes_between(pause.started_at, now)
    pause.ended_at = now
    pause.working_minutes = round(minutes)
    pause.save(update_fields=["ended_at", "working_minutes"])
    # A due moment already passed when the clock stopped does not move (deadlines.due_after_pause).
    dossier.due_at = due_after_pause(dossier.due_at, pause.started_at, now)
    for step in DossierStep.objects.filter(dossier=dossier, finished_at__isnull=True, due_at__isnull=False):
        step.due_at = due_after_pause(step.due_at, pause.started_at, now)
        step.save(update_fields=["due_at"])
    dossier.paused_minutes += round(minutes)
    dossier.paused_at = None
    return pause


def _finish(dossier: Dossier, now, actor) -> list[str]:
    """Close the dossier's handling: end a pause, close the step, classify. Returns changed fields."""
    if dossier.status in PAUSED_STATUSES or dossier.paused_at:
        _end_pause(dossier, now)
    _close_open_steps(dossier, now, actor)
    dossier.finished_at = now
    dossier.outcome = classify(now, dossier.due_at, dossier.supplement_count)
    return ["finished_at", "outcome", "due_at", "paused_at", "paused_minutes"]


# --- receipt ----------------------------------------------------------------------------------


def receive_at_counter(actor, *, procedure_version: ProcedureVersion, case: ProcedureCase | None = None,
                       applicant: dict, owner: dict | None = None, documents: Iterable[dict] = (),
                       service_point=None, receiving_agency: Agency | None = None,
                       competent_agency: Agency | None = None, return_channel: str = ReturnChannel.COUNTER,
                       delivery_address: str = "", received_at=None, note: str = "",
                       fee_exemptions: Iterable[int] = ()) -> Dossier:
    """Receive a complete dossier at the counter (status 2) and give it its code and due moment.
    `fee_exemptions`: ids of the catalogue's fee exemptions the applicant is entitled to (checked
    by the officer); the fee due is the quote with them (`payments.fees.compute_fee`)."""
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
    from motcua.payments.fees import FeeError, compute_fee

    try:
        quote = compute_fee(procedure_version, case, online=channel == Channel.ONLINE, exemption_ids=ids)
    except FeeError as error:
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
    if connection.vendor == "postgresql" and not connection.in_atomic_block and connection.get_autocommit():
        # Not inside a caller's transaction: the receipt is one statement, i.e. its own implicit
        # transaction (all rows or none), without the BEGIN and COMMIT round trips. The event's
        # after-commit hook then runs at once, as on_commit does outside a transaction.
        insert_receipt(dossier, receiving_id, receiving_code, day, documents, step, event)
        send_event_on_commit(event)
        return dossier
    with transaction.atomic():
        if connection.vendor == "postgresql":
            insert_receipt(dossier, receiving_id, receiving_code, day, documents, step, event)
        else:
            dossier.code = allocate_code(receiving_id, receiving_code, day)
            dossier.save(force_insert=True)
            if documents:
                DossierDocument.objects.bulk_create(documents)
            if step is not None:
                step.save(force_insert=True)
            event.save(force_insert=True)
        send_event_on_commit(event)
    return dossier


def _start_clock(dossier: Dossier, profile: IntakeProfile, received_at, actor) -> None:
    dossier.received_at = received_at
    dossier.received_by = actor if getattr(actor, "pk", None) else None
    dossier.clock_started_at, dossier.due_at = due_at_receipt(profile, dossier.channel_in, received_at)
    dossier.original_due_at = dossier.due_at


def _open_first_step(dossier: Dossier, profile: IntakeProfile, now, actor, save=True) -> DossierStep | None:
    plan = profile.next_step(None)
    if plan is None:
        return None
    return _open_planned_step(dossier, plan, now=now, given_by=actor, assignee=None, save=save)


@transaction.atomic
def accept_online(actor, dossier, *, expected_version: int | None = None, at=None, note: str = "") -> Dossier:
    """An officer accepts an online submission (1 -> 2); the clock counts from its submission."""
    row, _t = _locked(dossier, "accept_online", actor, expected_version)
    now = _moment(at, timezone.now())
    profile = intake_profile(row.procedure_version, row.case)
    before = row.status
    row.status = Status.RECEIVED
    _start_clock(row, profile, row.submitted_at or now, actor)
    _open_first_step(row, profile, now, actor)
    _save(row, ["status", "received_at", "received_by", "clock_started_at", "due_at", "original_due_at",
                "step_count", "current_step_index", "current_step_name", "current_unit", "current_agency",
                "current_officer"])
    _event(row, "accept_online", actor, now, before, {"due_at": _iso(row.due_at), "note": note})
    return row


@transaction.atomic
def refuse_intake(actor, dossier, *, reason: str, expected_version: int | None = None, at=None) -> Dossier:
    """Refuse a dossier at intake (1 or 2 -> 3) with the reason printed on form 03. A dossier
    refused after its receipt is finished and classified; an online one never received is not."""
    reason = (reason or "").strip()
    if not reason:
        raise DossierActionError("invalid", _("Give the reason for refusing the dossier."))
    row, _t = _locked(dossier, "refuse_intake", actor, expected_version)
    now = _moment(at, timezone.now())
    before = row.status
    fields = ["status"]
    if before == Status.RECEIVED:
        fields += _finish(row, now, actor)
        row.outcome = None  # refused at intake: never received, never classified (counting.py)
    else:
        row.finished_at = now
        fields.append("finished_at")
    row.status = Status.NOT_RECEIVED
    _save(row, fields)
    _event(row, "refuse_intake", actor, now, before, {"reason": reason})
    return row


@transaction.atomic
def start_processing(actor, dossier, *, expected_version: int | None = None, at=None) -> Dossier:
    """2 -> 4 without moving the dossier (a hand-over does this implicitly)."""
    row, _t = _locked(dossier, "start_processing", actor, expected_version)
    now = _moment(at, timezone.now())
    row.status = Status.PROCESSING
    _save(row, ["status"])
    _event(row, "start_processing", actor, now, Status.RECEIVED)
    return row


# --- pauses -----------------------------------------------------------------------------------


@transaction.atomic
def request_supplement(actor, dossier, *, items: list[str], reason: str, expected_version: int | None = None,
                       at=None) -> Dossier:
    """Ask the applicant, once, for missing items (form 02). The clock stops."""
    items = [str(i).strip() for i in (items or []) if str(i).strip()]
    reason = (reason or "").strip()
    if not items or not reason:
        raise DossierActionError("invalid", _("List the missing items and give the reason."))
    row, _t = _locked(dossier, "request_supplement", actor, expected_version)
    if row.supplement_count >= 1:
        raise DossierActionError(
            "second_supplement", _("A supplement has already been requested once for this dossier; "
                                   "the rules allow only one request.")
        )
    now = _moment(at, timezone.now())
    before = row.status
    Pause.objects.create(dossier=row, kind=Pause.Kind.SUPPLEMENT, started_at=now, resume_status=Status.PROCESSING,
                         details={"items": items, "reason": reason})
    row.status = Status.WAITING_SUPPLEMENT
    row.paused_at = now
    row.supplement_count += 1
    _save(row, ["status", "paused_at", "supplement_count"])
    _event(row, "request_supplement", actor, now, before, {"items": items, "reason": reason})
    return row


@transaction.atomic
def receive_supplement(actor, dossier, *, documents: Iterable[dict] = (), note: str = "",
                       expected_version: int | None = None, at=None) -> Dossier:
    """The supplement has come (5 -> 4): the clock restarts and the due moment moves by the
    paused working time."""
    row, _t = _locked(dossier, "receive_supplement", actor, expected_version)
    now = _moment(at, timezone.now())
    profile = intake_profile(row.procedure_version, row.case)
    cleaned = _clean_documents(profile, documents, check_required=False)
    before, old_due = row.status, row.due_at
    pause = _end_pause(row, now)
    if cleaned:
        DossierDocument.objects.bulk_create(DossierDocument(dossier=row, is_supplement=True, **d) for d in cleaned)
        row.is_digitized = all_digitized(row.documents.values("digitization"))
    row.status = target_status("receive_supplement", before)
    _save(row, ["status", "due_at", "paused_at", "paused_minutes", "is_digitized"])
    _event(row, "receive_supplement", actor, now, before, {
        "paused_minutes": pause.working_minutes if pause else 0, "old_due_at": _iso(old_due),
        "due_at": _iso(row.due_at), "documents": len(cleaned), "note": note,
    })
    return row


@transaction.atomic
def request_payment(actor, dossier, *, amount: int | None = None, note: str = "",
                    expected_version: int | None = None, at=None) -> Dossier:
    """Wait for the applicant's financial obligation (-> 6). The clock stops."""
    row, _t = _locked(dossier, "request_payment", actor, expected_version)
    if amount is not None and int(amount) < 0:
        raise DossierActionError("invalid", _("The amount must not be negative."))
    now = _moment(at, timezone.now())
    before = row.status
    if amount is not None:
        row.fee_due = int(amount)
    Pause.objects.create(dossier=row, kind=Pause.Kind.FINANCIAL, started_at=now, resume_status=before,
                         details={"amount": row.fee_due, "note": note})
    row.status = Status.WAITING_PAYMENT
    row.paused_at = now
    _save(row, ["status", "paused_at", "fee_due"])
    _event(row, "request_payment", actor, now, before, {"amount": row.fee_due, "note": note})
    return row


@transaction.atomic
def confirm_payment(actor, dossier, *, amount_paid: int | None = None, receipt_number: str = "",
                    online: bool = False, expected_version: int | None = None, at=None) -> Dossier:
    """The obligation is paid (6 -> the status before): the clock restarts, due moved."""
    row, _t = _locked(dossier, "confirm_payment", actor, expected_version)
    if amount_paid is not None and int(amount_paid) < 0:
        raise DossierActionError("invalid", _("The amount must not be negative."))
    now = _moment(at, timezone.now())
    before, old_due = row.status, row.due_at
    pause = Pause.objects.filter(dossier=row, ended_at__isnull=True).order_by("-started_at").first()
    resume = pause.resume_status if pause else Status.PROCESSING
    _end_pause(row, now)
    row.fee_paid += int(amount_paid) if amount_paid is not None else max(row.fee_due - row.fee_paid, 0)
    row.paid_online = row.paid_online or online
    row.status = target_status("confirm_payment", before, resume)
    _save(row, ["status", "due_at", "paused_at", "paused_minutes", "fee_paid", "paid_online"])
    _event(row, "confirm_payment", actor, now, before, {
        "amount_paid": row.fee_paid, "receipt_number": receipt_number, "old_due_at": _iso(old_due),
        "due_at": _iso(row.due_at), "online": online,
    })
    return row


@transaction.atomic
def record_payment(actor, dossier, *, amount: int, method: str, reference: str = "", online: bool = False,
                   expected_version: int | None = None, at=None) -> Dossier:
    """A payment that does not end a wait (paid at intake, a part payment): fee_paid grows,
    the status and the clock stay as they are."""
    row, _t = _locked(dossier, "record_payment", actor, expected_version)
    amount = int(amount)
    if amount <= 0:
        raise DossierActionError("invalid", _("The amount must be more than 0 đồng."))
    now = _moment(at, timezone.now())
    row.fee_paid += amount
    row.paid_online = row.paid_online or online
    _save(row, ["fee_paid", "paid_online"])
    _event(row, "record_payment", actor, now, row.status, {
        "amount": amount, "method": method, "reference": reference, "online": online, "fee_paid": row.fee_paid,
    })
    return row


# --- moving the dossier -----------------------------------------------------------------------


@transaction.atomic
def hand_over(actor, dossier, *, to_step: int | None = None, to_agency: Agency | None = None, to_unit: str = "",
              to_officer=None, step_name: str = "", budget_hours=None, note: str = "",
              expected_version: int | None = None, at=None) -> Dossier:
    """Hand the dossier to the next process step (default), to a given step (`to_step`, its
    order; an earlier one sends it back), or to another agency / unit outside the process.

    The current step is closed and classified against its own due moment; the next opens with
    the due moment of its budget. The first hand-over of a received dossier starts processing.
    """
    row, _t = _locked(dossier, "hand_over", actor, expected_version)
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
    row.status = target_status("hand_over", before)
    _save(row, ["status", "step_count", "current_step_index", "current_step_name", "current_unit",
                "current_agency", "current_officer"])
    _event(row, "hand_over", actor, now, before, {
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
    row, _t = _locked(dossier, "assign", actor, expected_version)
    current = row.current_agency_id or row.competent_agency_id
    if officer is None or current not in agency_ids_with(officer, "dossier.view"):
        raise DossierActionError("invalid", _("This officer does not work for the agency holding the dossier."))
    now = _moment(at, timezone.now())
    row.current_officer = officer
    DossierStep.objects.filter(dossier=row, finished_at__isnull=True).update(assignee=officer)
    _save(row, ["current_officer"])
    _event(row, "assign", actor, now, row.status, {"officer": officer.pk, "note": note})
    return row


@transaction.atomic
def take(actor, dossier, *, note: str = "", expected_version: int | None = None, at=None) -> Dossier:
    """A specialist or leader of the unit holding the dossier takes it for themselves (and its open
    step), when no officer holds it: a hand-over to the unit without naming anyone."""
    row, _t = _locked(dossier, "take", actor, expected_version)
    if row.current_officer_id:
        raise DossierActionError("stale", _("Another officer already holds this dossier."))
    now = _moment(at, timezone.now())
    row.current_officer = actor
    DossierStep.objects.filter(dossier=row, finished_at__isnull=True).update(assignee=actor)
    _save(row, ["current_officer"])
    _event(row, "take", actor, now, row.status, {"officer": actor.pk, "note": note})
    return row


# --- ending -----------------------------------------------------------------------------------


def _end(action: str, actor, dossier, *, to_status: int, payload: dict, expected_version, at) -> Dossier:
    row, _t = _locked(dossier, action, actor, expected_version)
    now = _moment(at, timezone.now())
    before = row.status
    fields = _finish(row, now, actor) if action in FINISHING_ACTIONS else []
    row.status = to_status
    _save(row, ["status", *fields])
    _event(row, action, actor, now, before, {**payload, "outcome": row.outcome})
    return row


@transaction.atomic
def stop(actor, dossier, *, reason: str, expected_version: int | None = None, at=None) -> Dossier:
    """Stop handling the dossier (-> 8), with the reason."""
    if not (reason or "").strip():
        raise DossierActionError("invalid", _("Give the reason for stopping the dossier."))
    return _end("stop", actor, dossier, to_status=Status.STOPPED, payload={"reason": reason.strip()},
                expected_version=expected_version, at=at)


@transaction.atomic
def withdraw(actor, dossier, *, reason: str = "", expected_version: int | None = None, at=None) -> Dossier:
    """The applicant withdraws the dossier (-> 7); an officer records the request."""
    return _end("withdraw", actor, dossier, to_status=Status.WITHDRAWN, payload={"reason": (reason or "").strip()},
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
    row, _t = _locked(dossier, "resolve", actor, expected_version)
    _refuse_while_fee_owed(row, "resolve")
    now = _moment(at, timezone.now())
    before = row.status
    fields = _finish(row, now, actor)
    row.status = Status.RESOLVED
    row.result_kind = result_kind
    row.result_description = _within(result_description or "", 500, _("Result description"))
    if result_file:
        row.result_file = result_file
        fields.append("result_file")
    _save(row, ["status", "result_kind", "result_description", *fields])
    _event(row, "resolve", actor, now, before, {
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
    row, _t = _locked(dossier, "apologise", actor, expected_version)
    now = _moment(at, timezone.now())
    late = row.is_overdue or (row.due_at is not None and (row.finished_at or now) > row.due_at)
    if not late:
        raise DossierActionError("not_allowed", _("The dossier is not late; there is nothing to apologise for."))
    if new_appointment <= now or (row.due_at and new_appointment <= row.due_at):
        raise DossierActionError("invalid", _("The new appointment must be later than now and the due date."))
    row.appointment_at = new_appointment
    row.apology_count += 1
    _save(row, ["appointment_at", "apology_count"])
    _event(row, "apologise", actor, now, row.status, {
        "new_appointment": _iso(new_appointment), "reason": reason, "due_at": _iso(row.due_at),
        "agency": row.current_agency_id, "unit": row.current_unit,
    })
    return row


@transaction.atomic
def return_result(actor, dossier, *, note: str = "", expected_version: int | None = None, at=None) -> Dossier:
    """The result is handed back by its channel (9 -> 10), never while a fee is owed."""
    row, _t = _locked(dossier, "return_result", actor, expected_version)
    _refuse_while_fee_owed(row, "return_result")
    now = _moment(at, timezone.now())
    row.status = Status.RETURNED
    row.returned_at = now
    _save(row, ["status", "returned_at"])
    _event(row, "return_result", actor, now, Status.RESOLVED, {"return_channel": row.return_channel, "note": note})
    return row


# --- the overdue sweep ------------------------------------------------------------------------


def mark_overdue(now=None) -> dict:
    """Mark dossiers and open steps whose due moment has passed while their clock runs.

    Appends an `overdue` event per dossier and a `step_overdue` event per step (notifications
    draft the apology for the responsible unit from them). Returns the counts.
    """
    now = now or timezone.now()
    # Clock running, or stopped after the due moment had passed (a pause gives back no time).
    running = Q(status__in=(Status.RECEIVED, Status.PROCESSING)) | Q(
        status__in=PAUSED_STATUSES, paused_at__gte=F("due_at"))
    counts = {"dossiers": 0, "steps": 0}
    ids = list(
        Dossier.objects.filter(running, is_overdue=False, due_at__lt=now).values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            row = Dossier.objects.select_for_update().filter(
                running, pk=pk, is_overdue=False, due_at__lt=now
            ).first()
            if row is None:
                continue
            row.is_overdue = True
            _save(row, ["is_overdue"])
            _event(row, "overdue", None, now, row.status, {
                "due_at": _iso(row.due_at), "agency": row.current_agency_id, "unit": row.current_unit,
            })
            counts["dossiers"] += 1
    steps = list(
        DossierStep.objects.filter(
            Q(dossier__status__in=(Status.RECEIVED, Status.PROCESSING))
            | Q(dossier__status__in=PAUSED_STATUSES, dossier__paused_at__gte=F("due_at")),
            finished_at__isnull=True, is_overdue=False, due_at__lt=now,
        ).values_list("pk", flat=True)
    )
    for pk in steps:
        with transaction.atomic():
            step = DossierStep.objects.select_for_update().filter(pk=pk, is_overdue=False).first()
            if step is None:
                continue
            step.is_overdue = True
            step.save(update_fields=["is_overdue"])
            dossier = Dossier.objects.get(pk=step.dossier_id)
            _event(dossier, "step_overdue", None, now, dossier.status, {
                "step": step.order, "name": step.name, "unit": step.unit, "agency": step.agency_id,
                "due_at": _iso(step.due_at),
            })
            counts["steps"] += 1
    return counts


# --- the citizen's own actions (portal) -------------------------------------------------------


def _locked_for_owner(dossier, action: str, actor, expected_version: int | None) -> tuple[Dossier, Transition]:
    """Like `_locked`, but the permission is being the dossier's own portal account: officers
    record these acts with `receive_supplement` / `withdraw` instead."""
    transition = transition_for(action)
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    try:
        row = Dossier.objects.select_for_update().get(pk=pk)
    except Dossier.DoesNotExist:
        raise DossierActionError("not_found", _("No such dossier.")) from None
    if not getattr(actor, "is_authenticated", False) or row.account_id is None or row.account_id != actor.pk:
        raise DossierActionError("forbidden", _("Only the account that submitted this dossier may do this."))
    if expected_version is not None and int(expected_version) != row.version:
        raise DossierActionError(
            "stale",
            _("Someone else has acted on dossier %(code)s in the meantime (it is now: %(status)s). "
              "Reload the page and try again.") % {"code": row.code, "status": row.get_status_display()},
        )
    if int(row.status) not in transition.from_statuses:
        raise DossierActionError(
            "not_allowed",
            _("This action is not allowed for dossier %(code)s in its current status: %(status)s.")
            % {"code": row.code, "status": row.get_status_display()},
        )
    return row, transition


def citizen_can(actor, dossier: Dossier, action: str) -> bool:
    """May the signed-in citizen take `action` (submit_supplement, withdraw_by_applicant) now?"""
    transition = transition_for(action)
    return (
        getattr(actor, "is_authenticated", False) and dossier.account_id is not None
        and dossier.account_id == actor.pk and int(dossier.status) in transition.from_statuses
    )


@transaction.atomic
def submit_supplement(actor, dossier, *, documents: Iterable[dict] = (), note: str = "",
                      expected_version: int | None = None, at=None) -> Dossier:
    """The applicant answers the supplement request online (5 -> 4) with the missing documents:
    the clock restarts exactly as when an officer records the supplement (`receive_supplement`)."""
    documents = list(documents or ())
    if not documents:
        raise DossierActionError("invalid", _("Attach at least one document to answer the request."))
    note = _within((note or "").strip(), 1000, _("Note"))
    row, _t = _locked_for_owner(dossier, "submit_supplement", actor, expected_version)
    now = _moment(at, timezone.now())
    profile = intake_profile(row.procedure_version, row.case)
    cleaned = _clean_documents(profile, documents, check_required=False)
    before, old_due = row.status, row.due_at
    pause = _end_pause(row, now)
    DossierDocument.objects.bulk_create(DossierDocument(dossier=row, is_supplement=True, **d) for d in cleaned)
    row.is_digitized = all_digitized(row.documents.values("digitization"))
    row.status = target_status("submit_supplement", before)
    _save(row, ["status", "due_at", "paused_at", "paused_minutes", "is_digitized"])
    _event(row, "submit_supplement", actor, now, before, {
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
    row, _t = _locked_for_owner(dossier, "withdraw_by_applicant", actor, expected_version)
    now = _moment(at, timezone.now())
    before = row.status
    if row.received_at is not None:
        fields = _finish(row, now, actor)
    else:
        row.finished_at = now
        fields = ["finished_at"]
    row.status = Status.WITHDRAWN
    _save(row, ["status", *fields])
    _event(row, "withdraw_by_applicant", actor, now, before,
           {"reason": reason, "outcome": row.outcome})
    return row


# --- documents --------------------------------------------------------------------------------


@transaction.atomic
def digitise_document(actor, dossier, *, document=None, file=None, at=None,
                      expected_version: int | None = None) -> Dossier:
    """An officer of the receiving or current agency attaches the scan of a document handed in on
    paper: digitisation 1, the file, `is_digitized` recomputed; the status does not change.
    `document` is one of the dossier's `DossierDocument`s (or its id); `file` a Django `File`
    (already checked by the caller) or a stored file name."""
    row, _t = _locked(dossier, "digitise_document", actor, expected_version)
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
        transaction.on_commit(lambda: discard_if_unreferenced(old_name))
    if doc.digitization == DossierDocument.Digitization.NOT_DIGITISED:
        doc.digitization = DossierDocument.Digitization.DIGITISED
    doc.save(update_fields=["file", "digitization"])
    row.is_digitized = all_digitized(row.documents.values("digitization"))
    _save(row, ["is_digitized"])
    _event(row, "digitise_document", actor, now, row.status,
           {"document": doc.pk, "name": doc.name, "replaced": replaced})
    return row
