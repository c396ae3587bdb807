"""Take the e-receipt provider simulator down, make it time out, or bring it up (demo, tests)."""
from django.core.management.base import BaseCommand

from motcua.payments.receipts.simulator import mode, set_mode


class Command(BaseCommand):
    help = "Set the e-receipt provider simulator: up, down (HTTP 503) or timeout."

    def add_arguments(self, parser):
        parser.add_argument("mode", nargs="?", choices=["up", "down", "timeout"])

    def handle(self, *args, **options):
        if options["mode"]:
            set_mode(options["mode"])
        self.stdout.write(f"receipt simulator: {mode()}")
