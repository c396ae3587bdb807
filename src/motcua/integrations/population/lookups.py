"""Who may ask the population register about a person, how often, and the audit of every lookup.

An officer (anyone with a role in force, or a superuser) may look up any citizen ID for their
work; a citizen only the citizen ID saved on their own account (the profile's "fill in from the
register", the default commune of an application). Both are throttled per person over a sliding
window (settings POPULATION_LOOKUP_LIMIT_OFFICER / _CITIZEN as (count, seconds)). Every attempt,
allowed or refused, is written to the access audit log (`organization.AccessAuditEntry`, kind
"register_lookup"): who, when, from which page, the ID masked and as a keyed hash.
"""
import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.organization import audit
from motcua.organization.models import AccessAuditEntry

from .base import PersonRecord, get_register

DEFAULT_LIMITS = {"officer": (120, 3600), "citizen": (10, 24 * 3600)}


class LookupRefused(Exception):
    """This person may not look up this citizen ID, or has looked up too many for now."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.message = message
        self.reason = reason


def _limit(kind: str) -> tuple[int, int]:
    return tuple(getattr(settings, f"POPULATION_LOOKUP_LIMIT_{kind.upper()}", DEFAULT_LIMITS[kind]))


def _who(user) -> str | None:
    """"officer", "citizen", or None for somebody who may not look anyone up."""
    from motcua.organization.permissions import active_assignments

    if user is None or not user.is_authenticated:
        return None
    if user.is_superuser or active_assignments(user).exists():
        return "officer"
    if getattr(user, "citizen_account", None) is not None:
        return "citizen"
    return None


def _own_citizen_id(user) -> str:
    account = getattr(user, "citizen_account", None)
    return (account.citizen_id or "") if account is not None else ""


def _log(user, citizen_id, action, page, reason=""):
    return audit.record(
        AccessAuditEntry.Kind.REGISTER_LOOKUP, action, actor=user,
        object_label=audit.mask_citizen_id(citizen_id), citizen_id_digest=audit.citizen_id_digest(citizen_id),
        after={"reason": reason} if reason else None, source=page,
    )


def authorise(user, citizen_id: str, page: str | None = None) -> None:
    """Check and log one lookup by `user` (None: the system itself, e.g. a command); raise
    LookupRefused when it may not happen. The row is written before the register is asked, so
    that concurrent lookups count against the throttle (the person's row is locked meanwhile)."""
    citizen_id = (citizen_id or "").strip()
    if user is None:
        _log(None, citizen_id, AccessAuditEntry.Action.LOOKED_UP, page)
        return
    who = _who(user)
    if who is None:
        _log(user, citizen_id, AccessAuditEntry.Action.REFUSED, page, "not_allowed")
        raise LookupRefused(_("You may not look people up in the population register."), "not_allowed")
    if who == "citizen" and citizen_id != _own_citizen_id(user):
        _log(user, citizen_id, AccessAuditEntry.Action.REFUSED, page, "not_own_id")
        raise LookupRefused(_("You can look up only the citizen ID saved in your own profile: save it first, then "
                              "fill in from the register."), "not_own_id")
    count, seconds = _limit(who)
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        since = timezone.now() - datetime.timedelta(seconds=seconds)
        used = AccessAuditEntry.objects.filter(
            kind=AccessAuditEntry.Kind.REGISTER_LOOKUP, action=AccessAuditEntry.Action.LOOKED_UP,
            actor=user, at__gte=since,
        ).count()
        if used >= count:
            _log(user, citizen_id, AccessAuditEntry.Action.REFUSED, page, "throttled")
            refused = True
        else:
            _log(user, citizen_id, AccessAuditEntry.Action.LOOKED_UP, page)
            refused = False
    if refused:
        raise LookupRefused(_("Too many lookups in the population register; try again later or type the data in."),
                            "throttled")


def lookup(user, citizen_id: str, page: str | None = None) -> PersonRecord | None:
    """The register's answer for `citizen_id`, asked on behalf of `user` (checked, throttled and
    logged). Raises LookupRefused, or RegisterUnavailable when the register cannot answer."""
    authorise(user, citizen_id, page)
    return get_register().lookup((citizen_id or "").strip())
