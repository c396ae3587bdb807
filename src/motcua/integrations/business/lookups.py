"""Who may ask the business registry about a tax code, how often, and the audit of every lookup.

Like the population register (population/lookups.py): an officer (a role in force, or a superuser)
may look up any tax code; a citizen only the tax code saved on their own business account. Both are
throttled over the same sliding windows as population lookups (the two count together: settings
POPULATION_LOOKUP_LIMIT_OFFICER / _CITIZEN), and every attempt is an `AccessAuditEntry` of kind
"register_lookup" whose object is "MST <code>" (a business's tax code is public; no person's ID).
"""
import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.organization import audit
from motcua.organization.models import AccessAuditEntry

from ..population.lookups import _limit, _who
from .base import BusinessRecord, get_registry


class LookupRefused(Exception):
    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.message = message
        self.reason = reason


def _log(user, tax_code, action, page, reason=""):
    return audit.record(AccessAuditEntry.Kind.REGISTER_LOOKUP, action, actor=user, object_label=f"MST {tax_code}",
                        after={"registry": "business", **({"reason": reason} if reason else {})}, source=page)


def _own_tax_code(user) -> str:
    account = getattr(user, "citizen_account", None)
    return (account.tax_code or "") if account is not None else ""


def authorise(user, tax_code: str, page: str | None = None) -> None:
    if user is None:
        _log(None, tax_code, AccessAuditEntry.Action.LOOKED_UP, page)
        return
    who = _who(user)
    if who is None:
        _log(user, tax_code, AccessAuditEntry.Action.REFUSED, page, "not_allowed")
        raise LookupRefused(_("You may not look businesses up in the business registry."), "not_allowed")
    if who == "citizen" and tax_code != _own_tax_code(user):
        _log(user, tax_code, AccessAuditEntry.Action.REFUSED, page, "not_own_code")
        raise LookupRefused(_("You can look up only the tax code saved in your own business account."), "not_own_code")
    count, seconds = _limit(who)
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        used = AccessAuditEntry.objects.filter(
            kind=AccessAuditEntry.Kind.REGISTER_LOOKUP, action=AccessAuditEntry.Action.LOOKED_UP, actor=user,
            at__gte=timezone.now() - datetime.timedelta(seconds=seconds)).count()
        refused = used >= count
        _log(user, tax_code, AccessAuditEntry.Action.REFUSED if refused else AccessAuditEntry.Action.LOOKED_UP, page,
             "throttled" if refused else "")
    if refused:
        raise LookupRefused(_("Too many registry lookups; try again later or type the data in."), "throttled")


def lookup(user, tax_code: str, page: str | None = None) -> BusinessRecord | None:
    """The registry's answer for a checked tax code (see taxcode.check_tax_code), asked on behalf of
    `user`. Raises LookupRefused, or RegistryUnavailable when the registry cannot answer."""
    authorise(user, tax_code, page)
    return get_registry().lookup(tax_code)
