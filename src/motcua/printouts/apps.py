from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrintoutsConfig(AppConfig):
    name = "motcua.printouts"
    label = "printouts"
    verbose_name = _("Printouts")

    def ready(self):
        # Registering the form versions is importing their module.
        from . import forms  # noqa: F401
