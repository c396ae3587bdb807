"""Pages of the citizen account: sign up, sign in (password or VNeID), sign out, profile, forgotten
password."""
import functools
import logging

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.forms.forms import NON_FIELD_ERRORS
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from motcua.integrations.population import LookupRefused, RegisterUnavailable, prefill

from . import oidc, services
from .lockout import lockout_message
from .forms import (
    IDENTIFIER_TAKEN,
    ContactCodeForm,
    CounterVerificationForm,
    LoginForm,
    PasswordResetConfirmForm,
    PasswordResetRequestForm,
    ProfileForm,
    SignUpForm,
)
from .models import CitizenAccount
from .validators import validate_citizen_id

logger = logging.getLogger(__name__)
BACKEND = "motcua.accounts.backends.PhoneOrEmailBackend"
SESSION_OIDC = "accounts_oidc_flow"
SESSION_PREFILL = "accounts_register_prefill"
SESSION_RESET_IDENTIFIER = "accounts_reset_identifier"

OIDC_MESSAGES = {
    "wrong_state": gettext_lazy("The sign-in link is invalid or was already used. Start again."),
    "expired": gettext_lazy("The identity provider's answer has expired. Start again."),
    "no_citizen_id": gettext_lazy("The identity provider did not give a citizen ID."),
    "provider_unreachable": gettext_lazy("The identity provider cannot be reached now. Try again later."),
    "denied": gettext_lazy("Sign-in through VNeID was cancelled."),
    "linked_elsewhere": gettext_lazy("This citizen ID is already linked to another VNeID identity. Contact the service centre."),
    "citizen_id_changed": gettext_lazy("The identity provider gave a different citizen ID for this account. Contact the service centre."),
    "inactive": gettext_lazy("This account is disabled."),
    "verified_elsewhere": gettext_lazy(
        "An account verified for this citizen ID already exists. Sign in to it with its password, then "
        "link VNeID from the account page; or contact the service centre."),
    "not_person": gettext_lazy("Only a personal account can be linked to VNeID."),
}

