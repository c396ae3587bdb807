"""The one table of dossier actions: from which statuses, to which status, with which permission,
and the label of each action's event.

Pure data and pure functions, no database. Every command of `services` is checked against it and
takes its resulting status from it (`target_status`); the officer pages ask `allowed_actions()`
which buttons to show, the timelines `event_label()` what to call an event.

`permissions` is any-of: the actor needs one of them for the dossier's agency named by `scope`:
- "receiving": the receiving agency or the agency currently holding the dossier (intake and return);
- "current": the agency currently holding the dossier (the competent agency before the first hand-over);
- "owner": no agency: the actor must be the dossier's own portal account (the citizen's actions).
An empty `permissions` means no officer permission is needed (an online submission by a citizen).
"""
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Status

S = Status
# to_status sentinels
UNCHANGED = None
RESUME = -1  # back to the status saved when the clock stopped (Pause.resume_status)

RECEIVE = "dossier.receive"
EXAMINE = "dossier.examine"
APPROVE = "dossier.approve"
ASSIGN = "dossier.assign"

# A verified payment-gateway callback (payments app): it confirms payments, nothing else.
PAYMENT_GATEWAY = "payment_gateway"

# Citizen actions: no officer role grants this pseudo-permission, so officers never get these
# buttons; the command checks instead that the actor is the dossier's own portal account.
OWNER = "dossier.own_account"
OWNER_SCOPE = "owner"

ACTIVE = frozenset({S.RECEIVED, S.PROCESSING, S.WAITING_SUPPLEMENT, S.WAITING_PAYMENT})


@dataclass(frozen=True)
class Transition:
    action: str
    from_statuses: frozenset  # empty: the action creates the dossier
    to_status: int | None
    permissions: tuple[str, ...]
    scope: str = "current"
    # Trusted components that may take this action without an officer (services.SystemActor).
    systems: tuple[str, ...] = ()


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("receive_at_counter", frozenset(), S.RECEIVED, (RECEIVE,), "receiving"),
        Transition("receive_by_post", frozenset(), S.RECEIVED, (RECEIVE,), "receiving"),
        Transition("submit_online", frozenset(), S.NEW, ()),
        Transition("accept_online", frozenset({S.NEW}), S.RECEIVED, (RECEIVE,), "receiving"),
        Transition("refuse_intake", frozenset({S.NEW, S.RECEIVED}), S.NOT_RECEIVED, (RECEIVE,), "receiving"),
        Transition("start_processing", frozenset({S.RECEIVED}), S.PROCESSING, (RECEIVE, EXAMINE, APPROVE)),
        Transition(
            "request_supplement", frozenset({S.RECEIVED, S.PROCESSING}), S.WAITING_SUPPLEMENT, (RECEIVE, EXAMINE)
        ),
        Transition(
            "receive_supplement", frozenset({S.WAITING_SUPPLEMENT}), S.PROCESSING, (RECEIVE, EXAMINE), "receiving"
        ),
        Transition("hand_over", frozenset({S.RECEIVED, S.PROCESSING}), S.PROCESSING, (RECEIVE, EXAMINE, APPROVE)),
        Transition(
            "request_payment", frozenset({S.RECEIVED, S.PROCESSING}), S.WAITING_PAYMENT, (RECEIVE, EXAMINE, APPROVE)
        ),
        Transition(
            "confirm_payment", frozenset({S.WAITING_PAYMENT}), RESUME, (RECEIVE, EXAMINE), "receiving",
            systems=(PAYMENT_GATEWAY,),
        ),
        Transition(
            "record_payment", ACTIVE | {S.RESOLVED}, UNCHANGED, (RECEIVE, EXAMINE), "receiving",
            systems=(PAYMENT_GATEWAY,),
        ),
        Transition("assign", ACTIVE, UNCHANGED, (ASSIGN,)),
        # A specialist or leader takes an unassigned dossier of their unit for themselves
        # (`services.take`: only while no officer holds it).
        Transition("take", ACTIVE, UNCHANGED, (EXAMINE, APPROVE)),
        Transition("stop", ACTIVE, S.STOPPED, (APPROVE,)),
        Transition("withdraw", ACTIVE, S.WITHDRAWN, (RECEIVE, EXAMINE, APPROVE), "receiving"),
        Transition("resolve", frozenset({S.RECEIVED, S.PROCESSING}), S.RESOLVED, (APPROVE,)),
        Transition("apologise", ACTIVE | {S.RESOLVED}, UNCHANGED, (EXAMINE, APPROVE)),
        # The postal app when the post delivers a result and the province counts status 10 at delivery.
        Transition("return_result", frozenset({S.RESOLVED}), S.RETURNED, (RECEIVE,), "receiving", systems=("postal",)),
        # The citizen answers the supplement request online / withdraws the dossier from the portal.
        Transition("submit_supplement", frozenset({S.WAITING_SUPPLEMENT}), S.PROCESSING, (OWNER,), OWNER_SCOPE),
        Transition("withdraw_by_applicant", ACTIVE | {S.NEW}, S.WITHDRAWN, (OWNER,), OWNER_SCOPE),
        # An officer attaches the scan of a paper document handed in (also after the result, for
        # the archive and the owner's data store); the status does not change.
        Transition(
            "digitise_document", ACTIVE | {S.RESOLVED, S.RETURNED}, UNCHANGED, (RECEIVE, EXAMINE), "receiving"
        ),
    ]
}

