"""python manage.py report_snapshots [--year 2025] [--lang vi|en] [--clear]

Computes the province-wide dashboard of each closed standard period of a year (the year, its
halves, quarters and months; default: last year) and the public statistics of its closed months,
quarters and the year (in Vietnamese and English), and stores them as snapshots, so even the first
view of these periods is read back instead of computed (run it nightly or after a legacy import,
which deletes the snapshots it can change). `--clear` deletes every snapshot first.
"""
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.reports import snapshots
from motcua.reports.dashboard import dashboard_data
from motcua.reports.dossier_table import ReportError, check_period_covered
from motcua.reports.models import ReportSnapshot
from motcua.reports.publicstats import store_public_figures


def standard_periods(year: int) -> list[tuple[datetime.date, datetime.date]]:
    """The year, its two halves, four quarters and twelve months, as (first day, last day)."""
    def last_day(month_end: int) -> datetime.date:
        following = datetime.date(year + (month_end == 12), month_end % 12 + 1, 1)
        return following - datetime.timedelta(days=1)

    periods = [(datetime.date(year, 1, 1), datetime.date(year, 12, 31))]
    periods += [(datetime.date(year, m, 1), last_day(m + 5)) for m in (1, 7)]
    periods += [(datetime.date(year, m, 1), last_day(m + 2)) for m in (1, 4, 7, 10)]
    periods += [(datetime.date(year, m, 1), last_day(m)) for m in range(1, 13)]
    return periods


class Command(BaseCommand):
    help = "Store the province-wide dashboard of a year's closed periods (year, halves, quarters, months)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="the year (default: last year)")
        parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="language of the stored pages")
        parser.add_argument("--clear", action="store_true", help="delete every stored snapshot first")

    def handle(self, *args, **options):
        year = options["year"] or timezone.localdate().year - 1
        with translation.override(options["lang"]):
            try:  # a year the working calendar does not cover: its message, nothing stored
                check_period_covered(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
            except ReportError as error:
                raise CommandError(str(error)) from None
            if options["clear"]:
                deleted, _detail = ReportSnapshot.objects.all().delete()
                self.stdout.write(_("%(count)d snapshots deleted.") % {"count": deleted})
            stored = 0
            for date_from, date_to in standard_periods(year):
                if snapshots.is_closed(date_to):
                    dashboard_data(date_from, date_to, "field", agency_ids=None)
                    stored += 1
            public = store_public_figures(year)  # the public statistics (/thong-ke/), both languages
            self.stdout.write(_("%(count)d closed periods of %(year)d stored.") % {"count": stored, "year": year})
            self.stdout.write(_("%(count)d public statistics pages stored.") % {"count": public})
