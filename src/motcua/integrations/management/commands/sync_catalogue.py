"""`manage.py sync_catalogue [--code 1.001612 ...]`: fetch the province's procedures from the
national procedure database into drafts waiting for an administrator's review (never published)."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.catalog import national_sync
from motcua.integrations.procedures.views import run_sync


class Command(BaseCommand):
    help = "Fetch procedures from the national procedure database into drafts for review (never published)."

    def add_arguments(self, parser):
        parser.add_argument("--code", action="append", dest="codes", help="only this national code (repeatable)")

    def handle(self, *args, codes=None, **options):
        run = run_sync(codes=codes)
        found = national_sync.counts(run)
        self.stdout.write(_(
            "Listed %(listed)s: %(new)s new, %(changed)s changed, %(waiting)s already waiting, %(unchanged)s "
            "unchanged, %(skipped)s skipped, %(failed)s failed; %(warnings)s with warnings to review.")
            % {"listed": run.listed, **found})
        for item in run.items.exclude(warnings=[]):
            for warning in item.warnings:
                self.stdout.write(f"  {item.national_code}: {national_sync.warning_text(warning)}")
        if run.error:
            raise CommandError(_("The national procedure database could not be read: %(error)s") % {"error": run.error})
