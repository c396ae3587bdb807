"""Seed the calendar with Vietnam's public holidays and known announced days off (idempotent).

    manage.py seed_calendar --from-year 2015 --to-year 2035

A date already in the calendar is left as it is, so administrators' corrections survive a re-run.
Each year seeded is recorded as covered (`CalendarYear`): the calendar answers for those years only.
"""
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from motcua.calendar import services
from motcua.calendar.holiday_data import vietnam_days
from motcua.calendar.models import CalendarDay, CalendarYear

FIRST_YEAR, LAST_YEAR = 2015, 2035


class Command(BaseCommand):
    help = "Seed public holidays (holidays package, VN) and announced days off into the calendar."

    def add_arguments(self, parser):
        parser.add_argument("--from-year", type=int, default=FIRST_YEAR)
        parser.add_argument("--to-year", type=int, default=LAST_YEAR)

    def handle(self, *args, from_year, to_year, **options):
        if not 1900 < from_year <= to_year < 2200:
            raise CommandError("Give years with --from-year <= --to-year (e.g. 2015 and 2035).")
        seed = vietnam_days(from_year, to_year)
        with transaction.atomic():
            existing = set(
                CalendarDay.objects.filter(date__range=(seed[0].date, seed[-1].date)).values_list("date", flat=True)
            ) if seed else set()
            new = [
                CalendarDay(date=day.date, kind=day.kind, name=day.name, note=day.note, seeded=True)
                for day in seed
                if day.date not in existing
            ]
            CalendarDay.objects.bulk_create(new, ignore_conflicts=True)  # a concurrent seed wins
            CalendarYear.objects.bulk_create(
                [CalendarYear(year=year, seeded=True) for year in range(from_year, to_year + 1)],
                ignore_conflicts=True,  # a year already covered keeps its record
            )
            # bulk_create sends no signals: tell the cache explicitly.
            services.tables_changed()
        self.stdout.write(
            f"Calendar {from_year}-{to_year}: {len(new)} days added, {len(seed) - len(new)} already present; "
            f"{to_year - from_year + 1} years covered."
        )
