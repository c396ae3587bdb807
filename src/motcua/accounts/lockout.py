"""Sign-in throttling on top of django-axes (settings: AXES_*, SIGN_IN_SPRAY_*; docs/accounts.md).

Two rules, for citizens (`/tai-khoan/dang-nhap/`) and officers (`/mot-cua/dang-nhap/`, `/admin/`):

1. **Per identity and client address.** axes counts failures per (identity, address). The identity
   is not what was typed but what it names (`identity_key`): the user the identifier resolves to,
   exactly as the authentication backends resolve it (a phone in any spelling, an e-mail in any
   case, an officer's user name), or, when it names nobody, the identifier normalised. So
   `0912000002`, `+84 912 000 002` and `0912.000.002` are one identity, and an unknown phone locks
   exactly as a known one does (nothing tells whether an account exists).
2. **Password spraying.** When failures for `SIGN_IN_SPRAY_LIMIT` distinct identities come from one
   address within `SIGN_IN_SPRAY_WINDOW_MINUTES`, that address is refused for every identity until
   the window has passed over them (failures refused meanwhile count too).
"""
import unicodedata
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .backends import find_account
from .validators import normalise_identifier


def identity_key(identifier: str | None) -> str | None:
    """The key failures are counted under for what was typed as the user name.

    A user's own user name when the identifier resolves to a user (citizens: by phone or e-mail as
    `PhoneOrEmailBackend` does; officers: the exact user name as `ModelBackend` does); otherwise
    `phone:0xxxxxxxxx`, `email:lower@case` or `name:<casefolded, no spaces>`. User names cannot
    hold `:`, so the two kinds never collide.
    """
    if identifier is None:
        return None
    value = unicodedata.normalize("NFKC", str(identifier)).strip()
    if not value:
        return ""
    account = find_account(value)
    if account is not None:
        return account.user.get_username()
    user_model = get_user_model()
    user = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: value}).first()
    if user is not None:
        return user.get_username()
    try:
        kind, normalised = normalise_identifier(value)
    except ValidationError:
        return "name:" + "".join(value.split()).casefold()
    return f"{kind}:{normalised}"


def username_callable(request, credentials) -> str | None:
    """AXES_USERNAME_CALLABLE: the identity of the credentials (or of the posted form)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    identifier = (credentials or {}).get(field)
    if identifier is None and request is not None and request.method == "POST":
        identifier = request.POST.get(field)
    return identity_key(identifier)


def spray_window() -> timedelta:
    return timedelta(minutes=settings.SIGN_IN_SPRAY_WINDOW_MINUTES)


def address_is_spraying(request) -> bool:
    """Failures for SIGN_IN_SPRAY_LIMIT or more distinct identities from this address lately."""
    limit = settings.SIGN_IN_SPRAY_LIMIT
    address = getattr(request, "axes_ip_address", None)
    if not limit or not address:
        return False
    recent = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=timezone.now() - spray_window())
    return recent.values("username").distinct().count() >= limit


class LockoutHandler(AxesDatabaseHandler):
    """AXES_HANDLER: axes' database handler plus the spraying rule."""

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or address_is_spraying(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is not None and not getattr(request, "axes_locked_out", False) and address_is_spraying(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials


def lockout_message(request) -> str:
    """What a refused sign-in is told, in the page's language; the same for every identity."""
    if address_is_spraying(request):
        minutes = max(1, settings.SIGN_IN_SPRAY_WINDOW_MINUTES)
        return _("Too many failed sign-in attempts from this network. Try again in %(minutes)s minutes, or "
                 "contact the service centre.") % {"minutes": minutes}
    cool_off = get_cool_off(request)
    if cool_off:
        minutes = max(1, int(cool_off.total_seconds() // 60))
        return _("Too many failed sign-in attempts. Try again in %(minutes)s minutes, or contact the service "
                 "centre.") % {"minutes": minutes}
    return _("Too many failed sign-in attempts. Contact the service centre to unlock your account.")


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: pages that do not answer a lockout themselves (the admin's sign-in)."""
    return render(request, "accounts/locked_out.html", {"message": lockout_message(request)},
                  status=settings.AXES_HTTP_RESPONSE_CODE)
