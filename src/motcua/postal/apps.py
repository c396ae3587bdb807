from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostalConfig(AppConfig):
    name = "motcua.postal"
    verbose_name = _("Postal service")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import partners, receivers, services, tasks  # noqa: F401 - register, connect

        services.enqueue_send = tasks.send_order_task.delay
