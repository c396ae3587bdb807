from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "motcua.payments"
    label = "payments"
    verbose_name = _("Fees and payments")

    def ready(self):
        # Register the built-in gateways by importing their modules.
        from .gateways import simulator, vnpay  # noqa: F401
