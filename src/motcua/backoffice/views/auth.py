"""Officer sign-in and sign-out. django-axes (configured in settings) throttles failed sign-ins."""
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy


class OfficerLoginView(auth_views.LoginView):
    template_name = "backoffice/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return str(reverse_lazy("backoffice:work_queue"))


class OfficerLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("backoffice:login")
