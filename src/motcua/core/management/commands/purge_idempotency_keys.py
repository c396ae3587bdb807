"""Delete stored Idempotency-Key answers older than IDEMPOTENCY_TTL_HOURS (24 h); run daily."""
from django.core.management.base import BaseCommand

from motcua.core.idempotency import purge_expired


class Command(BaseCommand):
    help = "Delete expired idempotency records (stored answers of retried creating requests)."

    def handle(self, *args, **options):
        self.stdout.write(f"{purge_expired()} expired idempotency records deleted")