# One label per event kind, in the reader's language: every action of the table plus the overdue
# sweep's two kinds (`services.sweep`). A test keeps this complete.
EVENT_LABELS = {
    "receive_at_counter": _("Received at the counter"),
    "receive_by_post": _("Received by post"),
    "submit_online": _("Submitted online"),
    "accept_online": _("Online dossier accepted"),
    "refuse_intake": _("Refused at intake"),
    "start_processing": _("Processing started"),
    "request_supplement": _("Supplement requested"),
    "receive_supplement": _("Supplement received"),
    "submit_supplement": pgettext_lazy("dossier event", "Supplement sent online by the applicant"),
    "hand_over": _("Handed over"),
    "request_payment": _("Waiting for the financial obligation"),
    "confirm_payment": _("Payment confirmed"),
    "record_payment": _("Payment recorded"),
    "assign": _("Assigned"),
    "take": pgettext_lazy("dossier event", "Taken by an officer of the unit"),
    "stop": _("Stopped"),
    "withdraw": _("Withdrawn"),
    "withdraw_by_applicant": pgettext_lazy("dossier event", "Withdrawn by the applicant online"),
    "resolve": _("Resolved"),
    "apologise": _("Apology with a new appointment"),
    "return_result": _("Result returned"),
    "digitise_document": _("Document digitised"),
    "overdue": _("Became overdue"),
    "step_overdue": _("A step became overdue"),
}

# Actions that end the handling of a dossier: it is then classified early / on time / late.
FINISHING_ACTIONS = frozenset({"resolve", "stop", "withdraw", "refuse_intake", "withdraw_by_applicant"})


def transition_for(action: str) -> Transition:
    try:
        return TRANSITIONS[action]
    except KeyError:
        raise KeyError(f"unknown dossier action {action!r}") from None


def is_allowed(action: str, status: int) -> bool:
    return int(status) in transition_for(action).from_statuses


def allowed_actions(status: int, permissions: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The actions possible from `status` for someone holding `permissions` (any-of per action)."""
    return [
        t.action
        for t in TRANSITIONS.values()
        if t.from_statuses and int(status) in t.from_statuses and (not t.permissions or set(t.permissions) & set(permissions))
    ]


def target_status(action: str, status: int, resume_status: int | None = None) -> int:
    """The status after `action` from `status` (unchanged, fixed, or resumed after a pause)."""
    to = transition_for(action).to_status
    if to is UNCHANGED:
        return int(status)
    if to == RESUME:
        if resume_status is None:
            raise ValueError("resume needs the status saved at the pause")
        return int(resume_status)
    return int(to)


def event_label(kind: str) -> str:
    """The label of an event kind (the kind itself for an unknown one)."""
    return str(EVENT_LABELS.get(kind, kind))