RESET_REFUSALS = {
    "wrong": gettext_lazy("The code is wrong. Check the code in the latest message, or ask for a new code."),
    "void": gettext_lazy("Too many wrong codes: this code no longer works. Ask for a new code."),
    "expired": gettext_lazy("This code has expired (a code is valid for %(minutes)s minutes). Ask for a new code."),
    "used": gettext_lazy("This code was already used. Ask for a new code if you need to."),
}
RESET_THROTTLED = {
    "identifier": gettext_lazy("Too many codes were asked for this phone number or e-mail address. "
                               "Try again in an hour, or contact the service centre."),
    "address": gettext_lazy("Too many password reset requests from this network. Try again in an hour, "
                            "or contact the service centre."),
}


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def citizen_required(view):
    """Signed in with a citizen or business account; officers and visitors go to the sign-in page."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        account = None
        if request.user.is_authenticated:
            account = CitizenAccount.objects.filter(user=request.user).first()
        if account is None:
            if request.user.is_authenticated:
                messages.info(request, _("Sign in with a citizen or business account."))
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        request.account = account
        return view(request, *args, **kwargs)

    return wrapper


IDENTIFIER_REFUSALS_THROTTLED = gettext_lazy(
    "Too many sign-ups or profile changes with data already in use came from this network. Try again in an "
    "hour, or contact the service centre.")
PASSWORD_FIELDS = {"password1", "password2"}


def _throttled_form(form_class, request, **kwargs):
    """An unbound form keeping what was typed (not the passwords), with the throttle's message only:
    nothing is validated, so a refused request tells nothing about the data."""
    initial = {key: value for key, value in request.POST.items() if key not in PASSWORD_FIELDS}
    form = form_class(initial=initial, **kwargs)
    form.full_clean()
    form._errors[NON_FIELD_ERRORS] = form.error_class([IDENTIFIER_REFUSALS_THROTTLED])
    return form


def _refuse_identifier_taken(request, form) -> None:
    """The form carries the neutral "cannot be used" message: count it for the client address."""
    if form.has_error(NON_FIELD_ERRORS, "identifier_taken"):
        services.record_identifier_refusal(client_ip(request))
        # The holder hears of it (at most once a day); the page says nothing more.
        for holder, field in getattr(form, "taken_by", None) or []:
            services.notify_in_use(holder, field)


@require_http_methods(["GET", "POST"])
def sign_up(request):
    if request.method == "POST" and services.identifier_refusals_exceeded(client_ip(request)):
        return render(request, "accounts/signup.html", {"form": _throttled_form(SignUpForm, request)}, status=429)
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.sign_up(form.cleaned_data, form.cleaned_data["password1"], client_ip(request))
        except IntegrityError:
            # Two sign-ups with the same phone/e-mail/citizen ID at the same moment: the database decided.
            form.add_error(None, ValidationError(IDENTIFIER_TAKEN, code="identifier_taken"))
        else:
            login(request, account.user, backend=BACKEND)
            messages.success(request, _("Your account is ready."))
            _tell_codes_sent(request, account, services.CONTACT_FIELDS)
            return redirect("accounts:profile")
    if request.method == "POST":
        _refuse_identifier_taken(request, form)
    return render(request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def sign_in(request):
    next_url = _safe_next(request, reverse("accounts:profile"))
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, username=form.cleaned_data["username"], password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            # Answer ourselves, in the page's language, instead of axes' generic lockout page.
            request.axes_locked_out = False
            form.add_error(None, lockout_message(request))
            status = 429
        elif user is None:
            form.add_error(None, _("Wrong phone/e-mail or password."))
            status = 400
        elif not CitizenAccount.objects.filter(user=user).exists():
            form.add_error(None, _("This is an officer account: sign in at the officers' page."))
            status = 400
        else:
            login(request, user)
            return redirect(next_url)
    context = {"form": form, "next": next_url, "oidc_enabled": oidc.is_configured()}
    return render(request, "accounts/login.html", context, status=status)


def _reset_minutes() -> int:
    return int(services.RESET_CODE_VALIDITY.total_seconds() // 60)


@require_http_methods(["GET", "POST"])
def password_reset(request):
    """Ask for a one-time code. The answer is the same whether or not the phone/e-mail has an
    account, so that this page does not tell who has one."""
    form = PasswordResetRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            identifier = form.cleaned_data["identifier"]
            try:
                services.request_password_reset(identifier, client_ip(request))
            except services.ResetThrottled as error:
                form.add_error(None, RESET_THROTTLED[error.scope])
                status = 429
            else:
                request.session[SESSION_RESET_IDENTIFIER] = identifier
                messages.info(request, _("If an account uses this phone number or e-mail address, a code has been "
                                         "sent to it. The code is valid for %(minutes)s minutes.")
                              % {"minutes": _reset_minutes()})
                return redirect("accounts:password_reset_confirm")
    return render(request, "accounts/password_reset.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def password_reset_confirm(request):
    """Set a new password with the code; then the person is signed in."""
    form = PasswordResetConfirmForm(request.POST or None,
                                    initial={"identifier": request.session.get(SESSION_RESET_IDENTIFIER, "")})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                account = services.reset_password(data["identifier"], data["code"], data["new_password1"],
                                                  client_ip(request))
            except services.ResetRefused as error:
                form.add_error("code", str(RESET_REFUSALS[error.code]) % {"minutes": _reset_minutes()})
            except ValidationError as error:
                form.add_error("new_password1", error)
            else:
                request.session.pop(SESSION_RESET_IDENTIFIER, None)
                login(request, account.user, backend=BACKEND)
                messages.success(request, _("Your password is changed. You are signed in; other devices signed in "
                                            "to this account are signed out."))
                return redirect("accounts:profile")
    return render(request, "accounts/password_reset_confirm.html", {"form": form, "minutes": _reset_minutes()},
                  status=status)


CONTACT_CODE_SENT = {
    "phone": gettext_lazy("A 6-digit code was sent to your phone to verify it. Enter it on the page "
                          "\"Verify phone and e-mail\"."),
    "email": gettext_lazy("A 6-digit code was sent to your e-mail address to verify it. Enter it on the page "
                          "\"Verify phone and e-mail\"."),
}
CONTACT_VERIFIED = {
    "phone": gettext_lazy("Your phone number is verified."),
    "email": gettext_lazy("Your e-mail address is verified."),
}
CONTACT_THROTTLED = gettext_lazy("Too many codes were sent to this phone number or e-mail address. Try again in an "
                                 "hour, or contact the service centre.")


def _tell_codes_sent(request, account, fields) -> None:
    for field in fields:
        if getattr(account, field):
            messages.info(request, CONTACT_CODE_SENT[field])


@require_http_methods(["GET", "POST"])
@citizen_required
def verify_contact(request):
    """Enter the code sent to the account's phone or e-mail, or have a new one sent."""
    account = request.account
    status, forms_by_field = 200, {}
    if request.method == "POST":
        field = request.POST.get("field")
        if field not in services.CONTACT_FIELDS:
            messages.error(request, _("Choose the phone or the e-mail to verify."))
            status = 400
        elif "resend" in request.POST:
            try:
                sent = services.send_contact_code(account, field, client_ip(request))
            except services.ResetThrottled:
                messages.error(request, CONTACT_THROTTLED)
                status = 429
            else:
                if sent:
                    _tell_codes_sent(request, account, [field])
                return redirect("accounts:verify_contact")
        else:
            form = ContactCodeForm(request.POST, auto_id=f"id_{field}_%s")
            forms_by_field[field] = form
            status = 400
            if form.is_valid():
                try:
                    services.verify_contact(account, field, form.cleaned_data["code"], client_ip(request))
                except services.ResetRefused as error:
                    form.add_error("code", str(RESET_REFUSALS[error.code]) % {"minutes": _reset_minutes()})
                else:
                    messages.success(request, CONTACT_VERIFIED[field])
                    return redirect("accounts:profile")
    account.refresh_from_db()
    channels = [
        {"field": field, "value": getattr(account, field), "verified": account.is_verified_contact(field),
         "form": forms_by_field.get(field) or ContactCodeForm(initial={"field": field}, auto_id=f"id_{field}_%s")}
        for field in services.CONTACT_FIELDS if getattr(account, field)
    ]
    return render(request, "accounts/verify_contact.html",
                  {"account": account, "channels": channels, "minutes": _reset_minutes()}, status=status)


