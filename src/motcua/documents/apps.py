from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "motcua.documents"
    label = "documents"
    verbose_name = _("Documents and the personal data store")

    def ready(self):
        from . import receivers  # noqa: F401  (electronic results land in the owner's store)
