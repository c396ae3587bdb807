from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "motcua.feedback"
    label = "feedback"
    verbose_name = _("Ratings and feedback")

    def ready(self):
        from motcua.dossiers import hooks

        from . import proofs

        # The public tracking API throttles wrong applicant proofs through this.
        hooks.provide(prove_applicant=proofs.attempt)