@require_POST
def sign_out(request):
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
@citizen_required
def profile(request):
    account = request.account
    if request.method == "POST" and "prefill" in request.POST:
        return _prefill_from_register(request, account)
    if request.method == "POST" and services.identifier_refusals_exceeded(client_ip(request)):
        form = _throttled_form(ProfileForm, request, account=account)
        return render(request, "accounts/profile.html", {"form": form, "account": account, "oidc_enabled": oidc.is_configured()}, status=429)
    form = ProfileForm(request.POST or None, account=account)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_profile(account, form.cleaned_data, _register_match(request, form.cleaned_data),
                                              client_ip(request))
        except IntegrityError:
            form.add_error(None, ValidationError(IDENTIFIER_TAKEN, code="identifier_taken"))
        else:
            request.session.pop(SESSION_PREFILL, None)
            messages.success(request, _("Your profile is saved.") if changed else _("Nothing changed."))
            _tell_codes_sent(request, account, [field for field in services.CONTACT_FIELDS if field in changed])
            return redirect("accounts:profile")
    if request.method == "POST":
        _refuse_identifier_taken(request, form)
    return render(request, "accounts/profile.html", {"form": form, "account": account, "oidc_enabled": oidc.is_configured()},
                  status=400 if form.errors else 200)


def _prefill_from_register(request, account):
    """Fill the form (not yet saved) with what the population register knows for the citizen ID typed."""
    data = request.POST.dict()
    number = (data.get("citizen_id") or account.citizen_id or "").strip()
    if account.identity_locked:
        number = account.citizen_id
    try:
        validate_citizen_id(number)
        found = prefill(number, user=request.user, page=request.path)  # own ID only, throttled, audited
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        found = None
    except LookupRefused as refusal:
        messages.error(request, refusal.message)
        found = None
    except RegisterUnavailable:
        logger.warning("Population register unavailable for a profile prefill")
        messages.error(request, _("The population register cannot be reached now. Try again later, or type "
                                  "the data in."))
        found = None
    if found == {}:
        messages.warning(request, _("The population register has no person with this citizen ID."))
    if found:
        if not account.identity_locked:
            data["full_name"] = found["full_name"]
            data["birth_date"] = found["birth_date"].isoformat()
            data["citizen_id"] = found["citizen_id"]
        data["address"] = found["address"]
        request.session[SESSION_PREFILL] = {"citizen_id": found["citizen_id"], "full_name": found["full_name"],
                                            "birth_date": found["birth_date"].isoformat()}
        messages.info(request, _("Filled in from the population register. Check the data and save."))
    # Unbound, so that nothing is reported as an error before the person presses "Save".
    initial = {name: data.get(name, "") for name in ProfileForm.Meta.fields if name in data}
    form = ProfileForm(initial=initial, account=account)
    return render(request, "accounts/profile.html", {"form": form, "account": account, "oidc_enabled": oidc.is_configured(), "prefilled": bool(found)})


def _register_match(request, cleaned) -> bool:
    """The saved identity is exactly what the register gave for this citizen ID in this session."""
    record = request.session.get(SESSION_PREFILL)
    birth_date = cleaned.get("birth_date")
    return bool(
        record
        and cleaned.get("citizen_id") == record["citizen_id"]
        and cleaned.get("full_name") == record["full_name"]
        and birth_date is not None and birth_date.isoformat() == record["birth_date"]
    )


