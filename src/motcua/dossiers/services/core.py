"""The shared core of every dossier command: the error, who may act, the row lock and its checks,
and the end of a command (the status the transition table gives, the saved row, the event).

Every command runs in one transaction: `_locked` locks the dossier row (`select_for_update`) and
checks, in this order, the actor's permission for the dossier (an officer's agency, the citizen's
own account for the `owner` scope, or a named `SystemActor`), a stale form (`expected_version`
differs from the row's `version`) and the status against `transitions.TRANSITIONS`. `_record`
then sets the status the table gives for the action, saves the row (incrementing `version`) and
appends a `DossierEvent` whose `kind` is the action name; `signals.dossier_event_committed` is
sent after the commit. Any refusal raises `DossierActionError`; nothing is half-saved.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from motcua.organization.permissions import forget_scope, scope_of

from ..errors import DossierActionError
from ..models import Dossier, DossierEvent
from ..signals import send_event_on_commit
from ..transitions import OWNER_SCOPE, TRANSITIONS, Transition, target_status, transition_for


def agency_ids_with(actor, permission: str) -> frozenset[int]:
    """The agencies for which `actor` holds `permission`: the person's scope, once per request
    (`organization.permissions.scope_of`)."""
    return scope_of(actor).agency_ids(permission)


def forget_permissions(actor) -> None:
    """Drop the person's cached scope (after changing their roles outside this process)."""
    forget_scope(actor)


def scope_agency_ids(dossier: Dossier, transition: Transition) -> set[int]:
    """The agencies for which an officer's permission counts for this action on this dossier (the
    `owner` scope names none: `_has_permission` checks the account instead)."""
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
    return _may(actor, transition, dossier)


def actions_for(actor, dossier: Dossier) -> list[str]:
    """The actions this user may take on this dossier now (the buttons to show)."""
    return [a for a, t in TRANSITIONS.items() if t.from_statuses and can_act(actor, dossier, a)]


def citizen_can(actor, dossier: Dossier, action: str) -> bool:
    """May the signed-in citizen take their own action (submit_supplement, withdraw_by_applicant) now?"""
    return transition_for(action).scope == OWNER_SCOPE and can_act(actor, dossier, action)


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


def _has_permission(actor, transition: Transition, agency_ids: Iterable[int], account_id: int | None = None) -> bool:
    """The one permission rule: a named system for its actions; for the `owner` scope, the
    dossier's own portal account (`account_id`); else one of the transition's permissions for one
    of `agency_ids`."""
    if isinstance(actor, SystemActor):
        return actor.name in transition.systems
    if transition.scope == OWNER_SCOPE:
        return bool(getattr(actor, "is_authenticated", False)) and account_id is not None and account_id == actor.pk
    if not transition.permissions:
        return True
    wanted = set(agency_ids)
    return any(agency_ids_with(actor, permission) & wanted for permission in transition.permissions)


def _may(actor, transition: Transition, dossier: Dossier) -> bool:
    return _has_permission(actor, transition, scope_agency_ids(dossier, transition), dossier.account_id)


def _require_permission(actor, transition: Transition, agency_ids: Iterable[int], account_id: int | None = None) -> None:
    if _has_permission(actor, transition, agency_ids, account_id):
        return
    if transition.scope == OWNER_SCOPE:
        raise DossierActionError("forbidden", _("Only the account that submitted this dossier may do this."))
    raise DossierActionError(
        "forbidden", _("You are not allowed to do this for the agency that holds this dossier.")
    )


def _locked(dossier, action: str, actor, expected_version: int | None) -> tuple[Dossier, Transition]:
    """Lock the row, then check permission, staleness and status, in that order (officers,
    systems and the citizen's own actions alike)."""
    transition = transition_for(action)
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    try:
        row = Dossier.objects.select_for_update().get(pk=pk)
    except Dossier.DoesNotExist:
        raise DossierActionError("not_found", _("No such dossier.")) from None
    _require_permission(actor, transition, scope_agency_ids(row, transition), row.account_id)
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


def _record(row: Dossier, transition: Transition, actor, now, before: int, fields: Iterable[str] = (),
            payload: dict | None = None, *, resume_status: int | None = None) -> DossierEvent:
    """The end of every command: the status the transition table gives for this action (fixed,
    unchanged, or resumed after a pause), the row saved with its version bumped, and the event
    appended, its kind the action's name. No command sets a status by hand."""
    row.status = target_status(transition.action, before, resume_status)
    _save(row, ["status", *fields])
    return _event(row, transition.action, actor, now, before, payload)


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
