"""What a dossier event tells whom: the message kind of each event kind, the template context and
the recipients, and `queue_for_event`, which writes the event's messages to the outbox.

The one-way flow of the app: `receivers` (the signal) -> `dispatch` (the batch) -> `tasks` (the
worker: queue, then deliver) -> `messages` (this module) -> `services` (outbox, templates,
delivery attempts). A module never imports one to its left.
"""
from urllib.parse import quote

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from motcua.core.site import absolute
from motcua.organization.models import Role, RoleAssignment

from .models import Channel, EventKind
from .phones import is_mobile
from .services import queue_message

# Dossier event kinds (the actions of dossiers.transitions) -> message kinds.
EVENT_KINDS = {
    "receive_at_counter": EventKind.RECEIVED,
    "receive_by_post": EventKind.RECEIVED,
    "accept_online": EventKind.RECEIVED,
    "request_supplement": EventKind.SUPPLEMENT_REQUESTED,
    "refuse_intake": EventKind.REFUSED,
    "resolve": EventKind.RESOLVED,
    "apologise": EventKind.APOLOGY,
    "return_result": EventKind.RETURNED,
    "overdue": EventKind.OVERDUE,
    "step_overdue": EventKind.OVERDUE,
    # The applicant's own actions (portal) and the counter's, confirmed in writing.
    "receive_supplement": EventKind.SUPPLEMENT_RECEIVED,
    "submit_supplement": EventKind.SUPPLEMENT_RECEIVED,
    "withdraw": EventKind.WITHDRAWN,
    "withdraw_by_applicant": EventKind.WITHDRAWN,
    # An online submission waits for intake: the receiving agency's counter officers are told.
    "submit_online": EventKind.ONLINE_SUBMITTED,
}
OFFICER_ROLES = (Role.SPECIALIST, Role.LEADER)


def _local(moment):
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else ""


def _missing_items(payload: dict) -> str:
    items = payload.get("missing_items") or payload.get("items") or []
    if isinstance(items, str):
        return items
    return "; ".join(str(item.get("name", item)) if isinstance(item, dict) else str(item) for item in items)


def rating_url(dossier) -> str:
    """The signed rating link of the "returned" notice (feedback app), or "" without ratings."""
    if not apps.is_installed("motcua.feedback"):
        return ""
    from motcua.feedback.links import rating_url as signed_rating_url

    return signed_rating_url(dossier.code)


def _dong(amount) -> str:
    return f"{int(amount or 0):,}".replace(",", ".")


def fee_context(dossier) -> dict:
    """The fee lines of a message: due and still owed in đồng ("" when nothing), and when payable."""
    owed = max(int(dossier.fee_due or 0) - int(dossier.fee_paid or 0), 0)
    return {
        "fee_due": _dong(dossier.fee_due) if dossier.fee_due else "",
        "fee_owed": _dong(owed) if owed else "",
        "fee_payable_at": str(dossier.procedure_version.get_fee_payable_at_display()).lower(),
    }


def message_context(dossier, event) -> dict:
    payload = event.payload or {}
    agency = dossier.current_agency or dossier.competent_agency
    context = {
        "code": dossier.code,
        "applicant_name": dossier.applicant_name,
        "procedure_name": dossier.procedure_version.name,
        "received_at": _local(dossier.received_at),
        "due_at": _local(dossier.due_at),
        "new_due_at": _local(dossier.appointment_at or dossier.due_at),
        "reason": payload.get("reason", ""),
        "missing_items": _missing_items(payload),
        "agency_name": agency.name,
        "receiving_agency_name": dossier.receiving_agency.name,
        "unit_name": payload.get("unit") or dossier.current_unit or agency.name,
        "step_name": dossier.current_step_name,
        "tracking_url": absolute(f"/tra-cuu/?ma={quote(dossier.code)}"),
        "submitted_at": _local(dossier.submitted_at),
        "officer_url": absolute(f"/mot-cua/ho-so/{quote(dossier.code)}/"),
    }
    context.update(fee_context(dossier))
    if EVENT_KINDS.get(event.kind) == EventKind.RETURNED:
        # One message when the result is returned: it thanks and carries the rating link.
        context["rating_url"] = rating_url(dossier)
    return context


