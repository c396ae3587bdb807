"""Load a catalogue file (JSON or Excel) written by export_catalog: all rows or none."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.catalog import import_export


class Command(BaseCommand):
    help = "Import a procedure catalogue from a .json or .xlsx file; nothing is written if any row is bad."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        try:
            counts = import_export.import_file(path.read_bytes(), path.name)
        except import_export.ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(error)
            raise CommandError(f"Import refused: {len(failure.errors)} error(s); nothing was changed.") from None
        summary = ", ".join(f"{name} {count}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Imported: {summary}."))
