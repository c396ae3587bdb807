"""Issue (or cancel) the electronic receipts the provider could not take before (cron: */5)."""
from django.core.management.base import BaseCommand

from motcua.payments.receipts.services import retry_due


class Command(BaseCommand):
    help = "Ask the e-receipt provider again for every receipt still to issue or to cancel."

    def handle(self, *args, **options):
        counts = retry_due()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing to do")
