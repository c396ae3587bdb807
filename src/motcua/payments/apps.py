from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "motcua.payments"
    label = "payments"
    verbose_name = _("Fees and payments")

    def ready(self):
        from motcua.dossiers import hooks

        from . import fees, services

        # The intake quotes fees and the dossier API takes counter payments through these.
        hooks.provide(fee_quote=fees.compute_fee, record_counter_payment=services.record_counter_payment)

        # Register the built-in gateways by importing their modules.
        from .gateways import simulator, vnpay  # noqa: F401
        # The receipt tasks are queued by name (receipts.services), so they must be registered.
        from . import tasks  # noqa: F401
        from .receipts import providers  # noqa: F401
