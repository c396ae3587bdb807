from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "motcua.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from . import providers, receivers  # noqa: F401  (register providers)

        receivers.connect()
