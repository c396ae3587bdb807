from django.core.management.base import BaseCommand

from motcua.feedback import services


class Command(BaseCommand):
    help = "Flag open feedback (PAKN) past its 15-working-day resolution deadline."

    def handle(self, *args, **options):
        flagged = services.mark_overdue()
        self.stdout.write(f"{flagged} feedback flagged overdue")
