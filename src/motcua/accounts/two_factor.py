"""Officers' two-factor sign-in, on django-otp: a TOTP authenticator app plus one-time backup codes.

After the password, an officer who must use a second factor is let through to nothing but the
enrolment page (no device yet) or the code page (a device), the sign-out and the static files:
`OfficerTwoFactorMiddleware` gates every other path, the admin and the session-authenticated API
included. Settings (docs/accounts.md): OFFICER_2FA_ENABLED, OFFICER_2FA_REQUIRED_ROLES (and every
superuser), OFFICER_2FA_OPTIONAL; django-otp's OTP_TOTP_THROTTLE_FACTOR / OTP_STATIC_THROTTLE_FACTOR.

A TOTP code is accepted once (django-otp keeps the last time step used, `last_t`); a backup code
is deleted when used; wrong codes are throttled per device (1, 2, 4, 8 ... seconds).

Enrolment, disabling, new backup codes, a backup code used and every refused or throttled code are
written to the access audit log (`organization.AccessAuditEntry`, kind "user account", the officer
as subject; `audit_event`), besides the `motcua.security` log. Never a code.
"""
import logging
import math
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import CitizenAccount

logger = logging.getLogger("motcua.security")

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup"
# Session keys.
SESSION_NOT_NEEDED = "motcua_2fa_not_needed"  # user pk for whom no second factor is needed

VERIFIED, WRONG, THROTTLED = "verified", "wrong", "throttled"


# Two-factor events: the `object_label` of their access audit entries (docs/accounts.md).
ENROLLED, DISABLED, BACKUP_CODES_REPLACED = ("two_factor_enrolled", "two_factor_disabled",
                                             "two_factor_backup_codes_replaced")
BACKUP_CODE_USED, CODE_REFUSED, CODE_THROTTLED = ("two_factor_backup_code_used", "two_factor_code_refused",
                                                  "two_factor_code_throttled")


def audit_event(user, event: str) -> None:
    """One two-factor event of `user` (who acts on their own second factor) in the access audit log."""
    from motcua.organization import audit
    from motcua.organization.models import AccessAuditEntry

    refused = event in (CODE_REFUSED, CODE_THROTTLED)
    action = AccessAuditEntry.Action.REFUSED if refused else AccessAuditEntry.Action.CHANGED
    audit.record(AccessAuditEntry.Kind.USER_ACCOUNT, action, subject=user, actor=user, object_label=event,
                 after={"two_factor": event})


def enabled() -> bool:
    return bool(getattr(settings, "OFFICER_2FA_ENABLED", False))


def is_officer(user) -> bool:
    return user.is_authenticated and not CitizenAccount.objects.filter(user_id=user.pk).exists()


