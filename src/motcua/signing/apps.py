from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "motcua.signing"
    label = "signing"
    verbose_name = _("Digital signatures")

    def ready(self):
        from . import backends, receivers  # noqa: F401  (registers the backends and the resolve check)
