from django.core.management.base import BaseCommand, CommandError

from motcua.payments.tasks import reconcile_pending


class Command(BaseCommand):
    help = ("Ask the payment gateway about online orders still pending (their notification never came) "
            "and settle them like the notification would have.")

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=15, metavar="MINUTES",
                            help="only orders made at least this many minutes ago (default 15)")

    def handle(self, *args, **options):
        if options["older_than"] < 0:
            raise CommandError("--older-than must be 0 or more minutes")
        counts = reconcile_pending(older_than_minutes=options["older_than"])
        self.stdout.write(
            "paid: {paid}, closed: {closed}, left pending: {pending}, already settled: {unchanged}, "
            "gateway without status query: {unsupported}".format(**counts)
        )