def is_required(user) -> bool:
    """A second factor is required: superusers, and officers holding one of the listed roles."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if not is_officer(user):
        return False
    from motcua.organization.permissions import roles_of

    return bool(roles_of(user) & set(settings.OFFICER_2FA_REQUIRED_ROLES))


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def needs_verification(user) -> bool:
    """Required, or an officer who enrolled of their own accord (then always asked)."""
    return is_required(user) or (is_officer(user) and has_device(user))


def may_skip(user) -> bool:
    """An officer for whom the second factor is optional and who has none yet."""
    return enabled() and settings.OFFICER_2FA_OPTIONAL and is_officer(user) and not is_required(user) \
        and not has_device(user)


def _clean(token: str) -> str:
    return "".join((token or "").split()).lower()


@transaction.atomic
def start_enrolment(user) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (made once; a reload shows the same secret)."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def _replace_backup_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def _throttled(device, user) -> int:
    """Seconds to wait before this device may check a code again (0: may check now)."""
    allowed, data = device.verify_is_allowed()
    if allowed:
        return 0
    locked_until = (data or {}).get("locked_until")
    wait = math.ceil((locked_until - timezone.now()).total_seconds()) if locked_until else 1
    logger.warning("two-factor code throttled: user=%s", user.pk)
    audit_event(user, CODE_THROTTLED)
    return max(wait, 1)


def confirm_enrolment(request, token: str) -> tuple[str, list[str], int]:
    """Confirm the authenticator being enrolled with its first code: it replaces any earlier one,
    new backup codes replace the old ones, and the session is verified. Returns (VERIFIED, the
    backup codes to show once, 0), or (WRONG | THROTTLED, [], seconds to wait) and nothing changes
    but the throttle count."""
    user = request.user
    if has_device(user) and not user.is_verified():
        # Replacing an authenticator needs the current one first: a password alone never enrols.
        return WRONG, [], 0
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("pk").first()
        if device is None:
            return WRONG, [], 0
        wait = _throttled(device, user)
        if wait:
            return THROTTLED, [], wait
        if not device.verify_token(_clean(token)):
            refused = True
        else:
            refused = False
            TOTPDevice.objects.filter(user_id=user.pk).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _replace_backup_codes(user)
            audit_event(user, ENROLLED)
    if refused:
        logger.warning("two-factor enrolment code refused: user=%s", user.pk)
        audit_event(user, CODE_REFUSED)
        return WRONG, [], 0
    otp_login(request, device)
    request.session.pop(SESSION_NOT_NEEDED, None)
    logger.info("two-factor enrolment confirmed: user=%s", user.pk)
    return VERIFIED, codes, 0


def regenerate_backup_codes(request) -> list[str]:
    """New backup codes for a verified officer (the old ones stop working)."""
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=request.user.pk).first()
        codes = _replace_backup_codes(request.user)
        audit_event(request.user, BACKUP_CODES_REPLACED)
    logger.info("two-factor backup codes replaced: user=%s", request.user.pk)
    return codes


def may_disable(user) -> bool:
    """An officer for whom the second factor is optional, who has one and gave it in this session."""
    return is_officer(user) and not is_required(user) and has_device(user) and user.is_verified()


def disable(request) -> bool:
    """Remove the officer's authenticator and backup codes (only when `may_disable`); from the next
    sign-in no code is asked. Returns whether it was done."""
    user = request.user
    if not may_disable(user):
        return False
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        TOTPDevice.objects.filter(user_id=user.pk).delete()
        StaticDevice.objects.filter(user_id=user.pk).delete()
        audit_event(user, DISABLED)
    request.session[SESSION_NOT_NEEDED] = user.pk
    logger.info("two-factor sign-in disabled: user=%s", user.pk)
    return True


def verify(request, token: str) -> tuple[str, int]:
    """Check a code typed after the password: six digits are the authenticator's, anything else a
    backup code. Returns (VERIFIED | WRONG | THROTTLED, seconds to wait)."""
    user = request.user
    token = _clean(token)
    if re.fullmatch(r"\d{6}", token):
        devices = TOTPDevice.objects.filter(user_id=user.pk, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user_id=user.pk, confirmed=True)
    with transaction.atomic():
        for device in devices.select_for_update().order_by("pk"):
            wait = _throttled(device, user)
            if wait:
                return THROTTLED, wait
            if token and device.verify_token(token):
                verified = device
                break
        else:
            verified = None
    if verified is None:
        logger.warning("two-factor code refused: user=%s", user.pk)
        audit_event(user, CODE_REFUSED)
        return WRONG, 0
    if isinstance(verified, StaticDevice):
        audit_event(user, BACKUP_CODE_USED)
    otp_login(request, verified)
    logger.info("two-factor sign-in: user=%s device=%s", user.pk, verified.persistent_id)
    return VERIFIED, 0


def qr_svg(device: TOTPDevice) -> str:
    """The provisioning URI as an inline SVG (no script, no data: URL)."""
    import segno

    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)


def base32_secret(device: TOTPDevice) -> str:
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _exempt_paths() -> set[str]:
    return {
        reverse("backoffice:two_factor_verify"),
        reverse("backoffice:two_factor_enrol"),
        reverse("backoffice:logout"),
        reverse("backoffice:login"),
        reverse("admin:logout"),
        reverse("accounts:logout"),
    }


class OfficerTwoFactorMiddleware:
    """Until the second factor is given, an officer who needs one reaches only the enrolment or
    code page (and sign-out); everything else redirects there (the API answers 403)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if enabled():
            response = self._gate(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _gate(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        is_verified = getattr(user, "is_verified", None)
        if is_verified is not None and is_verified():
            return None
        session = request.session
        if session.get(SESSION_NOT_NEEDED) == user.pk:
            return None
        path = request.path
        if path.startswith("/" + settings.STATIC_URL.lstrip("/")) or path in _exempt_paths():
            return None
        if not needs_verification(user):
            session[SESSION_NOT_NEEDED] = user.pk
            return None
        if path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Sign in with your second factor (authenticator code) first."),
                 "code": "two_factor_required"},
                status=403,
            )
        target = "backoffice:two_factor_verify" if has_device(user) else "backoffice:two_factor_enrol"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
