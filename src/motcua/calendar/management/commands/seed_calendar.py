"""Seed the calendar with Vietnam's public holidays and known announced days off (idempotent).

    manage.py seed_calendar --from-year 2020 --to-year 2030

A date already in the calendar is left as it is, so administrators' corrections survive a re-run.
"""
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from motcua.calendar import services
from motcua.calendar.holiday_data import vietnam_days
from motcua.calendar.models import CalendarDay


class Command(BaseCommand):
    help = "Seed public holidays (holidays package, VN) and announced days off into the calendar."

    def add_arguments(self, parser):
        parser.add_argument("--from-year", type=int, default=2020)
        parser.add_argument("--to-year", type=int, default=2030)

    def handle(self, *args, from_year, to_year, **options):
        if not 1900 < from_year <= to_year < 2200:
            raise CommandError("Give years with --from-year <= --to-year (e.g. 2020 and 2030).")
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
            # bulk_create sends no signals: tell the cache explicitly.
            services.tables_changed()
        self.stdout.write(
            f"Calendar {from_year}-{to_year}: {len(new)} days added, {len(seed) - len(new)} already present."
        )
