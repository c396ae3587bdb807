"""Load the demo province (idempotent): `manage.py load_demo [--demo]`."""
import logging
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.demo import loader as demo_data


class Command(BaseCommand):
    help = "Load the fictional demo province: organisation, catalogue, calendar; demo accounts under DEBUG or --demo."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo",
            action="store_true",
            dest="with_accounts",
            help="Create the demo accounts (shared demo password) even when DEBUG is off.",
        )

    def handle(self, *args, with_accounts: bool = False, **options):
        with translation.override(settings.LANGUAGE_CODE):
            with_accounts = with_accounts or settings.DEBUG
            # The demo dossiers' notices go to var/outbox.log; one log line each would bury the logins.
            notices = logging.getLogger("motcua.notifications")
            level = notices.level
            notices.setLevel(logging.WARNING)
            try:
                report = demo_data.load_demo(with_accounts=with_accounts, stdout=self.stdout)
            finally:
                notices.setLevel(level)
            if report.created:
                created = ", ".join(f"{label}: {count}" for label, count in sorted(report.created.items()))
                self.stdout.write(_("Demo province loaded; created %(rows)s.") % {"rows": created})
            else:
                self.stdout.write(_("Demo province already loaded; nothing changed."))
            if not with_accounts:
                self.stdout.write(_("Demo accounts were not created (DEBUG is off); add --demo to create them."))
