from django.core.management.base import BaseCommand

from motcua.queueing import services


class Command(BaseCommand):
    help = "Close the queue tickets still open after their service point's closing time (earlier days: all)."

    def handle(self, *args, **options):
        closed = services.close_open_tickets()
        self.stdout.write(f"{closed} queue tickets closed")
