from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueueingConfig(AppConfig):
    name = "motcua.queueing"
    label = "queueing"
    verbose_name = _("Queue tickets")

    def ready(self):
        from motcua.dossiers import receipt_sql

        from . import intake_link  # connects the receiver linking intake to the ticket

        receipt_sql.RECEIPT_QUESTIONS[intake_link.QUESTION] = intake_link.receipt_question
