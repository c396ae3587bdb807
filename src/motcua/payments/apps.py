from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "motcua.payments"
    label = "payments"
    verbose_name = _("Fees and payments")

    def ready(self):
        # Register the built-in gateways by importing their modules.
        from .gateways import simulator, vnpay  # noqa: F401
        # The receipt tasks are queued by name (receipts.services), so they must be registered.
        from . import tasks  # noqa: F401
        from .receipts import providers  # noqa: F401
