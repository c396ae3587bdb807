from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "motcua.accounts"
    label = "accounts"
    verbose_name = _("Citizen and business accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import on_user_logged_in

        user_logged_in.connect(on_user_logged_in, dispatch_uid="motcua.accounts.officer_session")
