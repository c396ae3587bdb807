from django.core.management.base import BaseCommand

from motcua.notifications.tasks import notify_missed_events


class Command(BaseCommand):
    help = ("Send the notifications of recent dossier events that never reached the worker "
            "(a web process killed with events in its batch).")

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=5, help="minutes (default 5)")
        parser.add_argument("--window", type=int, default=60, help="minutes looked back before that (default 60)")

    def handle(self, *args, **options):
        handled = notify_missed_events(options["older_than"], options["window"])
        self.stdout.write(f"events handled: {handled}")
