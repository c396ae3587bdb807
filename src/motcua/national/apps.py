from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalConfig(AppConfig):
    name = "motcua.national"
    label = "national"
    verbose_name = _("National portal synchronisation")

    def ready(self):
        from . import receivers, transports  # noqa: F401  connect the outbox, register the transports
