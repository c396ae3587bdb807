"""python manage.py import_dossiers FILE.csv|FILE.xlsx [--dry-run] [--lang vi|en]

Checks every row first; if one is bad, lists every bad row with its line and reason and imports
nothing (exit code 1). See docs/import.md for the columns."""
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.reports.legacy_import import import_file

MAX_LISTED = 1000


class Command(BaseCommand):
    help = "Import historical dossiers from a legacy system (.csv or .xlsx); all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check the file, write nothing")
        parser.add_argument("--lang", choices=["vi", "en"], default="vi", help="language of messages")

    def handle(self, *args, **options):
        with translation.override(options["lang"]):
            result = import_file(options["file"], dry_run=options["dry_run"])
            if result.errors:
                for error in result.errors[:MAX_LISTED]:
                    self.stderr.write(str(error))
                if len(result.errors) > MAX_LISTED:
                    self.stderr.write(_("... and %(n)d more errors.") % {"n": len(result.errors) - MAX_LISTED})
                raise CommandError(
                    _("%(errors)d bad rows out of %(rows)d; nothing was imported.")
                    % {"errors": len(result.errors), "rows": result.rows}
                )
            if options["dry_run"]:
                self.stdout.write(_("%(rows)d rows checked, all good; nothing written (dry run).") % {"rows": result.rows})
                return
            rate = result.imported / result.seconds if result.seconds else 0
            self.stdout.write(
                _("%(n)d dossiers imported in %(seconds).1f s (%(rate)d rows/s).")
                % {"n": result.imported, "seconds": result.seconds, "rate": rate}
            )
