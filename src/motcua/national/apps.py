from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NationalConfig(AppConfig):
    name = "motcua.national"
    label = "national"
    verbose_name = _("National portal synchronisation")

    def ready(self):
        from motcua.dossiers import receipt_sql

        from . import receivers, services, transports  # noqa: F401  connect the outbox, register the transports

        # A receipt on PostgreSQL writes its event in one SQL statement, without save(): the
        # outbox row goes into the same statement.
        if services.outbox_row not in receipt_sql.EVENT_COMPANIONS:
            receipt_sql.EVENT_COMPANIONS.append(services.outbox_row)
