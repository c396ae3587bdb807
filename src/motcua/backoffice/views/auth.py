"""Officer sign-in and sign-out. django-axes (configured in settings) throttles failed sign-ins on
the identity and against password spraying (motcua.accounts.lockout)."""
from django.contrib.auth import views as auth_views
from django.forms.forms import NON_FIELD_ERRORS
from django.urls import reverse_lazy

from motcua.accounts.lockout import lockout_message


class OfficerLoginView(auth_views.LoginView):
    template_name = "backoffice/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return str(reverse_lazy("backoffice:work_queue"))

    def form_invalid(self, form):
        if getattr(self.request, "axes_locked_out", False):
            # Answer on the sign-in page, in its language, instead of axes' generic lockout page.
            self.request.axes_locked_out = False
            form._errors[NON_FIELD_ERRORS] = form.error_class([lockout_message(self.request)])
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_invalid(form)


class OfficerLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("backoffice:login")