def _oidc_redirect_uri(request) -> str:
    return request.build_absolute_uri(reverse("accounts:oidc_callback"))


def oidc_start(request):
    if not oidc.is_configured():
        raise Http404
    try:
        config = oidc.load_config()
    except oidc.OIDCError as error:
        logger.warning("OIDC configuration unusable: %s", error)
        return _oidc_failed(request, error.code)
    flow = oidc.new_flow()
    flow["next"] = _safe_next(request, reverse("accounts:profile"))
    if request.method == "POST" and request.POST.get("link"):
        # Linking: the holder proved the account with its password in this session; the identity
        # VNeID returns is linked to this account only (services.link_oidc).
        account = getattr(request.user, "citizen_account", None) if request.user.is_authenticated else None
        if account is None:
            return redirect("accounts:login")
        flow["link_account"] = account.pk
    request.session[SESSION_OIDC] = flow
    return redirect(oidc.authorization_url(config, flow, _oidc_redirect_uri(request)))


def oidc_callback(request):
    if not oidc.is_configured():
        raise Http404
    # One use only: the flow's secrets leave the session whatever happens next.
    flow = request.session.pop(SESSION_OIDC, None)
    if request.GET.get("error"):
        return _oidc_failed(request, "denied" if request.GET["error"] == "access_denied" else "provider_error")
    try:
        config = oidc.load_config()
        identity = oidc.complete(config, flow, request.GET.get("state", ""), request.GET.get("code", ""),
                                 _oidc_redirect_uri(request))
        validate_citizen_id(identity.citizen_id)
        linking = (flow or {}).get("link_account")
        if linking:
            account = getattr(request.user, "citizen_account", None) if request.user.is_authenticated else None
            if account is None or account.pk != linking:
                raise oidc.OIDCError("wrong_state")
            account = services.link_oidc(account, identity.issuer, identity.subject, identity.citizen_id,
                                         identity.full_name, identity.birth_date, client_ip(request))
            messages.success(request, _("Your account is linked to VNeID: your identity is verified."))
            return redirect(flow.get("next") or "accounts:profile")
        account, created = services.sign_in_with_oidc(
            identity.issuer, identity.subject, identity.citizen_id, identity.full_name, identity.birth_date,
            client_ip(request),
        )
    except oidc.OIDCError as error:
        logger.warning("OIDC sign-in refused: %s", error)
        return _oidc_failed(request, error.code)
    except ValidationError:
        logger.warning("OIDC sign-in refused: malformed citizen ID claim")
        return _oidc_failed(request, "no_citizen_id")
    except services.OIDCLinkError as error:
        return _oidc_failed(request, error.code)
    login(request, account.user, backend=BACKEND)
    messages.success(request, _("Signed in through VNeID."))
    return redirect(flow.get("next") or "accounts:profile")


def _oidc_failed(request, code: str):
    message = OIDC_MESSAGES.get(code, _("Sign-in through VNeID failed. Start again or sign in with a password."))
    return render(request, "accounts/oidc_error.html", {"message": message, "code": code}, status=400)


VERIFICATION_REFUSALS = {
    "verified_elsewhere": gettext_lazy("Another account is already verified with this citizen ID. Nothing was "
                                       "changed; ask the citizen which account is theirs, or contact the administrator."),
    "citizen_id_changed": gettext_lazy("This account is already verified with another citizen ID. Nothing was changed."),
    "not_person": gettext_lazy("This is a business account: only a personal account is verified with an ID card."),
    "inactive": gettext_lazy("This account is disabled."),
}


def counter_verify(request):
    """Officer page (under /mot-cua/): verify a citizen's identity after seeing the ID card. Counter
    officers only (`dossier.receive` at some agency); each verification is an account event naming
    the officer."""
    from motcua.organization.access import is_active_staff

    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path(), reverse("backoffice:login"))
    if not is_active_staff(request.user) or not services.may_verify_at_counter(request.user):
        raise Http404
    form = CounterVerificationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                account = services.verify_at_counter(request.user, form.account, form.cleaned_data["citizen_id"],
                                                     client_ip(request))
            except services.IdentityError as error:
                form.add_error(None, VERIFICATION_REFUSALS.get(error.code, _("The identity could not be verified.")))
            else:
                messages.success(request, _("The identity of %(name)s is verified (citizen ID %(id)s).")
                                 % {"name": account.full_name, "id": account.citizen_id})
                return redirect("backoffice:verify_identity")
        status = 400
    return render(request, "accounts/counter_verify.html", {"form": form}, status=status)
