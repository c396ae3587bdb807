from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "motcua.core"
    label = "core"
    verbose_name = "motcua"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .simulators import warn_at_start

        warn_at_start()
