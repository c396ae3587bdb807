from django.core.management.base import BaseCommand

from motcua.dossiers.tasks import sweep_overdue


class Command(BaseCommand):
    help = "Mark dossiers and steps whose due moment has passed (appends 'overdue' events)."

    def handle(self, *args, **options):
        counts = sweep_overdue()
        self.stdout.write(f"overdue dossiers: {counts['dossiers']}, overdue steps: {counts['steps']}")
