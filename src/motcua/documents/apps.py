from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "motcua.documents"
    label = "documents"
    verbose_name = _("Documents and the personal data store")

    def ready(self):
        from motcua.dossiers import hooks

        from . import receivers  # noqa: F401  (electronic results land in the owner's store)
        from . import uploads

        # The dossier engine checks and stores files through these (motcua.dossiers.hooks).
        hooks.provide(check_file=uploads.ensure_checked, fit_stored_name=uploads.fit_stored_name,
                      discard_file=uploads.discard_if_unreferenced)
