"""Officer sign-in and sign-out. django-axes (configured in settings) throttles failed sign-ins on
the identity and against password spraying (motcua.accounts.lockout). The second factor
(motcua.accounts.two_factor) follows the password: enrolment on first sign-in, then a code."""
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.forms.forms import NON_FIELD_ERRORS
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from motcua.accounts import two_factor
from motcua.accounts.lockout import lockout_message


class OfficerLoginView(auth_views.LoginView):
    template_name = "backoffice/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return str(reverse_lazy("backoffice:home"))

    def form_valid(self, form):
        response = super().form_valid(form)
        user = self.request.user
        if two_factor.enabled() and not two_factor.needs_verification(user) and two_factor.may_skip(user):
            # Optional for this officer: offer enrolment once, with "Skip for now".
            return redirect(f"{reverse('backoffice:two_factor_enrol')}?{urlencode({'next': self.get_success_url()})}")
        return response

    def form_invalid(self, form):
        if getattr(self.request, "axes_locked_out", False):
            # Answer on the sign-in page, in its language, instead of axes' generic lockout page.
            self.request.axes_locked_out = False
            form._errors[NON_FIELD_ERRORS] = form.error_class([lockout_message(self.request)])
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_invalid(form)


class OfficerLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("backoffice:login")


def _next_url(request, default=None) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default or str(reverse_lazy("backoffice:home"))


def _throttled_message(wait: int) -> str:
    return _("Too many wrong codes. Wait %(seconds)s seconds and try again.") % {"seconds": wait}


@never_cache
@login_required(login_url=reverse_lazy("backoffice:login"))
def two_factor_verify(request):
    """After the password: the authenticator's 6-digit code or a backup code."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if not two_factor.has_device(user):
        return redirect(f"{reverse('backoffice:two_factor_enrol')}?{urlencode({'next': next_url})}")
    error, status = "", 200
    if request.method == "POST":
        outcome, wait = two_factor.verify(request, request.POST.get("code", ""))
        if outcome == two_factor.VERIFIED:
            return redirect(next_url)
        if outcome == two_factor.THROTTLED:
            error, status = _throttled_message(wait), 429
        else:
            error, status = _("The code is wrong or has already been used. Enter the current 6-digit code from "
                              "your authenticator app, or one of your backup codes."), 400
    return render(request, "backoffice/two_factor_verify.html", {"error": error, "next": next_url}, status=status)


@never_cache
@login_required(login_url=reverse_lazy("backoffice:login"))
def two_factor_enrol(request):
    """First sign-in (or a new phone): scan the QR code, confirm with the first code, keep the backup
    codes shown once. An officer who already has an authenticator must give its code first."""
    user = request.user
    next_url = _next_url(request)
    if not two_factor.is_officer(user):
        return redirect("/")
    if two_factor.has_device(user) and not user.is_verified():
        return redirect(f"{reverse('backoffice:two_factor_verify')}?{urlencode({'next': next_url})}")
    error, status = "", 200
    if request.method == "POST":
        outcome, codes, wait = two_factor.confirm_enrolment(request, request.POST.get("code", ""))
        if outcome == two_factor.VERIFIED:
            return render(request, "backoffice/two_factor_backup_codes.html", {"codes": codes, "next": next_url})
        if outcome == two_factor.THROTTLED:
            error, status = _throttled_message(wait), 429
        else:
            error, status = _("The code is wrong or has already been used. Enter the current 6-digit code shown "
                              "by your authenticator app after scanning the QR code."), 400
    device = two_factor.start_enrolment(user)
    return render(request, "backoffice/two_factor_enrol.html", {
        "error": error,
        "next": next_url,
        "qr_svg": mark_safe(two_factor.qr_svg(device)),  # segno's own SVG markup: no script
        "secret": two_factor.base32_secret(device),
        "may_skip": two_factor.may_skip(user),
        "has_device": two_factor.has_device(user),
        "may_disable": two_factor.may_disable(user),
    }, status=status)


@never_cache
@login_required(login_url=reverse_lazy("backoffice:login"))
@require_POST
def two_factor_backup_codes(request):
    """New backup codes (the old ones stop working), for a signed-in officer who gave the second factor."""
    if not (request.user.is_verified() and two_factor.has_device(request.user)):
        return redirect("backoffice:two_factor_verify")
    codes = two_factor.regenerate_backup_codes(request)
    return render(request, "backoffice/two_factor_backup_codes.html", {"codes": codes, "next": _next_url(request)})


@never_cache
@login_required(login_url=reverse_lazy("backoffice:login"))
@require_POST
def two_factor_disable(request):
    """Turn two-factor sign-in off: officers for whom it is optional, after giving the code."""
    if not two_factor.disable(request):
        messages.error(request, _("Two-factor sign-in cannot be turned off here: it is required for your role, "
                                  "or you have not given your code in this session."))
        return redirect("backoffice:two_factor_enrol")
    messages.success(request, _("Two-factor sign-in is turned off. You can set it up again from the menu."))
    return redirect("backoffice:home")
