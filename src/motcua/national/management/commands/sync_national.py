"""`manage.py sync_national [--code X] [--since T]`: send what is due now; with --code or --since,
queue those events again first (resend)."""
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from motcua.national import services


def _moment(value: str):
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"--since: {value!r} is not a date (YYYY-MM-DD) or a moment (YYYY-MM-DDTHH:MM).")
        moment = timezone.datetime.combine(day, timezone.datetime.min.time())
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = "Send dossier events to the national portal; --code/--since resend them."

    def add_arguments(self, parser):
        parser.add_argument("--code", help="one dossier's code")
        parser.add_argument("--since", help="events at or after this date or moment (local time)")

    def handle(self, *args, code=None, since=None, **options):
        if code or since:
            result = services.resend(code=code, since=_moment(since) if since else None)
            self.stdout.write(f"queued again: {result['requeued']}, queued for the first time: {result['queued']}")
        totals = services.sync_due(codes=[code] if code else None)
        self.stdout.write(
            f"dossiers: {totals['dossiers']}, records: {totals['records']}, progress rows: {totals['rows']} "
            f"in {totals['batches']} batches, failed dossiers: {totals['failed']}")
