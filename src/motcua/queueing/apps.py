from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueueingConfig(AppConfig):
    name = "motcua.queueing"
    label = "queueing"
    verbose_name = _("Queue tickets")

    def ready(self):
        from . import intake_link  # noqa: F401  (connects the receiver linking intake to the ticket)