def applicant_recipients(dossier) -> list[tuple[str, str]]:
    """The phone and e-mail on the dossier. For a dossier submitted online by a citizen or business
    account, only those the account verified by a code (docs/accounts.md): nobody saw the person
    type them, so an unverified one gets nothing. At the counter (no account) the officer took them
    from the person."""
    recipients = []
    if dossier.applicant_phone:
        # Queued even when malformed: the provider records the failure, so reports show it.
        recipients.append((Channel.SMS, dossier.applicant_phone))
    if dossier.applicant_email:
        recipients.append((Channel.EMAIL, dossier.applicant_email))
    if dossier.account_id is not None and apps.is_installed("motcua.accounts"):
        from motcua.accounts.selectors import only_verified_contacts

        recipients = only_verified_contacts(dossier.account_id, recipients)
    return recipients


def unit_recipients(dossier, agency_id=None) -> list[tuple[str, str]]:
    """The officers answerable for an overdue dossier or step: the assignee, and the specialists
    and leaders of the agency holding it (or of the late step's agency)."""
    agency_id = agency_id or dossier.current_agency_id or dossier.competent_agency_id
    user_ids = set(
        RoleAssignment.objects.valid_on(timezone.localdate())
        .filter(agency_id=agency_id, role__in=OFFICER_ROLES)
        .values_list("user_id", flat=True)
    )
    if dossier.current_officer_id:
        user_ids.add(dossier.current_officer_id)
    return _officer_contacts(user_ids)


def receiving_recipients(dossier) -> list[tuple[str, str]]:
    """The counter officers who may accept an online submission: a counter-officer role for the
    receiving agency, or for a service point with a counter serving it."""
    from motcua.organization.models import Counter

    points = Counter.objects.filter(agencies=dossier.receiving_agency_id).values("service_point_id")
    user_ids = set(
        RoleAssignment.objects.valid_on(timezone.localdate())
        .filter(role=Role.COUNTER_OFFICER)
        .filter(Q(agency_id=dossier.receiving_agency_id) | Q(agency__isnull=True, service_point_id__in=points))
        .values_list("user_id", flat=True)
    )
    return _officer_contacts(user_ids)


def _officer_contacts(user_ids) -> list[tuple[str, str]]:
    """An officer gets an SMS to their staff profile's mobile and an e-mail to their address."""
    from django.contrib.auth import get_user_model

    recipients = []
    for user in get_user_model().objects.filter(pk__in=user_ids, is_active=True).select_related("staff_profile"):
        profile = getattr(user, "staff_profile", None)
        if profile is not None and profile.phone and is_mobile(profile.phone):
            recipients.append((Channel.SMS, profile.phone))
        if user.email:
            recipients.append((Channel.EMAIL, user.email))
    return recipients


def queue_for_event(event) -> list:
    """Queue the messages one dossier event calls for; returns the new messages (not yet sent:
    `tasks.notify_events` hands them to the worker once the transaction commits)."""
    kind = EVENT_KINDS.get(event.kind)
    if kind is None:
        return []
    dossier = event.dossier
    context = message_context(dossier, event)
    if kind == EventKind.OVERDUE:
        recipients = unit_recipients(dossier, (event.payload or {}).get("agency"))
    elif kind == EventKind.ONLINE_SUBMITTED:
        recipients = receiving_recipients(dossier)
    else:
        recipients = applicant_recipients(dossier)
    created = []
    for channel, recipient in dict.fromkeys(recipients):
        message, is_new = queue_message(
            kind=kind,
            channel=channel,
            recipient=recipient,
            context=context,
            event_id=event.pk,
            dossier_code=dossier.code,
            agency_id=dossier.competent_agency_id,
        )
        if is_new:
            created.append(message)
    return created
